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
        pieces = _english_pieces(chunk) if options.language == "en" else [(0, len(chunk), True)]
        for piece_start, piece_end, hard in pieces:
            offset = chunk_start + piece_start
            piece = chunk[piece_start:piece_end]
            if hard:
                spans.extend(_pysbd_spans(piece, offset, options.language))
            elif piece.strip():
                lead = len(piece) - len(piece.lstrip())
                spans.append((offset + lead, offset + len(piece.rstrip())))
    return _rejoin(text, _drop_short(text, spans, options.min_chars))


def _pysbd_spans(piece: str, offset: int, language: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in _segmenter(language).processor(piece).process():
        stripped = sentence.strip()
        if not stripped:
            continue
        found = piece.find(stripped, cursor)
        if found < 0:  # pysbd altered the text; fall back to the piece's own length
            found = cursor
        cursor = found + len(stripped)
        spans.append((offset + found, offset + cursor))
    return spans


# --- the English fast path ----------------------------------------------------------------------
# pysbd costs about half a millisecond per paragraph, most of it regex passes that only matter
# near a period that might not end a sentence.  The fast path cuts a paragraph where pysbd
# certainly would (a period after an ordinary lower-case word, outside quotes and brackets,
# followed by a space and a capital) and calls pysbd only on the pieces that still hold a
# doubtful mark; a piece whose other marks are certainly not sentence ends is one sentence.
# tests/test_segment.py checks that the result equals pysbd's on real news text.


def _english_pieces(chunk: str) -> list[tuple[int, int, bool]]:
    """The chunk cut at certain sentence ends: ``(start, end, needs_pysbd)`` per piece."""
    if not _MARKS.search(chunk):
        return [(0, len(chunk), False)]
    if _OPENING_SINGLE_QUOTE.search(chunk):
        return [(0, len(chunk), True)]  # pysbd's rules for single quotes are subtle: all of it
    protected = _protected_spans(chunk)
    pieces: list[tuple[int, int, bool]] = []
    start = 0
    for match in _CERTAIN_END.finditer(chunk):
        word, closer = match.group(1), match.group(2)
        period = match.end(1)
        if word.lower() in _ABBREVIATIONS or word.isupper():
            continue
        if closer:  # 'said "yes." She left': the quotation must close right there
            if period + 2 not in protected.closing:
                continue
        elif protected.is_inside(period):
            continue
        end = match.end(2)
        pieces.append((start, end, _doubtful(chunk, start, end, protected)))
        start = match.end()
    pieces.append((start, len(chunk), _doubtful(chunk, start, len(chunk), protected)))
    return pieces


def _doubtful(chunk: str, start: int, end: int, protected: _Protected) -> bool:
    """Whether ``chunk[start:end]`` holds a mark pysbd might end a sentence at (its last one
    aside) that is not one of the marks known never to end a sentence."""
    last = len(chunk[start:end].rstrip(_CLOSERS))
    for mark in _MARKS.finditer(chunk, start, end):
        at = mark.start()
        if at >= start + last - 1:
            break
        if not _certainly_inside_sentence(chunk, at, protected):
            return True
    return False


def _certainly_inside_sentence(chunk: str, at: int, protected: _Protected) -> bool:
    mark = chunk[at]
    if protected.is_masked(at):
        return True  # inside a quotation or brackets, not its last mark: pysbd masks these
    following = chunk[at + 1 : at + 2]
    if mark == "." and (
        following.isalpha() or (following.isdigit() and chunk[at - 1 : at].isdigit())
    ):
        return True  # "U.S", "home.Then", "3.5": pysbd ends no sentence without a space
    after = _AFTER_MARK.match(chunk, at + 1)
    if after is None:
        return False
    if after.group(1).islower():
        return True  # a lower-case start is joined back to the sentence before (_rejoin)
    if mark != "." or chunk[at + 1 : at + 2] != " ":
        return False
    before = _WORD_BEFORE.search(chunk, max(0, at - 40), at)
    # "Mr. Putin": pysbd never ends a sentence after a title before a name.
    return before is not None and before.group(1).lower() in _PREPOSITIVE


@dataclass(frozen=True, slots=True)
class _Protected:
    """Where pysbd masks marks, per character of a chunk: ``inside`` a quotation or brackets
    (delimiters included), ``masked`` strictly inside and not the last character before the
    closing delimiter; ``closing``: the offsets just past each span."""

    inside: bytearray | None  # None: the chunk has no quotation marks or brackets
    masked: bytearray | None
    closing: frozenset[int]

    def is_inside(self, at: int) -> bool:
        return self.inside is not None and self.inside[at] == 1

    def is_masked(self, at: int) -> bool:
        return self.masked is not None and self.masked[at] == 1


def _protected_spans(chunk: str) -> _Protected:
    if not _DELIMITERS.search(chunk):
        return _NOTHING_PROTECTED
    inside = bytearray(len(chunk) + 1)
    masked = bytearray(len(chunk) + 1)
    closing: set[int] = set()
    for pattern in _BETWEEN:  # each pattern's matches are disjoint: linear in the chunk
        for match in pattern.finditer(chunk):
            start, end = match.span()
            inside[start:end] = b"\x01" * (end - start)
            if end - start > 3:
                masked[start + 1 : end - 2] = b"\x01" * (end - start - 3)
            closing.add(end)
    return _Protected(inside, masked, frozenset(closing))


_NOTHING_PROTECTED = _Protected(None, None, frozenset())


def _load_english() -> tuple[frozenset[str], frozenset[str]]:
    from pysbd.lang.english import English

    abbreviation = English.Abbreviation
    return (
        frozenset(
            a.lower() for a in abbreviation.ABBREVIATIONS + abbreviation.NUMBER_ABBREVIATIONS
        ),
        frozenset(a.lower() for a in abbreviation.PREPOSITIVE_ABBREVIATIONS),
    )


_ABBREVIATIONS, _PREPOSITIVE = _load_english()
_MARKS = re.compile(r"[.!?…]")
_CLOSERS = " \t\"'”’)]}»"
# A period after a word of two or more letters (maybe closing a quotation), then white space and
# a capital letter or a digit (maybe after an opening quotation mark).
_CERTAIN_END = re.compile(r"(?<![\w.'’\-])([A-Za-z]{2,})\.([\"”]?)\s+(?=[\"“]?[A-Z0-9])")
_AFTER_MARK = re.compile(r"[\"'”’)\]]*\s+(\S)")
_WORD_BEFORE = re.compile(r"(?:^|[\s(\"“])([A-Za-z]+)$")
_OPENING_SINGLE_QUOTE = re.compile(r"(?:^|\s)[‘']")
_DELIMITERS = re.compile(r"[\"“«(\[]|--")
# Spans inside which pysbd never ends a sentence: the patterns of pysbd's BetweenPunctuation.
_BETWEEN = tuple(
    re.compile(p)
    for p in (
        r'"[^"]*"',
        r"“[^”]*”",
        r"«[^»]*»",
        r"\([^()]*\)",
        r"\[[^\]]*\]",
        r"--[^-]*--",
    )
)


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
    return [(s, e) for s, e in spans if _has_alnum(text, s, e, min_chars)]


def _has_alnum(text: str, start: int, end: int, n: int) -> bool:
    """Whether ``text[start:end]`` has ``n`` letters or digits (stops as soon as it has)."""
    if n <= 0:
        return True
    for char in text[start:end]:
        if char.isalnum():
            n -= 1
            if n == 0:
                return True
    return False


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
