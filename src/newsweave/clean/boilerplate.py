"""Which lines of an article are boilerplate: a line classifier, then rules of context.

The classifier looks at the *shape* of a line, not at a list of known sentences:

* prompts: a short line made almost only of the words of a web page's controls (share, print,
  e-mail, send, subscribe, sign up, follow, comment, read more, related, cookies…), at least
  one of them a control word proper;
* statements that only page furniture makes: copyright and "all rights reserved", newsletter
  sign-ups, "click here", comment counts, "story continues below", picture credits;
* link-like lines: bare URLs and e-mail addresses, menus and breadcrumbs (short items between
  ``|``, ``•``, ``»``, ``>``); lines with no letters; lines that are only a date;
* lines repeated across many articles of one outlet (counted by :func:`newsweave.clean.clean`).

Context then extends the verdict, as jusText does for HTML blocks: the items under a "See
also" / "Related" / "Most read" heading go with it; a short line between two boilerplate lines
goes with them; and at the end of an article, once a boilerplate line is seen, every trailing
line that is not a proper sentence goes too (so a closing motto or a list of teasers does),
as does a trailing line in another language than the article.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from newsweave.clean.header import is_date_line
from newsweave.clean.units import Unit

__all__ = ["KEPT", "is_prose", "is_sentence", "line_kind", "mark_context"]

KEPT = ""

# Lines longer than this many words are never judged by their vocabulary alone: the rules for
# prompts apply to short lines, the rules for furniture statements to medium ones.  Set by hand
# on invented pages and the seeds; no labelled line-level data was available to fit them.
PROMPT_MAX_WORDS = 15
FURNITURE_MAX_WORDS = 40
# Share of a prompt's words that must be control or function words.
PROMPT_MIN_SHARE = 0.6
# A "proper" paragraph for the rules of context: a sentence of at least this many words.
PROSE_MIN_WORDS = 6
# Menus: at least this many items between separators, each of at most MENU_ITEM_WORDS words.
MENU_MIN_ITEMS = 3
MENU_ITEM_WORDS = 4

# Words of web-page controls and the function words that go with them in prompts.
_CONTROL_WORDS = frozenset(
    """
    share shares sharing shared tweet retweet pin whatsapp facebook twitter x linkedin
    reddit pinterest telegram messenger instagram youtube tiktok flipboard email e-mail mail
    send print printable printer friendly pdf download version subscribe subscribed
    subscription subscriptions subscriber subscribers unsubscribe newsletter newsletters
    sign signup register registration login log logout account follow following followers
    like comment comments commenting reply replies discuss discussion conversation join
    leave post add view views read more related see also recommended popular trending most
    latest next previous prev back top home menu search skip content main navigation
    advertisement advertising ad ads sponsored cookie cookies privacy policy terms
    conditions use copyright rights reserved contact us about help feedback click tap here
    now today free trial updates update alerts notifications preferences settings change
    manage your our this the to a an and or on of for in with by me my via page article
    story stories articles news link links copy copied url friend friends colleague open
    close save saved bookmark listen watch video photos gallery show hide all full continue
    continues reading below above up out get receive delivered inbox daily weekly digest you
    may might be interested want don't miss editor's picks it is we us from at as
    """.split()  # noqa: SIM905
)
# Control words proper: at least one must be present for a line to be a prompt.
_CONTROL = re.compile(
    r"\b(?:share|tweet|retweet|e-?mail|send to|print|printable|printer|pdf|subscri\w*|"
    r"unsubscribe|newsletters?|sign (?:up|in)|signup|log ?in|register|follow us|comments?|"
    r"reply|replies|related|see also|read (?:more|also|next|the full)|also read|"
    r"more (?:from|on|stories|news|in)|recommended|most (?:read|popular|viewed|shared)|"
    r"trending|advertisement|advertising|sponsored|cookies?|privacy|copyright|"
    r"click here|tap here|download|bookmark|whatsapp|facebook|twitter|linkedin|reddit|"
    r"pinterest|telegram|instagram|youtube|tiktok|flipboard|skip to)\b"
)
# Statements only page furniture makes (checked on lines up to FURNITURE_MAX_WORDS words).
_FURNITURE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "copyright",
        re.compile(
            r"(?:^|\s)(?:©|\(c\)\s*\d{4}|copyright\b(?:\s*©)?\s*(?:\d{4}|by)\b)|"
            r"\ball rights reserved\b|\bmay not be (?:published|reproduced|redistributed)\b"
        ),
    ),
    (
        "newsletter",
        re.compile(
            r"\bnewsletters?\b.*\b(?:sign|subscri|inbox|deliver|receive|get|email)|"
            r"\b(?:sign up|subscribe)\b.*\b(?:newsletter|updates|alerts|inbox|briefing|digest)\b"
        ),
    ),
    (
        "prompt",
        re.compile(
            r"\b(?:click|tap) here\b|\byou (?:may|might) also (?:like|enjoy|be interested)\b|"
            r"\b(?:story|article) continues (?:below|after)\b|\bwe use cookies\b|"
            r"\b(?:share|e-?mail) this (?:article|story|page)\b|"
            r"\bfollow (?:us|\w+) on (?:twitter|facebook|instagram|x|linkedin)\b"
        ),
    ),
    (
        "comments",
        re.compile(
            r"^\d+\s+comments?$|\bcomments? (?:are|is) closed\b|"
            r"\b(?:leave|post|add|write) a (?:comment|reply)\b|"
            r"\bjoin the (?:conversation|discussion|debate)\b|\bshow comments\b"
        ),
    ),
    (
        "caption",
        re.compile(
            r"^\(?(?:photo|image|picture|video|graphic|illustration|credit)s?(?: by)?\s*:|"
            r"\bgetty images\b|\bshutterstock\b|\bap photo\b|"
            r"^\(?photo(?:graph)?s? (?:by|courtesy)\b"
        ),
    ),
    (
        "credit-line",
        re.compile(r"^\(?(?:reporting|writing|editing|additional reporting|compiled) by\b.*\)?$"),
    ),
)
# Headings that open a list of links to other articles (the whole line, maybe with a colon).
_LIST_HEADING = re.compile(
    r"^(?:see also|related(?: articles| stories| coverage| content| news| posts| links| topics"
    r"| reading)?|read (?:more|also|next)|also read|more (?:from|on|in) [\w' ]{1,30}|"
    r"more (?:stories|news|articles|headlines)|you (?:may|might) also (?:like|be interested in)|"
    r"recommended(?: for you| stories| reading)?|most (?:read|popular|viewed|shared)|"
    r"trending(?: now| stories)?|top stories|latest (?:news|stories|headlines)|further reading|"
    r"other (?:news|stories)|in (?:other|related) news|editor'?s picks|don'?t miss|"
    r"what to read next|comments?(?: \(\d+\))?|\d+ comments?)\s*:?$"
)
_URL = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\w{2,}")
_MENU_SPLIT = re.compile(r"\s+[|•·»›>/]\s+|\s*[|•·»›]\s*")
_WORD = re.compile(r"[\w']+")
_LETTER = re.compile(r"[^\W\d_]")
_ENTITY = re.compile(r"&[A-Za-z]{2,8};")
_SENTENCE_END = re.compile(r"""[.!?…][\s"')\]]*$""")


def is_sentence(text: str) -> bool:
    """Whether ``text`` ends like a sentence (closing quotes and brackets looked through)."""
    return _SENTENCE_END.search(text) is not None


def is_prose(unit: Unit) -> bool:
    """A kept line that reads as a paragraph of the article: a full sentence, not too short."""
    return unit.kind == KEPT and unit.words >= PROSE_MIN_WORDS and is_sentence(unit.text)


def line_kind(text: str, words: int) -> str:
    """Why a line is boilerplate by itself (its kind), or :data:`KEPT`."""
    if is_date_line(text):
        return "date"
    if not _LETTER.search(_ENTITY.sub("", text)):
        return "symbols"
    if words > FURNITURE_MAX_WORDS:
        return KEPT
    lower = text.lower()
    if words <= PROMPT_MAX_WORDS:
        if _LIST_HEADING.match(lower.strip(" :-–—»>")):
            return "related"
        if _link_like(text, words):
            return "link"
    for kind, pattern in _FURNITURE:
        if pattern.search(lower):
            return kind
    if (
        words <= PROMPT_MAX_WORDS
        and _CONTROL.search(lower)
        and _control_share(lower) >= PROMPT_MIN_SHARE
    ):
        return "prompt"
    return KEPT


def _control_share(lower: str) -> float:
    tokens = _WORD.findall(lower)
    if not tokens:
        return 0.0
    return sum(token in _CONTROL_WORDS for token in tokens) / len(tokens)


def _link_like(text: str, words: int) -> bool:
    stripped = _URL.sub(" ", text)
    if stripped != text and len(_WORD.findall(stripped)) <= 6:
        return True
    items = [item for item in _MENU_SPLIT.split(text) if item.strip()]
    return len(items) >= MENU_MIN_ITEMS and all(
        len(_WORD.findall(item)) <= MENU_ITEM_WORDS for item in items
    )


def mark_context(units: Sequence[Unit], foreign: Callable[[str], bool]) -> None:
    """Extend the per-line verdicts by context (see the module docstring); edits ``kind``."""
    _mark_lists(units)
    _mark_sandwiched(units)
    _mark_tail(units, foreign)


def _mark_lists(units: Sequence[Unit]) -> None:
    in_list = False
    for unit in units:
        if unit.kind == "related":
            in_list = True
        elif in_list and unit.kind == KEPT and not is_prose(unit):
            unit.kind = "list-item"
        elif is_prose(unit):
            in_list = False


def _mark_sandwiched(units: Sequence[Unit]) -> None:
    for before, unit, after in zip(units, units[1:], units[2:], strict=False):
        if before.kind and after.kind and unit.kind == KEPT and not is_sentence(unit.text):
            unit.kind = "sandwiched"


def _mark_tail(units: Sequence[Unit], foreign: Callable[[str], bool]) -> None:
    """Drop the trailing run of non-prose lines if boilerplate is in it, and closing lines in
    another language.  Only when proper paragraphs come before: a text made only of short
    lines is left to the per-line verdicts.
    """
    start = len(units)
    while start > 0 and not is_prose(units[start - 1]):
        start -= 1
    if start == 0:
        return
    tail = [u for u in units[start:] if u.kind == KEPT]
    if tail and any(u.kind for u in units[start:]):
        for unit in tail:
            unit.kind = "tail"
    # Closing lines in another language than the article (a motto, a sign-off).
    last = len(units) - 1
    while last > 0:
        unit = units[last]
        if unit.kind == KEPT:
            if not foreign(unit.text):
                break
            unit.kind = "foreign"
        last -= 1
