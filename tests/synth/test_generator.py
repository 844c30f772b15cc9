import hashlib
import math

import polars as pl
import pytest

from padu.registry.identity import explain_nik
from padu.synth.dirt import DirtRates
from padu.synth.services import generate_region

SMALL = 6_000


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    out = tmp_path_factory.mktemp("city")
    result = generate_region(region="33.74", people=SMALL, seed=7, out_dir=out, p3ke_format="xlsx")
    return result


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_files_other_seed_other_files(city, tmp_path):
    again = generate_region(region="33.74", people=SMALL, seed=7, out_dir=tmp_path / "a")
    other = generate_region(region="33.74", people=SMALL, seed=8, out_dir=tmp_path / "b")
    for source in ("dtks", "regsosek", "truth_persons", "truth_source_rows"):
        assert _digest(city.files[source]) == _digest(again.files[source])
        assert _digest(city.files[source]) != _digest(other.files[source])


def test_people_and_families(city):
    persons = pl.read_csv(city.files["truth_persons"], infer_schema_length=0)
    living = persons.filter(pl.col("lifecycle") == "aktif")
    assert living.height == SMALL
    families = pl.read_csv(city.files["truth_families"], infer_schema_length=0)
    assert families.height == city.families
    heads = living.filter(pl.col("relationship") == "kepala").group_by("family_id").len()
    assert heads.height == city.families and heads["len"].max() == 1
    assert living["nik"].n_unique() == living.height
    assert families["kk_number"].n_unique() == families.height
    villages = families["village_code"].unique()
    assert villages.str.starts_with("33.74.").all() and villages.len() > 100


def test_every_true_nik_is_wellformed_and_matches_birth_date_and_sex(city):
    persons = pl.read_csv(city.files["truth_persons"], try_parse_dates=True, infer_schema_length=0)
    for row in persons.head(2_000).iter_rows(named=True):
        import datetime as dt

        born = dt.date.fromisoformat(row["birth_date"])
        out = explain_nik(row["nik"], birth_date=born, sex=row["sex"])
        assert out.valid, (row, out.errors)
        assert out.encoded_date == born and out.sex == row["sex"]


def test_children_are_younger_than_their_parents(city):
    persons = pl.read_csv(city.files["truth_persons"], try_parse_dates=True).filter(
        pl.col("lifecycle") == "aktif"
    )
    heads = persons.filter(pl.col("relationship") == "kepala").select("family_id", head_age="age")
    kids = persons.filter(pl.col("relationship") == "anak").join(heads, on="family_id")
    assert (kids["head_age"] - kids["age"] >= 12).mean() > 0.97


def test_welfare_drives_housing_assets_and_expenditure(city):
    families = pl.read_csv(city.files["truth_families"])
    poor = families.filter(pl.col("welfare") < families["welfare"].quantile(0.1))
    rich = families.filter(pl.col("welfare") > families["welfare"].quantile(0.9))
    bad_floor = pl.col("floor_material").is_in(["tanah", "bambu", "kayu_papan", "semen_bata"])
    assert poor.select(bad_floor.mean()).item() > 2 * rich.select(bad_floor.mean()).item()
    assert poor["has_refrigerator"].mean() < rich["has_refrigerator"].mean()
    assert poor["size"].mean() > rich["size"].mean()
    assert poor["expenditure_per_capita"].median() < 0.5 * rich["expenditure_per_capita"].median()
    poverty_rate = (families["expenditure_per_capita"] < 641_443).mean()
    assert 0.01 < poverty_rate < 0.12


def test_truth_covers_every_source_row(city):
    truth = pl.read_csv(city.files["truth_source_rows"], infer_schema_length=0)
    dtks = pl.read_csv(
        city.files["dtks"], separator=";", encoding="windows-1252", infer_schema_length=0
    )
    regsosek = pl.read_csv(city.files["regsosek"], infer_schema_length=0)
    p3ke = pl.read_excel(city.files["p3ke"], read_options={"header_row": 3}, infer_schema_length=0)
    for source, frame, id_column in (
        ("dtks", dtks, "IDARTBDT"),
        ("regsosek", regsosek, "ID ART"),
        ("p3ke", p3ke, "ID INDIVIDU"),
    ):
        ids = set(truth.filter(pl.col("source") == source)["record_id"])
        assert set(frame[id_column]) == ids
        assert frame.height > len(ids)  # duplicated rows are there too


def test_sources_cover_what_their_programmes_cover(city):
    truth = pl.read_csv(city.files["truth_source_rows"], schema_overrides={"record_id": pl.String})
    families = city.families
    per_source = (
        truth.group_by("source").agg(pl.col("family_id").n_unique()).to_dict(as_series=False)
    )
    covered = dict(zip(per_source["source"], per_source["family_id"], strict=True))
    assert covered["regsosek"] > 0.9 * families
    assert 0.25 * families < covered["dtks"] < 0.55 * families
    assert 0.25 * families < covered["p3ke"] < 0.55 * families
    regsosek = pl.read_csv(city.files["regsosek"], infer_schema_length=0)
    observed = regsosek.unique("ID KELUARGA")["PENGELUARAN PER KAPITA"].is_not_null().mean()
    assert 0.08 < observed < 0.25


def test_default_dirt_has_every_kind(city):
    truth = pl.read_csv(city.files["truth_source_rows"], infer_schema_length=0)
    kinds = truth["dirt"].drop_nulls().str.split(";").explode()
    expected = {
        "nik_missing",
        "nik_mistyped",
        "nik_excel_damaged",
        "name_variant",
        "name_typo",
        "date_swapped",
        "year_off",
        "moved_village",
        "old_kk",
        "duplicate_row",
        "deceased_listed",
        "moved_out_listed",
    }
    assert expected <= set(kinds)


def test_source_layouts(city):
    raw = city.files["dtks"].read_bytes()
    header = raw.split(b"\n", 1)[0].decode("cp1252")
    assert header.startswith("IDARTBDT;IDBDT;") and "NIK" in header.split(";")
    dtks = pl.read_csv(raw, separator=";", encoding="windows-1252", infer_schema_length=0)
    assert dtks["NIK"].str.contains("E+", literal=True).any()
    assert set(dtks["JNS KEL"].unique()) == {"LAKI-LAKI", "PEREMPUAN"}
    regsosek = pl.read_csv(city.files["regsosek"], infer_schema_length=0)
    assert set(regsosek["JENIS KELAMIN"].unique()) == {"1", "2"}
    assert regsosek["KODE WILAYAH"].str.contains(r"^\d\d\.\d\d\.\d\d\.\d{4}$").all()
    sheet = pl.read_excel(city.files["p3ke"], has_header=False, infer_schema_length=0)
    assert sheet.row(0)[0].startswith("DATA PENSASARAN")
    assert any("NIK" in sheet.row(i) for i in range(2, 4))  # title rows above the header


def test_clean_mode_has_no_dirt(tmp_path):
    result = generate_region(
        region="33.74", people=2_000, seed=3, out_dir=tmp_path, rates=DirtRates.clean()
    )
    truth = pl.read_csv(result.files["truth_source_rows"], infer_schema_length=0)
    assert (truth["dirt"].fill_null("") == "").all()
    persons = pl.read_csv(result.files["truth_persons"], infer_schema_length=0)
    regsosek = pl.read_csv(result.files["regsosek"], infer_schema_length=0)
    joined = regsosek.join(
        truth.filter(pl.col("source") == "regsosek"), left_on="ID ART", right_on="record_id"
    ).join(persons, on="person_id")
    assert (joined["NIK"] == joined["nik"]).all()
    assert (joined["NAMA LENGKAP"] == joined["full_name"].str.to_uppercase()).all()


def test_size_scales_dirt(tmp_path):
    doubled = DirtRates.scaled(2.0)
    assert math.isclose(doubled.missing_nik, 2 * DirtRates().missing_nik)


def test_bad_region_is_refused(tmp_path):
    with pytest.raises(ValueError, match="bukan kode kabupaten/kota"):
        generate_region(region="33.74.01", people=100, seed=1, out_dir=tmp_path)


def test_the_city_is_as_poor_as_the_published_headcount_it_names(city):
    from padu.synth.population import headcount_percent
    from padu.welfare.services import NATIONAL_POVERTY_LINE

    assert headcount_percent("33.74") == 4.14  # Kota Semarang, data/poverty_headcount.csv
    assert headcount_percent("33.74.01") == 4.14  # the nearest region above that has one
    assert headcount_percent("32.73") is None  # not in the table: left as drawn
    families = pl.read_csv(city.files["truth_families"])
    below = families.filter(pl.col("expenditure_per_capita") < NATIONAL_POVERTY_LINE)["size"].sum()
    share = 100 * below / families["size"].sum()
    assert share == pytest.approx(4.14, abs=0.5)
