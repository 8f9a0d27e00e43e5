"""Light sentence compression: drop what a summary sentence can do without.

Every rule removes a piece whose loss cannot change what the sentence claims happened:

- wire datelines: ``LONDON (AP) _``, ``BEIJING, Oct. 5 (Xinhua) --``, ``Moscow (Agencies) -``;
- a leading discourse connective that points at a sentence the summary no longer has
  (``But``, ``However,``, ``Meanwhile,``);
- short parentheticals: ``(AP)``, ``(pictured)``, ``(ISIL)``;
- optionally, a trailing attribution (``…, officials said Tuesday.``), never after a direct quote.

Typography of old wire copy is normalised too: ````quote''`` becomes “quote”, `` _ `` a dash.
The trimmed text is what a summary shows; citations keep pointing at the whole source sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["TrimOptions", "trim_sentence"]

# A trimmed sentence shorter than this is not worth the cut: the original is kept.
MIN_TRIMMED_WORDS = 5
# Tried on Multi-News validation clusters 0-499 (November 2026, ROUGE-1/2 F at 256 words, base
# 44.95/14.87 with run-ons split) and not kept, since none moved it beyond noise: cutting, in
# lower-cased text too, a trailing attribution (-0.01/-0.06), an age (0.00/-0.01), an
# appositive ", a …," (-0.02/-0.05), a relative clause ", who …," (+0.01/0.00), a leading time
# phrase "On Tuesday," (-0.02/-0.04), a lower-cased dateline (+0.03/+0.02), photo credits and
# update labels (-0.01/-0.03); giving tokenizer-split marks back to their words ("don ' t",
# "$ 40", spaced quotes: 3.5 fewer budget words a story) -0.01/+0.03, and on clusters 500-999
# -0.02/+0.11, on the 40-cluster quality gate +0.13/-0.02 (its R-2 floor missed by 0.001;
# -0.29 R-2 with the photo-credit cut).  On that split the words a summary leaves out match
# the reference less often than F's break-even (benchmarks/summarize_headroom.py), so words
# freed by a cut buy little; the cuts kept here are for readers.
# Parentheticals longer than this (in characters) may carry content; they stay.
MAX_PARENTHETICAL_CHARS = 60

_DAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|today|yesterday|tonight)"
_DASH = r"(?:_|--|—|–|-)"
_CITY = r"[A-Z][A-Z'.\-]+(?:\s+[A-Z][A-Z'.\-]+)*"  # LONDON, NEW YORK, PHNOM PENH
_PLACE_TAIL = r"(?:,\s+[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*)*)?"  # ", Cambodia"
_DATE_TAIL = r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"  # ", Oct. 5"
_AGENCY = r"\s*\([^()\n]{1,40}\)"
_DATELINE = re.compile(
    rf"^\s*(?:{_CITY}{_PLACE_TAIL}{_DATE_TAIL}(?:{_AGENCY})?"
    rf"|[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+)*{_DATE_TAIL}{_AGENCY})\s*{_DASH}\s+(?=\S)"
)
_CONNECTIVE = re.compile(
    r"^(?:(?:But|And)\s+(?!,)"
    r"|(?:However|Meanwhile|Moreover|Furthermore|In addition|Also|Still|Yet|Nevertheless"
    r"|Nonetheless|Instead|Indeed|Thus|Then|So|Besides|Separately|Additionally),\s+)"
)
_PARENTHETICAL = re.compile(rf"\s*\((?!\s*\))[^()\n]{{0,{MAX_PARENTHETICAL_CHARS}}}\)")
_SPEAKER = (
    r"(?:he|she|they|it|officials?|police|authorities|witnesses|sources"
    r"|[Tt]he\s+[\w\-]+(?:\s+[\w\-]+){0,3}"  # the state department
    r"|[A-Z][\w.'\-]*(?:\s+[A-Z][\w.'\-]*){0,4})"  # Foreign Minister Sergei Lavrov
)
_VERB = r"(?:said|says|added|reported|announced|told\s+[\w\s]{1,30}?)"
_ATTRIBUTION = re.compile(
    rf",\s+(?:{_SPEAKER}\s+{_VERB}(?:\s+(?:on\s+)?{_DAYS})?"
    rf"|(?:said|says)\s+[^,“”\"]{{1,60}}"
    rf"|according\s+to\s+[^,“”\"]{{1,60}})\s*([.!])\s*$"
)
_QUOTE_CHARS = re.compile(r"[“”\"]")


@dataclass(frozen=True, slots=True)
class TrimOptions:
    datelines: bool = True
    connectives: bool = True
    parentheticals: bool = True
    attributions: bool = False  # "…, officials said." — shortens, but hides who claims it


def _normalise(text: str) -> str:
    text = text.replace("``", "“").replace("''", "”")
    text = re.sub(r"\s+_\s+", " — ", text)
    return " ".join(text.split())


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r",\s*([.;:!?])", r"\1", text)
    text = " ".join(text.split())
    if text and text[0].islower():
        text = text[0].upper() + text[1:]
    return text


def trim_sentence(text: str, options: TrimOptions | None = None) -> str:
    """``text`` with datelines, connectives, parentheticals (and attributions) removed.

    Each cut is kept only if the sentence still has :data:`MIN_TRIMMED_WORDS` words after it.
    """
    options = options or TrimOptions()
    out = _normalise(text)
    cuts: list[tuple[bool, re.Pattern[str], str, int]] = [
        (options.datelines, _DATELINE, "", 1),
        (options.connectives, _CONNECTIVE, "", 1),
        (options.parentheticals, _PARENTHETICAL, "", 0),
        (options.attributions and not _QUOTE_CHARS.search(out), _ATTRIBUTION, r"\1", 1),
    ]
    for enabled, pattern, replacement, count in cuts:
        if not enabled:
            continue
        cut = _tidy(pattern.sub(replacement, out, count=count))
        if len(cut.split()) >= MIN_TRIMMED_WORDS:
            out = cut
    return _tidy(out)
