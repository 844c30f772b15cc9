"""Kemendagri region codes and names: parsing and normalising, with no database access."""

import re

_NON_DIGIT = re.compile(r"[^0-9]")
_SEGMENT_WIDTHS = (2, 2, 2, 4)
_UNDOTTED_LENGTHS = {2: 1, 4: 2, 6: 3, 10: 4}

# Longest first, so "kota administrasi" wins over "kota".
_KIND_PREFIXES = [
    ("kota administrasi", "kota"),
    ("kota adm", "kota"),
    ("kabupaten", "kabupaten"),
    ("kab", "kabupaten"),
    ("kota", "kota"),
    ("kecamatan", "kecamatan"),
    ("kec", "kecamatan"),
    ("distrik", "distrik"),
    ("kelurahan", "kelurahan"),
    ("kel", "kelurahan"),
    ("desa", "desa"),
    ("ds", "desa"),
    ("provinsi", "provinsi"),
    ("prov", "provinsi"),
]
_PREFIX_PATTERN = re.compile(
    r"^(" + "|".join(re.escape(p) for p, _ in _KIND_PREFIXES) + r")(?:\b|\.)\.?\s*"
)
_PREFIX_KIND = dict(_KIND_PREFIXES)


def normalize_code(code: str) -> str | None:
    """The dotted form of a region code ("3374011001" → "33.74.01.1001"), or None if malformed.

    Accepts dotted codes, undotted digits of length 2/4/6/10, and codes with stray spaces.
    """
    text = str(code).strip()
    if "." in text:
        parts = [p.strip() for p in text.split(".")]
        if not 1 <= len(parts) <= 4:
            return None
        for part, width in zip(parts, _SEGMENT_WIDTHS, strict=False):
            if len(part) != width or not part.isdigit():
                return None
        return ".".join(parts)
    digits = _NON_DIGIT.sub("", text)
    if len(digits) != len(text.replace(" ", "")) or len(digits) not in _UNDOTTED_LENGTHS:
        return None
    out, start = [], 0
    for width in _SEGMENT_WIDTHS[: _UNDOTTED_LENGTHS[len(digits)]]:
        out.append(digits[start : start + width])
        start += width
    return ".".join(out)


def level_of(code: str) -> int:
    return code.count(".") + 1


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestor_codes(code: str) -> list[str]:
    """The codes above ``code``, province first ("33.74.01" → ["33", "33.74"])."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def is_within(code: str, ancestor: str) -> bool:
    """``code`` is ``ancestor`` or lies below it (the ``__within`` lookup, in Python).
    Segments are fixed width, so a prefix cannot match a sibling."""
    return code.startswith(ancestor)


def split_name(name: str) -> tuple[str | None, str]:
    """("kabupaten", "semarang") from "KAB. SEMARANG"; the kind is None when not written."""
    text = re.sub(r"\s+", " ", str(name).lower()).strip()
    match = _PREFIX_PATTERN.match(text)
    if match and match.end() < len(text):
        return _PREFIX_KIND[match.group(1)], text[match.end() :]
    return None, text


def name_key(name: str) -> str:
    """Case-, spacing- and punctuation-insensitive key of a region name without its kind prefix."""
    _, bare = split_name(name)
    return re.sub(r"[^a-z0-9]", "", bare)
