from django.conf import settings
from django.db import models


class TextJSONField(models.JSONField):
    """A JSON value kept as text on PostgreSQL too, where JSONField means jsonb.

    For values written a million rows at a time and never queried inside: PostgreSQL then
    stores the text as it comes instead of parsing every value into jsonb, a fifth of an
    import's COPY. Reading, writing and the Python value are JSONField's.

    No model uses it since SourceRecord's values moved to Parquet blocks (sources.ValueRows);
    the migrations that made and removed that column still name it.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "text"
        return super().db_type(connection)


def actor_field(verbose_name) -> models.ForeignKey:
    """Who did something (started, imported, decided, recorded …): the row outlives the
    account, which may be deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
