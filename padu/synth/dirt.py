"""The dirt that real source exports carry, applied to chosen rows.

Each function takes the values of the chosen rows and returns them dirtied; callers pick the
rows with the rates in ``DirtRates``. Only a few percent of rows are touched, so plain Python
over those rows is fast enough, and clearer than regular-expression gymnastics.
"""

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, fields

from . import dirt_second
from .names import NICKNAMES


@dataclass(frozen=True)
class DirtRates:
    """Share of rows (or families) that each kind of dirt touches, per source export."""

    missing_nik: float = 0.02
    mistyped_nik: float = 0.02
    excel_damaged_nik: float = 0.01
    name_variant: float = 0.08
    name_typo: float = 0.02
    swapped_day_month: float = 0.015
    year_off_by_one: float = 0.01
    moved_village: float = 0.03
    old_kk: float = 0.04
    duplicate_rows: float = 0.005
    deceased_listed: float = 0.04
    moved_out_listed: float = 0.015
    # Only the second profile makes these.
    sex_flipped: float = 0.003
    head_nik_copied: float = 0.003

    @classmethod
    def clean(cls) -> "DirtRates":
        return cls(**{f.name: 0.0 for f in fields(cls)})

    @classmethod
    def scaled(cls, factor: float) -> "DirtRates":
        base = cls()
        return cls(**{f.name: min(1.0, getattr(base, f.name) * factor) for f in fields(cls)})

    @classmethod
    def drawn(cls, rnd: random.Random, most: float = 3.0) -> "DirtRates":
        """Each rate drawn between none and ``most`` times its default: a city whose dirt
        nobody chose, so that no model is tuned to one mix."""
        base = cls()
        return cls(
            **{f.name: min(1.0, getattr(base, f.name) * rnd.uniform(0, most)) for f in fields(cls)}
        )


def mistype_digits(value: str, rnd: random.Random) -> str:
    """One wrong digit, or two neighbours swapped: the typos of a hurried operator."""
    chars = list(value)
    i = rnd.randrange(len(chars) - 1)
    if rnd.random() < 0.5 and chars[i] != chars[i + 1]:
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        chars[i] = rnd.choice([d for d in "0123456789" if d != chars[i]])
    return "".join(chars)


def excel_damage(value: str) -> str:
    """What Excel shows for a 16-digit number in a General cell: 3.37401E+15."""
    mantissa = f"{value[0]}.{value[1:6]}".rstrip("0").rstrip(".")
    return f"{mantissa}E+{len(value) - 1}"


_OLD_SPELLINGS = [("u", "oe"), ("j", "dj"), ("c", "tj"), ("y", "j")]
_TITLE_MALE = ["H. ", "Drs. ", "Ir. "]
_TITLE_FEMALE = ["Hj. ", "Dra. "]


def name_variant(name: str, sex: str, rnd: random.Random) -> str:
    """Another way the same name gets written: short forms, titles, old spellings, fewer words."""
    tokens = name.split()
    nick = [i for i, t in enumerate(tokens) if t in NICKNAMES]
    choice = rnd.random()
    if nick and choice < 0.45:
        i = rnd.choice(nick)
        tokens[i] = rnd.choice(NICKNAMES[tokens[i]])
        return " ".join(tokens)
    if choice < 0.6:
        title = rnd.choice(_TITLE_FEMALE if sex == "P" else _TITLE_MALE)
        return title + name
    if choice < 0.8:
        old, new = rnd.choice(_OLD_SPELLINGS)
        for i, t in enumerate(tokens):
            lowered = t.lower()
            if old in lowered[1:] or lowered.startswith(old):
                replaced = re.sub(old, new, lowered, count=1)
                tokens[i] = replaced[:1].upper() + replaced[1:]
                return " ".join(tokens)
        return name + " "  # a trailing blank is dirt too
    if len(tokens) >= 2 and tokens[0] not in {"I", "Ni"}:
        return (
            " ".join(tokens[:-1])
            if choice < 0.9
            else " ".join([tokens[0], tokens[1][0] + ".", *tokens[2:]])
        )
    return "  ".join(tokens)


def name_typo(name: str, rnd: random.Random) -> str:
    """One letter dropped, doubled or swapped."""
    if len(name) < 4:
        return name
    i = rnd.randrange(1, len(name) - 1)
    kind = rnd.random()
    if kind < 0.33:
        return name[:i] + name[i + 1 :]
    if kind < 0.66:
        return name[:i] + name[i] + name[i:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def swap_day_month(day: dt.date) -> dt.date:
    if day.day > 12 or day.day == day.month:
        return day
    return day.replace(day=day.month, month=day.day)


def year_off_by_one(day: dt.date, rnd: random.Random) -> dt.date:
    year = day.year + rnd.choice((-1, 1))
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


@dataclass(frozen=True)
class DirtProfile:
    """How one kind of office damages values: the functions applied to the rows that the
    rates pick. Rates a profile has no function for are left unused."""

    name: str
    missing_nik: Callable[[str, random.Random], str]
    mistype_nik: Callable[[str, random.Random], str]
    excel_damage: Callable[[str, random.Random], str]
    name_variant: Callable[[str, str, random.Random], str]
    name_typo: Callable[[str, random.Random], str]
    # The date errors picked at the swapped_day_month and year_off_by_one rates.
    first_date_error: tuple[str, Callable[[dt.date, random.Random], dt.date]]
    second_date_error: tuple[str, Callable[[dt.date, random.Random], dt.date]]
    flips_sex: bool = False
    copies_head_nik: bool = False
    # A stale No KK: the old issue of the same number, or a number issued anew.
    reissued_kk: bool = False
    # Which exports carry stale family addresses and numbers.
    stale_families_in: tuple[str, ...] = ("dtks",)


FIRST = DirtProfile(
    name="first",
    missing_nik=lambda nik, rnd: "",
    mistype_nik=mistype_digits,
    excel_damage=lambda nik, rnd: excel_damage(nik),
    name_variant=name_variant,
    name_typo=name_typo,
    first_date_error=("date_swapped", lambda day, rnd: swap_day_month(day)),
    second_date_error=("year_off", year_off_by_one),
)

SECOND = DirtProfile(
    name="second",
    missing_nik=dirt_second.missing_nik,
    mistype_nik=dirt_second.mistype_nik,
    excel_damage=dirt_second.excel_damage,
    name_variant=dirt_second.name_variant,
    name_typo=dirt_second.name_typo,
    first_date_error=("date_unknown", dirt_second.unknown_date),
    second_date_error=("date_shifted", dirt_second.shifted_date),
    flips_sex=True,
    copies_head_nik=True,
    reissued_kk=True,
    stale_families_in=("dtks", "p3ke"),
)

PROFILES = {profile.name: profile for profile in (FIRST, SECOND)}
