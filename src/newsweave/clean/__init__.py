"""Turn raw documents into clean articles: text, boilerplate, metadata, language, offsets.

For each :class:`~newsweave.ingest.RawDocument`, :func:`clean_document`

1. takes the body: the record's text, or for a page the text trafilatura extracts (with the
   page's title, author, date, site name and canonical URL);
2. folds typographic quotes to ASCII and cuts the body into units (lines, or paragraphs of
   hard-wrapped text);
3. drops boilerplate units (:mod:`newsweave.clean.boilerplate`), the headline repeated in the
   body, and the byline and date lines of the header, keeping what they say as metadata; a
   missing or date-only headline is taken from the header's first headline-like line;
4. strips datelines and wire credits from paragraph starts (:mod:`newsweave.clean.header`);
5. joins the kept units, one paragraph each, separated by a blank line, with white space
   collapsed, and records offsets back into the body (``Article.source_offsets``);
6. guesses the language when the input did not give it (:mod:`newsweave.clean.language`).

:func:`clean` does the same for a stream, and also drops lines that repeat across many
articles of one outlet (outlet = ``source``, else the URL's host).  It counts them over a
window of ``repeat_window`` documents that have an outlet plus the window before it, so memory
stays bounded and a stream of any length can pass; output order is input order.  Documents
with no outlet (plain .txt files) are not held back unless one with an outlet is waiting
before them, so a stream of them is cleaned one by one.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from newsweave.clean.boilerplate import KEPT, is_prose, is_sentence, line_kind, mark_context
from newsweave.clean.header import (
    find_byline,
    find_dateline,
    is_date_line,
    parse_date,
    parse_date_line,
)
from newsweave.clean.language import (
    SAMPLE_CHARS,
    dominant_language,
    guess_language,
    language_evidence,
    normalize_language,
)
from newsweave.clean.units import (
    TextBuilder,
    Unit,
    fold_key,
    fold_quotes,
    split_units,
    word_count,
)
from newsweave.errors import ConfigError
from newsweave.extract import ExtractOptions, extract_page
from newsweave.ingest.records import RawDocument, Rejection
from newsweave.model import Article

__all__ = ["CleanOptions", "clean", "clean_document"]

log = logging.getLogger(__name__)

# The header of an article (title, byline, date lines) lies before its first proper paragraph
# and within this many units.
HEAD_UNITS = 8
# Datelines without credits ("WASHINGTON —") or credits without a place ("(Reuters) -") are
# only taken from this many first kept paragraphs.
DATELINE_FIRST_UNITS = 3
# A line of at most this many words before the first paragraph is a section label or kicker.
LABEL_MAX_WORDS = 2
# A line that is the headline plus at most this many words ("… | Outlet") repeats it.
HEADLINE_TAG_WORDS = 6
# A headline has this many words at most (the seeds' longest: 11; DUC titles: under 20).
HEADLINE_MAX_WORDS = 25
# Lines repeated across one outlet's articles: a short line (not a full sentence) in at least
# repeat_min_docs of its articles and REPEAT_SHORT_SHARE of them in the window; a full sentence
# (it could be a background paragraph reused by updates of one story) in at least
# REPEAT_PROSE_FACTOR times that many and REPEAT_PROSE_SHARE of them.  Set by hand on
# invented outlets (footers in every article vs. a paragraph shared by three updates).
REPEAT_SHORT_SHARE = 0.2
REPEAT_PROSE_FACTOR = 2
REPEAT_PROSE_SHARE = 0.5
# A closing line is dropped as foreign only with this many words, and with at least
# FOREIGN_MARGIN times more function words of the other language than of the article's.
FOREIGN_MIN_WORDS = 5
FOREIGN_MARGIN = 3
# A page's HTML may be this many times max_chars before it is refused unparsed (markup, scripts
# and styles make a page 5 to 20 times longer than its article; the scrapinghub pages: ~30x at
# most, but their articles are far below max_chars).
PAGE_CHARS_FACTOR = 20
# Lines longer than this are not counted for repetition (boilerplate lines are short).
REPEAT_MAX_CHARS = 400


@dataclass(frozen=True)
class CleanOptions:
    """Options of the clean stage.

    ``boilerplate``: remove boilerplate lines.  ``datelines``: strip datelines and credits
    from paragraph starts into ``Article.dateline``/``credits``.  ``dayfirst``: read an
    ambiguous numeric date (05/02/2016) day first.  ``repeat_window``: documents per window
    for the cross-article repeated-line count (0 turns it off); ``repeat_min_docs``: articles
    of one outlet a line must appear in.  ``max_chars``: longer bodies are rejected (a news
    article is rarely over 100,000 characters).  ``min_words``: articles with fewer words left
    are rejected.  ``extract``: how pages are turned into text.
    """

    boilerplate: bool = True
    datelines: bool = True
    dayfirst: bool = False
    repeat_window: int = 512
    repeat_min_docs: int = 3
    max_chars: int = 1_000_000
    min_words: int = 3
    extract: ExtractOptions = field(default_factory=ExtractOptions)

    def __post_init__(self) -> None:
        for name in ("repeat_window", "min_words"):
            if getattr(self, name) < 0:
                raise ConfigError(f"clean: {name} must be 0 or more, got {getattr(self, name)}")
        if self.max_chars < 1:
            raise ConfigError(f"clean: max_chars must be positive, got {self.max_chars}")
        if self.repeat_min_docs < 2:
            raise ConfigError(
                f"clean: repeat_min_docs must be at least 2, got {self.repeat_min_docs}"
            )
        if not isinstance(self.extract, ExtractOptions):
            raise ConfigError("clean: extract must be an ExtractOptions")


@dataclass(slots=True)
class _Draft:
    """A document between the two passes: body cut into units, per-line verdicts made."""

    doc: RawDocument
    body: str
    units: list[Unit]
    title: str
    published: datetime | str | None
    byline: str | None
    source: str | None
    url: str | None
    language: str | None
    outlet: str | None


def clean_document(doc: RawDocument, options: CleanOptions | None = None) -> Article | Rejection:
    """One clean article, or the reason the document cannot be one."""
    options = options or CleanOptions()
    draft = _prepare(doc, options)
    if isinstance(draft, Rejection):
        return draft
    return _finish(draft, frozenset(), options)


def clean(
    docs: Iterable[RawDocument | Rejection], options: CleanOptions | None = None
) -> Iterator[Article | Rejection]:
    """Stage function: every document cleaned, in input order; rejections pass through."""
    options = options or CleanOptions()
    window = options.repeat_window if options.boilerplate else 0
    if window == 0:
        for item in docs:
            yield item if isinstance(item, Rejection) else clean_document(item, options)
        return
    previous: _Counts | None = None
    batch: list[_Draft | Rejection] = []
    waiting = 0  # documents in ``batch`` that have an outlet
    for item in docs:
        draft = item if isinstance(item, Rejection) else _prepare(item, options)
        if not batch and (isinstance(draft, Rejection) or draft.outlet is None):
            # Nothing to compare it with and nothing waiting before it: out at once.
            yield draft if isinstance(draft, Rejection) else _finish(draft, frozenset(), options)
            continue
        batch.append(draft)
        if not isinstance(draft, Rejection) and draft.outlet is not None:
            waiting += 1
        if waiting >= window:
            counts = _Counts.of(batch)
            yield from _finish_batch(batch, counts, previous, options)
            previous, batch, waiting = counts, [], 0
    if batch:
        yield from _finish_batch(batch, _Counts.of(batch), previous, options)


# --- the cross-article count ------------------------------------------------------------------


@dataclass(slots=True)
class _Counts:
    """Per outlet: how many articles, and how many of them hold each short line."""

    docs: Counter[str]
    lines: Counter[tuple[str, str]]

    @classmethod
    def of(cls, batch: Sequence[_Draft | Rejection]) -> _Counts:
        docs: Counter[str] = Counter()
        lines: Counter[tuple[str, str]] = Counter()
        seen_bodies: set[tuple[str, int]] = set()
        for draft in batch:
            if isinstance(draft, Rejection) or draft.outlet is None:
                continue
            body_id = (draft.outlet, hash(draft.body))
            if body_id in seen_bodies:  # the same article twice must not look like a pattern
                continue
            seen_bodies.add(body_id)
            docs[draft.outlet] += 1
            keys = {u.key for u in draft.units if len(u.text) <= REPEAT_MAX_CHARS}
            lines.update((draft.outlet, key) for key in keys if key)
        return cls(docs, lines)


def _finish_batch(
    batch: Sequence[_Draft | Rejection],
    counts: _Counts,
    previous: _Counts | None,
    options: CleanOptions,
) -> Iterator[Article | Rejection]:
    for draft in batch:
        if isinstance(draft, Rejection):
            yield draft
            continue
        repeated = _repeated_lines(draft, counts, previous, options)
        yield _finish(draft, repeated, options)


def _repeated_lines(
    draft: _Draft, counts: _Counts, previous: _Counts | None, options: CleanOptions
) -> frozenset[str]:
    outlet = draft.outlet
    if outlet is None:
        return frozenset()
    total = counts.docs[outlet] + (previous.docs[outlet] if previous else 0)
    if total < options.repeat_min_docs:
        return frozenset()
    found = set()
    for unit in draft.units:
        key = unit.key
        n = counts.lines[(outlet, key)] + (previous.lines[(outlet, key)] if previous else 0)
        if n < options.repeat_min_docs:
            continue
        if is_prose(unit):
            if (
                n >= REPEAT_PROSE_FACTOR * options.repeat_min_docs
                and n >= REPEAT_PROSE_SHARE * total
            ):
                found.add(key)
        elif n >= REPEAT_SHORT_SHARE * total:
            found.add(key)
    return frozenset(found)


# --- one document -----------------------------------------------------------------------------


def _prepare(doc: RawDocument, options: CleanOptions) -> _Draft | Rejection:
    title = doc.title
    published = doc.published
    byline, source, url, language = doc.byline, doc.source, doc.url, doc.language
    if doc.text is not None and doc.text.strip():
        body = doc.text
    elif doc.html is not None and doc.html.strip():
        limit = PAGE_CHARS_FACTOR * options.max_chars
        if len(doc.html) > limit:
            return Rejection(doc.origin, _too_long("page", len(doc.html), limit))
        page = extract_page(doc.html, doc.url, options.extract)
        if word_count(page.text) < max(options.min_words, 1):
            found = f" (only {page.text.strip()[:60]!r})" if page.text.strip() else ""
            return Rejection(doc.origin, f"no article text found in the page{found}")
        body = page.text
        title = title or page.title
        # A crawl's WARC-Date says when the page was fetched; the page's own date is better.
        published = (page.date or published) if doc.format == "warc" else (published or page.date)
        byline = byline or page.author
        url = page.url or url
        source = source or page.sitename or _host(url)
        language = language or page.language
    else:
        return Rejection(doc.origin, "the document has no text")
    if len(body) > options.max_chars:
        return Rejection(doc.origin, _too_long("text", len(body), options.max_chars))
    body = fold_quotes(body)
    units = split_units(body)
    if options.boilerplate:
        for unit in units:
            unit.kind = line_kind(unit.text, unit.words)
    outlet = (source or "").strip().casefold() or _host(url)
    return _Draft(doc, body, units, title, published, byline, source, url, language, outlet)


def _too_long(what: str, length: int, limit: int) -> str:
    return (
        f"the {what} is {length:,} characters long, over the limit of {limit:,} "
        "(CleanOptions.max_chars): not a news article"
    )


def _host(url: str | None) -> str | None:
    if not url:
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def _finish(draft: _Draft, repeated: frozenset[str], options: CleanOptions) -> Article | Rejection:
    units = draft.units
    for unit in units:
        if unit.kind == KEPT and unit.key in repeated:
            unit.kind = "repeated"
    title = " ".join(fold_quotes(draft.title).split())
    found_date: datetime | None = None
    if is_date_line(title):
        found_date = parse_date_line(title, dayfirst=options.dayfirst)
        title = ""
    elif options.boilerplate and title and line_kind(title, word_count(title)) != KEPT:
        title = ""
    byline = draft.byline
    head = _head(units)
    for unit in head:
        if unit.kind == "date" and found_date is None:
            found_date = parse_date_line(unit.text, dayfirst=options.dayfirst)
        elif unit.kind == KEPT:
            name = find_byline(unit.text)
            if name:
                byline = byline or name
                unit.kind = "byline"
    if not title:
        title = _promote_title(units, head)
    if any(is_prose(u) for u in units):
        for unit in head:  # a section label or kicker over the headline: "News", "Politics"
            if unit.kind == KEPT and unit.words <= LABEL_MAX_WORDS and not is_sentence(unit.text):
                unit.kind = "label"
    _drop_headline(units, title)
    language = normalize_language(draft.language) or _article_language(units)
    if options.boilerplate:
        mark_context(units, lambda text: _foreign(text, language))
    dateline, credits = _strip_datelines(draft.body, units) if options.datelines else (None, ())
    builder = TextBuilder()
    previous_end = 0
    for unit in units:
        if unit.kind != KEPT:
            continue
        if builder.length:
            builder.add_replacement("\n\n", previous_end, unit.start)
        builder.add_span(draft.body, unit.start, unit.end)
        previous_end = unit.end
    text = builder.text()
    n_words = word_count(text)
    if n_words < max(options.min_words, 1):
        what = {0: "no text is left", 1: "only 1 word is left"}.get(
            n_words, f"only {n_words} words are left"
        )
        return Rejection(draft.doc.origin, f"{what} once boilerplate is removed")
    published = parse_date(draft.published, dayfirst=options.dayfirst) or found_date
    doc = draft.doc
    return Article.build(
        text,
        title=title,
        url=draft.url,
        source=draft.source,
        byline=byline,
        published=published,
        dateline=dateline,
        credits=credits,
        language=language,
        external_id=doc.external_id or draft.url,
        origin=doc.origin,
        collection=doc.collection,
        source_offsets=tuple(builder.anchors),
    )


def _head(units: Sequence[Unit]) -> list[Unit]:
    """The units before the first proper paragraph (at most HEAD_UNITS of them)."""
    head: list[Unit] = []
    for unit in units[:HEAD_UNITS]:
        if is_prose(unit):
            break
        head.append(unit)
    return head


def _promote_title(units: Sequence[Unit], head: Sequence[Unit]) -> str:
    """The first headline-like kept line of the header, removed from the body; or ""."""
    if len([u for u in units if u.kind == KEPT]) < 2:
        return ""
    for unit in head:
        if unit.kind == KEPT and _headline_like(unit.text, unit.words):
            unit.kind = "title"
            return " ".join(unit.text.split())
    return ""


def _headline_like(text: str, words: int) -> bool:
    return (
        2 <= words <= HEADLINE_MAX_WORDS
        and not text.rstrip("\"') ").endswith((".", ":", ";", ","))
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"'")
    )


def _drop_headline(units: Sequence[Unit], title: str) -> None:
    """Remove lines that repeat the headline (alone, or followed by a short tag)."""
    key = fold_key(title)
    if len(key.split()) < 3:
        return
    longest = 2 * len(title) + 80  # a line much longer than the headline cannot repeat it
    if all(u.kind != KEPT or (len(u.text) <= longest and fold_key(u.text) == key) for u in units):
        return  # the headline is all there is
    for unit in units:
        if unit.kind != KEPT or len(unit.text) > longest:
            continue
        unit_key = fold_key(unit.text)
        if unit_key == key or (  # "Headline | Outlet", but not a sentence that starts like it
            unit_key.startswith(key + " ")
            and len(unit_key.split()) - len(key.split()) <= HEADLINE_TAG_WORDS
            and not is_sentence(unit.text)
        ):
            unit.kind = "headline"


def _article_language(units: Sequence[Unit]) -> str | None:
    """The language of the kept lines: read together, or paragraph by paragraph when that is
    not clear (a short article with a quotation and a motto in two other languages)."""
    kept = [u.text for u in units if u.kind == KEPT]
    return guess_language("\n".join(kept)[:SAMPLE_CHARS]) or dominant_language(kept)


def _foreign(text: str, article_language: str | None) -> bool:
    """Whether a line is clearly in another language than the article: another language's
    function words are plenty in it, the article's own nearly absent."""
    if article_language is None or word_count(text) < FOREIGN_MIN_WORDS:
        return False
    found, hits = language_evidence(text)
    if found is None or found == article_language:
        return False
    return hits.get(article_language, 0.0) * FOREIGN_MARGIN <= hits.get(found, 0.0)


def _strip_datelines(body: str, units: Sequence[Unit]) -> tuple[str | None, tuple[str, ...]]:
    """Cut datelines off paragraph starts; the first place and all credits, in order."""
    place: str | None = None
    credits: list[str] = []
    kept = 0
    for unit in units:
        if unit.kind != KEPT:
            continue
        found = find_dateline(unit.text, upper_only_place=kept < DATELINE_FIRST_UNITS)
        kept += 1
        if found is None:
            continue
        place = place or found.place
        credits.extend(c for c in found.credits if c not in credits)
        start = unit.start + found.length
        while start < unit.end and body[start].isspace():
            start += 1
        unit.start = start
        unit.text = body[start : unit.end]
        unit.words = word_count(unit.text)
        if start >= unit.end:
            unit.kind = "dateline"
    return place, tuple(credits)
