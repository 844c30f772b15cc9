"""Padu's families and persons as the DCI standard's Group and Member records."""

from padu.registry.identity import masked
from padu.welfare.services import current_results

SEX = {"L": "male", "P": "female"}
MARITAL = {"belum_kawin": "single", "kawin": "married", "cerai_hidup": "divorced",
           "cerai_mati": "widowed"}  # fmt: skip


def _identifier(kind: str, value: str, reveal: bool) -> list[dict]:
    if not value:
        return []
    shown = value if reveal else masked(value)
    return [{"@type": "Identifier", "identifier_type": kind, "identifier_value": shown}]


def member_record(person, *, reveal: bool) -> dict:
    record = {
        "@type": "spdci:Member",
        "@id": f"urn:padu:person:{person.pk}",
        "member_identifier": _identifier("NIK", person.nik, reveal),
        "demographic_info": {
            "@type": "SRPerson",
            "name": {"@type": "Name", "given_name": person.full_name},
            "sex": SEX.get(person.sex, ""),
            "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        },
        "relationship": person.relationship,
        "marital_status": MARITAL.get(person.marital_status, ""),
        "is_disabled": person.disability not in ("", "tidak_ada"),
        "group_id": f"urn:padu:family:{person.family_id}",
    }
    if record["demographic_info"]["birth_date"] is None:
        del record["demographic_info"]["birth_date"]
    return record


def group_records(families, *, reveal: bool) -> list[dict]:
    """``families`` (a page) as Group records, with their members and desil."""
    ids = [f.pk for f in families]
    desil = dict(current_results().filter(family_id__in=ids).values_list("family_id", "desil"))
    records = []
    for family in families:
        members = [m for m in family.members.all() if m.lifecycle == "aktif"]
        head = next((m for m in members if m.relationship == "kepala"), None)
        record = {
            "@type": "spdci:Group",
            "@id": f"urn:padu:family:{family.pk}",
            "group_identifier": _identifier("KK", family.kk_number, reveal),
            "group_type": "family",
            "group_size": len(members),
            "place": {
                "@type": "Place",
                "address": ", ".join(
                    p
                    for p in (family.address, f"RT {family.rt}/RW {family.rw}", family.village.name)
                    if p
                ),
                "administrative_area": family.village_id,
            },
            "member_list": [member_record(m, reveal=reveal) for m in members],
            "last_updated": family.updated_at.isoformat(),
        }
        if family.latitude is not None and family.longitude is not None:
            record["place"]["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": str(family.latitude),
                "longitude": str(family.longitude),
            }
        if family.pk in desil:
            record["poverty_score"] = desil[family.pk]
            record["poverty_score_type"] = "desil (1 termiskin – 10), model kesejahteraan Padu"
        if head is not None:
            record["group_head_info"] = member_record(head, reveal=reveal)
        records.append(record)
    return records
