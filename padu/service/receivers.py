"""What the one-stop service does when the apps below it report something."""

import polars as pl

from padu.sources.models import SourceRecord, ValueRows

from .services import NationalResult, close_by_visit, record_national_results

#: The fields of SIKS-NG's results that answer residents' requests.
_RESULT_FIELDS = ["proposal_kind", "proposal_result", "proposal_reason", "desil"]


def close_answered_requests(sender, *, visit, actor, **kwargs) -> int:
    """A decided visit answers the resident's request that sent it to the field."""
    return close_by_visit(visit, actor=actor)


def answer_with_national_results(sender, *, batch, **kwargs) -> int:
    """An import of SIKS-NG's results of usulan and sanggahan answers the residents'
    requests about its NIKs (other imports hold no result and are left alone)."""
    if "proposal_result" not in (batch.value_names or []):
        return 0
    numbers = dict(
        SourceRecord.objects.filter(batch=batch).exclude(nik="").values_list("row_number", "nik")
    )
    values = ValueRows.rows(batch, None, [n for n in _RESULT_FIELDS if n in batch.value_names])
    values = values.filter(pl.col("proposal_result").is_not_null())
    results = [
        NationalResult(
            nik=numbers[row["_row"]],
            kind=row.get("proposal_kind") or "",
            result=row["proposal_result"],
            reason=row.get("proposal_reason") or "",
            desil=row.get("desil"),
        )
        for row in values.iter_rows(named=True)
        if row["_row"] in numbers
    ]
    return record_national_results(results, actor=batch.imported_by, batch=batch)
