"""A second dirt profile, written apart from the first (``dirt``) so that the matching is
measured on damage it was not tuned to: the errors of people typing on a keyboard or a phone
rather than the spelling habits of an office, numbers spoiled by spreadsheets in other
ways, placeholder values, dates that were never known, and moves across districts.

Each function takes one value of a chosen row and returns it dirtied.
"""

import datetime as dt
import random

# Neighbouring keys on a QWERTY keyboard (letters) and on a numeric keypad (digits).
_QWERTY_ROWS = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
_KEYPAD = {
    "1": "24", "2": "135", "3": "26", "4": "157", "5": "2468", "6": "359", "7": "48",
    "8": "579", "9": "68", "0": "8",
}  # fmt: skip


def _letter_neighbours() -> dict[str, str]:
    out: dict[str, str] = {}
    for r, row in enumerate(_QWERTY_ROWS):
        for i, ch in enumerate(row):
            near = row[max(0, i - 1) : i] + row[i + 1 : i + 2]
            for other in (r - 1, r + 1):
                if 0 <= other < len(_QWERTY_ROWS):
                    near += _QWERTY_ROWS[other][max(0, i - 1) : i + 1]
            out[ch] = near
    return out


_NEIGHBOURS = _letter_neighbours()

#: Spellings of one sound that people pick between, in both directions, none of them in the
#: first profile's list and not all folded by Padu's name key.
_SOUND_ALIKE = [
    ("f", "p"), ("v", "f"), ("i", "y"), ("u", "o"), ("e", "i"), ("sy", "s"), ("ny", "n"),
    ("ai", "e"), ("au", "o"), ("kh", "k"), ("x", "ks"), ("j", "y"),
]  # fmt: skip

#: Placeholders typed where the NIK was unknown.
_PLACEHOLDER_NIKS = ["0000000000000000", "1111111111111111", "1234567890123456"]

#: A swapped year after this one would be in the future of the exports.
_LATEST_YEAR = 2021

#: Degrees written after the name, as ministries' forms ask.
_DEGREES = [", S.Pd", ", S.E.", ", A.Md.", " S.Kom", ", S.Sos"]


# NIK -------------------------------------------------------------------------------------


def mistype_nik(nik: str, rnd: random.Random) -> str:
    """A keypad slip (a neighbouring digit), two digits swapped anywhere, or a spreadsheet
    that kept 15 significant digits (the last becomes 0)."""
    chars = list(nik)
    kind = rnd.random()
    if kind < 0.35:
        i = rnd.randrange(len(chars))
        chars[i] = rnd.choice(_KEYPAD[chars[i]])
    elif kind < 0.75:
        i = rnd.randrange(len(chars) - 1)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        chars[-1] = "0" if chars[-1] != "0" else "1"
    return "".join(chars)


def missing_nik(nik: str, rnd: random.Random) -> str:
    """Unknown NIKs written as blanks, dashes or a placeholder number."""
    return rnd.choice(["", " ", "-", *_PLACEHOLDER_NIKS])


def excel_damage(nik: str, rnd: random.Random) -> str:
    """A NIK pasted into a number cell: shown as 3,37401E+15 with a decimal comma, or with
    '.0' appended by a conversion."""
    if rnd.random() < 0.5:
        return f"{nik[0]},{nik[1:6]}E+15"
    return nik + ".0"


# Names -----------------------------------------------------------------------------------


def name_variant(name: str, sex: str, rnd: random.Random) -> str:
    """Another way to write the same person: a sound-alike spelling, a word left out, the
    words in another order, an initial for a word, a degree after the name, all lower case."""
    tokens = name.split()
    kind = rnd.random()
    if kind < 0.35:
        i = rnd.randrange(len(tokens))
        for old, new in rnd.sample(_SOUND_ALIKE, len(_SOUND_ALIKE)):
            for a, b in ((old, new), (new, old)):
                lowered = tokens[i].lower()
                at = lowered.find(a, 1)
                if at > 0:
                    replaced = lowered[:at] + b + lowered[at + len(a) :]
                    tokens[i] = replaced[:1].upper() + replaced[1:]
                    return " ".join(tokens)
        return name
    if kind < 0.55 and len(tokens) >= 3:
        del tokens[rnd.randrange(1, len(tokens) - 1)]  # a middle word
        return " ".join(tokens)
    if kind < 0.65 and len(tokens) >= 2:
        return " ".join(tokens[1:] + tokens[:1])
    if kind < 0.75 and len(tokens) >= 2:
        i = rnd.randrange(len(tokens) - 1)
        tokens[i] = tokens[i][0] + "."
        return " ".join(tokens)
    if kind < 0.9:
        return name + rnd.choice(_DEGREES)
    return name.lower()


def name_typo(name: str, rnd: random.Random) -> str:
    """A slip of the fingers: a neighbouring key, two letters swapped, a letter dropped or
    typed twice, or two words run together."""
    if len(name) < 4:
        return name
    letters = [i for i, ch in enumerate(name) if ch.lower() in _NEIGHBOURS and i > 0]
    if not letters:
        return name
    i = rnd.choice(letters)
    kind = rnd.random()
    if kind < 0.3:
        near = rnd.choice(_NEIGHBOURS[name[i].lower()])
        near = near.upper() if name[i].isupper() else near
        return name[:i] + near + name[i + 1 :]
    if kind < 0.6 and i + 1 < len(name) and name[i + 1] != " ":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind < 0.8:
        return name[:i] + name[i + 1 :]
    if kind < 0.9:
        return name[:i] + name[i] + name[i:]
    return name.replace(" ", "", 1) if " " in name else name[:i] + name[i + 1 :]


# Dates -----------------------------------------------------------------------------------


def unknown_date(day: dt.date, rnd: random.Random) -> dt.date:
    """A birth date nobody knew, written as 1 January, 1 July or 31 December of the year."""
    month, date = rnd.choice([(1, 1), (7, 1), (12, 31)])
    return day.replace(month=month, day=date)


def shifted_date(day: dt.date, rnd: random.Random) -> dt.date:
    """A day or a year off by one, or the year's last two digits swapped (1986 written
    1968) where that stays in the past."""
    kind = rnd.random()
    if kind < 0.4:
        return day + dt.timedelta(days=rnd.choice((-1, 1)))
    year = day.year + rnd.choice((-1, 1))
    digits = str(day.year)
    swapped = int(digits[:2] + digits[3] + digits[2])
    if kind >= 0.8 and swapped < _LATEST_YEAR:
        year = swapped
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)
