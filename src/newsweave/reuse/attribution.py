"""Outlets, and the credits and attributions by which an article names the outlet it took from.

An article says where its text came from in a few ways: a wire credit (``PORT AVEN (Meridian
Press) —``, kept by :mod:`newsweave.clean` in :attr:`Article.credits`), or a phrase in the text
("according to Reuters", "told the BBC", "Additional reporting by Coastline Wire", "Meridian
Press contributed to this report", "(AP)").  :func:`attributed_names` finds the names;
:class:`OutletIndex` matches them against the outlets of the corpus's own articles, so that a
name only counts when some article of the corpus is from that outlet.

An article's own outlet is its ``source``, its URL's host, or — for a file with neither, such as
``coastline-wire-2025-03-07-crane.txt`` — a credit whose name starts the file's name.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import urlsplit

from newsweave.clean.header import find_dateline
from newsweave.model import Article

__all__ = [
    "OutletIndex",
    "attributed_names",
    "credits_of",
    "dateline_of",
    "name_key",
    "outlet_keys",
]

# Words that are never an outlet's name on their own ("(Agencies)", "staff").
_GENERIC = frozenset(
    [
        "news",
        "agency",
        "agencies",
        "wire",
        "wires",
        "staff",
        "reporters",
        "reporter",
        "correspondents",
        "press",
        "the",
        "newspaper",
        "paper",
        "media",
        "online",
        "daily",
        "times",
        "post",
        "group",
    ]
)
_WORD = r"[A-Z][\w&'’-]*(?:\.\w+)*"  # "KBC", "Reuters", "A.P": no dot that ends a sentence
_NAME = rf"(?P<name>(?:the\s+)?{_WORD}(?:[ \t]+(?:of[ \t]+|&[ \t]+)?{_WORD}){{0,4}})"
_ATTRIBUTION_RES = tuple(
    re.compile(pattern)
    for pattern in (
        rf"\b[Aa]ccording\s+to\s+{_NAME}",
        rf"\b(?:told|via|by|[Ww]ith|for)\s+{_NAME}",
        rf"{_NAME}(?:\s+news\s+agency)?\s+(?:reported|reports|quoted|cited|contributed|said|says)\b",
        rf"\({_NAME}\)",
    )
)
_HOST_SUFFIX_RE = re.compile(
    r"\.(?:com|org|net|co\.uk|org\.uk|com\.au|co|news|tv|info|us|uk|ru|in|example|[a-z]{2})$"
)


def name_key(name: str) -> str:
    """Comparable form of an outlet or credit name: "The KBC's" → "kbc", "www.bbc.co.uk" → "bbc"."""
    name = name.strip().lower()
    name = re.sub(r"^https?://", "", name)
    name = re.sub(r"^www\.", "", name)
    if "." in name and " " not in name:
        name = _HOST_SUFFIX_RE.sub("", name.split("/")[0])
    name = re.sub(r"['’]s\b", "", name)
    name = re.sub(r"^the\s+", "", name)
    return " ".join(re.findall(r"[a-z0-9]+", name))


def credits_of(article: Article) -> tuple[str, ...]:
    """Wire credits: ``Article.credits``, or a dateline credit opening an uncleaned text."""
    if article.credits:
        return tuple(article.credits)
    found = find_dateline(article.text[:300], upper_only_place=True)
    return found.credits if found is not None else ()


def dateline_of(article: Article) -> str | None:
    if article.dateline:
        return article.dateline
    found = find_dateline(article.text[:300], upper_only_place=True)
    return found.place if found is not None else None


def outlet_keys(article: Article) -> frozenset[str]:
    """Name keys of the outlet that published ``article`` (see the module docstring)."""
    keys = set()
    if article.source:
        keys.add(name_key(article.source))
    if article.url:
        host = urlsplit(article.url).hostname
        if host:
            keys.add(name_key(host))
    if not keys:
        stem = name_key(re.sub(r"[-_./]+", " ", article.external_id or article.origin or ""))
        for credit in credits_of(article):
            key = name_key(credit)
            if key and (stem == key or stem.startswith(key + " ")):
                keys.add(key)
    keys.discard("")
    return frozenset(keys)


@lru_cache(maxsize=65536)
def _names_in(text: str) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    for pattern in _ATTRIBUTION_RES:
        for match in pattern.finditer(text):
            found.append((match.group("name"), " ".join(match.group().split())))
    return tuple(found)


def attributed_names(article: Article) -> list[tuple[str, str]]:
    """``(name, how)`` for every credit and attribution phrase in ``article``."""
    names = [(credit, f"credits {credit}") for credit in credits_of(article)]
    names.extend((name, f'says "{how}"') for name, how in _names_in(article.text))
    return names


class OutletIndex:
    """Which articles of a corpus come from the outlet a credit or attribution names."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.keys = [outlet_keys(a) for a in articles]
        self._by_first: dict[str, list[tuple[tuple[str, ...], int]]] = defaultdict(list)
        self._by_squashed: dict[str, list[int]] = defaultdict(list)
        for i, keys in enumerate(self.keys):
            for key in keys:
                words = tuple(key.split())
                self._by_first[words[0]].append((words, i))
                self._by_squashed[key.replace(" ", "")].append(i)

    def articles_of(self, name: str) -> set[int]:
        """Indices of the articles whose outlet ``name`` names."""
        words = tuple(name_key(name).split())
        if not words or (len(words) == 1 and (words[0] in _GENERIC or len(words[0]) < 2)):
            return set()
        found: set[int] = set()
        # A lone word names a longer outlet only as an acronym: "KBC" names "KBC News -
        # Keldora", but "for Velmar" is a place, not the Velmar Evening Post.
        acronym = name.strip().isupper()
        for outlet, i in self._by_first.get(words[0], ()):
            shorter, longer = sorted((outlet, words), key=len)
            # "KBC's Sunday Review programme" names "KBC".
            if longer[: len(shorter)] != shorter or (len(shorter) == 1 and shorter[0] in _GENERIC):
                continue
            if shorter is words and len(words) == 1 < len(outlet) and not acronym:
                continue
            found.add(i)
        for k in range(len(words), 0, -1):
            found.update(self._by_squashed.get("".join(words[:k]), ()))
        return found

    def credited(self, article: Article) -> list[tuple[int, str]]:
        """``(article index, how)`` for each corpus article ``article`` credits or cites."""
        out: list[tuple[int, str]] = []
        for name, how in attributed_names(article):
            out.extend((i, how) for i in sorted(self.articles_of(name)))
        return out

    def same_outlet(self, i: int, j: int) -> bool:
        return bool(self.keys[i] & self.keys[j])


def shared_credits(a: Article, b: Article) -> list[str]:
    """Credits both articles carry (normalized names), sorted."""
    return sorted({name_key(c) for c in credits_of(a)} & {name_key(c) for c in credits_of(b)})
