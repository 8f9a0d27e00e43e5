"""A body split into units (paragraphs or lines), and the clean text rebuilt with offsets.

Quote characters are folded first with a one-for-one character table, so offsets do not move.
Then the body is cut into units: one per line, or one per blank-line-separated block when the
text was hard-wrapped at a fixed width.  :class:`TextBuilder` joins the kept units, collapsing
white space and dropping invisible characters, and records ``(clean, source)`` offset anchors
wherever the two texts stop advancing together.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass

__all__ = ["TextBuilder", "Unit", "fold_key", "fold_quotes", "split_units", "word_count"]

# One-for-one replacements: typographic quotes to ASCII, so copies that differ only in quote
# style compare equal.  The two-character `` and '' of old wire text become " in TextBuilder.
_QUOTES = str.maketrans(
    {
        **dict.fromkeys("“”„‟«»″〝〞＂", '"'),
        **dict.fromkeys("‘’‚‛′‹›＇`´", "'"),
    }
)
# What TextBuilder replaces: runs of white space (or one non-space white character), the
# doubled single quote of wire copy, and characters that should not be there at all.
_SPECIAL = re.compile(
    r"\s{2,}|[^\S ]|''|[\u00ad\u200b\u200c\u200d\u2060\ufeff]"
    r"|&(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z]{2,8});"
)
_WORD = re.compile(r"\w+(?:['.\-]\w+)*")
_KEY_DROP = re.compile(r"[\W_]+")
_SOFT_END = re.compile(r"""[^.!?:;"')\]]$""")

# A block of lines is hard-wrapped when every line but its last is at least this share of its
# longest line, the longest is at least WRAP_MIN_WIDTH characters, and most line ends fall
# mid-sentence.  Set by hand on DUC-style wire text and on invented wrapped and unwrapped texts.
WRAP_MIN_SHARE = 0.6
WRAP_MIN_WIDTH = 40


def fold_quotes(text: str) -> str:
    """``text`` with typographic quotes made ASCII, character for character."""
    return text.translate(_QUOTES)


def fold_key(text: str) -> str:
    """A comparison key: lower case, letters and digits only, single spaces."""
    return _KEY_DROP.sub(" ", text.lower()).strip()


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


@dataclass(slots=True)
class Unit:
    """A paragraph (or line) of a body: ``[start, end)`` in the body, stripped of white space."""

    start: int
    end: int
    text: str
    words: int
    kind: str = ""  # why it was removed ("" = kept): see newsweave.clean.boilerplate

    @property
    def key(self) -> str:
        return fold_key(self.text)


def split_units(body: str) -> list[Unit]:
    """The units of ``body``: non-blank lines, hard-wrapped blocks joined into one unit."""
    lines: list[tuple[int, int]] = []  # stripped spans; (-1, -1) marks a blank line
    pos = 0
    for line in body.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + line.index(stripped[0])
            lines.append((start, start + len(stripped)))
        else:
            lines.append((-1, -1))
        pos += len(line) + 1
    units: list[Unit] = []
    block: list[tuple[int, int]] = []
    for span in [*lines, (-1, -1)]:
        if span[0] >= 0:
            block.append(span)
            continue
        if block:
            spans = [(block[0][0], block[-1][1])] if _wrapped(body, block) else block
            for start, end in spans:
                text = body[start:end]
                units.append(Unit(start, end, text, word_count(text)))
            block = []
    return units


def _wrapped(body: str, block: list[tuple[int, int]]) -> bool:
    if len(block) < 2:
        return False
    widths = [end - start for start, end in block]
    longest = max(widths)
    if longest < WRAP_MIN_WIDTH or min(widths[:-1]) < WRAP_MIN_SHARE * longest:
        return False
    soft = 0
    for (_, end), (next_start, _) in itertools.pairwise(block):
        if _SOFT_END.search(body[end - 1 : end]) or body[next_start].islower():
            soft += 1
    return soft * 2 >= len(block) - 1


def _replacement(found: str) -> str | None:
    if found == "''":
        return '"'
    if found.isspace():
        return " "
    if found[0] == "&":
        # Character references left in text by a careless export ("&amp;", "&#8217;") are
        # resolved; an unknown upper-case one is SGML markup (DUC's "&QL;") and is dropped.
        resolved = html.unescape(found)
        if resolved != found:
            return fold_quotes(" " if resolved.isspace() else resolved)
        return "" if found[1:-1].isupper() else None
    return ""


class TextBuilder:
    """Builds clean text from spans of a source text, keeping offset anchors back into it."""

    __slots__ = ("_length", "_parts", "_shift", "anchors")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._length = 0
        self._shift = 0  # source offset minus clean offset at the last anchor
        self.anchors: list[tuple[int, int]] = []

    @property
    def length(self) -> int:
        return self._length

    def text(self) -> str:
        return "".join(self._parts)

    def add_span(self, source: str, start: int, end: int) -> None:
        """Append ``source[start:end]`` with white space collapsed and quotes normalized."""
        pos = start
        for match in _SPECIAL.finditer(source, start, end):
            self._verbatim(source, pos, match.start())
            replacement = _replacement(match.group())
            if replacement is None:  # an unknown entity-like word in a text: leave it
                self._verbatim(source, match.start(), match.end())
                pos = match.end()
                continue
            self.add_replacement(replacement, match.start(), match.end())
            pos = match.end()
        self._verbatim(source, pos, end)

    def add_replacement(self, text: str, source_start: int, source_end: int) -> None:
        """Append ``text`` standing for ``source[source_start:source_end]`` (any length)."""
        self._anchor(source_start)
        self._parts.append(text)
        self._length += len(text)

    def _verbatim(self, source: str, start: int, end: int) -> None:
        if start >= end:
            return
        self._anchor(start)
        self._parts.append(source[start:end])
        self._length += end - start

    def _anchor(self, source_at: int) -> None:
        if source_at - self._length != self._shift:
            self.anchors.append((self._length, source_at))
            self._shift = source_at - self._length
