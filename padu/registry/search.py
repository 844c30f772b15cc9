"""Finding families the way people write them: a name through the name key (Moh./M./
Muhammad, oe/u, dj/j, double letters), with a typing error or two, in any case and spacing;
a NIK or No KK whole or by its last digits; an address. The best matches come first.

Names are looked up by ``Person.name_key``: a B-tree index serves the whole key and its
prefix on both databases; a part of a key is a ``LIKE '%part%'`` that PostgreSQL answers
from a trigram index (registry migration 0006) and SQLite from a scan of the narrow key
index. A word with a typing error is first corrected to the words that the registry's
names hold (the vocabulary, cached), so the database is only asked for words that exist.
"""

import bisect
import re
import secrets
from collections import Counter, defaultdict

import polars as pl
from django.core.cache import cache
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from padu.core.memory import settle

from .choices import Lifecycle
from .identity import read_id_number
from .models import Family, Person
from .names import key_of, name_key

#: The most families a search ranks; a search that finds more should be narrowed.
MOST_FOUND = 1_000
#: How long the vocabulary of name words is kept before it is read again, and where (the
#: key names the vocabulary's shape, so that a cached one of an older shape is not read).
VOCABULARY_SECONDS = 600
VOCABULARY_KEY = "registry:name-vocabulary:2"
VOCABULARY_VERSION_KEY = "registry:name-vocabulary-version"
#: Below this many families found as typed, words are also read as typing errors of the
#: registry's words (a typo can be a word that exists: "Saiful" for "Syaiful").
FEW = 5
#: How many of the registry's words a typed word may stand for (the nearest first).
NEAREST = 4
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
    found: dict[int, int] = {}
    if _looks_like_address(text):
        # Words that read as an address ("Jl. Kenanga 7", "gang", a number): the address
        # first (from its narrow index), names only when it finds almost none.
        found = _by_address(text, 0)
        if len(found) < FEW:
            for family_id, score in _by_name(text, correct=False).items():
                found.setdefault(family_id, score + 1)
    else:
        found = _by_name(text)
        if len(found) < FEW:  # the words name almost no one: an address, then
            for family_id, score in _by_address(text, ADDRESS).items():
                found.setdefault(family_id, score)
    return dict(sorted(found.items(), key=lambda item: (item[1], item[0]))[:MOST_FOUND])


def _by_address(text: str, score: int) -> dict[int, int]:
    addresses = Family.objects.order_by().filter(address__icontains=text)
    return dict.fromkeys(addresses.values_list("pk", flat=True)[:MOST_FOUND], score)


_ADDRESS_WORDS = re.compile(r"(?i)\b(jl|jln|jalan|gg|gang|rt|rw|no|blok|perum|dusun|dsn)\b|\d")


def _looks_like_address(text: str) -> bool:
    return bool(_ADDRESS_WORDS.search(text))


def _by_number(digits: str) -> dict[int, int]:
    number = read_id_number(digits)
    if number.ok:
        persons = Person.objects.filter(nik=number.digits).values_list("family_id", flat=True)
        families = Family.objects.filter(kk_number=number.digits).values_list("pk", flat=True)
        return dict.fromkeys([*persons, *families], EXACT_NUMBER)
    if len(digits) < FEWEST_DIGITS:
        return {}
    # The last digits of a NIK or No KK (what a person reads off a card), or a run inside.
    # The scan reads the narrow NIK index (number and id) alone, a quarter of the time of
    # reading the rows; the families of the few found are then read by id.
    hits = list(
        Person.objects.order_by().filter(nik__contains=digits).values_list("pk", "nik")[:MOST_FOUND]
    )
    family_of = dict(
        Person.objects.filter(pk__in=[pk for pk, _nik in hits]).values_list("pk", "family_id")
    )
    persons = [(family_of[pk], nik) for pk, nik in hits if pk in family_of]
    families = (
        Family.objects.order_by().filter(kk_number__contains=digits).values_list("pk", "kk_number")
    )
    found: dict[int, int] = {}
    for family_id, number in [*persons, *families[:MOST_FOUND]]:
        _keep_best(found, family_id, LAST_DIGITS if number.endswith(digits) else DIGITS_INSIDE)
    return found


def _keep_best(found: dict[int, int], family_id: int, score: int) -> None:
    """Record ``score`` for the family unless it already has a better (lower) one."""
    found[family_id] = min(score, found.get(family_id, score))


def _merge(found: dict[int, int], scores: dict[int, int]) -> None:
    for family_id, score in scores.items():
        _keep_best(found, family_id, score)


def _by_name(text: str, *, correct: bool = True) -> dict[int, int]:
    key, written = key_of(text), _written(text)
    words = key.split()
    if not words:
        return {}
    # No ordering: the scans below read the key's index in its own order.
    persons = Person.objects.filter(lifecycle=Lifecycle.ACTIVE).order_by()
    # Names beginning with the whole key (from the index), then, if few, every word at
    # the start of a word of the name (a scan).
    found: dict[int, int] = {}
    # Read from the cache once per search, not once per word.
    ordered = name_vocabulary()["ordered"]
    scans = [persons.filter(name_key__begins=key)]
    if all(_begins_a_word(word, ordered) for word in words):
        # A word that begins none of the registry's words finds no one: the scan of every
        # name (a quarter of a second on a million people) is spared.
        scans.append(persons.filter(_every_word(words)))
    for narrowed in scans:
        if len(found) >= FEW:
            break
        _merge(found, _scored(narrowed, key, written))
    # Few found, or no one of that very name: the names a typing error away compete on
    # distance; first correcting only the words the registry does not know, then (still
    # few) every word, since a typo can spell another name ("Saiful" for "Syaiful").
    for every_word in (False, True):
        enough = not correct or (len(found) >= FEW and (every_word or 0 in found.values()))
        if enough:
            break
        corrected = _corrected(written.split(), every_word=every_word)
        if not any(len(choices) > 1 for choices in corrected):
            continue
        # Only the choices some name holds: a typed word that begins none is no use to scan.
        held = [[w for w in choices if _begins_a_word(w, ordered)] for choices in corrected]
        if not all(held):
            continue
        near = persons.filter(_every_word(held))
        if len(corrected) > 1:
            # A name usually begins with its first word as typed: those names first (from
            # the index), all of them only if that finds few.
            _merge(found, _scored(near.filter(name_key__begins=corrected[0][0]), key, written))
            if len(found) >= FEW:
                continue
        _merge(found, _scored(near, key, written))
    if not found and correct and len(words) > 1:
        # No one bears all the words: those who bear some, the nearest first.
        some = Q()
        for word in words:
            some |= _every_word([word])
        found = _scored(persons.filter(some), key, written)
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


def _scored(persons: QuerySet, key: str, written: str) -> dict[int, int]:
    """family id → the best score of its members among ``persons``: how far their name is
    from the query (typing errors, words more or fewer), as keys or as written, whichever
    is nearer. The scan reads the key's index only; the names as written are read for
    the persons found."""
    hits = list(persons.values_list("pk", "family_id", "name_key")[: MOST_FOUND * 2])
    names = dict(
        Person.objects.filter(pk__in=[pk for pk, _f, _k in hits]).values_list("pk", "full_name")
    )
    found: dict[int, int] = {}
    for pk, family_id, person_key in hits:
        distance = min(
            DamerauLevenshtein.distance(key, person_key),
            DamerauLevenshtein.distance(written, _written(names.get(pk, ""))),
        )
        _keep_best(found, family_id, min(distance, FARTHEST))
    return found


def _written(name: str) -> str:
    """A name as written, in lower case, letters and single spaces only (an apostrophe
    joins: "Ma'ruf" is one word)."""
    joined = re.sub(r"['`’]", "", name.lower())
    return " ".join(re.sub(r"[^a-z ]", " ", joined).split())


def _corrected(typed: list[str], *, every_word: bool) -> list[list[str]]:
    """For each word as written, its key and the registry's words one typing error away
    (two for a long word) from the key, or from the word as the registry's names write it
    (folding can turn one typing error into two: "Hamma" is one letter from "Hamima",
    "Ujani" from "Unjani").
    Unless ``every_word``, a word the registry knows stands for itself alone."""
    vocabulary = name_vocabulary()
    by_length, words = vocabulary["by_length"], vocabulary["words"]
    written_keys = vocabulary["written_keys"]
    corrected = []
    for word in typed:
        key = key_of(word)
        if not key:
            continue  # a title ("Hj."): not part of the key
        if not every_word and key in words:
            corrected.append([key])
            continue
        as_written = (written_keys[w] for w in _near(word, vocabulary["written_by_length"]))
        near = sorted(
            {*_near(key, by_length), *_near(word, by_length), *as_written} - {key, ""},
            key=lambda w: (DamerauLevenshtein.distance(word, w), -words[w], w),
        )
        corrected.append([key, *near[:NEAREST]])
    return corrected


def _begins_a_word(prefix: str, ordered: list[str]) -> bool:
    """Whether some word of the registry's names (``ordered``: the cached vocabulary's,
    sorted) begins with ``prefix``. A name imported since is found by its whole key at
    once, by a word within VOCABULARY_SECONDS or after the next matching run."""
    at = bisect.bisect_left(ordered, prefix)
    return at < len(ordered) and ordered[at].startswith(prefix)


def _near(word: str, by_length: dict[int, list[str]]) -> list[str]:
    if len(word) < 4:
        return []
    allowed = 1 if len(word) < 7 else 2
    candidates = [
        candidate
        for length in range(len(word) - allowed, len(word) + allowed + 1)
        for candidate in by_length.get(length, ())
    ]
    # RapidFuzz compares the word with every candidate in one call (C++), not one by one.
    found = process.extract(
        word, candidates, scorer=DamerauLevenshtein.distance, score_cutoff=allowed, limit=None
    )
    return [candidate for candidate, _distance, _index in found]


#: This process's copy of the vocabulary, under the version the shared cache holds: a
#: city's vocabulary is megabytes that the file cache would unpickle on every search.
_held: dict = {"version": None, "vocabulary": None}


def name_vocabulary() -> dict:
    """The words of the registry's name keys, by length (cached: a new name's words are
    known to typo correction within ``VOCABULARY_SECONDS``; exact search finds it at once).
    Every process reads it once per version; the shared cache says which version is current
    (a small key), so that one process's reading serves the others."""
    version = cache.get(VOCABULARY_VERSION_KEY)
    if version is not None and version == _held["version"]:
        return _held["vocabulary"]
    vocabulary = cache.get(VOCABULARY_KEY) if version is not None else None
    if vocabulary is None:
        vocabulary, version = _read_vocabulary(), secrets.token_hex(8)
        cache.set_many(
            {VOCABULARY_KEY: vocabulary, VOCABULARY_VERSION_KEY: version}, VOCABULARY_SECONDS
        )
    _held.update(version=version, vocabulary=vocabulary)
    settle()  # a city's words: hundreds of thousands of objects the collector need not walk
    return vocabulary


def forget_name_vocabulary() -> None:
    """Read the vocabulary again at the next search (after the golden records changed)."""
    cache.delete_many([VOCABULARY_KEY, VOCABULARY_VERSION_KEY])


def _read_vocabulary() -> dict:
    # Grouped on the key's index: a city's million names hold some tens of thousands of
    # words. How many persons bear a word ranks the corrections: a common name before a
    # typing error that a source happened to hold ("yusuf" before "yusfu").
    words: Counter = Counter()
    keys = Person.objects.order_by("name_key").values_list("name_key").annotate(n=Count("pk"))
    for key, count in keys.iterator(50_000):
        for word in key.split():
            words[word] += count
    # The words as written, each with its key: folding old spellings can put a typing
    # error two letters away in the key ("Ujani" → "ujani", "Unjani" → "unyani").
    written = set()
    names = Person.objects.order_by("full_name").values_list("full_name", flat=True).distinct()
    for name in names.iterator(50_000):
        written.update(_written(name).split())
    ordered = sorted(written)
    keys_of_words = pl.select(name_key(pl.Series(ordered, dtype=pl.String))).to_series()
    written_keys = {w: k or "" for w, k in zip(ordered, keys_of_words, strict=True)}
    return {
        "words": words,
        "ordered": sorted(words),
        "by_length": _by_length(words),
        "written_keys": written_keys,
        "written_by_length": _by_length(written_keys),
    }


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
