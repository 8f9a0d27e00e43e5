"""Normalize text for reuse detection: undo what spinners change, keep offsets into the text.

A content farm that lifts a sentence rewrites its surface: "Russia" becomes "Russian
Federation", "the US" becomes "the USA", "$500mn" becomes "$500-million", "neighbouring" becomes
"neighboring", "co-ordinated" becomes "coordinated".  :func:`normalize` maps every such variant
onto one token, so that two versions of a sentence share their tokens again:

- **countries**: every name, official name, alternative spelling, ISO code and demonym that
  ``pycountry`` and ``countryinfo`` know becomes ``@xx`` (the ISO 3166 alpha-2 code), e.g.
  "Russian Federation", "Russia", "Russians", "RUS" → ``@ru``; "U.S.", "USA", "United States
  of America", "America", "American" → ``@us``.  Codes count only when written in capitals and
  not inside an all-capitals run ("PUTIN AND OBAMA" keeps its "AND").  Aliases that name two
  countries ("Congo", "Korea") are left as words.
- **numbers**: digits, separators, scale words and suffixes, spelled-out numbers and ordinals
  become one value token, currencies one currency token: "$500mn", "$500-million", "$500
  million", "500 million dollars", "US$ 500m" → ``#500000000 ¤usd``; "11 percent", "11 per
  cent", "11%" → ``#11 %``; "five" → ``#5``; "first", "1st" → ``#1st``.
- **spelling**: British and American spellings meet (``-our/-or``, ``-ise/-ize``, ``-yse/-yze``,
  ``-tre/-ter``, ``-mme/-m``, ``-ogue/-og``); prefix hyphens vanish ("co-ordinated"); words are
  lower-cased, possessives dropped and Porter2-stemmed (``snowballstemmer``).

Nothing here is a list of particular articles' words: the country tables come from the two
packages, the rest are rules of English orthography.  Synonyms ("international" →
"worldwide") are not normalized here: the sentence scorer (:mod:`newsweave.reuse.similarity`)
handles them with embeddings.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import defaultdict
from functools import cache, lru_cache
from typing import NamedTuple

__all__ = [
    "Countries",
    "Token",
    "country_aliases",
    "is_stopword",
    "normalize",
    "normalize_word",
]

log = logging.getLogger(__name__)

# English function words (scikit-learn's list) plus the reporting words every news sentence has.
# Tokens in this set are kept in the stream (for alignment) but marked as non-content.
_EXTRA_STOPWORDS = {"said", "says", "say", "told", "mr", "mrs", "ms", "dr", "s", "t", "will"}

# Hyphen prefixes that join their word ("co-ordinated" = "coordinated"); other hyphenated words
# are split into their parts ("US-led" = "US led").
_JOINING_PREFIXES = frozenset(
    [
        "co",
        "re",
        "pre",
        "non",
        "anti",
        "pro",
        "ex",
        "post",
        "multi",
        "mid",
        "semi",
        "sub",
        "inter",
        "counter",
        "over",
        "under",
    ]
)

_SCALES = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "mn": 1e6,
    "mln": 1e6,
    "m": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "bn": 1e9,
    "b": 1e9,
    "trillion": 1e12,
    "tn": 1e12,
    "trn": 1e12,
    "lakh": 1e5,
    "crore": 1e7,
}
# Single-letter scales only count right after a currency ("$5m"): "100m" alone may be metres.
_CURRENCY_ONLY_SCALES = frozenset({"k", "m", "b"})

_CURRENCY_SYMBOLS = {"$": "usd", "€": "eur", "£": "gbp", "¥": "jpy", "₹": "inr"}
_CURRENCY_PREFIXES = {"us": "usd", "a": "aud", "c": "cad", "nz": "nzd", "hk": "hkd", "s": "sgd"}
_CURRENCY_WORDS = {
    "dollar": "usd",
    "dollars": "usd",
    "usd": "usd",
    "euro": "eur",
    "euros": "eur",
    "eur": "eur",
    "pound": "gbp",
    "pounds": "gbp",
    "sterling": "gbp",
    "gbp": "gbp",
    "yen": "jpy",
    "yuan": "cny",
    "renminbi": "cny",
    "rupee": "inr",
    "rupees": "inr",
    "roubles": "rub",
    "rubles": "rub",
    "rouble": "rub",
    "ruble": "rub",
}
_PERCENT_WORDS = frozenset({"percent", "pct", "pc"})
_NUMBER_STARTS_EXTRA = frozenset({"a", "usd", "eur", "gbp"})

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}

# Words that may open a number expression ("five million", "a billion", "US$", "USD 5").
_NUMBER_STARTS = frozenset(_UNITS) | _NUMBER_STARTS_EXTRA | frozenset(_CURRENCY_PREFIXES)

# Words, acronyms with dots (U.S.), numbers with separators and glued suffixes ($500mn),
# currency symbols and the percent sign.  Hyphens and apostrophes are handled after matching.
_RAW_RE = re.compile(
    r"(?P<acr>(?:[^\W\d_]\.){2,})"
    r"|(?P<num>\d+(?:[.,]\d+)*(?:st|nd|rd|th|[^\W\d_]{1,3}\b)?)"
    r"|(?P<word>(?:(?i:" + "|".join(sorted(_JOINING_PREFIXES, key=lambda p: (-len(p), p))) + r")"
    r"-(?=[^\W\d_]))?[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<sym>[$€£¥₹%])"
)
_NUM_SPLIT_RE = re.compile(r"^(\d+(?:[.,]\d+)*)([^\W\d_]*)$")
_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")

# British → American spellings, applied to lower-cased words before stemming.  Both sides of a
# comparison go through the same rules, so an over-eager rewrite costs nothing.
_SPELLING_RULES: tuple[tuple[re.Pattern[str], str, int], ...] = (
    (re.compile(r"our(s|ed|ing|ite|ites|able|ably|er|ers|ful)?$"), r"or\1", 6),
    (re.compile(r"is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1", 7),
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1", 7),
    (re.compile(r"tre(s)?$"), r"ter\1", 5),
    (re.compile(r"mme(s)?$"), r"m\1", 7),
    (re.compile(r"ogue(s)?$"), r"og\1", 7),
)


# An alias two countries share goes to the more populous one only when it has this many times
# the other's population ("American": United States, not American Samoa); otherwise neither
# ("Korea").
AMBIGUOUS_POPULATION_RATIO = 10
# Words that make "X of Y" an official name whose Y alone names the country.
_STATE_WORDS = frozenset(
    [
        "republic",
        "kingdom",
        "states",
        "state",
        "federation",
        "commonwealth",
        "principality",
        "emirate",
        "emirates",
        "sultanate",
        "union",
        "duchy",
        "confederation",
    ]
)
_POSSESSIVE_RE = re.compile(r"'s$")


class Token(NamedTuple):
    """A normalized token: its canonical form and the ``[start, end)`` it covers in the text."""

    norm: str
    start: int
    end: int
    content: bool  # False for function words


class _Raw(NamedTuple):
    kind: str
    text: str
    start: int
    end: int


@cache
def _stopwords() -> frozenset[str]:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _EXTRA_STOPWORDS


def is_stopword(word: str) -> bool:
    return word in _stopwords()


@cache
def _stemmer() -> object:
    import snowballstemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=1 << 18)
def normalize_word(word: str) -> str:
    """Lower-case, possessive-free, spelling-unified Porter2 stem of one word."""
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    word = word.strip("'").replace("-", "")
    for pattern, replacement, min_length in _SPELLING_RULES:
        if len(word) >= min_length:
            word = pattern.sub(replacement, word, count=1)
    return str(_stemmer().stemWord(word))  # type: ignore[attr-defined]


def _fold(text: str) -> str:
    """Lower-case ASCII-folded form of an alias or word ("Curaçao" → "curacao")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


class Countries(NamedTuple):
    names: dict[tuple[str, ...], str]  # lower-cased alias words → alpha-2 code
    codes: dict[str, str]  # capitalised code ("US", "USA", "UK") → alpha-2 code
    max_length: int  # words in the longest alias
    first_words: frozenset[str]  # first words of the aliases: where a match can start


@cache
def country_aliases() -> Countries:
    """Country aliases from pycountry (names, official and common names) and countryinfo
    (alternative spellings, demonyms), built once.

    An alias that two countries share is dropped unless it is exactly one country's name.  Codes
    ("US", "USA", "UK") only count when written in capitals.
    """
    import pycountry

    candidates: dict[tuple[str, ...], set[str]] = defaultdict(set)
    exact: dict[tuple[str, ...], str] = {}
    codes: dict[str, set[str]] = defaultdict(set)
    population: dict[str, int] = {}

    def add(alias: str | None, code: str, *, is_name: bool = False) -> None:
        if not alias:
            return
        if not alias.isascii():
            alias = _fold(alias)
            if not alias.isascii():
                return  # a native-script spelling: never in English news text
        key = tuple(_alias_words(alias))
        if not key:
            return
        candidates[key].add(code)
        if is_name:
            exact[key] = code
        # "United States of America" → "America", "Islamic Republic of Iran" → "Iran";
        # not "Isle of Man" → "Man": only after a word naming a form of state.
        head, _, tail = alias.rpartition(" of ")
        if head and _STATE_WORDS.intersection(_alias_words(head)):
            tail_key = tuple(_alias_words(tail))
            if tail_key and tail_key[0] != "the":
                candidates[tail_key].add(code)

    for country in pycountry.countries:
        code = country.alpha_2
        add(country.name, code, is_name=True)
        add(getattr(country, "official_name", None), code)
        add(getattr(country, "common_name", None), code, is_name=True)
        codes[country.alpha_2].add(code)
        codes[country.alpha_3].add(code)

    from countryinfo import CountryInfo

    for info in CountryInfo.all().values():
        code = (info.get("ISO") or {}).get("alpha2")
        if not code:
            continue
        population[code] = max(population.get(code, 0), int(info.get("population") or 0))
        add(info.get("name"), code, is_name=True)
        for alt in info.get("altSpellings") or ():
            if alt.isupper() and len(alt) <= 4:
                codes[alt].add(code)
            else:
                add(alt, code)
        demonym = info.get("demonym")
        if demonym:
            add(demonym, code)
            if demonym[-1] in "ni":  # Russians, Iraqis; not "Swisss", "Britishs"
                add(demonym + "s", code)

    def resolve(found: set[str]) -> str | None:
        """One country for an alias: the only one, or one far more populous than the rest."""
        if len(found) == 1:
            return next(iter(found))
        ranked = sorted(found, key=lambda c: (-population.get(c, 0), c))
        first, second = (population.get(c, 0) for c in ranked[:2])
        return ranked[0] if first >= AMBIGUOUS_POPULATION_RATIO * max(second, 1) else None

    names: dict[tuple[str, ...], str] = {}
    for key, found in candidates.items():
        chosen = exact.get(key) or resolve(found)
        if chosen is not None:
            names[key] = chosen
    upper_codes = {c: t for c, found in codes.items() if (t := resolve(found)) is not None}
    log.debug("country aliases: %d names, %d codes", len(names), len(upper_codes))
    return Countries(names, upper_codes, max(len(k) for k in names), frozenset(k[0] for k in names))


@lru_cache(maxsize=1 << 16)
def _alias_key(word: str) -> str:
    """A token as it is looked up among alias words: "Russia's" → "russia", "U.S." → "us"."""
    return _POSSESSIVE_RE.sub("", word.replace(".", "").lower().replace("’", "'"))


def _alias_words(alias: str) -> list[str]:
    """Lower-cased words of a name, possessives dropped: "Russia's" → ["russia"]."""
    words = re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)*", alias.replace(".", ""))
    return [_POSSESSIVE_RE.sub("", w.lower().replace("’", "'")) for w in words]


def _raw_tokens(text: str) -> list[_Raw]:
    """Raw tokens; a known prefix keeps its hyphen and word ("co-ordinated") as one."""
    return [
        _Raw(m.lastgroup or "word", m.group(), m.start(), m.end()) for m in _RAW_RE.finditer(text)
    ]


def _number_value(digits: str) -> float | None:
    if _THOUSANDS_RE.match(digits):
        digits = digits.replace(",", "")
    else:
        digits = (
            digits.replace(",", ".") if digits.count(",") == 1 and "." not in digits else digits
        )
    try:
        return float(digits)
    except ValueError:
        return None


def _format_number(value: float) -> str:
    if value == int(value) and abs(value) < 1e18:
        return f"#{int(value)}"
    return f"#{value:.6g}"


def _is_caps_run(raws: list[_Raw], i: int, codes: dict[str, str]) -> bool:
    """Whether token ``i`` sits among capitalised words that are not codes (a headline)."""
    for j in (i - 1, i + 1):
        if 0 <= j < len(raws) and raws[j].kind == "word":
            other = raws[j].text
            if len(other) >= 2 and other.isupper() and other not in codes:
                return True
    return False


def normalize(text: str, offset: int = 0) -> list[Token]:
    """The normalized tokens of ``text`` in reading order, each with its character span
    (shifted by ``offset``: pass a sentence's start to get offsets into its article)."""
    names, codes, max_len, first_words = country_aliases()
    raws = _raw_tokens(text)
    out: list[Token] = []
    i = 0
    n = len(raws)
    while i < n:
        raw = raws[i]
        kind = raw.kind
        if kind == "word" or kind == "acr":
            norm, content, key, number_start = _word_info(raw.text, kind == "acr")
        else:
            norm, content, key, number_start = "", False, "", True
        # Numbers and money: [currency] number [scale] [currency word | percent].
        if number_start:
            consumed = _match_number(raws, i, out, offset)
            if consumed:
                i += consumed
                continue
        if kind == "word" or kind == "acr":
            if key in first_words:  # the longest country alias starting here
                found, code = 0, ""
                words: tuple[str, ...] = ()
                for length in range(1, min(max_len, n - i) + 1):
                    nxt = raws[i + length - 1]
                    if nxt.kind not in ("word", "acr"):
                        break
                    words = (*words, _alias_key(nxt.text))
                    if words in names:
                        found, code = length, names[words]
                if found:
                    end = raws[i + found - 1].end
                    out.append(Token("@" + code.lower(), raw.start + offset, end + offset, True))
                    i += found
                    continue
            if raw.text.isupper():
                bare = raw.text.replace(".", "")
                if bare in codes and (kind == "acr" or not _is_caps_run(raws, i, codes)):
                    code = codes[bare].lower()
                    out.append(Token("@" + code, raw.start + offset, raw.end + offset, True))
                    i += 1
                    continue
            out.append(Token(norm, raw.start + offset, raw.end + offset, content))
        elif kind == "sym" and raw.text == "%":
            out.append(Token("%", raw.start + offset, raw.end + offset, True))
        i += 1
    return out


@lru_cache(maxsize=1 << 18)
def _word_info(text: str, acronym: bool) -> tuple[str, bool, str, bool]:
    """(normalized form, is a content word, alias lookup key, may open a number) of a word."""
    lowered = text.lower().replace("’", "'")
    number_start = not acronym and lowered in _NUMBER_STARTS
    if lowered in _ORDINALS:
        return f"#{_ORDINALS[lowered]}st", True, _alias_key(text), number_start
    word = normalize_word(text.replace(".", "") if acronym else text)
    plain = lowered[:-2] if lowered.endswith("'s") else lowered
    stop = _stopwords()
    return word, plain not in stop and word not in stop, _alias_key(text), number_start


def _match_number(raws: list[_Raw], i: int, out: list[Token], offset: int = 0) -> int:
    """Read a number expression at ``raws[i]``; append its tokens to ``out``; return its length."""
    j = i
    currency: str | None = None
    raw = raws[j]
    # Currency before the number: "$", "US$", "USD".
    if raw.kind == "sym" and raw.text in _CURRENCY_SYMBOLS:
        currency = _CURRENCY_SYMBOLS[raw.text]
        j += 1
    elif (
        raw.kind == "word"
        and raw.text.lower() in _CURRENCY_PREFIXES
        and j + 1 < len(raws)
        and raws[j + 1].kind == "sym"
        and raws[j + 1].start == raw.end
        and raws[j + 1].text in _CURRENCY_SYMBOLS
    ):
        currency = _CURRENCY_PREFIXES[raw.text.lower()]
        j += 2
    elif raw.kind == "word" and raw.text.lower() in ("usd", "eur", "gbp") and raw.text.isupper():
        currency = _CURRENCY_WORDS[raw.text.lower()]
        j += 1
    if j >= len(raws):
        return 0
    value: float | None = None
    suffix = ""
    num = raws[j]
    if num.kind == "num":
        split = _NUM_SPLIT_RE.match(num.text)
        if split is None:
            return 0
        value = _number_value(split.group(1))
        suffix = split.group(2).lower()
        if value is None:
            return 0
        if suffix in ("st", "nd", "rd", "th") and currency is None:
            out.append(Token(f"#{int(value)}st", raws[i].start + offset, num.end + offset, True))
            return j - i + 1
        if suffix:
            scale = _SCALES.get(suffix)
            if scale is None or (suffix in _CURRENCY_ONLY_SCALES and currency is None):
                # "4.5-year" or "100m": keep the number, the suffix becomes its own word.
                out.append(
                    Token(_format_number(value), raws[i].start + offset, num.end + offset, True)
                )
                if suffix.isalpha() and scale is None:
                    word = normalize_word(suffix)
                    out.append(
                        Token(
                            word, num.start + offset, num.end + offset, suffix not in _stopwords()
                        )
                    )
                return j - i + 1
            value *= scale
        j += 1
    elif num.kind == "word" and num.text.lower() in _UNITS:
        value = float(_UNITS[num.text.lower()])
        j += 1
        # "twenty five", "two hundred"
        while j < len(raws) and raws[j].kind == "word":
            word = raws[j].text.lower()
            if word in _UNITS and _UNITS[word] < 10 and value >= 20 and value % 10 == 0:
                value += _UNITS[word]
            elif word == "hundred":
                value *= 100
            else:
                break
            j += 1
    elif (
        num.kind == "word"
        and num.text.lower() == "a"
        and j + 1 < len(raws)
        and raws[j + 1].text.lower() in ("million", "billion", "trillion", "thousand")
    ):
        value = 1.0
        j += 1
    else:
        return 0
    if value is None:
        return 0
    # Scale word after the number: "500 million", "500-million".
    if not suffix and j < len(raws) and raws[j].kind == "word":
        scale_word = raws[j].text.lower()
        if scale_word in _SCALES and (
            scale_word not in _CURRENCY_ONLY_SCALES or currency is not None
        ):
            value *= _SCALES[scale_word]
            j += 1
    # Currency or percent after: "dollars", "%", "percent", "per cent".
    percent = False
    if j < len(raws):
        after = raws[j]
        word = after.text.lower()
        if (after.kind == "sym" and after.text == "%") or (
            after.kind == "word" and word in _PERCENT_WORDS
        ):
            percent = True
            j += 1
        elif (
            after.kind == "word"
            and word == "per"
            and j + 1 < len(raws)
            and raws[j + 1].text.lower() == "cent"
        ):
            percent = True
            j += 2
        elif after.kind == "word" and word in _CURRENCY_WORDS and currency is None:
            currency = _CURRENCY_WORDS[word]
            j += 1
    start, end = raws[i].start + offset, raws[j - 1].end + offset
    out.append(Token(_format_number(value), start, end, True))
    if currency is not None:
        out.append(Token("¤" + currency, start, end, True))
    if percent:
        out.append(Token("%", start, end, True))
    return j - i
