"""A family's characteristics are named once (registry.models) and every part that reads or
writes them follows that list."""

from padu.matching.golden import FAMILY_FIELDS
from padu.registry.models import ASSET_FIELDS, HOUSING_FIELDS, PROGRAM_FIELDS, Family
from padu.sources.canonical import FIELDS_BY_NAME
from padu.verification.findings import FAMILY_EDITABLE
from padu.welfare.household import FAMILY_FIELDS as HOUSEHOLD_FIELDS

CHARACTERISTICS = (*HOUSING_FIELDS, *ASSET_FIELDS, *PROGRAM_FIELDS)


def test_each_characteristic_is_a_family_field_a_source_column_can_fill():
    model_fields = {field.name for field in Family._meta.get_fields()}
    assert set(CHARACTERISTICS) <= model_fields
    assert set(CHARACTERISTICS) <= set(FIELDS_BY_NAME)
    assert all(FIELDS_BY_NAME[name].family for name in CHARACTERISTICS)


def test_survivorship_the_pmt_and_the_visit_form_take_the_same_list():
    assert set(CHARACTERISTICS) <= set(FAMILY_FIELDS)  # programs reach the golden family too
    assert set(CHARACTERISTICS) <= set(HOUSEHOLD_FIELDS)
    assert set(HOUSING_FIELDS + ASSET_FIELDS) <= set(FAMILY_EDITABLE)
