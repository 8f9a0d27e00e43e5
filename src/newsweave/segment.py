"""Split clean article text into sentences (pysbd, one paragraph at a time) and words.

Sentences keep ``[start, end)`` offsets into the article's clean text.  pysbd is run per
paragraph: it is the best of the splitters tried on news (datelines, "Mr. Putin", quotations)
but slows down badly on very long strings, and a sentence never crosses a paragraph anyway.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from newsweave.errors import ConfigError
from newsweave.model import Article, Sentence

__all__ = ["SegmentOptions", "segment", "segment_article", "split_sentences", "words"]

# A paragraph longer than this is cut at line breaks or spaces before pysbd sees it: pysbd's
# cost grows much faster than linearly on one huge string (seen on a 5 MB one-line file).
MAX_CHUNK = 20_000
# A "sentence" starting in lower case continues the one before it: pysbd splits after `?”` or
# `!”` even when an attribution follows (`“Why now?” asked Kerry` / `“…now!” he said`).
_CUE_CONTINUATION = re.compile(r"^[a-z]")

# Acronyms with their dots (U.S., U.N.), then words with inner apostrophes, hyphens, dots (3.5).
_WORD_RE = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:[’'.\-]\w+)*", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SegmentOptions:
    language: str = "en"
    min_chars: int = 2  # drop fragments shorter than this (stray punctuation)

    def __post_init__(self) -> None:
        if self.language not in _SUPPORTED_LANGUAGES:
            raise ConfigError(
                f"segment: unsupported language {self.language!r}; "
                f"choose one of {', '.join(sorted(_SUPPORTED_LANGUAGES))}"
            )


_SUPPORTED_LANGUAGES = frozenset(
    [
        "en",
        "hi",
        "mr",
        "zh",
        "es",
        "am",
        "ar",
        "hy",
        "bg",
        "ur",
        "ru",
        "pl",
        "fa",
        "nl",
        "da",
        "fr",
        "my",
        "el",
        "it",
        "ja",
        "de",
        "kk",
        "sk",
    ]
)


@lru_cache(maxsize=8)
def _segmenter(language: str) -> Any:
    import pysbd

    return pysbd.Segmenter(language=language, clean=False)


def split_sentences(text: str, options: SegmentOptions | None = None) -> list[tuple[int, int]]:
    """``[start, end)`` offsets of the sentences of one paragraph (or any short text)."""
    options = options or SegmentOptions()
    spans: list[tuple[int, int]] = []
    for chunk_start, chunk in _chunks(text):
        cursor = 0
        for piece in _segmenter(options.language).segment(chunk):
            stripped = piece.strip()
            if not stripped:
                continue
            found = chunk.find(stripped, cursor)
            if found < 0:  # pysbd altered the text; fall back to the piece's own length
                found = cursor
            cursor = found + len(stripped)
            spans.append((chunk_start + found, chunk_start + cursor))
    return _rejoin(text, _drop_short(text, spans, options.min_chars))


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    start = 0
    while len(text) - start > MAX_CHUNK:
        cut = text.rfind("\n", start, start + MAX_CHUNK)
        if cut <= start:
            cut = text.rfind(" ", start, start + MAX_CHUNK)
        if cut <= start:
            cut = start + MAX_CHUNK
        yield start, text[start:cut]
        start = cut
    yield start, text[start:]


def _drop_short(text: str, spans: list[tuple[int, int]], min_chars: int) -> list[tuple[int, int]]:
    return [(s, e) for s, e in spans if sum(c.isalnum() for c in text[s:e]) >= min_chars]


def _rejoin(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Undo splits inside attributions: `“…right now.” said Rouhani` is one sentence."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and _CUE_CONTINUATION.match(text[start:end]):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def segment_article(article: Article, options: SegmentOptions | None = None) -> list[Sentence]:
    """The sentences of one article, numbered in reading order."""
    paragraphs = article.paragraphs or ((0, len(article.text)),)
    sentences: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        for start, end in split_sentences(article.text[p_start:p_end], options):
            sentences.append(
                Sentence(
                    article_id=article.id,
                    index=len(sentences),
                    start=p_start + start,
                    end=p_start + end,
                    text=article.text[p_start + start : p_start + end],
                    paragraph=p_index,
                )
            )
    return sentences


def segment(
    articles: Iterable[Article], options: SegmentOptions | None = None
) -> Iterator[tuple[Article, list[Sentence]]]:
    """Stage function: each article with its sentences."""
    for article in articles:
        yield article, segment_article(article, options)


def words(text: str, *, lower: bool = True) -> list[str]:
    """Word tokens: acronyms (U.S.), words with inner apostrophes and hyphens (al-Assad's)."""
    found = _WORD_RE.findall(text)
    return [w.lower() for w in found] if lower else found
