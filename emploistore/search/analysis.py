"""French text analysis for the search indexes.

Accents are folded *before* stemming, and feminine/plural endings are normalised to the
masculine singular before the Snowball stemmer runs. Snowball alone treats spellings
differently: "infirmière" and "infirmier" both give "infirmi", but the accent-less
"infirmiere" gives "infirmier", so a visitor typing without accents would miss every
offer. The normaliser turns "infirmiere" into "infirmier" first, and all spellings meet.
"""

from __future__ import annotations

from functools import lru_cache

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

# Feminine → masculine endings, longest first. Applied to folded (accent-less) words.
_FEMININE_ENDINGS: tuple[tuple[str, str], ...] = (
    ("trice", "teur"),
    ("euse", "eur"),
    ("ienne", "ien"),
    ("enne", "en"),
    ("iere", "ier"),
    ("ere", "er"),
    ("ive", "if"),
    ("ante", "ant"),
    ("ente", "ent"),
)


def normalise_gender_number(word: str) -> str:
    """Bring a folded French word to its masculine singular form (light, rule based)."""
    if len(word) > 4 and word.endswith("aux"):
        word = word[:-3] + "al"
    elif len(word) > 3 and word[-1] in "sx" and not word.endswith(("ss", "us")):
        word = word[:-1]
    for ending, replacement in _FEMININE_ENDINGS:
        if len(word) > len(ending) + 2 and word.endswith(ending):
            return word[: -len(ending)] + replacement
    return word


class GenderNumberFilter(Filter):
    """Whoosh filter applying :func:`normalise_gender_number` to every token."""

    def __call__(self, tokens):  # type: ignore[no-untyped-def]
        for token in tokens:
            token.text = normalise_gender_number(token.text)
            yield token


def _folded_stopwords() -> frozenset[str]:
    folded = set()
    for word in stopwords_for_language("fr"):
        folded.add(word.translate(accent_map))
    return frozenset(folded)


@lru_cache(maxsize=1)
def french_analyzer() -> Analyzer:
    """Tokenise, lowercase, fold accents, drop stop words, normalise, stem."""
    return (
        RegexTokenizer(r"\w+")
        | LowercaseFilter()
        | CharsetFilter(accent_map)
        | StopFilter(stoplist=_folded_stopwords(), minsize=2)
        | GenderNumberFilter()
        | StemFilter(lang="fr", cachesize=50000)
    )


@lru_cache(maxsize=1)
def folding_analyzer() -> Analyzer:
    """Tokenise, lowercase and fold accents only: for prefix and typo matching."""
    return RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map)


def analyse(text: str, analyzer: Analyzer | None = None) -> list[str]:
    """Return the terms *text* produces with *analyzer* (French by default)."""
    chosen = analyzer or french_analyzer()
    return [token.text for token in chosen(text)]
