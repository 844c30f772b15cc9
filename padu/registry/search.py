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
from django.core.cache import cache
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .choices import Lifecycle
from .identity import read_id_number
from .models import Family, Person
from .names import key_of

#: The most families a search ranks; a search that finds more should be narrowed.
MOST_FOUND = 1_000
#: How long the vocabulary of name words is kept before it is read again.
VOCABULARY_SECONDS = 600
#: The fewest digits a partial NIK or No KK search takes (fewer would match too much).
FEWEST_DIGITS = 4

# The ranks of a match, best first.
EXACT, PREFIX, ALL_WORDS, CORRECTED, ADDRESS, PARTIAL_NUMBER = range(6)


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
    return dict(sorted(found.items(), key=lambda item: item[1])[:MOST_FOUND])


def _by_number(digits: str) -> dict[int, int]:
    number = read_id_number(digits)
    if number.ok:
        persons = Person.objects.filter(nik=number.digits).values_list("family_id", flat=True)
        families = Family.objects.filter(kk_number=number.digits).values_list("pk", flat=True)
        return dict.fromkeys([*persons, *families], EXACT)
    if len(digits) < FEWEST_DIGITS:
        return {}
    # The last digits of a NIK or No KK (what a person reads off a card), or a run inside.
    persons = Person.objects.filter(nik__contains=digits).values_list("family_id", "nik")
    families = Family.objects.filter(kk_number__contains=digits).values_list("pk", "kk_number")
    found = {}
    for family_id, number in [*persons[:MOST_FOUND], *families[:MOST_FOUND]]:
        rank = PREFIX if number.endswith(digits) else PARTIAL_NUMBER
        found[family_id] = min(rank, found.get(family_id, rank))
    return found


def _by_name(text: str) -> dict[int, int]:
    key = key_of(text)
    words = key.split()
    if not words:
        return {}
    persons = Person.objects.filter(lifecycle=Lifecycle.ACTIVE)
    every_word = Q()
    for word in words:
        every_word &= Q(name_key__contains=word)
    ranked = persons.filter(every_word).annotate(
        rank=Case(
            When(name_key=key, then=Value(EXACT)),
            When(name_key__startswith=key, then=Value(PREFIX)),
            default=Value(ALL_WORDS),
            output_field=IntegerField(),
        )
    )
    found = _best(ranked.values_list("family_id", "rank")[: MOST_FOUND * 2])
    if len(found) < MOST_FOUND:
        corrected = _corrected(words)
        if corrected != [[word] for word in words]:
            near = Q()
            for choices in corrected:
                one_of = Q()
                for word in choices:
                    one_of |= Q(name_key__contains=word)
                near &= one_of
            for family_id in persons.filter(near).values_list("family_id", flat=True)[:MOST_FOUND]:
                found.setdefault(family_id, CORRECTED)
    return found


def _best(rows) -> dict[int, int]:
    found = {}
    for family_id, rank in rows:
        found[family_id] = min(rank, found.get(family_id, rank))
    return found


def _corrected(words: list[str]) -> list[list[str]]:
    """Each word, or the words of the vocabulary one typing error away (two for a long
    word) when the vocabulary does not hold it."""
    vocabulary = name_vocabulary()
    corrected = []
    for word in words:
        if word in vocabulary["words"] or len(word) < 4:
            corrected.append([word])
            continue
        allowed = 1 if len(word) < 7 else 2
        near = [
            candidate
            for length in range(len(word) - allowed, len(word) + allowed + 1)
            for candidate in vocabulary["by_length"].get(length, ())
            if jellyfish.damerau_levenshtein_distance(word, candidate) <= allowed
        ]
        corrected.append(near or [word])
    return corrected


def name_vocabulary() -> dict:
    """The words of the registry's name keys, by length (cached: a new name's words are
    known to typo correction within ``VOCABULARY_SECONDS``; exact search finds it at once)."""
    return cache.get_or_set("registry:name-vocabulary", _read_vocabulary, VOCABULARY_SECONDS)


def _read_vocabulary() -> dict:
    words = set()
    for key in Person.objects.values_list("name_key", flat=True).distinct().iterator(10_000):
        words.update(key.split())
    by_length = defaultdict(list)
    for word in words:
        by_length[len(word)].append(word)
    return {"words": words, "by_length": dict(by_length)}


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
