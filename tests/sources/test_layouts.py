"""The layouts offices really have (padu/sources/data/layouts): each recognised from its
header, every row accepted or rightly rejected, every coded value read with the layout's
own meaning, and a code outside a layout's list warned, never stored as something else."""

from pathlib import Path

import pytest

from padu.sources.canonical import HEADER_INDEX, header_key
from padu.sources.choices import BatchStatus, Severity
from padu.sources.layouts import LayoutError, layout_from_dict, layouts, layouts_for_docs
from padu.sources.mapping import mapping_from_dict
from padu.sources.models import SourceRecord
from padu.sources.services import import_file

from . import layout_files as f

pytestmark = pytest.mark.django_db

ONE_VILLAGE = mapping_from_dict({"defaults": {"village": "3374011001"}})
SEMARANG = mapping_from_dict({"defaults": {"regency": "3374"}})
PERSON_FIELDS = (
    "nik",
    "kk_number",
    "full_name",
    "sex",
    "birth_date",
    "relationship",
    "marital_status",
)


def stored(person: f.Person) -> dict:
    record = SourceRecord.objects.current().select_related("batch").get(nik=person.nik)
    return {
        "nik": record.nik,
        "kk_number": record.kk_number,
        "full_name": record.full_name,
        "sex": record.sex,
        "birth_date": record.birth_date,
        "village": record.village_id,
        "rt": record.rt,
        "rw": record.rw,
        **record.fields,
    }


def written(person: f.Person, fields: tuple[str, ...], **more) -> dict:
    """What ``fields`` of ``person`` must read back as."""
    meaning = {
        "nik": person.nik,
        "kk_number": person.kk,
        "full_name": person.name.title(),
        "sex": person.sex,
        "birth_date": person.born,
        "relationship": person.relationship,
        "marital_status": person.marital,
        "education": person.education,
        "disability": person.disability,
        "is_pregnant": person.pregnancy,
        "village": f"{person.village[0][:2]}.{person.village[0][2:4]}."
        f"{person.village[0][4:6]}.{person.village[0][6:]}",
    }
    return {name: meaning[name] for name in fields} | more


def import_as(path, dataset, layout: str, mapping=None, **options):
    batch = import_file(path, dataset=dataset, actor=None, mapping=mapping, **options)
    assert batch.status == BatchStatus.COMPLETED, batch.message
    assert batch.layout == layout
    return batch


def assert_read_back(people, fields, **more):
    for person in people:
        got = stored(person)
        want = written(person, fields, **more.get(person.family, {}))
        assert {k: got.get(k) for k in want} == want, person.name


def assert_one_village():
    villages = set(SourceRecord.objects.current().values_list("village_id", flat=True))
    assert villages == {"33.74.01.1001"}


def test_opensid_resident_template(tmp_path, dataset):
    batch = import_as(f.opensid_penduduk(tmp_path), dataset, "opensid-penduduk", ONE_VILLAGE)
    assert (batch.rows_accepted, batch.rows_warned, batch.rows_rejected) == (8, 0, 0)
    assert_read_back(f.PEOPLE, (*PERSON_FIELDS, "education", "disability"))
    assert_one_village()
    # 3 is istri: a wife, never a child (read with DTKS's meaning, 3 was "anak")
    assert stored(f.PEOPLE[1])["is_pregnant"] is True
    assert stored(f.PEOPLE[0])["is_pregnant"] is None  # not asked of men: left empty


def test_a_one_village_file_without_its_village_says_how_to_name_it(tmp_path, dataset):
    batch = import_file(f.opensid_penduduk(tmp_path), dataset=dataset, actor=None)
    assert batch.status == BatchStatus.FAILED or batch.rows_accepted == 0
    messages = set(batch.issues.values_list("message", flat=True))
    assert any("defaults.village" in m and "satu desa" in m for m in messages), messages


def test_a_code_outside_the_layouts_list_is_warned_never_given_another_meaning(tmp_path, dataset):
    def level(person):  # 12 is in no list of OpenSID's; 3 would be a wife
        return "12" if person.name == "DEWI LESTARI" else f.opensid_level(person)

    batch = import_as(
        f.opensid_penduduk(tmp_path, kk_level=level), dataset, "opensid-penduduk", ONE_VILLAGE
    )
    assert (batch.rows_accepted, batch.rows_warned) == (8, 1)
    assert stored(f.PEOPLE[2])["relationship"] is None
    issue = batch.issues.get(severity=Severity.WARNING)
    assert (issue.column, issue.value) == ("kk_level", "12")
    assert "OpenSID" in issue.message and "12" in issue.message


def test_siak_export_in_words_placed_by_village_names(tmp_path, dataset):
    batch = import_as(f.siak(tmp_path), dataset, "siak", SEMARANG)
    assert (batch.rows_accepted, batch.rows_warned, batch.rows_rejected) == (8, 0, 0)
    assert_read_back(f.PEOPLE, (*PERSON_FIELDS, "education", "village"))
    # SIAK leaves "Cacat" empty for those without one
    assert [stored(p)["disability"] for p in f.PEOPLE[2:4]] == [None, "sensorik"]


def test_bip_ektp_family_rows_give_their_members_the_kk(tmp_path, dataset):
    batch = import_as(f.bip_ektp(tmp_path), dataset, "bip-ektp", ONE_VILLAGE)
    # the numbering row and, per family, its label row and its KK row hold no person
    assert (batch.rows_accepted, batch.rows_skipped, batch.rows_rejected) == (8, 5, 0)
    assert batch.rows_warned == 0
    assert_read_back(f.PEOPLE, (*PERSON_FIELDS, "education"))
    family_b = stored(f.PEOPLE[5])
    assert (family_b["rt"], family_b["rw"]) == ("003", "004")
    skipped = batch.issues.filter(severity=Severity.SKIPPED).values_list("code", flat=True)
    assert sorted(skipped) == ["family_row"] * 4 + ["numbering_row"]


def test_bip_2016_title_rows_two_row_header_and_family_rows(tmp_path, dataset):
    batch = import_as(f.bip_2016(tmp_path), dataset, "bip-2016", ONE_VILLAGE)
    assert (batch.rows_accepted, batch.rows_skipped, batch.rows_warned) == (8, 3, 0)
    fields = ("nik", "kk_number", "full_name", "sex", "birth_date", "relationship", "education")
    assert_read_back(f.PEOPLE, fields)  # this print has no marital status
    assert stored(f.PEOPLE[0])["address"].startswith("JL. MELATI 1")


def test_bdt_2015_codes_numbering_row_and_bps_places(tmp_path, dataset):
    batch = import_as(f.bdt_2015(tmp_path), dataset, "bdt-2015")
    assert (batch.rows_accepted, batch.rows_skipped, batch.rows_warned) == (8, 1, 0)
    fields = ("nik", "full_name", "sex", "relationship", "marital_status", "education")
    assert_read_back(f.PEOPLE, (*fields, "disability", "is_pregnant", "village"), **f.HOUSE_MEANING)
    # 7 is a household helper in BDT, not a relative
    assert stored(f.PEOPLE[7])["relationship"] == "pembantu"


def test_siks_ng_member_table_with_bps_codes(tmp_path, dataset):
    batch = import_as(f.siks_ng_art(tmp_path), dataset, "siks-ng-bdt-art")
    assert (batch.rows_accepted, batch.rows_warned, batch.rows_rejected) == (8, 0, 0)
    fields = (*PERSON_FIELDS, "education", "disability", "is_pregnant", "village")
    assert_read_back(f.PEOPLE, fields)


def test_regsosek_form_k_kk_on_a_familys_first_row_only(tmp_path, dataset):
    batch = import_as(f.regsosek_2022k(tmp_path), dataset, "regsosek-2022k", ONE_VILLAGE)
    assert (batch.rows_accepted, batch.rows_warned, batch.rows_rejected) == (8, 0, 0)
    assert_read_back(f.PEOPLE, (*PERSON_FIELDS, "education", "is_pregnant"))
    assert stored(f.PEOPLE[3])["health_insurance"] == "pbi_jk"


def test_p3ke_individuals_with_their_family_file(tmp_path, dataset):
    batch = import_as(
        f.p3ke_individual(tmp_path),
        dataset,
        "p3ke-individu",
        family_path=f.p3ke_family(tmp_path),
    )
    assert (batch.rows_accepted, batch.rows_warned, batch.rows_rejected) == (8, 0, 0)
    houses = {
        "A": f.P3KE_HOUSE_MEANING["A"] | {"receives_pkh": True, "receives_bpnt": True},
        "B": f.P3KE_HOUSE_MEANING["B"] | {"receives_pkh": False, "receives_bpnt": True},
    }
    fields = ("nik", "full_name", "sex", "birth_date", "relationship", "marital_status", "village")
    assert_read_back(f.PEOPLE, fields, **houses)
    assert stored(f.PEOPLE[0])["occupation"] is None  # "Kosong": nothing written
    assert stored(f.PEOPLE[2])["education"] == "tidak_punya"  # still at primary school
    assert stored(f.PEOPLE[0])["education"] == "sma"


def test_opensid_program_participants_stop_at_the_notes(tmp_path, dataset):
    batch = import_as(f.opensid_program(tmp_path), dataset, "opensid-program-peserta", ONE_VILLAGE)
    assert (batch.rows_accepted, batch.rows_skipped, batch.rows_rejected) == (4, 4, 0)
    assert_read_back(f.FAMILIES["A"], ("nik", "full_name", "birth_date"))


def test_blt_dana_desa_bnba(tmp_path, dataset):
    batch = import_as(f.blt_dd_bnba(tmp_path), dataset, "blt-dd-bnba", ONE_VILLAGE)
    assert (batch.rows_accepted, batch.rows_skipped, batch.rows_rejected) == (2, 1, 0)
    assert_read_back([f.PEOPLE[0], f.PEOPLE[4]], ("nik", "kk_number", "full_name", "sex"))


def test_dtsen_desil_list_gives_each_head_the_national_desil(tmp_path, dataset):
    batch = import_as(f.dtsen_desil(tmp_path), dataset, "dtsen-desil")
    assert (batch.rows_accepted, batch.rows_rejected) == (2, 0)
    heads = [members[0] for members in f.FAMILIES.values()]
    assert_read_back(heads, ("nik", "kk_number", "full_name", "village"),
                     A={"desil": 2, "rt": "001", "rw": "002"}, B={"desil": 7})  # fmt: skip


def test_padu_s_own_desil_file_is_read_back_as_the_dtsen_layout():
    from padu.api.exchange import dtsen_desil
    from padu.registry.models import Family

    written = dtsen_desil(Family.objects.none(), reveal=True).columns
    assert written == f.DTSEN_HEADER  # the test file is what Padu writes
    keys = {header_key(title) for title in written}
    assert layouts()["dtsen-desil"].matches(keys)
    assert all(key in layouts()["dtsen-desil"].columns for key in keys)


def test_a_mapping_overrides_the_preset_it_names(tmp_path, dataset):
    mapping = mapping_from_dict(
        {
            "preset": "opensid-penduduk",
            "values": {"relationship": {"10": "famili"}},
            "defaults": {"village": "3374011001"},
        }
    )
    import_as(f.opensid_penduduk(tmp_path), dataset, "opensid-penduduk", mapping)
    assert stored(f.PEOPLE[7])["relationship"] == "famili"  # the mapping's, not the preset's
    assert stored(f.PEOPLE[2])["relationship"] == "anak"  # the rest of the preset still holds


def test_every_shipped_layout_loads_and_says_where_its_facts_come_from():
    for layout in layouts().values():
        assert layout.title and len(layout.origin) > 80, layout.name
        assert layout.recognise <= set(layout.columns) | set(HEADER_INDEX), layout.name


def test_a_layout_giving_a_code_a_meaning_padu_lacks_is_refused_at_load():
    data = {
        "title": "t",
        "origin": "o",
        "recognise": ["a"],
        "columns": {"a": "relationship"},
        "values": {"relationship": {"1": "kakak"}},
    }
    with pytest.raises(LayoutError, match="kakak"):
        layout_from_dict("x", data, where="x.yaml")
    data["values"] = {"is_pregnant": {"1": "mungkin"}}
    with pytest.raises(LayoutError, match="mungkin"):
        layout_from_dict("x", data, where="x.yaml")


def test_the_readme_lists_every_layout():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [name for name, _, _ in layouts_for_docs() if f"| `{name}` |" not in readme]
    assert not missing, f"README's table of layouts lacks {missing}"
