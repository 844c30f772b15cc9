"""Names as Padu reads them: cleaned, shown, and folded into a match key (Moh./M./Muhammad,
oe/u, dj/j, double letters) that the import, the matching and the search all use, so that
"Moh. Yusuf" finds the "Muhammad Yusuf" the matching linked. Polars expressions over whole
columns; ``key_of`` for one name."""

import polars as pl

_TITLE_WORDS = (
    r"(?:(?:h|hj|hajah|hajjah|haji|dr|drs|dra|ir|prof|kh|k\.h|ust|ustadz|ustadzah)\.?\s+)+"
)
_TITLES = rf"(?i)^{_TITLE_WORDS}"
_DEGREES = r"(?i),?\s*(?:s\.\s?[a-z]{1,4}\.?|a\.\s?md\.?|m\.\s?[a-z]{1,4}\.?|ph\.?d\.?)(?:\s*,.*)?$"
_KEY_TOKENS = [
    (
        r"\b(?:muhammad|muhamad|mohammad|mohamad|mochammad|mochamad|mohamed|muhammed|moch|moh|muh|mhd|md|m)\b",
        "muhammad",
    ),
    (r"\bst\b", "siti"),
    (r"\babd\b", "abdul"),
]
_OLD_SPELLINGS = [
    ("oe", "u"),
    ("dj", "j"),
    ("tj", "c"),
    ("sj", "sy"),
    ("nj", "ny"),
    ("ch", "h"),
    ("kh", "h"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "f"),
    ("q", "k"),
    ("z", "s"),
]
_DOUBLES = [ch * 2 for ch in "abcdefghijklmnopqrstuvwxyz"]


def clean_text(expr: pl.Expr) -> pl.Expr:
    """Trim, fold runs of blanks, and turn empty cells into nulls: a cell of dashes or dots
    alone ("-", "--", ".") is how these exports write "nothing"."""
    return empty_to_null(
        expr.str.strip_chars().str.replace_all(r"\s+", " ").str.replace(r"^[-.]+$", "")
    )


def empty_to_null(text: pl.Expr) -> pl.Expr:
    """Empty text as null. (``when(text == "").then(None).otherwise(text)`` would compute
    ``text`` twice: Polars does not share the branches' common parts.)"""
    return text.replace("", None)


def steps(**named: pl.Expr) -> pl.Expr:
    """The last of ``named`` steps, each computed once and able to use the ones before it as
    ``pl.field(name)``. Polars computes a part that one expression uses twice twice, so a
    normaliser that needs a value in several places names it as a step."""
    (first_name, first), *rest = named.items()
    result = pl.struct(first.alias(first_name))
    for name, expr in rest:
        result = result.struct.with_fields(expr.alias(name))
    return result.struct.field(list(named)[-1])


# Names -----------------------------------------------------------------------------------


def name_title(expr: pl.Expr) -> pl.Expr:
    """Honorifics and degrees written with the name (H., Hj., Drs., S.Pd), kept apart."""
    return steps(text=clean_text(expr), title=_title(pl.field("text")))


def name_display(expr: pl.Expr) -> pl.Expr:
    """The name as Padu shows it: titles removed, Title Case, single spaces."""
    return _display(_bare(clean_text(expr)))


def name_key(expr: pl.Expr) -> pl.Expr:
    """A match key: the forms of one name folded together (Moh./M./Muhammad, oe/u, dj/j, tj/c)."""
    return _key(_bare(clean_text(expr)))


def name_parts(expr: pl.Expr) -> pl.Expr:
    """{display, key, title} of a full name at once, sharing the steps the three begin with."""
    text, bare = pl.field("text"), pl.field("bare")
    return steps(
        text=clean_text(expr),
        bare=_bare(text),
        parts=pl.struct(display=_display(bare), key=_key(bare), title=_title(text)),
    )


def _bare(text: pl.Expr) -> pl.Expr:
    return text.str.replace(_TITLES, "").str.replace(_DEGREES, "")


def _title(text: pl.Expr) -> pl.Expr:
    lead = text.str.extract(rf"(?i)^({_TITLE_WORDS})", 1)
    trail = text.str.extract(_DEGREES.replace("(?i),?", "(?i)(,?") + ")", 1)
    return pl.concat_str(
        lead.str.strip_chars(), trail.str.strip_chars(", "), separator=" ", ignore_nulls=True
    )


def _display(bare: pl.Expr) -> pl.Expr:
    text = (
        bare.str.replace_all(r"[^\w' .-]", " ").str.replace_all(r"\s+", " ").str.strip_chars(" .,-")
    )
    return empty_to_null(text).str.to_titlecase()


def _key(bare: pl.Expr) -> pl.Expr:
    # An apostrophe joins (Ma'ruf, Maruf); other marks part words.
    text = bare.str.to_lowercase().str.replace_all(r"['`’]", "").str.replace_all(r"[^a-z ]", " ")
    for pattern, value in _KEY_TOKENS:
        text = text.str.replace_all(pattern, value)
    text = text.str.replace_many([o for o, _ in _OLD_SPELLINGS], [n for _, n in _OLD_SPELLINGS])
    text = text.str.replace_all(r"y\b", "i")  # Rizky/Rizki, Dedy/Dedi
    for _ in range(2):  # "aaa" needs two passes
        text = text.str.replace_many(_DOUBLES, [d[0] for d in _DOUBLES])
    return empty_to_null(text.str.replace_all(r"\s+", " ").str.strip_chars())


def key_of(name: str) -> str:
    """``name_key`` of one name ("" when nothing is left of it)."""
    return pl.select(name_key(pl.lit(name, pl.String))).item() or ""
