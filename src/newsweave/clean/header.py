"""The metadata written into an article's text: bylines, datelines with wire credits, dates.

* a byline line: ``by Nina Achmatova``, ``By JANE DOE, Associated Press``;
* a dateline and its credits at the start of a paragraph: ``Moscow (AsiaNews / Agencies) -``,
  ``Washington (CNN)Donald…``, ``LONDON (AP) _``, ``BRUSSELS, January 22 (Xinhua) --``,
  ``(Reuters) -`` and, in the first paragraphs only, an upper-case place alone:
  ``WASHINGTON —``;
* a line that is only a date and time: ``09/29/2015, 00.00``, ``Saturday, January 8, 2005``,
  ``Published: 12 March 2021 14:05 GMT``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

__all__ = [
    "Dateline",
    "find_byline",
    "find_dateline",
    "is_date_line",
    "parse_date",
    "parse_date_line",
]

# --- dates ------------------------------------------------------------------------------------

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}  # fmt: skip
_DATE_WORDS = frozenset(
    [
        *_MONTHS,
        *"""
    mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday sat
    saturday sun sunday am pm a m p gmt utc est edt cst cdt pst pdt et pt ct bst cet cest
    ist jst msk z t h at on of the published updated posted last first modified date time st
    nd rd th hrs uhr
    """.split(),  # noqa: SIM905
    ]
)
_DATE_TOKEN = re.compile(r"[^\W\d_]+|\d+")
_NUMERIC_DATE = re.compile(r"\b(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})\b")
_TIME = re.compile(r"\b(\d{1,2})[:.h](\d{2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?", re.IGNORECASE)
_YEAR = re.compile(r"\b(1[89]\d\d|2[01]\d\d)\b")
# A date line is short: the longest we accept is a weekday, a long month, a time and a zone.
DATE_LINE_MAX_CHARS = 64


def is_date_line(text: str) -> bool:
    """Whether ``text`` holds a date (maybe with a time) and nothing else."""
    if len(text) > DATE_LINE_MAX_CHARS:
        return False
    tokens = _DATE_TOKEN.findall(text.lower())
    if not tokens or not any(t.isdigit() for t in tokens):
        return False
    if not all(t.isdigit() or t in _DATE_WORDS for t in tokens):
        return False
    has_month = any(t in _MONTHS for t in tokens)
    return has_month or _NUMERIC_DATE.search(text) is not None


def parse_date_line(text: str, *, dayfirst: bool = False) -> datetime | None:
    """The date (and time) of a date line; ``dayfirst`` settles 05/02/2016 (else month first)."""
    if not is_date_line(text):
        return None
    rest = text.lower()
    year: int | None = None
    month: int | None = None
    day: int | None = None
    numeric = _NUMERIC_DATE.search(rest)
    if numeric:
        year, month, day = _numeric_date(*(int(g) for g in numeric.groups()), dayfirst=dayfirst)
        rest = rest[: numeric.start()] + " " + rest[numeric.end() :]
    hour = minute = 0
    clock = _TIME.search(rest)
    if clock:
        hour, minute = int(clock.group(1)), int(clock.group(2))
        meridian = (clock.group(4) or "").replace(".", "")
        if meridian == "pm" and hour < 12:
            hour += 12
        elif meridian == "am" and hour == 12:
            hour = 0
        rest = rest[: clock.start()] + " " + rest[clock.end() :]
    if not numeric:
        tokens = _DATE_TOKEN.findall(rest)
        month = next((_MONTHS[t] for t in tokens if t in _MONTHS), None)
        found_year = next((int(t) for t in tokens if len(t) == 4 and t.isdigit()), None)
        year = found_year
        day = next(
            (int(t) for t in tokens if t.isdigit() and len(t) <= 2 and 0 < int(t) <= 31), None
        )
    if year is None or month is None or day is None:
        return None
    try:
        return datetime(year, month, day, hour if hour < 24 else 0, minute if minute < 60 else 0)
    except ValueError:
        return None


def _numeric_date(a: int, b: int, c: int, *, dayfirst: bool) -> tuple[int | None, int, int]:
    """Year, month, day of ``a/b/c``: year first if ``a`` is one, else day or month first."""
    if a > 31:  # 2015-09-29
        return a, b, c
    year = c if c > 31 else 2000 + c
    if a > 12 or (dayfirst and b <= 12):
        return year, b, a
    return year, a, b


def parse_date(value: datetime | str | None, *, dayfirst: bool = False) -> datetime | None:
    """A record's date as a naive UTC datetime: ISO 8601 first, then any form dateutil reads."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return _naive_utc(value)
    text = value.strip()
    if not text:
        return None
    try:
        return _naive_utc(datetime.fromisoformat(text))
    except ValueError:
        pass
    from dateutil import parser

    try:
        return _naive_utc(parser.parse(text, dayfirst=dayfirst))
    except (ValueError, OverflowError):
        return parse_date_line(text, dayfirst=dayfirst)


def _naive_utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


# --- bylines ----------------------------------------------------------------------------------

# A byline line is short: names and a role ("By Jane Doe and John Roe, Associated Press").
BYLINE_MAX_WORDS = 12
_BY = re.compile(r"^by\s*:?\s+", re.IGNORECASE)
_ROLE_SPLIT = re.compile(r"\s+(?:\||/|–|—|-|for|in)\s+|\s*[|/–—]\s*")
_NAME_SPLIT = re.compile(r"\s*,\s*|\s+(?:and|&)\s+")
_NAME_PARTICLES = frozenset(
    """
    de da del della di du la le van von der den bin al el ibn
    """.split()  # noqa: SIM905
)
# Words that make a comma-separated part of a byline a role or an outlet, not a name.
_ROLE_WORDS = frozenset(
    """
    press news agency agencies correspondent writer editor staff times post service bureau
    reporter reporters associated media journal daily tribune herald online contributor
    columnist senior chief political foreign in for
    """.split()  # noqa: SIM905
)


def find_byline(text: str) -> str | None:
    """The author names of a byline line (``by Nina Achmatova`` → ``Nina Achmatova``)."""
    by = _BY.match(text)
    if not by or len(text.split()) > BYLINE_MAX_WORDS:
        return None
    names_part = _ROLE_SPLIT.split(text[by.end() :].strip())[0]
    names: list[str] = []
    for part in _NAME_SPLIT.split(names_part):
        words = part.split()
        if not words:
            continue
        if any(w.lower() in _ROLE_WORDS for w in words):
            break  # ", Associated Press", ", Staff Writer"
        if len(words) > 4 or not all(w[0].isupper() or w in _NAME_PARTICLES for w in words):
            return None
        names.append(part.title() if part.isupper() else part)
    return ", ".join(names) or None


# --- datelines --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Dateline:
    """A dateline found at the start of a paragraph: ``length`` characters to strip."""

    place: str | None
    credits: tuple[str, ...]
    length: int
    date_text: str | None = None  # "January 22" in "BRUSSELS, January 22 (Xinhua) --"


_PLACE_WORD = r"[A-Z][\w'’.\-]*"
_PLACE_PARTICLE = r"de|del|la|le|el|al|am|an|upon|on|sur|du|di|da|do"
_PLACE = rf"{_PLACE_WORD}(?:[ \-](?:{_PLACE_WORD}|{_PLACE_PARTICLE})){{0,3}}"
_EXTRA = r"[A-Z][\w.]*(?:\.?\s+[\w.]+){0,3}"  # "Calif.", "January 22", "Sept. 28, 2015"
_SEPARATOR = r"(?:--|[-–—_:])"
_WITH_CREDITS = re.compile(
    rf"^(?:(?P<place>{_PLACE})(?:,\s*(?P<extra>{_EXTRA}))?\s*)?"
    r"\((?P<credits>[^()\n]{1,60})\)"
    rf"(?:\s*{_SEPARATOR}\s*|(?=[A-Z\"'0-9])|(?<=\))\s+(?=[A-Z\"']))"
)
_UPPER_PLACE = re.compile(
    r"^(?P<place>[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+){0,3})"
    rf"(?:,\s*(?P<extra>{_EXTRA}))?\s*{_SEPARATOR}{{1,2}}\s+(?=\S)"
)
# Upper-case words that open a paragraph like a place but are labels of the piece.
_KICKERS = frozenset(
    """
    UPDATE UPDATED BREAKING EXCLUSIVE OPINION ANALYSIS EDITORIAL COMMENT REVIEW WATCH LIVE
    NOTE CORRECTION FILE PHOTO PHOTOS VIDEO PICTURED AUDIO PODCAST SPONSORED
    """.split()  # noqa: SIM905
)
_CREDIT_SPLIT = re.compile(r"\s*(?:/|,|;|&|\band\b|\+)\s*")
_DIGIT = re.compile(r"\d")
_MONTH_START = re.compile(
    r"^(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?", re.IGNORECASE
)


def find_dateline(text: str, *, upper_only_place: bool) -> Dateline | None:
    """The dateline opening ``text``, if any.

    Only with ``upper_only_place`` (meant for the first paragraphs) are an upper-case place
    without credits (``WASHINGTON —``) and credits without a place (``(Reuters) -``) taken:
    elsewhere they are too easily confused with a sentence that opens that way.
    """
    match = _WITH_CREDITS.match(text)
    if match:
        credits = _credits(match.group("credits"))
        place = match.group("place")
        if credits and (place or upper_only_place):
            if place and place.split()[0].upper() in _KICKERS:
                return None
            return Dateline(
                place=_place_name(place) if place else None,
                credits=credits,
                length=match.end(),
                date_text=_date_part(match.group("extra")),
            )
    if upper_only_place:
        match = _UPPER_PLACE.match(text)
        if match and match.group("place").split()[0] not in _KICKERS:
            return Dateline(
                place=_place_name(match.group("place")),
                credits=(),
                length=match.end(),
                date_text=_date_part(match.group("extra")),
            )
    return None


def _credits(inside: str) -> tuple[str, ...]:
    parts = [p.strip() for p in _CREDIT_SPLIT.split(inside.strip()) if p.strip()]
    if not parts or len(parts) > 4:
        return ()
    for part in parts:
        short_lower = len(part) <= 4 and part.isalpha()  # "dpa"
        if len(part.split()) > 4 or _DIGIT.search(part) or not (part[0].isupper() or short_lower):
            return ()
        if part.split()[0].upper() in _KICKERS:
            return ()
    return tuple(parts)


def _place_name(place: str) -> str:
    place = place.strip()
    if place.isupper() and len(place) > 3:  # "NEW YORK" -> "New York"; keep "UN", "USA"
        return " ".join(w if len(w) <= 2 else w.title() for w in place.split())
    return place


def _date_part(extra: str | None) -> str | None:
    if extra and _MONTH_START.match(extra.strip()):
        return extra.strip()
    return None
