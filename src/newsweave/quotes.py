"""Find who said what in an article: direct and reported speech with content, cue and speaker.

Direct quotes are the passages in quotation marks of any style (“…”, "…", ‘…’, « … »,
`` … '', and the doubled apostrophes some papers use) that stand as sentences of their own or
follow an attribution (“…,” he said / Kerry said: “…” / “…” ― Jane Doe).  A quote its
attribution interrupts (“…,” he said, “…”) or that runs on into the next sentence is one
:class:`~newsweave.model.Quote` with ``parts``; a quotation paragraph that follows one carries
on its speaker.  Quoted words inside a sentence ("called it “a disgrace”") are not quotes of
their own but part of the reported speech around them.

Reported speech is found from verbs of saying, thinking and stance (said, told, believes,
argued, according to …): "X said CONTENT", "CONTENT, X said", "according to X, CONTENT",
", saying CONTENT".  Speakers are the noun phrase as written ("he", "Jason Miller, a senior
adviser to Cruz,"); :func:`link_speakers` resolves them to the entities of
:mod:`newsweave.entities`, and :func:`quote_story` does so across a story, then groups the
same remark as each outlet prints it (:func:`group_quotes`), flagging rewordings.

Everything here is rules, written for this module and checked against the PolNeAR train split
(tuned there; scored on dev by ``newsweave eval quotes``).
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from newsweave.entities import (
    PERSON_TITLES,
    EntityOptions,
    Recognizer,
    SpanSet,
    article_entities,
    described_organisation,
    describes,
    entity_roles,
    get_recognizer,
    merge_entities,
    sentence_spans,
)
from newsweave.errors import ConfigError
from newsweave.model import (
    Article,
    Entity,
    EntityType,
    Mention,
    Quote,
    Span,
    stable_id,
)
from newsweave.segment import words

__all__ = [
    "QuoteGroup",
    "QuoteOptions",
    "StoryQuotes",
    "article_quotes",
    "extract_quotes",
    "find_quotes",
    "group_quotes",
    "is_statement",
    "link_speakers",
    "quote_marks",
    "quote_story",
    "verb_forms",
]

log = logging.getLogger(__name__)

# Two wordings are one quote when they share this share of their word triples (of the shorter
# one), and the speakers agree.  Set on the five seed articles, where outlets trim and reword
# the same remarks; trimming keeps the share at 1.0, rewording of a clause near 0.5.
QUOTE_MATCH = 0.5
# Above this share of the longer wording's triples, wordings are one quote even when outlets
# name different speakers (a misattribution is then visible in the group).
QUOTE_EXACT_MATCH = 0.8


def _words(text: str) -> list[str]:
    """The words of a word list written as one string."""
    return text.split()


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class QuoteOptions:
    """What the quote stage finds and how it groups quotes across a story."""

    indirect: bool = True  # reported speech too, not only words in quotation marks
    match: float = QUOTE_MATCH  # share of word triples two wordings must share to be one quote
    exact_match: float = QUOTE_EXACT_MATCH  # above this, one quote whoever it is given to

    def __post_init__(self) -> None:
        if not 0.0 < self.match <= 1.0:
            raise ConfigError(f"quotes: match must be in (0, 1], got {self.match}")
        if not self.match <= self.exact_match <= 1.0:
            raise ConfigError(f"quotes: exact_match must be in [match, 1], got {self.exact_match}")


# --- quotation marks --------------------------------------------------------------------------

# Double marks of every style; straight ones and NYT-style doubled apostrophes get their
# direction from context.  Triple apostrophes are a double and a single mark together.
_DOUBLE_RE = re.compile(r"'''|''|``|[“”„‟«»\"″]")
_OPENERS = frozenset("“„‟«") | {"``"}
_CLOSERS = frozenset("”»")
_SPACE_OR_OPEN = frozenset(" \t\n\xa0([{—–-/")


@dataclass(frozen=True, slots=True)
class QuoteMark:
    """A pair of quotation marks: ``[start, end)`` includes the marks themselves."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool  # False when the paragraph ended first (a quote running on to the next one)


def quote_marks(text: str, paragraphs: tuple[tuple[int, int], ...]) -> list[QuoteMark]:
    """The top-level quoted passages of ``text`` (double marks of any style, then single)."""
    found: list[QuoteMark] = []
    for p_start, p_end in paragraphs:
        found.extend(_all_marks(text, p_start, p_end))
    return found


_SINGLE_RE = re.compile(r"[‘’'`‹›]")


def _single_marks(text: str, start: int, end: int, taken: list[QuoteMark]) -> list[QuoteMark]:
    """Passages in single marks (‘…’, '…') outside every double-marked one.

    An opener follows a space or an opening bracket and precedes a word; a closer follows a
    word or punctuation and precedes a space, punctuation or the end, never a letter (so
    "don’t" and "Assad’s" are apostrophes).
    """
    found: list[QuoteMark] = []
    open_at = -1
    for m in _SINGLE_RE.finditer(text, start, end):
        s = m.start()
        if any(q.start <= s < q.end for q in taken):
            continue
        before = text[s - 1] if s > start else " "
        after = text[s + 1] if s + 1 < end else " "
        if open_at < 0:
            if (
                m.group() in "‘'`‹"
                and before in _SPACE_OR_OPEN
                and (after.isalnum() or after in "…")
            ):
                open_at = s
        elif m.group() in "’'›" and not before.isspace() and not after.isalnum():
            found.append(QuoteMark(open_at, s + 1, open_at + 1, s, True))
            open_at = -1
    return found


def _all_marks(text: str, start: int, end: int) -> list[QuoteMark]:
    double = _double_marks(text, start, end)
    single = _single_marks(text, start, end, double)
    if not single:
        return double
    return sorted(double + single, key=lambda q: q.start)


def _marks_in(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    marks: list[tuple[int, int, str]] = []
    for m in _DOUBLE_RE.finditer(text, start, end):
        s, e, mark = m.start(), m.end(), m.group()
        if mark == "'''":  # ''' = '' + ' when opening, ' + '' when closing
            if s > start and not text[s - 1].isspace():
                s += 1
            else:
                e -= 1
            mark = "''"
        elif mark == "″" and s > start and text[s - 1].isdigit():
            continue  # 6′2″: inches, not a quote
        elif mark == '"' and s > start and text[s - 1].isdigit() and _looks_like_inches(text, s):
            continue
        marks.append((s, e, mark))
    return marks


def _looks_like_inches(text: str, pos: int) -> bool:
    return bool(re.match(r"\d+['’]\s?\d*$", text[max(0, pos - 6) : pos]))


def _direction(text: str, s: int, e: int, mark: str, start: int, end: int) -> int:
    """+1 if the mark looks like an opener, -1 like a closer, 0 when context cannot tell."""
    before = text[s - 1] if s > start else " "
    after = text[e] if e < end else " "
    left_flank = (before in _SPACE_OR_OPEN or before in "“‘\"'") and not after.isspace()
    right_flank = not before.isspace() and (after.isspace() or not after.isalnum())
    if left_flank and not right_flank:
        return 1
    if right_flank and not left_flank:
        return -1
    if mark in _OPENERS:
        return 1
    if mark in _CLOSERS:
        return -1
    return 0


def _double_marks(text: str, start: int, end: int) -> list[QuoteMark]:
    marks = _marks_in(text, start, end)
    found: list[QuoteMark] = []
    open_at: tuple[int, int] | None = None
    for s, e, mark in marks:
        if open_at is None:
            if mark in _CLOSERS and _direction(text, s, e, mark, start, end) < 0:
                continue  # a stray closer
            open_at = (s, e)
            continue
        found.append(QuoteMark(open_at[0], e, open_at[1], s, True))
        open_at = None
    if open_at is not None:
        found.append(QuoteMark(open_at[0], end, open_at[1], end, False))
    return found


# --- cues ------------------------------------------------------------------------------------

# Verbs that introduce quoted words.  Written for this module from general English usage, then
# checked for coverage against the PolNeAR train split (never harvested from it).
_SPEECH_VERBS = _words(
    """say tell add write tweet post ask reply respond answer declare explain note recall
insist argue state warn conclude acknowledge admit shout chant joke quip remark observe announce
claim suggest exclaim continue emphasize emphasise stress complain boast scoff snap predict promise
vow urge concede confirm deny counter retort protest cry yell scream whisper mutter sigh laugh
grumble lament muse wonder testify assert contend maintain report text email inform advise
caution pledge proclaim recount reiterate repeat reflect reveal summarize summarise thank
interject interrupt offer opine plead preach rail rant reason remind sneer speculate surmise
swear theorize theorise volunteer wail elaborate allege charge demand beg implore recommend
describe cite quote read begin finish tease muse gush rave shrug scold mock fume seethe
chime hint signal predict posit marvel agree disagree object recall reminisce brag beam
assure reassure question bellow thunder hiss growl murmur stammer stutter blurt chirp drawl
sniff snort groan moan whine sob ponder instruct order command inquire enquire query press
pronounce intone recite narrate dictate jest taunt jeer heckle deride exult cheer gasp
    confess crack boom"""
)

# Phrasal cues: the verb and the particle both belong to the cue.
_PHRASAL = {
    "go": "on",
    "point": "out",
    "chime": "in",
    "shoot": "back",
    "fire": "back",
    "write": "back",
    "hit": "back",
    "put": "it",
    "sum": "up",
    "spell": "out",
}

_IRREGULAR = {
    "say": ("says", "said", "saying"),
    "tell": ("tells", "told", "telling"),
    "write": ("writes", "wrote", "writing", "written"),
    "go": ("goes", "went", "going", "gone"),
    "speak": ("speaks", "spoke", "speaking", "spoken"),
    "think": ("thinks", "thought", "thinking"),
    "feel": ("feels", "felt", "feeling"),
    "know": ("knows", "knew", "knowing", "known"),
    "see": ("sees", "saw", "seeing", "seen"),
    "find": ("finds", "found", "finding"),
    "hold": ("holds", "held", "holding"),
    "put": ("puts", "put", "putting"),
    "read": ("reads", "read", "reading"),
    "swear": ("swears", "swore", "swearing", "sworn"),
    "begin": ("begins", "began", "beginning", "begun"),
    "teach": ("teaches", "taught", "teaching"),
    "shoot": ("shoots", "shot", "shooting"),
    "hit": ("hits", "hit", "hitting"),
    "cry": ("cries", "cried", "crying"),
    "reply": ("replies", "replied", "replying"),
    "deny": ("denies", "denied", "denying"),
    "testify": ("testifies", "testified", "testifying"),
    "sum": ("sums", "summed", "summing"),
    "spell": ("spells", "spelled", "spelt", "spelling"),
    "mean": ("means", "meant", "meaning"),
    "buy": ("buys", "bought", "buying"),
    "bring": ("brings", "brought", "bringing"),
    "seek": ("seeks", "sought", "seeking"),
    "forecast": ("forecasts", "forecast", "forecasting"),
    "understand": ("understands", "understood", "understanding"),
    "lay": ("lays", "laid", "laying"),
    "make": ("makes", "made", "making"),
    "give": ("gives", "gave", "giving", "given"),
    "take": ("takes", "took", "taking", "taken"),
}
# Final consonants doubled before -ed/-ing (stressed last syllable).
_DOUBLING = _wordset(
    "quip snap admit plan chat stop regret commit refer prefer occur omit permit submit rebut "
    "sob nod chip jab beg hug scan slam slap grab drop ship step"
)


def verb_forms(lemma: str) -> tuple[str, ...]:
    """The inflected forms of an English verb: ``verb_forms("quip")`` gives quips, quipped..."""
    if lemma in _IRREGULAR:
        return (lemma, *_IRREGULAR[lemma])
    if lemma in _DOUBLING:
        stem = lemma + lemma[-1]
        return (lemma, lemma + "s", stem + "ed", stem + "ing")
    if lemma.endswith("e"):
        return (lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing")
    if lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        return (lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing")
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        return (lemma, lemma + "es", lemma + "ed", lemma + "ing")
    return (lemma, lemma + "s", lemma + "ed", lemma + "ing")


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _cue_pattern(lemmas: list[str]) -> str:
    forms: list[str] = []
    for lemma in lemmas:
        for form in verb_forms(lemma):
            particle = _PHRASAL.get(lemma)
            if particle:
                forms.append(f"{form} {particle}")
            if lemma not in ("go", "point", "chime", "shoot", "fire", "hit", "put", "sum", "spell"):
                forms.append(form)
    return _alternation(forms)


_DIRECT_CUES = _cue_pattern(_SPEECH_VERBS + list(_PHRASAL))
# Finite forms of the cues, for "…,” he said": third person and past, plus "say" itself
# ("…,” they say); the bare forms of the rest are too often nouns ("the report said").
_FINITE_CUE_RE = re.compile(
    r"(?<![\w-])(?P<cue>"
    + _alternation(
        [f for lemma in _SPEECH_VERBS for f in verb_forms(lemma)[1:3]]
        + [f"{f} {p}" for lemma, p in _PHRASAL.items() for f in verb_forms(lemma)[1:3]]
        + ["say"]
    )
    + r")(?![\w-])"
)
# Verbs of reported speech, thought and stance: "Putin said Russia's support was based on…",
# "Clinton believes the plan will work".  Written from general English usage; the stance verbs
# (want, support, oppose) follow annotation practice for attribution, which counts them.
_REPORTING_VERBS = _SPEECH_VERBS + _words(
    """think believe feel know hope fear expect worry doubt suspect
assume figure reckon realize realise understand guess imagine wish want see consider regard view
find show indicate estimate forecast project calculate accuse blame criticize criticise praise
call dub brand label characterize characterise dismiss reject dispute oppose support endorse
back favor favour propose request seek plan intend threaten decide determine rule notify
convince persuade comment mention clarify recognize recognise condemn denounce slam blast attack
defend justify imply learn hear acknowledge emphasize stress point contend conclude decline
refuse"""
)

# Every form of a reporting verb, by kind: finite ("said", "argues"), bare ("say": only after
# "they", "would"…) or participle (", saying …").
_FINITE, _BARE, _PARTICIPLE = 1, 2, 3


# Cues of direct speech that rarely report speech without quotation marks.
_DIRECT_ONLY = _wordset(
    """begin finish continue read quote order command press question thunder chime cheer gasp
    sob sniff snort beam pronounce intone recite dictate"""
)
# Third-person forms that are more often plural nouns ("the United States", "his remarks"):
# cues only after he/she/it/who or before what a reported clause starts with.
_NOUN_LIKE = _wordset(
    """states attacks points emails comments rules plans questions remarks views reports calls
    texts posts claims answers replies notes orders charges demands requests supports backs
    favors favours shows finds hopes fears doubts wishes wants cites signals hints offers
    figures guesses projects estimates forecasts labels brands tweets charges proposals
    objects"""
)
_CLAUSE_STARTS = _wordset(
    "that the a an he she it they his her their its this there we i if whether to"
)
_DETERMINERS = _wordset("the a an one another some two three several")
_POSSESSIVES = _DETERMINERS | _wordset("his her their its our my your this these those that")
_ADVERBIAL_STARTS = _wordset(
    """on in at during to last this that yesterday today tonight recently later earlier
    afterward afterwards of monday tuesday wednesday thursday friday saturday sunday
    after before while"""
)
_BE = _wordset("is was were are be been being")


def _reporting_forms() -> dict[str, int]:
    forms: dict[str, int] = {}
    for lemma in _REPORTING_VERBS:
        if lemma in _DIRECT_ONLY:
            continue
        inflected = verb_forms(lemma)
        for form in inflected[1:]:
            if form in _PARTICIPLES_ONLY:
                continue
            kind = _PARTICIPLE if form.endswith("ing") else _FINITE
            forms.setdefault(form, kind)
        forms.setdefault(lemma, _BARE)
    return forms


# Past participles that are not also past tenses: "known", "seen" are adjectives or passives
# far more often than reporting verbs.
_PARTICIPLES_ONLY = _wordset("known seen written spoken given taken begun sworn shown gone")
# Cues that report speech only when a clause follows ("added that …", "added:"), not an
# object ("added urgency", "continued the talks").
_NEEDS_CLAUSE = _wordset("add continue offer reflect repeat")
# Cues that report a stance only before "to": "declined to comment", "refused to say".
_NEEDS_TO = _wordset("decline refuse")
_REPORTING_FORMS = _reporting_forms()


def _trie_pattern(words: Iterable[str]) -> str:
    """A regular expression for a set of words, shaped as a trie ("sa(?:id|ys|ying)") so the
    matcher tries one branch per letter instead of every word in turn."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(c) + build(child) for c, child in sorted(node.items()) if c]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return build(trie)


# Any reporting word, whatever its case, as a whole word ("according" for "according to").
_REPORTING_RE = re.compile(
    r"(?<![\w'’-])(?i:" + _trie_pattern([*_REPORTING_FORMS, "according"]) + r")(?![\w'’-])"
)
_NEXT_WORD_RE = re.compile(r"\s+([A-Za-z]+)")
_LEMMA_OF = {form: lemma for lemma in _REPORTING_VERBS for form in verb_forms(lemma)}
_WORD_RE = re.compile(r"[A-Za-z]+")
# What may sit between a cue and its content: "told reporters that", "said Tuesday that".
_CUE_OBJECT_RE = re.compile(
    r"\s*(?:,\s*[a-z]+,\s*)?(?:(?:on|in|at|during|late|early|last)\s+)?(?:[\w.’'-]+\s+){0,4}?"
    r"that\b|\s*,?\s*"
)
# "that" and a quotation mark that opens nothing (the only mark of the content).
_STRAY_MARK_RE = re.compile(r"that\s*[\"“”]\s*")
_MARKS_RE = re.compile(r"[\"“”]")
_PLURAL_SUBJECTS = _wordset("i we they you who people officials critics experts analysts")
_MODALS = _wordset("would will could can may might should must to")

# "…,” said Kerry, as he headed into talks."  /  "…,” according to Kerry."
_AFTER_INVERTED_RE = re.compile(
    r"[\s,;:—–\-]*(?P<cue>according to|" + _DIRECT_CUES + r")\s+(?P<spk>[^“”\"«»]{1,250})"
)
# "“…” ― Sonya Herridge": a dash, then a name and nothing else.
_DASH_SPEAKER_RE = re.compile(
    r"[\s\xa0]*(?P<cue>[―—–]|-(?=\s))[\s\xa0]*"
    r"(?P<spk>[A-Z][\w.’'\-]*(?:[\s\xa0]+(?:[A-Z][\w.’'\-]*|de|van|von|al|bin)){0,5})"
    r"(?:,[^“”\"«»\n]{0,100})?[\s\xa0.,;]*$"  # "― Marta Ruiz, 34, a nurse"
)
# Where an inverted speaker's description ends: at a participle or adverbial phrase.
_SPEAKER_END_RE = re.compile(
    r",\s+\w+ing\b|\s+(?:as|while|before|after|when)\s+(?:he|she|they|the|it|we|I)\b"
)

# "Kerry told reporters: “…" / "He said, “…": a cue, a short object, then ':' ',' or nothing.
_CUE_RE = re.compile(r"(?<![\w-])(?:" + _DIRECT_CUES + r")(?![\w-])")
_BEFORE_TAIL_RE = re.compile(
    r"(?P<obj>(?:(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|St|Jr)\.|U\.S\.|[^“”\"«».!?;]){0,80}?)"
    r"\s*(?P<punct>[:,—–]?)\s*"
    r"|(?P<long>[^“”\"«»!?;]{0,250}?):\s*"  # "Lavrov summed up, with optimism, …: “…"
)


# Words that open a clause or a phrase before the subject: "When asked, she said".
_CLAUSE_OPENERS = _wordset(
    """when after before as while because if and but so then that where although though since
    until unless once whereas yet or nor later meanwhile still however instead also asked
    in at on with for from by during to of about into over under without within through
    despite amid among between like than told according speaking writing including such
    against upon plus"""
)
_PRONOUNS = _wordset("he she they i we you it who")
# Words a subject noun phrase does not contain: they open a clause or phrase before it.
_SUBJECT_STOPS = _CLAUSE_OPENERS | _wordset(
    """is was are were be been being has have had do does did not no this these those there
    here what why how said says told asked added wrote"""
)
# Lower-case words inside a name: "Center for Strategic and International Studies".
_NAME_JOINERS = _wordset("for and of on de du la van von der al")
_SUBJECT_WORDS = _wordset(
    """he she they it we i you one some many most another other others a an the his her their
    its our my former several two three both each few all who which senior top"""
)
_ABBREVIATIONS_SPK = _wordset(
    """jr sr inc corp co ltd ind ill calif fla tex mass conn mich minn wis ariz colo ga ky la md
    mo nev okla ore pa tenn va wash n.y n.j n.h s.c n.c d.c"""
)
_BE_WORDS = _wordset("is was are were said says told")
_APPOSITIVE_STARTS = _wordset(
    "a an the who whose which one another his her their its our my now then"
)
_TOKEN_RE = re.compile(r"\S+")
_TRAILING_ADVERBS = _wordset(
    """also then later quickly simply once recently previously further again even finally
    flatly bluntly famously often repeatedly frequently reportedly publicly privately
    jokingly angrily calmly earlier first still has have had would will could might however
    meanwhile though too nonetheless nevertheless instead"""
)


@dataclass(slots=True)
class _Attribution:
    parts: list[tuple[int, int]]
    direct: bool
    paragraph: int
    cue: tuple[int, int] | None = None
    speaker: tuple[int, int] | None = None
    inherited: bool = False  # speaker carried over from the paragraph before


def _trim(text: str, start: int, end: int, chars: str = " \t\n\xa0,;:—–-") -> tuple[int, int]:
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _subject_before(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The noun phrase that ends at ``end`` and acts as the subject of a cue verb.

    Walks back from the verb over the words a subject is made of ("former FBI agent Timothy
    Gill", "Jason Miller, a senior adviser to Cruz,") and stops at what opens a clause or a
    phrase before it ("When asked, ", "In an interview with CBS, ", "… and").
    """
    s, e = _trim(text, start, end)
    if s >= e:
        return None
    toks = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text, s, e)]
    # "The ferry will resume on Friday, said …": a phrase before a comma closes a clause.
    clause_closed = text[start:end].rstrip().endswith(",")
    while toks:
        if _adverb(text[toks[-1][0] : toks[-1][1]]):
            toks.pop()  # "he also said", "Putin sharply criticised", "Kerry, however, said"
            continue
        when = 0 if clause_closed else _time_tail([text[a:b].lower() for a, b in toks[-4:]])
        if not when or when == len(toks):
            break
        del toks[-when:]  # "The board this week announced", "Ortiz on Tuesday called"
    if not toks:
        return None
    e = toks[-1][1]
    ends = (",", "–", "—", " -")
    if text[s:e].endswith(ends) or text[start:end].rstrip().endswith(ends):
        # "Rouhani, who is visiting New York, said" / "Rouhani – an ally of Assad – says"
        for opener in (", who ", ", which ", ", whose ", " – ", " — ", " - "):
            p = text.rfind(opener, s, e - 2)
            if p > s:
                head = _subject_before(text, s, p)
                if head is not None and text[head[0]].isupper():
                    return head[0], e
    begin = len(toks)
    i = len(toks) - 1
    # Words between the closing comma of an appositive and the comma that opens it belong to
    # the subject whatever they are ("…, a strategist and former adviser to Walker, said").
    appositive = text[start:end].rstrip().endswith(",") and text.count(",", start, end) >= 2
    while i >= 0:
        word = text[toks[i][0] : toks[i][1]]
        bare = word.strip(",;:()[]\"“”‘’'").lower()
        if i < len(toks) - 1 and word.endswith(("”", '"', "’", "''", "»")):
            break  # a quotation ends here: the subject starts after it
        if i < len(toks) - 1 and word.endswith((",", ";", ":", "—", "–")):
            # A comma ends the subject unless what follows it is an appositive or a relative
            # clause of the name before it ("Jane Doe, a senator, said"), or the name is itself
            # set off after a description ("the campaign manager, Jeff Weaver, said").
            closed = text[start:end].rstrip().endswith(",")
            appositive = False
            if (
                word.endswith(",")
                and begin < len(toks)
                and (
                    (word[:1].isupper() and _appositive_follows(text, toks, i + 1))
                    or (closed and (word[:1].islower() or text[toks[i + 1][0]].islower()))
                )
            ):
                begin = i
                i -= 1
                continue
            break
        if appositive and bare not in _PRONOUNS and bare not in _BE_WORDS:
            begin = i  # inside "Jane Doe, a lawyer and author in Ohio, said"
            i -= 1
            continue
        if bare in _PRONOUNS:
            if bare != "who":
                begin = i
            break
        if bare in _SUBJECT_STOPS and not (
            word[:1].isupper() and i == 0 and bare not in _CLAUSE_OPENERS
        ):
            inside_name = (
                bare in _NAME_JOINERS
                and i > 0
                and begin < len(toks)
                and text[toks[begin][0]].isupper()
                and text[toks[i - 1][0]].isupper()
            )
            in_phrase = (  # "the senator from Vermont", "a professor at Harvard"
                bare in ("of", "from", "at", "for", "in", "with")
                and i > 0
                and begin < len(toks)
                and text[toks[begin][0]].isupper()
                and _noun_like(text[toks[i - 1][0] : toks[i - 1][1]])
            )
            if inside_name or in_phrase or (bare == "of" and i > 0 and begin < len(toks)):
                begin = i
                i -= 1
                continue
            if bare in ("and", "or") and begin < len(toks) and _name_opens(text, toks[:i]):
                begin = 0  # "Washington and its allies counter that …": both are the subject
            break
        if bare in _CLAUSE_OPENERS and word[:1].isupper():
            break  # "After …", "In …" open the sentence
        begin = i
        i -= 1
    if begin >= len(toks):
        return None
    first, last = _trim(text, toks[begin][0], toks[-1][1], " \t\n\xa0,;:—–-")
    if first >= last or last - first > 250:
        return None
    if "," in text[first:last] and text[last : last + 1] == ",":
        last += 1  # "Jane Doe, a senator," keeps the comma that closes the appositive
    return first, last


_WEEKDAYS = _wordset("monday tuesday wednesday thursday friday saturday sunday")
_TIME_UNITS = _wordset(
    "week month year weekend morning afternoon evening night spring summer autumn fall winter"
)
_TIME_OPENERS = _wordset("this last next")
# Time words, and quantifiers floated after the subject ("have all said").
_TIME_WORDS = _wordset("today yesterday tonight twice always long all both")


def _time_tail(words: list[str]) -> int:
    """How many of the last ``words`` (lower-cased) are a time phrase between a subject and its
    verb ("on tuesday", "this past week", "last month", "twice"); 0 if they end in none."""
    if not words:
        return 0
    if words[-1] in _TIME_WORDS:
        return 1
    if len(words) >= 2 and words[-2] == "on" and words[-1] in _WEEKDAYS:
        return 2
    if words[-1] in _TIME_UNITS:
        if len(words) >= 2 and words[-2] in _TIME_OPENERS:
            return 2  # "this week", "last month"
        if len(words) >= 3 and words[-3] in _TIME_OPENERS and words[-2] in ("past", "coming"):
            return 3  # "this past week"
    return 0


def _name_opens(text: str, toks: list[tuple[int, int]]) -> bool:
    """Whether ``toks`` are one short name and nothing else ("Washington", "Saudi Arabia")."""
    words = [text[s:e] for s, e in toks]
    return (
        0 < len(words) <= 4
        and all(w[:1].isupper() and w.isalpha() for w in words)
        and words[0].lower() not in _CLAUSE_OPENERS
        and words[0].lower() not in _SUBJECT_WORDS
    )


# Words that end the subject of a clause when they follow it: auxiliaries and irregular past
# forms (regular ones are found by their "-ed").
_VERB_WORDS = _wordset(
    """is was are were has have had will would can could should may might must did does do
    went sent took made gave came began spoke met led won ran got found left kept held brought
    thought felt saw stood wrote drew struck sought fought put became rose fell threw paid sold
    built spent lost heard read bought broke chose withdrew shot hit cut set let"""
)
# Adverbs between a subject and its verb ("Sanders never sent …") beyond those _adverb knows.
_MID_ADVERBS = _wordset("never just now already")
# What opens a sentence before its subject: "In an interview, Trump …", "But Trump …".
_CONJUNCTIONS = _wordset("but and so yet or then also still later meanwhile now")
# Words after which a past form is an adjective: "the proposed wall", "his alleged role".
_ATTRIBUTIVE = _POSSESSIVES - {"that"}


def _main_subject(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The subject of the clause from ``start`` to ``end`` ("Clinton celebrated in Florida with
    supporters" -> "Clinton"), after an opening phrase ("In a press conference, …"); None
    when no verb is recognised or the subject found is no plain noun phrase."""
    s, e = _trim(text, start, end, ' \t\n\xa0,;:—–-”"’)')
    segments = [s]
    for comma in re.finditer(r",\s+|\s[–—]\s", text[s:e]):
        segments.append(s + comma.end())
    for seg in segments:
        toks = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(text, seg, e)]
        words = [text[a:b] for a, b in toks]
        first = words[0].lower() if words else ""
        if first in _CONJUNCTIONS:
            toks, words = toks[1:], words[1:]
        if seg == s and words and words[0].lower().strip(",") in _CLAUSE_OPENERS:
            continue  # "In an interview, …": the subject comes after the phrase
        for i in range(1, min(len(words), 10)):
            prev = words[i - 1].lower()
            if prev.endswith((",", ";", ":")):
                break  # "Salem, New Hampshire, Trump went …": no plain noun phrase
            bare = words[i].lower()
            if not bare.isalpha():
                continue  # "Sen.", "(I-Vt.)", "O’Malley"
            verb = (
                bare in _VERB_WORDS
                or _adverb(words[i])
                or bare in _MID_ADVERBS
                or _REPORTING_FORMS.get(bare) is not None
                or (bare.endswith("ed") and len(bare) > 4 and prev not in _POSSESSIVES)
            )
            if not verb:
                continue
            subject = _trim(text, toks[0][0], toks[i - 1][1])
            head = text[subject[0] : subject[1]].split()
            if head and (head[0][:1].isupper() or head[0].lower() in _SUBJECT_WORDS):
                return subject
            break
    return None


def _adverb(word: str) -> bool:
    bare = word.rstrip(",").lower()
    if not word[:1].islower():
        return False  # "Will wrote": a name
    return bare in _TRAILING_ADVERBS or (len(bare) > 4 and bare.endswith("ly") and bare.isalpha())


def _noun_like(word: str) -> bool:
    bare = word.strip(",;:()[]").lower()
    return bare.isalpha() and bare not in _SUBJECT_STOPS and bare not in _TRAILING_ADVERBS


def _appositive_follows(text: str, toks: list[tuple[int, int]], i: int) -> bool:
    word = text[toks[i][0] : toks[i][1]].lower()
    return word in _APPOSITIVE_STARTS or word[:1].isdigit()


def _paragraph_quotes(
    text: str,
    p_index: int,
    sentences: list[tuple[int, int]],
    marks: list[QuoteMark],
    lead_in: tuple[tuple[int, int], tuple[int, int] | None] | None,
    carried: _Attribution | None,
) -> list[_Attribution]:
    """The direct quotes of one paragraph.

    ``lead_in`` is the cue and speaker that end the paragraph before ("…, adding:"), for a
    paragraph that opens with a quote; ``carried`` the previous paragraph's last quote, whose
    speaker a paragraph made only of a quotation continues.
    """
    found: list[_Attribution] = []
    last: _Attribution | None = None
    for k, qm in enumerate(marks):
        s_open = _sentence_of(sentences, qm.start)
        s_close = _sentence_of(sentences, max(qm.start, qm.end - 1))
        left_start = sentences[s_open][0]
        if k > 0 and marks[k - 1].end > left_start:
            left_start = marks[k - 1].end
        right_end = sentences[s_close][1]
        inner = text[qm.inner_start : qm.inner_end]
        if (
            right_end <= qm.end + 1
            and s_close + 1 < len(sentences)
            and inner.rstrip()[-1:] in ("?", "!", "—", "–", "…")
        ):
            right_end = sentences[s_close + 1][1]  # “…?” Obama asked.  (split after the ?)
        if k + 1 < len(marks) and marks[k + 1].start < right_end:
            right_end = marks[k + 1].start
        left = text[left_start : qm.start].strip(" \t\n\xa0—–-([")
        right = text[qm.end : right_end].strip(" \t\n\xa0.,;:!?—–-)]")
        after = _attribution_after(text, qm.end, right_end)
        before = _attribution_before(text, left_start, qm.start, inner)
        if before is None and k == 0 and not left and lead_in is not None:
            before = lead_in
        left_open = not left or left.endswith(":")
        if last is not None and _continues(text, last, marks[k - 1].end if k else 0, qm.start):
            last.parts.append((qm.start, qm.end))  # “…,” he said, “but …”
            continue
        if after is not None and (left_open or before is not None):
            if before is not None and last is not None and last.cue == before[0]:
                last.parts.append((qm.start, qm.end))  # “…,” he said, “…”
                continue
            last = _Attribution([(qm.start, qm.end)], True, p_index, *after)
            found.append(last)
        elif before is not None and not right:
            if last is not None and last.cue == before[0]:
                last.parts.append((qm.start, qm.end))
                continue
            last = _Attribution([(qm.start, qm.end)], True, p_index, *before)
            found.append(last)
        elif left.endswith(":") and not right and inner.strip()[:1].isupper():
            # "She then addressed the supporters again: “…”": a quotation the sentence
            # introduces, though not with a verb of saying.
            colon = text.rfind(":", left_start, qm.start)
            last = _Attribution([(qm.start, qm.end)], True, p_index, (colon, colon + 1))
            found.append(last)
        elif not left and not right:
            if last is not None and _only_attribution(text, last, qm.start):
                last.parts.append((qm.start, qm.end))  # “…,” he said. “…”
            else:
                last = _Attribution([(qm.start, qm.end)], True, p_index)
                if carried is not None and k == 0 and carried.paragraph == p_index - 1:
                    last.speaker = carried.speaker  # a quotation running on from before
                    last.inherited = True
                found.append(last)
    return found


def _only_attribution(text: str, last: _Attribution, start: int) -> bool:
    """Whether only the last quote's attribution (and a few words) stands before ``start``:
    "“…,” he said. “…”" goes on, "“…,” she said, and her husband cut in. “…”" does not."""
    gap = text[last.parts[-1][1] : start]
    for span in (last.speaker, last.cue):
        if span is not None and last.parts[-1][1] <= span[0] < start:
            a, b = span[0] - last.parts[-1][1], span[1] - last.parts[-1][1]
            gap = gap[:a] + " " * (b - a) + gap[b:]
    return ", and " not in gap


def _continues(text: str, last: _Attribution, prev_end: int, start: int) -> bool:
    """Whether the words between two marks are only the first one's attribution."""
    if last.cue is None or not prev_end <= last.cue[0] < start:
        return False
    tail = max(last.cue[1], last.speaker[1] if last.speaker else 0)
    if not last.cue[1] <= tail <= start:
        return False
    return not text[tail:start].strip(" \t\n\xa0,;:—–-")


def _sentence_of(sentences: list[tuple[int, int]], pos: int) -> int:
    lo, hi = 0, len(sentences) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if sentences[mid][0] <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _attribution_after(
    text: str, start: int, end: int
) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """Cue and speaker right after a closing mark: '…,” he said' or '…,” said Kerry'."""
    dash = _DASH_SPEAKER_RE.match(text, start, end)
    if dash is not None:  # "“…” ― Sonya Herridge" (vox pops, epigraphs)
        signed = _trim(text, dash.start("spk"), dash.end("spk"), " \t\n\xa0.,;:")
        return (dash.start("cue"), dash.end("cue")), signed
    m = _AFTER_INVERTED_RE.match(text, start, end)
    if m is not None:
        cue = (m.start("cue"), m.end("cue"))
        return cue, _inverted_speaker(text, m.start("spk"), m.end("spk"))
    lead = _trim(text, start, end)[0]
    if lead >= end or not (
        text[lead].isupper() or text[lead] in "“‘\"'(" or _starts_subject(text, lead)
    ):
        return None
    for c in _FINITE_CUE_RE.finditer(text, lead, min(end, lead + 250)):
        nxt = _FINITE_CUE_RE.match(text, _trim(text, c.end(), end)[0], end)
        if nxt is not None:
            continue  # "the reports said": the first is a noun
        speaker = _subject_before(text, lead, c.start())
        if speaker is None or speaker[0] != lead:
            return None  # the words before the verb are not (only) its subject
        return (c.start(), c.end()), speaker
    return None


def _starts_subject(text: str, pos: int) -> bool:
    m = _TOKEN_RE.match(text, pos)
    if m is None:
        return False
    word = m.group().lower().strip(",")
    return word in _SUBJECT_WORDS or word in PERSON_TITLES  # "spokesman Jeff Bechdel said"


def _inverted_speaker(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The speaker after an inverted cue, up to the end of its description."""
    m = _SPEAKER_END_RE.search(text, start, end)
    if m is not None and m.start() > start:
        end = m.start()
    s, e = _trim(text, start, end, " \t\n\xa0,;:—–-")
    if e > s and text[e - 1] == ".":
        word = text[s : e - 1].rsplit(None, 1)[-1].lower()
        if word not in _ABBREVIATIONS_SPK and not ("." in word and len(word) <= 5):
            e -= 1
    return (s, e) if e > s else None


def _attribution_before(
    text: str, start: int, end: int, inner: str
) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """Cue and speaker right before an opening mark: 'Kerry told reporters: “…'."""
    cues = list(_CUE_RE.finditer(text, start, end))
    for m in reversed(cues[-3:]):
        tail = _BEFORE_TAIL_RE.fullmatch(text, m.end(), end)
        if tail is None:
            continue
        if tail.group("long") is not None:
            return (m.start(), m.end()), _subject_before(text, start, m.start())
        words = tail.group("obj").split()
        punct = tail.group("punct")
        if "that" in (w.lower() for w in words):
            return None  # "said that “…”": reported speech with quoted words in it
        first = inner.lstrip(" \t\n\xa0.…'‘’\"“”([")[:1]
        if not punct and (len(words) > 2 or not first.isupper()):
            return None
        if punct == "," and not first.isupper():
            return None
        speaker = _subject_before(text, start, m.start())
        return (m.start(), m.end()), speaker
    colon = text.rfind(":", start, end)
    if colon >= 0 and not text[colon + 1 : end].strip():
        # "Marco Rubio: ‘…’" (headlines, transcripts): the name and a colon.
        speaker = _subject_before(text, start, colon)
        if speaker is not None and speaker[0] == _trim(text, start, colon)[0]:
            words = text[speaker[0] : speaker[1]].split()
            if len(words) <= 6 and words[-1][:1].isupper():
                return (colon, colon + 1), speaker
    return None


def _indirect_quotes(
    text: str,
    p_index: int,
    sentences: list[tuple[int, int]],
    quoted: SpanSet,
    direct: list[_Attribution],
) -> list[_Attribution]:
    """Reported speech: "X said CONTENT", "according to X, CONTENT", "CONTENT, X said".

    ``quoted`` are the quotation marks' spans (a cue inside them is part of a quotation);
    ``direct`` the direct quotes found, whose cues and words are not reported speech again.
    """
    found: list[_Attribution] = []
    forms = _REPORTING_FORMS
    direct_parts = [part for a in direct for part in a.parts]
    direct_cues = {a.cue[0]: a for a in direct if a.cue is not None}
    for s_start, s_end in sentences:
        end = _trim(text, s_start, s_end, " \t\n\xa0.!?;:")[1]
        claimed = s_start
        in_sentence: list[_Attribution] = [
            a for a in direct if a.cue is not None and s_start <= a.cue[0] < end
        ]
        # "Podesta, who said CONTENT, said …": where the relative clause's content ends, and
        # the name it belongs to (the subject of the verb after it).
        relative: tuple[int, tuple[int, int] | None] | None = None
        for w in _REPORTING_RE.finditer(text, s_start, end):
            lower = w.group().lower()
            kind = forms.get(lower)
            following = _NEXT_WORD_RE.match(text, w.end(), end)
            nxt = following.group(1).lower() if following is not None else ""
            according = lower == "according" and nxt == "to"
            if kind is None and not according:
                continue
            if w.start() < claimed or w.start() in direct_cues or w.start() in quoted:
                continue
            if text[w.start() - 1 : w.start()] == "-" or text[w.end() : w.end() + 1] == "-":
                continue  # "self-declared", "Russian-backed"
            for q_start, q_end in direct_parts:
                if claimed <= q_start < w.start() and q_end <= w.start():
                    claimed = q_end  # the subject comes after a quotation in the sentence
            speaker: tuple[int, int] | None
            if according:
                cue = (w.start(), following.end() if following is not None else w.end())
                spk_end = _clause_end(text, cue[1], end)
                speaker = _trim(text, cue[1], spk_end)
                described = _RELATIVE_RE.match(text, spk_end) is not None
                # "Winds reached 60 km/h, according to the weather office, close to …": the
                # claim is the clause before the cue when there is one.
                opened = len(text[claimed : w.start()].split()) >= 3
                if spk_end < end and not described and not opened:  # "According to X, …"
                    content = _trim(text, spk_end, end)
                else:  # "…, according to Interfax." / "…, according to X, which …"
                    content = _trim(text, s_start, w.start())
            else:
                cue = (w.start(), w.end())
                before = text[claimed : w.start()]
                prev = before.split()[-1:] or [""]
                prev_word = prev[0].lower()
                subject_end = w.start()
                if prev_word in _BE:
                    if kind != _PARTICIPLE or prev_word.startswith("be"):
                        continue  # "is known", "was seen": a passive or an adjective
                    kind = _FINITE  # "Clinton is calling for …": the progressive
                    subject_end = claimed + before.rstrip().rfind(prev[0])  # before "is"
                if prev_word in _ATTRIBUTIVE and lower.endswith("ed"):
                    continue  # "the proposed wall", "his alleged role": an adjective
                noun_like = lower in _NOUN_LIKE and prev_word not in ("he", "she", "it", "who")
                named = (  # "the new poll shows Trump far ahead": a name opens the clause
                    following is not None
                    and following.group(1)[:1].isupper()
                    and w.group().islower()
                    and prev_word.isalpha()
                    and prev_word not in _POSSESSIVES
                )
                if noun_like and nxt not in _CLAUSE_STARTS and not named:
                    continue  # "the United States", "his remarks"
                if (
                    kind == _BARE
                    and prev_word not in _PLURAL_SUBJECTS
                    and prev_word not in _MODALS
                    and not _plural_noun(prev[0])
                ):
                    continue
                if _LEMMA_OF.get(lower) in _NEEDS_TO and nxt != "to":
                    continue  # "declined to comment", not "prices declined"
                if _LEMMA_OF.get(lower) in _NEEDS_CLAUSE and nxt != "that":
                    after = text[w.end() : w.end() + 2].strip()
                    if after[:1] not in (",", ":") and w.end() < end - 1:
                        continue  # "has added urgency", not "added that …"
                trailing = _trailing_attribution(text, claimed, w, end, kind or _FINITE)
                if trailing is not None:
                    content, speaker = trailing  # "…, the minister said." / "…, said Kerry."
                    attribution = _Attribution([content], False, p_index, cue, speaker)
                    found.append(attribution)
                    in_sentence.append(attribution)
                    claimed = end
                    continue
                if kind == _FINITE and prev_word == "who":  # "…, who said CONTENT, …"
                    who = w.start() - len(before) + before.rstrip().rfind(prev[0])
                    speaker = (who, who + 3)
                    comma = text.rfind(",", claimed, who)
                    stop = _content_end(text, w.end(), end)
                    if comma >= 0 and not text[comma + 1 : who].strip():
                        closing = text.find(",", w.end(), stop)
                        stop = closing if closing >= 0 else stop
                        relative = (stop, _subject_before(text, s_start, comma))
                    content = _trim(text, w.end(), stop)
                    if content[1] - content[0] >= 3 and not _covered(direct_parts, content):
                        attribution = _Attribution([content], False, p_index, cue, speaker)
                        found.append(attribution)
                        in_sentence.append(attribution)
                    claimed = cue[1]
                    continue
                if kind == _PARTICIPLE:
                    if not before.rstrip().endswith(",") or nxt in ("from", "at", "in"):
                        continue  # ", saying …" only, not ", reporting from Paris, …"
                    earlier = [a for a in in_sentence if a.cue and a.cue[0] < w.start()]
                    if earlier:  # "Ban called for …, saying …": the same speaker
                        speaker = max(earlier, key=lambda a: a.cue[0] if a.cue else 0).speaker
                    else:  # the subject of the clause the participle hangs on
                        clause = text.rfind(",", s_start, w.start())
                        speaker = _main_subject(text, s_start, clause) or _subject_before(
                            text, s_start, _clause_end(text, s_start, w.start())
                        )
                else:
                    speaker = _subject_before(text, claimed, subject_end)
                    if relative is not None and not text[relative[0] : w.start()].strip(" ,"):
                        speaker = relative[1]  # the name the relative clause belongs to
                    earlier = [a for a in in_sentence if a.cue and a.cue[0] < w.start()]
                    if prev_word == "and" and earlier:  # "called for …, and said …"
                        speaker = max(earlier, key=lambda a: a.cue[0] if a.cue else 0).speaker
                    if speaker is None and lower == "asked" and _ASKED_OPENING.fullmatch(before):
                        # "Asked whether he would run, Smith said …": the question is reported
                        stop = text.find(",", w.end(), end)
                        stop = stop if stop >= 0 else end
                        question = _QUESTION_RE.search(text, w.end(), stop)
                        content = _trim(text, question.start() if question else stop, stop)
                        if content[1] - content[0] >= 3:
                            attribution = _Attribution([content], False, p_index, cue, None)
                            found.append(attribution)
                            in_sentence.append(attribution)
                            claimed = cue[1]
                        continue
                    if speaker is None or _venue(text, speaker):
                        continue  # "the podium of the General Assembly reiterated …"
                tail = _CUE_OBJECT_RE.match(text, w.end(), end)
                start = tail.end() if tail is not None else w.end()
                if tail is not None and tail.group().rstrip().endswith("that"):
                    start = tail.end() - 4  # the content starts with "that"
                content = _trim(text, start, _content_end(text, start, end))
                stray = _STRAY_MARK_RE.match(text, *content)
                if stray is not None and len(_MARKS_RE.findall(text, *content)) == 1:
                    content = (stray.end(), content[1])  # 'stressing that" air strikes are …'
            if content[1] - content[0] < 3 or _covered(direct_parts, content):
                continue
            attribution = _Attribution([content], False, p_index, cue, speaker)
            found.append(attribution)
            in_sentence.append(attribution)
            claimed = cue[1]
    return found


def _trailing_attribution(
    text: str, start: int, verb: re.Match[str], end: int, kind: int
) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """An attribution closing its sentence: content, then ", Kerry said." or ", said Kerry."."""
    if kind != _FINITE:
        return None
    rest = text[verb.end() : end].split()
    before = text[start : verb.start()].rstrip().rstrip("”\"’'»")
    if before.endswith(","):  # "…, said Kerry, the secretary of state."
        if not rest or len(rest) > 25 or not (rest[0][:1].isupper() or rest[0] in _DETERMINERS):
            return None
        if any(c in text[verb.end() : end] for c in '“”"«»'):
            return None  # quoted words follow: the verb reports them
        if rest[0].lower() in _PRONOUNS or _sentence_subject(text, start, verb.start()):
            return None  # "Jane Doe, a senator, said she …": the subject comes first
        if _has_verb(text[verb.end() : end].split(",")[0].split()):
            return None  # "…, a Republican, said the family deserved better": a clause follows
        content = _trim(text, start, start + len(before) - 1)
        if content[1] <= content[0]:
            return None
        return content, _inverted_speaker(text, verb.end(), end)
    if rest and (len(rest) > 5 or rest[0].lower() not in _ADVERBIAL_STARTS):
        return None  # more than "…, he said on Tuesday." follows the verb
    comma = text.rfind(",", start, verb.start())
    if comma < 0:
        return None
    speaker = _subject_before(text, comma + 1, verb.start())
    if speaker is None or text[comma + 1 : speaker[0]].strip(" \t\n\xa0”\"’'»"):
        return None
    content = _trim(text, start, comma)
    return (content, speaker) if content[1] - content[0] > 10 else None


# Words that make what follows a cue a clause (a finite verb) rather than the speaker's name.
_FINITE_MARKERS = _wordset(
    """is are was were will would could should can may might must has have had do does did
    shall won't can't didn't doesn't isn't wasn't"""
)


def _has_verb(words: list[str]) -> bool:
    """Whether words after a cue hold a finite verb: an auxiliary, or a past tense after the
    first word ("the Khan family deserved better"), not a speaker ("the senator")."""
    bare = [w.strip(".,;:!?\"“”‘’'()").lower() for w in words]
    return any(w in _FINITE_MARKERS for w in bare) or any(
        len(w) > 4 and w.endswith("ed") for w in bare[1:]
    )


# Words ending in -s that are not plural nouns.
_NOT_PLURAL = _wordset(
    """its this his has was does is thus always perhaps sometimes yes news less unless whereas
    as us across besides towards afterwards nevertheless politics economics series species
    means lens"""
)


def _plural_noun(word: str) -> bool:
    """Whether a word before a bare verb reads as a plural subject ("Sources say", "aides
    say", "Democrats believe")."""
    bare = word.strip(",;:()\"“”‘’'").lower()
    return (
        len(bare) > 3
        and bare.isalpha()
        and bare.endswith("s")
        and not bare.endswith(("ss", "us", "is", "ous"))
        and bare not in _NOT_PLURAL
    )


def _sentence_subject(text: str, start: int, verb: int) -> bool:
    """Whether everything from ``start`` to ``verb`` is one subject ("Jane Doe, a senator,")."""
    subject = _subject_before(text, start, verb)
    return subject is not None and subject[0] == _trim(text, start, verb)[0]


def _covered(spans: list[tuple[int, int]], span: tuple[int, int]) -> bool:
    size = span[1] - span[0]
    overlap = sum(max(0, min(e, span[1]) - max(s, span[0])) for s, e in spans)
    return overlap * 2 > size


def _clause_end(text: str, start: int, end: int) -> int:
    comma = text.find(",", start, end)
    return comma if comma >= 0 else end


_CONTENT_END_RE = re.compile(r",\s+(?:\w+ing|according to|he said|she said|they said)\b|;\s")


def _content_end(text: str, start: int, end: int) -> int:
    """Where reported content ends: at the sentence end, a "; ", a ", saying", or before
    "and" with another reporting verb ("… against ISIS, and said …")."""
    m = _CONTENT_END_RE.search(text, start, end)
    stop = m.start() if m is not None else end
    for a in _AND_VERB_RE.finditer(text, start, stop):
        if _REPORTING_FORMS.get(a.group(1).lower()) == _FINITE:
            return a.start()
    return stop


# What may open a sentence before "asked" when the question, not its asker, comes first.
_ASKED_OPENING = re.compile(r"\s*(?:(?:When|After|Once|If|Later)\s+)?(?:being\s+)?", re.IGNORECASE)
_QUESTION_RE = re.compile(r"\b(?:whether|if|how|who|what|why|when|where|which|about)\b")

_AND_VERB_RE = re.compile(r",?\s+and\s+([a-z]+)\b")


def find_quotes(article: Article, options: QuoteOptions | None = None) -> list[Quote]:
    """Every quote of ``article``: direct quotes (with their pieces when an attribution splits
    them) and, unless ``options.indirect`` is off, reported speech."""
    paragraphs = article.paragraphs or ((0, len(article.text)),)
    return _find_quotes(article, options or QuoteOptions(), _marks(article.text, paragraphs))


def _marks(text: str, paragraphs: Sequence[tuple[int, int]]) -> list[list[QuoteMark]]:
    return [_all_marks(text, start, end) for start, end in paragraphs]


def _find_quotes(
    article: Article, options: QuoteOptions, marks_by_paragraph: list[list[QuoteMark]]
) -> list[Quote]:
    text = article.text
    paragraphs = article.paragraphs or ((0, len(text)),)
    attributions: list[_Attribution] = []
    lead_in: tuple[tuple[int, int], tuple[int, int] | None] | None = None
    by_paragraph = [sentence_spans(text, (p,)) for p in paragraphs]
    for p_index, (p_start, p_end) in enumerate(paragraphs):
        sentences = by_paragraph[p_index]
        marks = marks_by_paragraph[p_index]
        if marks and sentences:
            carried = attributions[-1] if attributions else None
            attributions.extend(
                _paragraph_quotes(text, p_index, sentences, marks, lead_in, carried)
            )
        lead_in = None
        last = attributions[-1] if attributions else None
        if last is not None and last.paragraph == p_index - 1 and last.speaker is None:
            dash = _DASH_SPEAKER_RE.match(text, p_start, p_end)
            if dash is not None:  # a quotation, then "- Clinton." in a paragraph of its own
                last.cue = (dash.start("cue"), dash.end("cue"))
                last.speaker = _trim(text, dash.start("spk"), dash.end("spk"), " \t\n\xa0.,;:")
        if sentences and text[p_end - 1] in ":,":
            # "…, adding:" then the quote in a paragraph of its own.
            last_start = sentences[-1][0]
            lead_in = _attribution_before(text, last_start, p_end, "X")
    if options.indirect:
        quoted = SpanSet((q.start, q.end) for marks in marks_by_paragraph for q in marks)
        direct = list(attributions)
        for p_index, sentences in enumerate(by_paragraph):
            attributions.extend(_indirect_quotes(text, p_index, sentences, quoted, direct))
        headline = _headline_attribution(text, paragraphs[0], direct)
        if headline is not None:
            attributions.append(headline)
        attributions.sort(key=lambda a: a.parts[0])
    return [_to_quote(article, a) for a in attributions]


# A headline credited to its speaker: "Kerry: Talks with Iran are not over".  The speaker is
# a short capitalised name (not "The …", which titles a column or a series).
_HEADLINE_RE = re.compile(
    r"\s*(?P<spk>(?!The\b)[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}):\s+(?P<content>\S.*\S)\s*$",
    re.DOTALL,
)
HEADLINE_CHARS = 200  # a first paragraph longer than this is not a headline


def _headline_attribution(
    text: str, paragraph: tuple[int, int], direct: list[_Attribution]
) -> _Attribution | None:
    """The speaker and content of a headline written "Name: what they said"."""
    start, end = paragraph
    if end - start > HEADLINE_CHARS or "\n" in text[start:end].strip():
        return None
    m = _HEADLINE_RE.match(text, start, end)
    if m is None or len(m.group("content").split()) < 3:
        return None
    content = _trim(text, m.start("content"), m.end("content"), " \t\n\xa0.")
    if any(a.parts[0][0] < content[1] and content[0] < a.parts[-1][1] for a in direct):
        return None  # a quotation in the headline is a direct quote already
    colon = m.end("spk")
    return _Attribution([content], False, 0, (colon, colon + 1), (m.start("spk"), colon))


def _to_quote(article: Article, a: _Attribution) -> Quote:
    aid = article.id
    text = article.text
    start, end = a.parts[0][0], a.parts[-1][1]
    return Quote(
        article_id=aid,
        content=Span(aid, start, end),
        text=" … ".join(text[s:e] for s, e in a.parts),
        direct=a.direct,
        speaker=Span(aid, *a.speaker) if a.speaker else None,
        speaker_text=text[a.speaker[0] : a.speaker[1]] if a.speaker else None,
        cue=Span(aid, *a.cue) if a.cue else None,
        cue_text=text[a.cue[0] : a.cue[1]] if a.cue else None,
        parts=tuple(Span(aid, s, e) for s, e in a.parts) if len(a.parts) > 1 else (),
    )


# --- speakers -----------------------------------------------------------------------------------

# Prepositions that make a name inside a speaker phrase the object of a phrase.
_PREPOSITIONS = _wordset("of from at in on for to with by near inside outside")
# A relative clause opening after a name: "Coastline Wire, which …", "the club, where …".
_RELATIVE_RE = re.compile(r",\s+(?:who|whom|whose|which|where|when)\b")
# Where words are spoken, never who speaks them.
_VENUE_WORDS = _wordset("podium rostrum lectern stage floor sidelines margins steps pulpit dais")
_SPEAKER_PREFERENCE = {"name": 0, "description": 1, "pronoun": 2}


def link_speakers(quotes: Sequence[Quote], entities: Sequence[Entity]) -> list[Quote]:
    """Quotes with their speakers resolved to entities of the same article.

    The speaker span is matched to the mentions inside it: a person's name first ("Jason
    Miller, a senior adviser to Cruz" is Jason Miller), then a description or a pronoun that
    the entity stage linked to a person, then an organisation or a place ("the Kremlin").
    """
    by_article: dict[str, list[tuple[Mention, Entity]]] = defaultdict(list)
    for entity in entities:
        for mention in entity.mentions:
            by_article[mention.span.article_id].append((mention, entity))
    starts: dict[str, list[int]] = {}
    for article_id, found in by_article.items():
        found.sort(key=lambda me: (me[0].span.start, me[0].span.end))
        starts[article_id] = [m.span.start for m, _ in found]
    linked: list[Quote] = []
    for quote in quotes:
        speaker = quote.speaker
        if speaker is None:
            linked.append(quote)
            continue
        found = by_article.get(quote.article_id, [])
        at = starts.get(quote.article_id, [])
        lo, hi = bisect.bisect_left(at, speaker.start), bisect.bisect_left(at, speaker.end)
        inside = [
            (m, e)
            for m, e in found[lo:hi]
            if speaker.start <= m.span.start
            and m.span.end <= speaker.end
            and _heads(quote.speaker_text or "", m, speaker.start, e.type)
        ]
        if not inside:
            linked.append(quote)
            continue
        mention, entity = min(
            inside,
            key=lambda me: (
                me[1].type is not EntityType.PER,
                _SPEAKER_PREFERENCE.get(me[0].kind, 3),
                me[0].span.start,
            ),
        )
        linked.append(replace(quote, entity_id=entity.id))
    return linked


def _heads(speaker: str, mention: Mention, offset: int, kind: EntityType) -> bool:
    """Whether a mention inside a speaker phrase can stand for the speaker: not a possessor
    ("Al Jazeera's James Bays"), not a nationality, and an organisation or place only when
    it is most of the phrase ("the Kremlin", not "a senior US official"); and never the
    object of a preposition in it ("the podium of the General Assembly", "the family of
    Emil Roskova") or a name in a relative clause of it."""
    end = mention.span.end - offset
    if speaker[end : end + 2] in ("'s", "’s"):
        return False
    if kind is EntityType.MISC:
        return False
    lead = speaker[: mention.span.start - offset]
    if _RELATIVE_RE.search(lead):
        return False  # "the club, where Mr Roskova coached, …": named in a relative clause
    before = lead.split()
    while before and before[-1].lower() in ("the", "a", "an"):
        before.pop()
    if before and before[-1].lower() in _PREPOSITIONS:
        return False  # "the family of Emil Roskova", "the podium of the Assembly"
    if kind is not EntityType.PER:
        core = re.sub(r"^(?:the|a|an)\s+", "", speaker.strip(), flags=re.IGNORECASE)
        return len(mention.text) * 2 >= len(core)
    return True


def _venue(text: str, speaker: tuple[int, int]) -> bool:
    """Whether a subject names where something was said, not who said it: "the podium of
    the General Assembly", "the floor of the house"."""
    words = text[speaker[0] : speaker[1]].lower().split()
    while words and words[0] in ("the", "a", "an", "this", "that"):
        words.pop(0)
    return bool(words) and words[0] in _VENUE_WORDS


def _resolve_descriptions(
    quotes: Sequence[Quote], entities: Sequence[Entity], quoted: dict[str, list[tuple[int, int]]]
) -> list[Quote]:
    """Speakers still unresolved that a description names ("said the Russian head of state"),
    matched with what the whole story says of its people (titles, descriptions)."""
    people = [e for e in entities if e.type is EntityType.PER]
    roles = {e.id: entity_roles(e) for e in people}
    fitting: dict[str, list[Entity]] = {}  # by description: copies repeat the same ones
    organisations: dict[str, Entity | None] = {}
    positions: dict[tuple[str, str], list[int]] = defaultdict(list)  # (entity, article) -> starts
    for e in people:
        for m in e.mentions:
            positions[(e.id, m.span.article_id)].append(m.span.start)
    out: list[Quote] = []
    for quote in quotes:
        text = quote.speaker_text or ""
        if (
            quote.entity_id is not None
            or quote.speaker is None
            or not text.lower().startswith("the ")
        ):
            out.append(quote)
            continue
        if text not in organisations:
            organisations[text] = described_organisation(text, entities)
        organisation = organisations[text]
        if organisation is not None:  # "The harbour authority said", named in another article
            out.append(replace(quote, entity_id=organisation.id))
            continue
        if text not in fitting:
            fitting[text] = [e for e in people if describes(text, *roles[e.id])]
        fits = fitting[text]
        best: Entity | None = None
        best_pos = -1
        spans = quoted.get(quote.article_id, ())
        for e in fits:
            for pos in positions.get((e.id, quote.article_id), ()):
                if best_pos < pos < quote.speaker.start and not any(s <= pos < t for s, t in spans):
                    best, best_pos = e, pos
        if best is None and len(fits) == 1:
            best = fits[0]
        out.append(replace(quote, entity_id=best.id) if best else quote)
    return out


# --- statements: what "who said what" lists ----------------------------------------------------

# Reported speech a story's "who said what" lists: after a verb of saying or "according to"
# (not of stance or perception: "backed", "opposed", "saw" count as attributions in PolNeAR but
# are not statements), with content of at least this many words that does not open with a
# preposition ("by Iran", "to Assad" are the verb's objects).  Set by reading the seed stories.
STATEMENT_MIN_WORDS = 4
_STATEMENT_CUES = frozenset(_SPEECH_VERBS) | frozenset(_PHRASAL)
_OBJECT_STARTS = _wordset(
    "by to as plus from with of for against into onto upon toward towards than"
)


def is_statement(quote: Quote) -> bool:
    """Whether a quote states something a reader of "who said what" wants listed: quoted
    words, or reported speech after a verb of saying or "according to" whose content reads
    as a statement rather than the verb's object."""
    if quote.direct:
        return True
    cue = (quote.cue_text or "").lower().split()
    if not cue:
        return False
    if (
        cue[:2] != ["according", "to"]
        and cue != [":"]  # a headline "Kerry: talks are not over"
        and _LEMMA_OF.get(cue[0]) not in _STATEMENT_CUES
    ):
        return False
    content = quote.text.split()
    return len(content) >= STATEMENT_MIN_WORDS and content[0].lower() not in _OBJECT_STARTS


# --- a story's quotes ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuoteGroup:
    """One quote as a story carries it: every article that prints it, and how they word it.

    ``text`` is the wording most articles carry; ``variant_ids`` lists the occurrences whose
    wording differs from it beyond trimming (a misquote, a translation, a paraphrase), and
    ``excerpt_ids`` those that print only part of it.
    """

    id: str
    text: str
    direct: bool
    quotes: tuple[Quote, ...]  # every occurrence, by article then position
    speaker: str | None = None  # canonical name of the speaker entity, or the words as written
    entity_id: str | None = None
    variant_ids: tuple[str, ...] = ()
    excerpt_ids: tuple[str, ...] = ()

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(sorted({q.article_id for q in self.quotes}))

    @property
    def reworded(self) -> bool:
        """Whether some article words this quote differently from the others."""
        return bool(self.variant_ids)


@dataclass(frozen=True, slots=True)
class StoryQuotes:
    """Who said what in a story: its entities, every quote, and the quotes grouped."""

    entities: tuple[Entity, ...]
    quotes: tuple[Quote, ...]
    groups: tuple[QuoteGroup, ...]

    def speaker_of(self, quote: Quote) -> str | None:
        """The canonical name of a quote's speaker, or the words as written when unresolved."""
        for entity in self.entities:
            if entity.id == quote.entity_id:
                return entity.name
        return quote.speaker_text

    def by_speaker(self) -> dict[str, list[QuoteGroup]]:
        """The groups by speaker (canonical name, or the words as written), speakers sorted."""
        found: dict[str, list[QuoteGroup]] = defaultdict(list)
        for group in self.groups:
            found[group.speaker or ""].append(group)
        return dict(sorted(found.items()))


def article_quotes(
    article: Article,
    options: QuoteOptions | None = None,
    entity_options: EntityOptions | None = None,
    recognizer: Recognizer | None = None,
) -> tuple[list[Quote], list[Entity]]:
    """The quotes of one article with speakers resolved, and the article's entities."""
    quotes, entities, _ = _article_quotes(article, options, entity_options, recognizer)
    return quotes, entities


def _article_quotes(
    article: Article,
    options: QuoteOptions | None,
    entity_options: EntityOptions | None,
    recognizer: Recognizer | None,
) -> tuple[list[Quote], list[Entity], list[tuple[int, int]]]:
    entity_options = entity_options or EntityOptions()
    recognizer = recognizer or get_recognizer(entity_options.recognizer)
    paragraphs = article.paragraphs or ((0, len(article.text)),)
    marks = _marks(article.text, paragraphs)
    quoted = [(q.start, q.end) for found in marks for q in found]
    entities = article_entities(article, entity_options, recognizer, quoted)
    quotes = _find_quotes(article, options or QuoteOptions(), marks)
    return link_speakers(quotes, entities), entities, quoted


def quote_story(
    articles: Sequence[Article],
    options: QuoteOptions | None = None,
    entity_options: EntityOptions | None = None,
    recognizer: Recognizer | None = None,
) -> StoryQuotes:
    """Stage function for a story: entities merged across its articles, every quote with its
    speaker resolved to them, and the quotes grouped (same words across outlets, rewordings
    flagged)."""
    options = options or QuoteOptions()
    entity_options = entity_options or EntityOptions()
    recognizer = recognizer or get_recognizer(entity_options.recognizer)
    per_article: list[list[Entity]] = []
    quotes: list[Quote] = []
    quoted: dict[str, list[tuple[int, int]]] = {}
    for article in sorted(articles, key=lambda a: a.id):
        found, entities, spans = _article_quotes(article, options, entity_options, recognizer)
        per_article.append(entities)
        quotes.extend(found)
        quoted[article.id] = spans
    merged, _ = merge_entities(per_article)
    unlinked = [replace(q, entity_id=None) for q in quotes]
    quotes = _resolve_descriptions(link_speakers(unlinked, merged), merged, quoted)
    groups = group_quotes(quotes, merged, options)
    return StoryQuotes(tuple(merged), tuple(quotes), tuple(groups))


def extract_quotes(
    articles: Iterable[Article],
    options: QuoteOptions | None = None,
    entity_options: EntityOptions | None = None,
    recognizer: Recognizer | None = None,
) -> Iterator[tuple[Article, list[Quote], list[Entity]]]:
    """Stage function for a stream of articles: each with its quotes and entities."""
    entity_options = entity_options or EntityOptions()
    recognizer = recognizer or get_recognizer(entity_options.recognizer)
    for article in articles:
        found, entities = article_quotes(article, options, entity_options, recognizer)
        yield article, found, entities


# --- the same quote across outlets ---------------------------------------------------------------


def _wording(quote: Quote) -> list[str]:
    """The words of a quote, without marks, case or accents."""
    return words(quote.text.replace("…", " "))


def _triples(tokens: list[str]) -> set[tuple[str, ...]]:
    if len(tokens) < 3:
        return {tuple(tokens)} if tokens else set()
    return {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)}


def group_quotes(
    quotes: Sequence[Quote],
    entities: Sequence[Entity] = (),
    options: QuoteOptions | None = None,
) -> list[QuoteGroup]:
    """The quotes of a story's articles grouped into one entry per remark.

    Two quotes are the same remark when they share most word triples (``options.match`` of the
    shorter one) and their speakers agree or one is unknown, or when they share almost all
    (``options.exact_match``) whoever they are given to.  Each group keeps the wording most
    articles carry; members that only trim it are excerpts, members that word it otherwise
    are variants.

    Copies print a remark word for word, so quotes are first collapsed by wording (a hash of
    their words and whether they are direct): identical wordings are always one remark.  Only
    distinct wordings are compared, through an index of their word triples, so the cost grows
    with the number of quotes plus the pairs of *distinct* wordings that share a triple; a
    thousand copies of a wire quote cost one comparison each, not a million.
    """
    options = options or QuoteOptions()
    ordered = sorted(quotes, key=lambda q: (q.article_id, q.content.start, q.content.end))
    tokens = [_wording(q) for q in ordered]
    # One entry per distinct wording: its copies, and the speakers they are given to.
    wording_of: dict[tuple[tuple[str, ...], bool], int] = {}
    copies: list[list[int]] = []
    for i, (quote, toks) in enumerate(zip(ordered, tokens, strict=True)):
        key = (tuple(toks), quote.direct)
        w = wording_of.setdefault(key, len(copies)) if toks else len(copies)
        if w == len(copies):
            copies.append([])
        copies[w].append(i)
    speakers = [_Speakers.of(ordered[i] for i in members) for members in copies]
    triples = [_triples(tokens[members[0]]) for members in copies]
    direct = [ordered[members[0]].direct for members in copies]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for w, tri in enumerate(triples):
        for t in tri:
            index[t].append(w)
    parent = list(range(len(copies)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, tri in enumerate(triples):
        shared: Counter[int] = Counter()
        for t in tri:
            postings = index[t]
            # postings are in ascending order: only the wordings after i are counted
            for j in postings[bisect.bisect_right(postings, i) :]:
                shared[j] += 1
        for j, count in shared.items():
            if direct[i] != direct[j] and min(len(tri), len(triples[j])) < 4:
                continue
            share = count / max(1, min(len(tri), len(triples[j])))
            alike = count / max(1, len(tri), len(triples[j]))
            if alike >= options.exact_match or (
                share >= options.match and speakers[i].agree(speakers[j])
            ):
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    members: dict[int, list[int]] = defaultdict(list)
    for w, found in enumerate(copies):
        members[find(w)].extend(found)
    names = {e.id: e.name for e in entities}
    groups = []
    for found in members.values():
        found.sort()
        groups.append(_group([ordered[i] for i in found], [tokens[i] for i in found], names))
    groups.sort(
        key=lambda g: ((g.speaker or "").lower(), g.quotes[0].article_id, g.quotes[0].content.start)
    )
    return groups


@dataclass(frozen=True, slots=True)
class _Speakers:
    """The speaker entities the copies of one wording are given to."""

    ids: frozenset[str]
    unknown: bool  # some copy's speaker is not resolved to an entity

    @classmethod
    def of(cls, quotes: Iterable[Quote]) -> _Speakers:
        ids, unknown = set(), False
        for quote in quotes:
            if quote.entity_id:
                ids.add(quote.entity_id)
            else:
                unknown = True
        return cls(frozenset(ids), unknown)

    def agree(self, other: _Speakers) -> bool:
        """Whether a copy of one and a copy of the other may be the same speaker's words."""
        return self.unknown or other.unknown or not self.ids.isdisjoint(other.ids)


def _group(quotes: list[Quote], tokens: list[list[str]], names: dict[str, str]) -> QuoteGroup:
    texts = [" ".join(t) for t in tokens]
    counts = Counter(texts)
    canonical = max(counts, key=lambda t: (counts[t], len(t), t))
    shown = quotes[texts.index(canonical)]
    variants: list[str] = []
    excerpts: list[str] = []
    for quote, text in zip(quotes, texts, strict=True):
        if text == canonical:
            continue
        if text in canonical or canonical in text:
            excerpts.append(quote.id)
        else:
            variants.append(quote.id)
    ids = Counter(q.entity_id for q in quotes if q.entity_id)
    entity_id = max(ids, key=lambda k: (ids[k], k)) if ids else None
    speaker = names.get(entity_id) if entity_id else None
    if speaker is None:
        spoken = Counter(q.speaker_text for q in quotes if q.speaker_text)
        speaker = max(spoken, key=lambda k: (spoken[k], k)) if spoken else None
    group_id = stable_id("quote-group", *sorted(q.id for q in quotes))
    return QuoteGroup(
        id=group_id,
        text=shown.text,
        direct=any(q.direct for q in quotes),
        quotes=tuple(quotes),
        speaker=speaker,
        entity_id=entity_id,
        variant_ids=tuple(sorted(variants)),
        excerpt_ids=tuple(sorted(excerpts)),
    )
