from django.db import models


class RegionCodeField(models.CharField):
    """A dotted Kemendagri code; supports ``__within`` for "this region and its subtree"."""


@RegionCodeField.register_lookup
class Within(models.Lookup):
    """``code__within="33.74"``: the region itself and every region below it.

    Segments are fixed width, so a plain prefix cannot match a sibling ("33.74" never
    prefixes "33.745"). Each database gets the form its index can serve: a range on SQLite
    (whose LIKE ignores indexes while case-insensitive), LIKE on PostgreSQL (served by the
    varchar_pattern_ops index).
    """

    lookup_name = "within"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        code = str(self.rhs)
        return f"{lhs} LIKE %s", [*lhs_params, f"{code}%"]

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        code = str(self.rhs)
        # "/" sorts right after ".", so [code, code + "/") holds code and all "code.…".
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, code, *lhs_params, f"{code}/"]
