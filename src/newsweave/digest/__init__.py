"""The main job: read a pile of articles, group them into stories, summarize and store each one.

``digest(store, paths, options)`` ingests ``paths`` (see :mod:`newsweave.pipeline`), finds
copies among stored articles whose reuse links are missing (:mod:`newsweave.reuse`; the links
are stored and give each story its independent origins), groups every stored article into
stories, writes a cited summary of each story whose summary is missing or was made with other
settings, and stores stories and summaries.  :mod:`.view` turns a stored story into what the
renderers of :mod:`.render` print.

Stories: by default (grouping ``"stories"``) the cluster stage groups every stored article by
the event it covers (:mod:`newsweave.cluster`; copies found by the reuse stage always share a
story).  Grouping ``"collection"`` makes one story per input collection instead (its folder,
feed, WARC file or the cluster id of an MDS record; a JSONL file's records without one form one
story per file).  The output says how stories were formed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from newsweave.cluster import ClusterOptions
from newsweave.cluster.scoring import outlet_of
from newsweave.cluster.stored import stories_with_copies
from newsweave.digest.quoting import QuoteCounts, store_quotes
from newsweave.digest.view import GROUPING_NOTES, sort_time
from newsweave.errors import ConfigError
from newsweave.model import Article, ReuseLink, Story
from newsweave.pipeline import IngestReport, IngestRunOptions, ingest_paths
from newsweave.reuse import ReuseOptions, detect_reuse
from newsweave.reuse import origins as origins_of
from newsweave.store import Store
from newsweave.summarize import SummarizeOptions, default_origins, method_name, summarize_story

__all__ = [
    "GROUPINGS",
    "DigestOptions",
    "DigestReport",
    "digest",
    "group_by_collection",
    "summarize_stored",
]

log = logging.getLogger(__name__)

GROUPINGS = ("stories", "collection")  # the first is the default


@dataclass(frozen=True, slots=True)
class DigestOptions:
    summarize: SummarizeOptions = field(default_factory=SummarizeOptions)
    ingest: IngestRunOptions | None = None
    grouping: str = GROUPINGS[0]
    # for grouping "stories": one story per event, two bursts of coverage days apart kept apart
    cluster: ClusterOptions = field(default_factory=lambda: ClusterOptions(granularity="event"))
    force: bool = False  # summarize every story again, even those with an up-to-date summary
    reuse: bool = True  # find copies among articles without stored reuse links (lexical scorer)
    quotes: bool = True  # find and store the quotes and entities of stories that lack them

    def __post_init__(self) -> None:
        if self.grouping not in GROUPINGS:
            raise ConfigError(
                f"digest: unknown grouping {self.grouping!r}; choose one of {', '.join(GROUPINGS)}"
            )


@dataclass(slots=True)
class DigestReport:
    ingest: IngestReport | None = None
    stories: int = 0
    summarized: int = 0  # summaries written by this run
    kept: int = 0  # up-to-date summaries left as they were
    links: int = 0  # reuse links found and stored by this run
    grouping: str = GROUPINGS[0]
    quotes: QuoteCounts | None = None  # who said what, stored for the story pages

    @property
    def note(self) -> str:
        return GROUPING_NOTES[self.grouping]

    def summary(self) -> str:
        read = f"{self.ingest.summary()}; " if self.ingest else ""
        if self.links:
            read += f"{self.links} reuse links found; "
        quoted = f"; {self.quotes.summary()}" if self.quotes else ""
        return (
            f"{read}{self.stories} stories: {self.summarized} summarized, "
            f"{self.kept} already up to date{quoted}"
        )


def digest(
    store: Store,
    paths: Sequence[str],
    options: DigestOptions | None = None,
    progress: Callable[[IngestReport], None] | None = None,
) -> DigestReport:
    """Ingest ``paths``, then group and summarize everything in ``store``."""
    options = options or DigestOptions()
    ingested = ingest_paths(store, list(paths), options.ingest, progress=progress)
    report = summarize_stored(store, options)
    report.ingest = ingested
    return report


def summarize_stored(store: Store, options: DigestOptions | None = None) -> DigestReport:
    """Group the stored articles into stories, store them, and summarize those that need it."""
    options = options or DigestOptions()
    articles = list(store.iter_articles())
    links = _link_missing(store, articles) if options.reuse else 0
    stored = store.reuse_links(among=[a.id for a in articles], passages=False)
    origins = _origins(articles, stored, known=options.reuse)
    by_id = {a.id: a for a in articles}
    if options.grouping == "stories":
        clustered, _ = stories_with_copies(articles, stored, options.cluster)
        stories = [  # independent origins as the collection grouping counts them
            replace(s, n_origins=_n_origins([by_id[i] for i in s.article_ids], origins))
            for s in clustered
        ]
    else:
        stories = group_by_collection(articles, origins)
    store.replace_stories(stories)
    report = DigestReport(stories=len(stories), links=links, grouping=options.grouping)
    method = method_name(options.summarize)
    for story in stories:
        current = store.get_summary(story.id)
        members = [by_id[i] for i in story.article_ids]
        if (
            not options.force
            and current is not None
            and current.word_budget == options.summarize.words
            and current.method == method
        ):
            report.kept += 1
            continue
        sentences = {a.id: store.get_sentences(a.id) for a in members}
        summary = summarize_story(
            members,
            options.summarize,
            story_id=story.id,
            sentences=sentences,
            origins=origins,
            links=store.reuse_links(among=story.article_ids),
        )
        store.save_summary(summary)
        report.summarized += 1
    report.quotes = store_quotes(store, stories, by_id) if options.quotes else None
    return report


def _link_missing(store: Store, articles: Sequence[Article]) -> int:
    """Run reuse detection when some article's links are missing; store the new links.

    An article's links are missing when no reuse link is stored at all, or when the article is
    in no stored link and no stored story (it arrived after the last digest).  Detection runs
    over every stored article (a new one may copy an old one; its cost grows with the number of
    articles, not their pairs) and only pairs without a stored link are added, so links made
    with other settings (``newsweave reuse --embedder minilm``) are kept.  Returns how many
    links were added.
    """
    if len(articles) < 2:
        return 0
    stored = store.reuse_links(passages=False)
    seen = {end for link in stored for end in (link.source_id, link.target_id)}
    if stored:
        seen.update(i for story in store.stories() for i in story.article_ids)
        if all(a.id in seen for a in articles):
            return 0
    sentences = {a.id: store.get_sentences(a.id) for a in articles}
    known = {link.id for link in stored}
    found = [k for k in detect_reuse(articles, ReuseOptions(), sentences) if k.id not in known]
    store.replace_reuse_links(found, among=())
    log.info("reuse: %d new links among %d articles", len(found), len(articles))
    return len(found)


def _origins(
    articles: Sequence[Article], links: Sequence[ReuseLink], *, known: bool = False
) -> dict[str, str] | None:
    """Each article's independent origin, from the stored reuse links among them.

    ``known``: reuse detection has run over ``articles``, so an article without links is its
    own origin.  Otherwise, without links nothing is known about who copied whom: None, and
    stories say so (their ``n_origins`` is 0) instead of counting every article as independent.
    """
    if not links and not known:
        return None
    return origins_of(articles, links)


def group_by_collection(
    articles: Iterable[Article], origins: Mapping[str, str] | None = None
) -> list[Story]:
    """One story per input collection; articles without one are grouped by the file they came
    from.  Sorted by first publication, then id.

    ``origins`` (article id -> independent origin) sets each story's ``n_origins``; without it
    the count is 0: unknown.
    """
    groups: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        groups[_collection_key(article)].append(article)
    stories = [_story(members, origins) for members in groups.values()]
    return sorted(stories, key=lambda s: (sort_time(s.first_published), s.id))


def _collection_key(article: Article) -> str:
    if article.collection:
        return "collection:" + article.collection
    where = (article.origin or "").rsplit(":", 1)[0] if article.origin else ""
    return "file:" + (where or article.id)


def _story(members: Sequence[Article], origins: Mapping[str, str] | None) -> Story:
    ordered = sorted(members, key=lambda a: (sort_time(a.published), a.id))
    dated = [a.published for a in ordered if a.published is not None]
    n_origins = _n_origins(ordered, origins)
    outlets = {outlet_of(a) for a in ordered} - {""}
    return Story(
        id=Story.make_id(a.id for a in ordered),
        article_ids=tuple(sorted(a.id for a in ordered)),
        title=next((a.title for a in ordered if a.title), ""),
        first_published=dated[0] if dated else None,
        last_published=dated[-1] if dated else None,
        n_outlets=len(outlets),
        n_origins=n_origins,
        method="collection",
    )


def _n_origins(members: Sequence[Article], origins: Mapping[str, str] | None) -> int:
    """Independent origins among ``members``; 0 (unknown) without reuse links."""
    if origins is None:
        return 0
    origin_of = default_origins(members)
    origin_of.update({k: v for k, v in origins.items() if k in origin_of})
    return len(set(origin_of.values()))
