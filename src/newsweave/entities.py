"""Find the people, organisations and places of articles and merge their mentions across a story.

Sentences here are cut by a fast rule splitter (:func:`sentence_spans`) rather than pysbd: the
quote and entity stages must run at hundreds of articles a second, and they only need clause
and sentence edges, which punctuation, quotation marks and a list of abbreviations give well.
"""

from __future__ import annotations

import logging
import re

__all__ = ["sentence_spans"]

log = logging.getLogger(__name__)


def _words(text: str) -> list[str]:
    """The words of a word list written as one string."""
    return text.split()


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Abbreviations that end in a period without ending a sentence ("Sen. Warren", "Jan. 5").
_ABBREVIATIONS = _wordset(
    """mr mrs ms dr prof sen rep gov lt col gen sgt capt cmdr adm maj cpl pvt gen rev fr hon pres
    st ste mt ft jr sr no nos vs etc al inc corp co ltd bros dept univ assn ave blvd rd
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    approx est fig vol pp ed eds op cit ca cf e.g i.e a.m p.m u.s u.k u.n u.s.a d.c
    ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo
    mont neb nev okla ore pa tenn tex va vt wash wis wyo"""
)

# A sentence ends after . ! ? or … (and any closing quotes or brackets), before white space and
# something that can open a sentence: a capital, a digit or an opening quote or bracket.
_BOUNDARY_RE = re.compile(r"""(?P<end>[.!?…]+[”"’'»)\]]*)(?P<gap>\s+)(?=[“"‘'«(\[A-Z0-9À-Ý])""")
_WORD_BEFORE_RE = re.compile(r"([\w.]+)$")


def sentence_spans(
    text: str, paragraphs: tuple[tuple[int, int], ...] | None = None
) -> list[tuple[int, int]]:
    """``[start, end)`` of the sentences of ``text``; a sentence never crosses a paragraph."""
    if not paragraphs:
        paragraphs = _paragraph_spans(text)
    spans: list[tuple[int, int]] = []
    for p_start, p_end in paragraphs:
        start = p_start
        for m in _BOUNDARY_RE.finditer(text, p_start, p_end):
            end = m.end("end")
            if _is_abbreviation(text, m.start("end"), start):
                continue
            if end > start:
                spans.append((start, end))
            start = m.end("gap")
        while p_end > start and text[p_end - 1].isspace():
            p_end -= 1
        if p_end > start:
            spans.append((start, p_end))
    return spans


def _is_abbreviation(text: str, period: int, sentence_start: int) -> bool:
    """Whether the punctuation at ``period`` ends an abbreviation or an initial, not a sentence."""
    if text[period] != ".":
        return False
    m = _WORD_BEFORE_RE.search(text, sentence_start, period)
    if m is None:
        return False
    word = m.group(1)
    bare = word.rstrip(".").lower()
    if bare in _ABBREVIATIONS:
        return True
    # An initial ("John F. Kennedy") or a dotted acronym other than a final one ("U.S.").
    if len(word) == 1 and word.isupper():
        return True
    return bool("." in word and len(bare.replace(".", "")) <= 4 and word[:1].isupper())


def _paragraph_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            start = pos + line.index(stripped[0])
            spans.append((start, start + len(stripped)))
        pos += len(line) + 1
    return tuple(spans)
