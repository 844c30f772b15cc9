"""The linkage model's comparisons on hand-made pairs, and the estimates it accepts."""

import datetime as dt
import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from padu.matching import engine
from padu.matching.features import features, plausible_nik
from padu.registry.names import key_of

BORN = dt.date(1973, 2, 8)


def record(
    uid: int, *, nik=None, name="Budi Santoso", born=BORN, sex="L", kk=None, village="33.74.09.1004"
):
    return {
        "unique_id": uid,
        "source_dataset": "A",
        "dataset_id": 1,
        "record_id": str(uid),
        "nik": nik,
        "kk_number": kk,
        "full_name": name,
        "name_key": key_of(name),
        "sex": sex,
        "birth_date": born,
        "village_id": village,
        "rt": "005",
        "rw": "005",
        "mother_name": None,
    }


def table(rows: list[dict]) -> pl.DataFrame:
    text = {name: pl.String for name in ("nik", "kk_number", "mother_name")}
    return pl.DataFrame(rows, schema_overrides=text)


def levels(left: dict, right: dict) -> dict[str, str]:
    """The level each comparison puts the pair in, by its label."""
    frame = features(table([left, right]))
    model = engine.padu_settings().get_settings("duckdb").as_dict()
    model, _ = engine.settle_estimates(model, model, [], u_floor=1e-6)
    model["blocking_rules_to_generate_predictions"] = [{"blocking_rule": "1=1"}]
    linker = engine.Linker(engine._register(engine.duckdb_api(), [frame]), model, log_level=None)
    pairs = engine._pairs(linker.inference.predict())
    return {
        comparison["output_column_name"]: {
            **engine._level_labels(comparison),
            -1: "tidak ada data",
        }[pairs[f"gamma_{comparison['output_column_name']}"][0]]
        for comparison in model["comparisons"]
    }


# The NIK: region (6), birth date with +40 for women (6), serial (4) ---------------------

NIK = "3374090802730001"


def test_numbers_differing_only_in_the_serial_are_their_own_level():
    # Two men born on 8 February 1973 and first registered in the same district.
    found = levels(record(1, nik=NIK), record(2, nik="3374090802730002", name="Paiman Jailani"))
    assert found["nik"] == engine.NIK_SERIAL_ONLY


def test_a_slip_in_the_date_part_is_a_typo_and_in_the_region_a_near_miss():
    assert levels(record(1, nik=NIK), record(2, nik="3374090802370001"))["nik"] == (
        engine.NIK_SLIP_IN_DATE  # the year's two digits swapped
    )
    assert levels(record(1, nik=NIK), record(2, nik="3374190802730001"))["nik"] == (
        engine.NIK_SLIP_IN_REGION
    )


def test_twins_of_two_sexes_are_not_one_typo_apart():
    sister = record(2, nik="3374094802730001", name="Siti Santoso", sex="P")
    assert levels(record(1, nik=NIK), sister)["nik"] == "NIK berbeda"


def test_a_member_under_the_heads_number_is_told_from_the_head():
    member = record(2, nik=NIK, name="Sumirah", born=dt.date(1948, 1, 8), sex="P")
    assert levels(record(1, nik=NIK), member)["nik"] == engine.NIK_SAME_DATE_MISFITS
    assert levels(record(1, nik=NIK), record(2, nik=NIK))["nik"] == engine.NIK_SAME


def test_the_serial_level_weighs_against_one_person_where_random_pairs_would_not():
    """Its u comes from different people sharing a NIK's date part, so with a typo rate of
    one match in two hundred the level counts against: two people, not a typo."""
    people = pl.DataFrame(
        {
            "unique_id": list(range(40)),
            "nik": [
                f"{region}080273{i % 20 + 1:04d}"
                for i, region in enumerate(["337409"] * 20 + ["337415"] * 20)
            ],
            "first_token": [f"name{i}" for i in range(40)],
        }
    )
    conditional = engine.conditional_nik_u(people)
    assert conditional[engine.NIK_SERIAL_ONLY] > 0.4  # same district, another serial
    nik = engine.nik_comparison(conditional).get_comparison("duckdb").as_dict()
    serial = next(
        lv
        for lv in nik["comparison_levels"]
        if lv.get("label_for_charts") == engine.NIK_SERIAL_ONLY
    )
    assert serial["fix_u_probability"]
    assert math.log2(serial["m_probability"] / serial["u_probability"]) < -5


@given(st.text("0123456789", min_size=16, max_size=16))
def test_a_nik_is_plausible_only_with_a_province_a_day_and_a_month(nik):
    plausible = pl.select(plausible_nik(pl.lit(nik))).item()
    day, month, province = int(nik[6:8]), int(nik[8:10]), int(nik[:2])
    expected = (
        11 <= province <= 94
        and (1 <= day <= 31 or 41 <= day <= 71)
        and 1 <= month <= 12
        and len(set(nik)) > 1
    )
    assert plausible == expected


def test_placeholder_numbers_are_not_compared():
    rows = [record(i, nik="1111111111111111", name=f"Orang {i}") for i in range(3)]
    rows += [record(10 + i, nik="3374090802730009", name=f"Lain {i}") for i in range(9)]
    rows.append(record(30, nik=NIK))
    compared = features(table(rows))
    # A repeated digit is no number; nor is one nine records share (no person has so many).
    assert compared["nik"].to_list() == [None] * 12 + [NIK]


# Names as people type them --------------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("Indra Setiawan", "Inrda Setiawan", "nama beda satu huruf (salah ketik)"),
        ("Purnomo", "Prunomo", "nama beda satu huruf (salah ketik)"),
        ("Agus Santoso", "Agus Santos", "nama beda satu huruf (salah ketik)"),
        ("Nasrullah", "Nasrulah", "nama sama (setelah dibakukan)"),  # doubled letters fold
        ("Moh. Yusuf", "Muhammad Yusuf", "nama sama (setelah dibakukan)"),
        ("Santoso Agus", "Agus Santoso", "inti nama sama"),  # words in another order
        ("Budi Agus Santoso", "Agus Santoso", "satu nama memuat nama yang lain"),
        # A generic name alone holds nothing that tells people apart.
        ("Muhammad", "Muhammad Agus Djoko", "nama berbeda"),
        ("Siti Aminah", "Siti Rahayu", "nama berbeda"),
    ],
)
def test_names_compared_as_people_type_them(left, right, level):
    assert levels(record(1, name=left), record(2, name=right))["name"] == level


def test_generic_words_and_short_forms_are_written_as_the_match_key_writes_them():
    from padu.matching.features import GENERIC_TOKENS, NICKNAMES

    for word in [*GENERIC_TOKENS, *NICKNAMES, *NICKNAMES.values()]:
        assert key_of(word) == word


def test_a_birth_date_nobody_knew_is_a_level_of_its_own():
    unknown = record(2, born=dt.date(1973, 12, 31))
    assert levels(record(1), unknown)["birth_date"].startswith("tahun sama, tanggal tak diketahui")


# Estimates that cannot go wild ----------------------------------------------------------


def _chain_weights(comparison: dict) -> list[float]:
    return [
        engine._weight(lv)
        for lv in comparison["comparison_levels"]
        if not lv.get("is_null_level") and lv["label_for_charts"] not in engine.UNORDERED
    ]


def test_wild_estimates_are_settled_into_weights_a_person_accepts():
    priors = engine.padu_settings().get_settings("duckdb").as_dict()
    trained = engine.padu_settings().get_settings("duckdb").as_dict()
    for comparison in trained["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.setdefault("u_probability", 0.01)
            if not level.get("fix_u_probability"):
                level["u_probability"] = 0.01
    household = next(c for c in trained["comparisons"] if c["output_column_name"] == "household")
    village = next(
        lv for lv in household["comparison_levels"] if lv.get("label_for_charts") == "desa sama"
    )
    village["m_probability"] = 1e-32  # what EM gave on a real run: weight -103.9
    mother = next(c for c in trained["comparisons"] if c["output_column_name"] == "mother_key")
    close = next(
        lv
        for lv in mother["comparison_levels"]
        if lv.get("label_for_charts") == "nama ibu sangat mirip"
    )
    close["m_probability"] = 0.5  # an unobserved level left at a value nobody estimated
    settled, adjusted = engine.settle_estimates(
        trained, priors, [["mother_key", "nama ibu sangat mirip"]], u_floor=1e-6
    )
    for comparison in settled["comparisons"]:
        weights = _chain_weights(comparison)
        assert weights == sorted(weights, reverse=True), comparison["output_column_name"]
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level"):
                assert level["m_probability"] >= engine.LEAST_M
    settled_mother = next(
        c for c in settled["comparisons"] if c["output_column_name"] == "mother_key"
    )
    close = next(
        lv
        for lv in settled_mother["comparison_levels"]
        if lv.get("label_for_charts") == "nama ibu sangat mirip"
    )
    assert close["m_probability"] == pytest.approx(0.1)  # the stated prior
    assert {"comparison": "household", "level": "desa sama"}.items() <= next(
        a for a in adjusted if a["level"] == "desa sama"
    ).items()


def test_pooling_keeps_the_order_and_the_mean():
    assert engine._non_increasing([5.0, 1.0, 3.0, -2.0]) == [5.0, 2.0, 2.0, -2.0]
    assert engine._non_increasing([1.0, 2.0, 3.0]) == [2.0, 2.0, 2.0]
