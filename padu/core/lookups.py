"""``field__begins="abc"``: the values that start with "abc", written in the form each
database's index can serve. Django's ``startswith`` is a LIKE, which SQLite answers from
an index only when LIKE is case-sensitive (it is not, by default): a range serves it
there; PostgreSQL's LIKE uses a ``varchar_pattern_ops`` index."""

from django.db import models


@models.CharField.register_lookup
class Begins(models.Lookup):
    lookup_name = "begins"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        escaped = str(self.rhs).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return f"{lhs} LIKE %s ESCAPE '\\'", [*lhs_params, f"{escaped}%"]

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        prefix = str(self.rhs)
        if not prefix:
            return "1 = 1", []
        # Every value starting with the prefix sorts in [prefix, prefix with its last
        # character one higher).
        after = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return f"({lhs} >= %s AND {lhs} < %s)", [*lhs_params, prefix, *lhs_params, after]
