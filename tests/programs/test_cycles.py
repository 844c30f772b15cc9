"""A program's cycles: lists linked with the matching model, the targeting checks with their
reasons, approval that freezes a cycle, who may do what, and the command line."""

import datetime as dt

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from padu.accounts.choices import Role
from padu.accounts.policy import Action
from padu.organisations.models import Agency
from padu.programs.choices import CycleStatus, LinkStatus, Membership
from padu.programs.criteria import check_criteria, describe, judge
from padu.programs.linking import decide
from padu.programs.models import Beneficiary, Program
from padu.programs.reports import check_report
from padu.programs.services import (
    CycleError,
    approve_cycle,
    change_membership,
    check_cycle,
    create_program,
    decide_link,
    import_cycle_list,
    propose_cycle,
    record_verdict,
)
from padu.regions.models import Region
from padu.registry.models import Person
from padu.synth.programs import EXPECTED, record_departures, write_program_lists
from padu.welfare.services import classify

pytestmark = pytest.mark.django_db


def test_criteria_read_as_sentences_and_judge_each_row_with_its_own_value():
    criteria = [
        {"field": "desil", "op": "le", "value": 4},
        {"field": "needs", "op": "has", "value": ["rumah-tidak-layak"]},
    ]
    assert check_criteria(criteria) == []
    assert describe(criteria[0]) == "desil paling banyak 4"
    rows = pl.DataFrame(
        {"id": [1, 2, 3], "desil": [2, 7, None], "needs": [["rumah-tidak-layak"], [], []]}
    )
    judged = judge(rows, criteria).sort("id")
    assert judged["on_target"].to_list() == [True, False, False]
    assert judged["on_target_reason"][0].startswith("memenuhi: desil paling banyak 4 (di sini: 2)")
    assert "desil paling banyak 4 (di sini: 7)" in judged["on_target_reason"][1]
    assert "(di sini: —)" in judged["on_target_reason"][2]
    assert check_criteria([{"field": "gaji", "op": "le", "value": 1}])[0].startswith(
        "Syarat 1: kolom 'gaji' tidak dikenal"
    )


def _score(truth: pl.DataFrame, report: pl.DataFrame) -> dict:
    rows = truth.join(report, left_on="row_number", right_on="baris", how="left")
    out = {}
    for kind, (column, answer) in EXPECTED.items():
        planted = rows.filter(pl.col("error") == kind).height
        flagged = rows.filter(pl.col(column) == answer)
        caught = flagged.filter(pl.col("error") == kind).height
        out[kind] = (planted, caught, flagged.height)
    mistyped = rows.filter(pl.col("nik_mistyped"))
    out["mistyped"] = (
        mistyped.height,
        mistyped.filter(pl.col("id_orang") == pl.col("person_id")).height,
    )
    return out


def test_a_list_with_planted_errors_links_its_mistyped_niks_and_each_check_catches_its_kind(
    classified_city, tmp_path
):
    (planted,) = [
        p
        for p in write_program_lists(tmp_path, region="33.74", year=2025, rows=300, seed=3)
        if p.program == "pbi-apbd-2025"
    ]
    cycle = import_cycle_list(
        planted.path,
        program=Program.objects.get(code=planted.program),
        cycle_name=planted.cycle,
        actor=None,
    )
    assert cycle.summary["baris"] == planted.truth.height
    scores = _score(planted.truth, check_report(cycle.beneficiaries.all(), reveal=True))
    for kind in EXPECTED:
        planted_rows, caught, flagged = scores[kind]
        assert planted_rows > 0, kind
        assert caught == planted_rows == flagged, (kind, scores[kind])
    mistyped, linked_right = scores["mistyped"]
    assert mistyped > 0 and linked_right == mistyped
    duplicate = cycle.beneficiaries.filter(duplicate=True).first()
    assert duplicate.membership == Membership.DUPLICATE
    assert duplicate.reasons["ganda_program"].startswith("orang yang sama sudah ada di baris ")


@pytest.fixture
def dinkes_program(classified_city):
    return create_program(
        actor=None,
        agency=Agency.objects.get(code="dinkes"),
        region=Region.objects.get(code="33.74"),
        code="jamkesda-uji",
        name="Jamkesda uji",
        sector="kesehatan",
        year=2025,
        funding_level="apbd_kab",
        unit="orang",
        benefit_kind="layanan",
        benefit_amount=42_000,
        criteria=[{"field": "desil", "op": "le", "value": 4}],
    )


def _list_file(path, persons: list[Person], extra_rows: list[dict] = ()) -> None:
    rows = [
        {
            "NO": i,
            "NIK": p.nik,
            "NAMA": p.full_name.upper(),
            "TANGGAL LAHIR": p.birth_date.strftime("%d/%m/%Y") if p.birth_date else "",
            "NOMINAL": "Rp 42.000",
        }
        for i, p in enumerate(persons, start=1)
    ]
    rows += [{"NO": len(rows) + i, **row} for i, row in enumerate(extra_rows, start=1)]
    pl.DataFrame(rows, infer_schema_length=None).write_csv(path, separator=";")


def test_an_approved_cycle_keeps_its_beneficiaries_facts_and_amounts_whatever_the_registry_does(
    dinkes_program, tmp_path
):
    persons = list(Person.objects.filter(lifecycle="aktif").exclude(nik="").order_by("pk")[:20])
    _list_file(tmp_path / "daftar.csv", persons)
    cycle = import_cycle_list(
        tmp_path / "daftar.csv", program=dinkes_program, cycle_name="Januari", actor=None
    )
    cycle = approve_cycle(cycle, actor=None)
    assert cycle.status == CycleStatus.APPROVED
    fields = ["pk", "person_id", "family_id", "amount", "facts", "reasons", "membership",
              "on_target", "alive_resident", "failed"]  # fmt: skip
    frozen = list(cycle.beneficiaries.order_by("pk").values_list(*fields))
    assert {row[6] for row in frozen} <= {Membership.ENROLLED, Membership.NOT_ELIGIBLE}
    assert all(row[3] == 42_000 for row in frozen)

    # The registry moves on: a beneficiary dies, every family is classified again.
    record_departures([persons[0].pk], [], actor=None)
    classify(actor=None)
    with pytest.raises(CycleError):
        check_cycle(cycle, actor=None)
    with pytest.raises(CycleError):
        import_cycle_list(
            tmp_path / "daftar.csv", program=dinkes_program, cycle_name="Januari", actor=None
        )
    assert list(cycle.beneficiaries.order_by("pk").values_list(*fields)) == frozen

    # After approval, a membership is paused or ended with a reason; facts stay as approved.
    enrolled = cycle.beneficiaries.filter(membership=Membership.ENROLLED).first()
    with pytest.raises(CycleError):
        change_membership(enrolled, membership=Membership.PAUSED, reason=" ", actor=None)
    with pytest.raises(CycleError):
        change_membership(enrolled, membership=Membership.DUPLICATE, reason="x", actor=None)
    paused = change_membership(
        enrolled, membership=Membership.PAUSED, reason="pindah sementara", actor=None
    )
    assert paused.membership == Membership.PAUSED and paused.facts == enrolled.facts

    # A new draft cycle of the same list sees the death.
    later = import_cycle_list(
        tmp_path / "daftar.csv", program=dinkes_program, cycle_name="Februari", actor=None
    )
    dead = later.beneficiaries.get(person=persons[0])
    assert dead.alive_resident is False
    assert dead.reasons["hidup_menetap"] == "penerima tercatat meninggal di data terpadu"


def test_a_row_is_linked_only_when_the_model_is_sure_of_one_person_and_else_keeps_candidates():
    persons = pl.DataFrame({"unique_id": [10, 11, 12], "family_id": [1, 1, 2]})
    pairs = pl.DataFrame(
        {
            "row_id": [1, 2, 2, 3, 5],
            "person_id": [10, 10, 11, 12, 12],
            "probability": [0.99, 0.97, 0.96, 0.7, 0.3],
        }
    )
    links = decide(pl.DataFrame({"row_id": [1, 2, 3, 4, 5]}), pairs, persons).sort("row_id")
    assert links["link_status"].to_list() == [
        LinkStatus.LINKED, LinkStatus.CANDIDATES, LinkStatus.CANDIDATES, LinkStatus.UNLINKED,
        LinkStatus.UNLINKED,
    ]  # fmt: skip
    assert links["person_id"].to_list() == [10, None, None, None, None]
    assert links["family_id"].to_list() == [1, None, None, None, None]
    assert [c["person"] for c in links["candidates"][1]] == [10, 11]
    assert [c["person"] for c in links["candidates"][4]] == [12]  # shown, though unlikely


def test_an_officer_decides_a_row_padu_could_not_link(dinkes_program, tmp_path, make_user):
    person = Person.objects.filter(lifecycle="aktif").exclude(nik="").order_by("pk").last()
    _list_file(
        tmp_path / "daftar.csv",
        [],
        [{"NIK": "", "NAMA": "ORANG TIDAK ADA", "TANGGAL LAHIR": "", "NOMINAL": ""}],
    )
    cycle = import_cycle_list(
        tmp_path / "daftar.csv", program=dinkes_program, cycle_name="Maret", actor=None
    )
    (nobody,) = cycle.beneficiaries.all()
    assert nobody.link_status == LinkStatus.UNLINKED and nobody.person_id is None
    assert nobody.on_target is None
    assert nobody.reasons["tepat_sasaran"].startswith("belum tertaut")

    perkim = make_user(
        "perkim-2", Role.AGENCY_OFFICER, "33.74", agency=Agency.objects.get(code="perkim")
    )
    with pytest.raises(PermissionDenied):
        decide_link(nobody, person=person, actor=perkim)
    officer = make_user("dinkes-1", Role.AGENCY_OFFICER, "33.74", agency=dinkes_program.agency)
    decided = decide_link(nobody, person=person, actor=officer)
    decided.refresh_from_db()
    assert decided.link_status == LinkStatus.CONFIRMED
    assert decided.family_id == person.family_id
    assert decided.on_target is not None and decided.right_place is True


def test_an_agency_works_on_its_own_programs_and_bappeda_gives_the_verdict(
    dinkes_program, tmp_path, make_user
):
    perkim = make_user(
        "perkim-1", Role.AGENCY_OFFICER, "33.74", agency=Agency.objects.get(code="perkim")
    )
    dinkes = make_user("dinkes-2", Role.AGENCY_OFFICER, "33.74", agency=dinkes_program.agency)
    verifier = make_user("bappeda-1", Role.VERIFIER, "33.74")
    assert not Program.objects.restrict(perkim, Action.VIEW).filter(pk=dinkes_program.pk).exists()
    assert Program.objects.restrict(verifier, Action.VIEW).filter(pk=dinkes_program.pk).exists()
    with pytest.raises(PermissionDenied):
        propose_cycle(dinkes_program, cycle_name="Usulan", actor=perkim)
    cycle = propose_cycle(dinkes_program, cycle_name="Usulan", actor=dinkes)
    assert cycle.summary["baris"] > 0 and cycle.summary["tepat_sasaran"] == 0
    assert not Beneficiary.objects.restrict(perkim, Action.VIEW).filter(cycle=cycle).exists()

    with pytest.raises(PermissionDenied):
        record_verdict(cycle, on_target=True, right_place=True, note="baik", actor=dinkes)
    with pytest.raises(CycleError):
        record_verdict(cycle, on_target=False, right_place=True, note=" ", actor=verifier)
    verdict = record_verdict(
        cycle, on_target=False, right_place=True, note="12 penerima desil 7", actor=verifier
    )
    assert cycle.verdicts.first() == verdict and not verdict.on_target
    assert verdict.figures["baris"] == cycle.summary["baris"]


def test_the_command_line_imports_a_list_and_writes_the_check_report(
    dinkes_program, tmp_path, make_user, capsys
):
    persons = list(Person.objects.filter(lifecycle="aktif").exclude(nik="").order_by("pk")[:5])
    _list_file(
        tmp_path / "daftar.csv", persons, [{"NIK": persons[0].nik, "NAMA": persons[0].full_name}]
    )
    call_command(
        "programs", "import", str(tmp_path / "daftar.csv"), "--program", "jamkesda-uji",
        "--cycle", "April", "--from", "2025-04-01", "--to", "2025-04-30", "--quiet",
    )  # fmt: skip
    said = capsys.readouterr().out
    assert "jamkesda-uji · April: 6 baris dibaca" in said and "ganda 1" in said
    with pytest.raises(CommandError, match="--user"):
        call_command("programs", "check", "--out", str(tmp_path / "r.csv"), "--quiet")
    make_user("custodian-1", Role.DATA_CUSTODIAN, "33.74")
    call_command(
        "programs", "check", "--out", str(tmp_path / "r.csv"), "--user", "custodian-1", "--quiet"
    )
    report = pl.read_csv(tmp_path / "r.csv", infer_schema=False)
    assert report.columns[:6] == [
        "program", "siklus", "baris", "nik_tertulis", "no_kk_tertulis", "nama_tertulis"
    ]  # fmt: skip
    for column in ("tepat_sasaran", "tepat_lokasi", "hidup_menetap", "ganda_program",
                   "kombinasi_terlarang"):  # fmt: skip
        assert set(report[column].drop_nulls()) <= {"ya", "tidak"}
    april = report.filter(pl.col("siklus") == "April")
    assert april["nik_tertulis"].to_list()[0] == persons[0].nik
    assert april["ganda_program"].to_list() == ["tidak"] * 5 + ["ya"]
    with pytest.raises(CommandError, match="tidak dikenal"):
        call_command("programs", "import", str(tmp_path / "daftar.csv"), "--program", "x",
                     "--cycle", "Mei", "--quiet")  # fmt: skip
    assert (
        dt.date(2025, 4, 30)
        == Program.objects.get(code="jamkesda-uji").cycles.get(name="April").ends_on
    )
