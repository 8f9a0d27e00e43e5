"""Main text and metadata of a web page (trafilatura), and plain text of an HTML fragment.

:func:`extract_page` gives the article body of a page, one paragraph per line, with its title,
author, date, site name and canonical URL.  Cleaning (boilerplate lines, datelines, bylines)
happens afterwards in :mod:`newsweave.clean`, the same for every input format.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from newsweave.errors import ConfigError

__all__ = ["ExtractOptions", "Page", "extract_page", "extract_text", "html_to_text"]

log = logging.getLogger(__name__)

# trafilatura settings, chosen on the scrapinghub article-extraction pages (dev half,
# word-4-gram F1, see benchmarks/ingest.py): comments are not article text, and favouring
# precision drops more link lists and teasers (F1 .951 with the defaults, .964 with these).
INCLUDE_COMMENTS = False
FAVOR = "precision"
_FAVORS = ("precision", "balanced", "recall")

# Elements that end a line when an HTML fragment is turned into text.
_BLOCK_TAGS = frozenset(
    """
    address article aside blockquote br dd div dl dt figcaption figure footer h1 h2 h3 h4 h5
    h6 header hr li main nav ol p pre section table td th tr ul
    """.split()  # noqa: SIM905
)
_FIELDS = ("text", "title", "author", "date", "sitename", "url", "language", "description")
_BLANK_LINES = re.compile(r"\n\s*\n+")


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """``favor``: "precision" drops doubtful blocks, "recall" keeps them; tables are kept."""

    favor: str = FAVOR
    include_tables: bool = True
    include_comments: bool = INCLUDE_COMMENTS

    def __post_init__(self) -> None:
        if self.favor not in _FAVORS:
            raise ConfigError(
                f"extract: unknown favor {self.favor!r}; choose one of {', '.join(_FAVORS)}"
            )


@dataclass(frozen=True, slots=True)
class Page:
    """What a page says about itself, and its article body (one paragraph per line)."""

    text: str
    title: str = ""
    author: str | None = None
    date: str | None = None  # as found, ISO 8601 when the page gave a full date
    sitename: str | None = None
    url: str | None = None  # canonical URL if the page gives one, else the URL it came from
    language: str | None = None
    description: str | None = None


def extract_page(html: str, url: str | None = None, options: ExtractOptions | None = None) -> Page:
    """The article of ``html``; ``Page.text`` is empty when the page holds no article."""
    import trafilatura

    options = options or ExtractOptions()
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=options.include_comments,
            include_tables=options.include_tables,
            favor_precision=options.favor == "precision",
            favor_recall=options.favor == "recall",
        )
    except (ValueError, TypeError, AttributeError) as exc:  # malformed markup trips lxml
        log.debug("trafilatura failed on %s: %s", url or "a page", exc)
        doc = None
    if doc is None:
        return Page(text="", url=url)
    found = doc if isinstance(doc, dict) else {name: getattr(doc, name) for name in _FIELDS}
    return Page(
        text=found.get("text") or "",
        title=(found.get("title") or "").strip(),
        author=found.get("author") or None,
        date=found.get("date") or None,
        sitename=found.get("sitename") or None,
        url=found.get("url") or url,
        language=found.get("language") or None,
        description=found.get("description") or None,
    )


def extract_text(html: str, url: str | None = None) -> str:
    """Only the article body of ``html`` (the ``extract`` evaluation task's signature)."""
    return extract_page(html, url).text


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed entry's content): one line per block element."""
    import lxml.html
    from lxml import etree

    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return fragment.strip()
    for bad in root.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    parts: list[str] = []
    _walk(root, parts)
    return _BLANK_LINES.sub("\n", "".join(parts)).strip()


def _walk(element: object, parts: list[str]) -> None:
    from lxml import etree

    assert isinstance(element, etree._Element)
    tag = element.tag if isinstance(element.tag, str) else ""
    block = tag.lower() in _BLOCK_TAGS
    if block:
        parts.append("\n")
    if element.text and tag:
        parts.append(element.text)
    for child in element:
        _walk(child, parts)
        if child.tail:
            parts.append(child.tail)
    if block:
        parts.append("\n")
