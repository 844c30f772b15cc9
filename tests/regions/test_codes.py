from hypothesis import given
from hypothesis import strategies as st

from padu.regions.codes import level_of, name_key, normalize_code, parent_code, split_name

segments = st.tuples(
    st.integers(11, 99), st.integers(1, 99), st.integers(1, 99), st.integers(1001, 2999)
)


@given(segments, st.integers(1, 4))
def test_dotted_and_undotted_codes_normalise_to_the_same_code(parts, level):
    widths = (2, 2, 2, 4)
    pieces = [f"{p:0{w}d}" for p, w in zip(parts, widths, strict=True)][:level]
    dotted = ".".join(pieces)
    assert normalize_code(dotted) == dotted
    assert normalize_code("".join(pieces)) == dotted
    assert normalize_code(f"  {dotted} ") == dotted
    assert level_of(dotted) == level


@given(st.text(max_size=20))
def test_normalize_code_never_raises_and_returns_only_wellformed_codes(text):
    code = normalize_code(text)
    if code is not None:
        assert all(part.isdigit() for part in code.split("."))
        assert [len(p) for p in code.split(".")] == [2, 2, 2, 4][: level_of(code)]


def test_malformed_codes_are_refused():
    assert normalize_code("33.7") is None
    assert normalize_code("337") is None
    assert normalize_code("33.74.01.10011") is None
    assert normalize_code("ab.cd") is None


def test_parent_code():
    assert parent_code("33.74.01.1001") == "33.74.01"
    assert parent_code("33") is None


def test_name_prefixes_are_read_as_kinds():
    assert split_name("KAB. SEMARANG") == ("kabupaten", "semarang")
    assert split_name("Kabupaten  Semarang") == ("kabupaten", "semarang")
    assert split_name("KOTA SEMARANG") == ("kota", "semarang")
    assert split_name("Kec. Semarang Tengah") == ("kecamatan", "semarang tengah")
    assert split_name("Kota") == (None, "kota")  # a bare word is a name, not a prefix


@given(
    st.sampled_from(["Tanjung Pinang", "TANJUNGPINANG", "tanjung  pinang", "Kota Tanjung-Pinang"])
)
def test_name_key_ignores_case_spacing_punctuation_and_prefix(name):
    assert name_key(name) == "tanjungpinang"
