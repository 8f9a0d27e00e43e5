"""Word-level features for summarizing: ROUGE-like tokens, Snowball stems, concept bigrams.

A *concept* is a pair of adjacent stemmed tokens, not both stopwords (Gillick & Favre's units of
information).  Tokens are runs of letters and digits, lower-cased, so "$500-million" gives
``500 million`` and "Assad's" gives ``assad s``: the same view of a text that ROUGE takes, which
keeps the summarizer's idea of "the same words" close to what readers and metrics see.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

__all__ = ["STOPWORDS", "concepts", "content_stems", "n_words", "stem", "tokens"]

_TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)

# scikit-learn's English list plus the reporting verbs and bare letters that pepper news text
# ("said", the "s" of a possessive, the "u" of "U.S.").
STOPWORDS = frozenset(ENGLISH_STOP_WORDS) | frozenset(
    ["said", "says", "say", "told", "s", "t", "u", "mr", "mrs", "ms", "also", "just", "like"]
)


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """The Snowball (Porter 2) stem of a lower-case token; digits are kept as they are."""
    if token.isdigit() or len(token) <= 3:
        return token
    stemmed: str = _stemmer().stemWord(token)  # type: ignore[attr-defined]
    return stemmed


def tokens(text: str) -> list[str]:
    """Lower-case runs of letters and digits."""
    return _TOKEN_RE.findall(text.lower())


def n_words(text: str) -> int:
    """Words as a reader (and ROUGE's length limit) counts them: whitespace-separated tokens."""
    return len(text.split())


def content_stems(toks: Sequence[str]) -> list[str]:
    """Stems of the tokens that are not stopwords."""
    return [stem(t) for t in toks if t not in STOPWORDS]


def concepts(toks: Sequence[str]) -> set[str]:
    """Stemmed bigrams of adjacent tokens where at least one is not a stopword."""
    found: set[str] = set()
    previous: str | None = None
    previous_stop = True
    for token in toks:
        is_stop = token in STOPWORDS
        current = stem(token)
        if previous is not None and not (is_stop and previous_stop):
            found.add(previous + " " + current)
        previous, previous_stop = current, is_stop
    return found
