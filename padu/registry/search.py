"""Finding families the way people write them: a name through the name key (Moh./M./
Muhammad, oe/u, dj/j, double letters), with a typing error or two, in any case and spacing;
a NIK or No KK whole or by its last digits; an address. The best matches come first.

Names are looked up by ``Person.name_key``: a B-tree index serves the whole key and its
prefix on both databases; a part of a key is a ``LIKE '%part%'`` that PostgreSQL answers
from a trigram index (registry migration 0006) and SQLite from a scan of the narrow key
index. A word with a typing error is first corrected to the words that the registry's
names hold (the vocabulary, cached), so the database is only asked for words that exist.
"""

import re
from collections import defaultdict

import jellyfish
import polars as pl
from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .choices import Lifecycle
from .identity import read_id_number
from .models import Family, Person
from .names import key_of, name_key

#: The most families a search ranks; a search that finds more should be narrowed.
MOST_FOUND = 1_000
#: How long the vocabulary of name words is kept before it is read again.
VOCABULARY_SECONDS = 600
#: Below this many families found as typed, words are also read as typing errors of the
#: registry's words (a typo can be a word that exists: "Saiful" for "Syaiful").
FEW = 5
#: The fewest digits a partial NIK or No KK search takes (fewer would match too much).
FEWEST_DIGITS = 4

# Scores of a match, lower first: a name by how far it is from the query's (0: the same),
# then numbers and addresses.
EXACT_NUMBER, LAST_DIGITS, DIGITS_INSIDE = 0, 1, 2
ADDRESS = 100
FARTHEST = 99


def ranked_family_ids(query: str) -> dict[int, int]:
    """family id → rank (lower is better) of the families ``query`` means, at most
    ``MOST_FOUND`` of them. Scope is not applied here: the caller filters its own
    restricted queryset by these ids."""
    text = " ".join(query.split())
    if not text:
        return {}
    digits = re.sub(r"[\s.\-]", "", text)
    if digits.isascii() and digits.isdigit():
        return _by_number(digits)
    found = _by_name(text)
    for family_id in (
        Family.objects.filter(address__icontains=text)
        .values_list("pk", flat=True)[:MOST_FOUND]
        .iterator()
    ):
        found.setdefault(family_id, ADDRESS)
    return dict(sorted(found.items(), key=lambda item: (item[1], item[0]))[:MOST_FOUND])


def _by_number(digits: str) -> dict[int, int]:
    number = read_id_number(digits)
    if number.ok:
        persons = Person.objects.filter(nik=number.digits).values_list("family_id", flat=True)
        families = Family.objects.filter(kk_number=number.digits).values_list("pk", flat=True)
        return dict.fromkeys([*persons, *families], EXACT_NUMBER)
    if len(digits) < FEWEST_DIGITS:
        return {}
    # The last digits of a NIK or No KK (what a person reads off a card), or a run inside.
    persons = Person.objects.filter(nik__contains=digits).values_list("family_id", "nik")
    families = Family.objects.filter(kk_number__contains=digits).values_list("pk", "kk_number")
    found = {}
    for family_id, number in [*persons[:MOST_FOUND], *families[:MOST_FOUND]]:
        rank = LAST_DIGITS if number.endswith(digits) else DIGITS_INSIDE
        found[family_id] = min(rank, found.get(family_id, rank))
    return found


def _by_name(text: str) -> dict[int, int]:
    key, written = key_of(text), _written(text)
    words = key.split()
    if not words:
        return {}
    persons = Person.objects.filter(lifecycle=Lifecycle.ACTIVE)
    # The whole key, then the key as the start of a name (both from the index), then
    # every word anywhere: a common word fills the cap before the best are reached.
    found = {}
    for narrowed in (
        persons.filter(name_key=key),
        persons.filter(name_key__startswith=key),
        persons.filter(_every_word(words)),
    ):
        if len(found) >= MOST_FOUND:
            break
        for family_id, score in _scored(narrowed, key, written, 0).items():
            found[family_id] = min(score, found.get(family_id, score))
    if len(found) < FEW or 0 not in found.values():
        # No one of that very name: the names a typing error away compete on distance.
        corrected = _corrected(written.split())
        if corrected:
            for family_id, score in _scored(
                persons.filter(_every_word(corrected)), key, written, 0
            ).items():
                found[family_id] = min(score, found.get(family_id, score))
    return found


def _every_word(words: list) -> Q:
    """Keys in which every word (or one of a list of choices) begins a word: "yus" finds
    "muhamad yusuf", "hama" does not find "muhamad"."""
    condition = Q()
    for word in words:
        one_of = Q()
        for choice in [word] if isinstance(word, str) else word:
            one_of |= Q(name_key__startswith=choice) | Q(name_key__contains=f" {choice}")
        condition &= one_of
    return condition


def _scored(persons: QuerySet, key: str, written: str, base: int) -> dict[int, int]:
    """family id → the best score of its members among ``persons``: ``base`` plus how far
    their name is from the query (typing errors, words more or fewer), as keys or as
    written, whichever is nearer."""
    found = {}
    rows = persons.values_list("family_id", "name_key", "full_name")[: MOST_FOUND * 2]
    for family_id, person_key, full_name in rows.iterator():
        distance = min(
            jellyfish.damerau_levenshtein_distance(key, person_key),
            jellyfish.damerau_levenshtein_distance(written, _written(full_name)),
        )
        score = base + min(distance, FARTHEST - base)
        found[family_id] = min(score, found.get(family_id, score))
    return found


def _written(name: str) -> str:
    """A name as written, in lower case, letters and single spaces only (an apostrophe
    joins: "Ma'ruf" is one word)."""
    joined = re.sub(r"['`’]", "", name.lower())
    return " ".join(re.sub(r"[^a-z ]", " ", joined).split())


def _corrected(typed: list[str]) -> list[list[str]]:
    """For each word as written, its key and the keys of the registry's words one typing
    error away (two for a long word), compared as keys and as written (folding double
    letters can turn one typing error into two: "Hamma" for "Hamima")."""
    vocabulary = name_vocabulary()
    corrected = []
    for word in typed:
        key = vocabulary["written_keys"].get(word) or key_of(word)
        if not key:
            continue  # a title ("Hj."): not part of the key
        choices = {key, *_near(key, vocabulary["by_length"])}
        choices.update(
            vocabulary["written_keys"][w] for w in _near(word, vocabulary["written_by_length"])
        )
        corrected.append(sorted(choices - {""}))
    return corrected


def _near(word: str, by_length: dict[int, list[str]]) -> list[str]:
    if len(word) < 4:
        return []
    allowed = 1 if len(word) < 7 else 2
    return [
        candidate
        for length in range(len(word) - allowed, len(word) + allowed + 1)
        for candidate in by_length.get(length, ())
        if jellyfish.damerau_levenshtein_distance(word, candidate) <= allowed
    ]


def name_vocabulary() -> dict:
    """The words of the registry's name keys, by length (cached: a new name's words are
    known to typo correction within ``VOCABULARY_SECONDS``; exact search finds it at once)."""
    return cache.get_or_set("registry:name-vocabulary", _read_vocabulary, VOCABULARY_SECONDS)


def _read_vocabulary() -> dict:
    keys, written = set(), set()
    names = Person.objects.values_list("name_key", "full_name").distinct()
    for key, full_name in names.iterator(10_000):
        keys.update(key.split())
        written.update(_written(full_name).split())
    written_keys = dict(zip(sorted(written), _keys_of(sorted(written)), strict=True))
    return {
        "words": keys,
        "by_length": _by_length(keys),
        "written_by_length": _by_length(w for w, key in written_keys.items() if key),
        "written_keys": written_keys,
    }


def _keys_of(words: list[str]) -> list[str]:
    keys = pl.select(name_key(pl.Series(words, dtype=pl.String))).to_series()
    return [key or "" for key in keys]


def _by_length(words) -> dict[int, list[str]]:
    by_length = defaultdict(list)
    for word in words:
        by_length[len(word)].append(word)
    return dict(by_length)


def filter_by_search(queryset: QuerySet, query: str, family_id: str = "pk") -> QuerySet:
    """``queryset`` narrowed to the families ``query`` means, annotated with
    ``search_rank`` (lower first) for a list that is not sorted by a column."""
    ranks = ranked_family_ids(query)
    if not ranks:
        return queryset.none()
    by_rank = defaultdict(list)
    for family, rank in ranks.items():
        by_rank[rank].append(family)
    return queryset.filter(**{f"{family_id}__in": list(ranks)}).annotate(
        search_rank=Case(
            *(When(**{f"{family_id}__in": ids}, then=Value(r)) for r, ids in by_rank.items()),
            default=Value(len(by_rank) + 10),
            output_field=IntegerField(),
        )
    )
