"""The same linkage model on Splink's Spark backend, in local mode (padu[spark], Java 17)."""

import os

import polars as pl
import pytest

from padu.core.choices import RunStatus
from padu.matching.choices import RunMode
from padu.matching.evaluation import pairwise_accuracy, with_truth
from padu.matching.models import RecordLink
from padu.matching.services import run_matching
from padu.sources.models import SourceRecord
from padu.sources.services import find_dataset, import_file
from padu.synth.services import generate_region

try:
    import pyspark  # noqa: F401
except ImportError:
    if os.environ.get("CI") == "true":
        raise  # CI installs padu[spark]; a missing Spark must not pass as a skip there
    pytest.skip('Spark is not installed (pip install -e ".[spark]")', allow_module_level=True)

pytestmark = [pytest.mark.django_db, pytest.mark.spark, pytest.mark.slow]


@pytest.fixture
def spark():
    from padu.matching.spark import spark_api

    api = spark_api("local[2]")
    yield api
    api.spark.stop()


def test_spark_finds_the_same_people_as_duckdb(tmp_path, settings, spark):
    settings.MEDIA_ROOT = tmp_path / "media"
    city = generate_region(region="33.74", people=1_500, seed=3, out_dir=tmp_path / "city")
    for source in ("regsosek", "dtks", "p3ke"):
        import_file(city.files[source], dataset=find_dataset(source), actor=None)

    run, _ = run_matching(actor=None, u_pairs=1e5, db_api=spark)
    assert run.status == RunStatus.COMPLETED, run.message
    assert run.model["sql_dialect"] == "spark"
    assert RecordLink.objects.count() == SourceRecord.objects.current().count()
    links = pl.DataFrame(
        list(RecordLink.objects.values("dataset__name", "record_id", "person_id", "family_id"))
    ).rename({"dataset__name": "source_dataset"})
    truth = with_truth(links, tmp_path / "city" / "truth")
    persons = pairwise_accuracy(truth, "person_id", "person_id_right")
    assert persons.precision >= 0.99 and persons.recall >= 0.98

    # A model written in Spark's SQL is not reused on DuckDB: the next run trains its own,
    # and finds the same people under the same ids.
    before = dict(RecordLink.objects.values_list("record_id", "person_id"))
    again, _ = run_matching(actor=None, u_pairs=1e5)
    assert (again.status, again.mode) == (RunStatus.COMPLETED, RunMode.FULL)
    after = dict(RecordLink.objects.values_list("record_id", "person_id"))
    assert sum(after[key] == person for key, person in before.items()) >= 0.99 * len(before)
