"""The main job: read a pile of articles, group them into stories, summarize and store each one.

``digest(store, paths, options)`` ingests ``paths`` (see :mod:`newsweave.pipeline`), groups every
stored article into stories, writes a cited summary of each story whose summary is missing or
was made with other settings, and stores stories and summaries.  :mod:`.view` turns a stored
story into what the renderers of :mod:`.render` print.

Stories: by default (grouping ``"stories"``) the cluster stage groups every stored article by
the event it covers (:mod:`newsweave.cluster`; copies found by the reuse stage always share a
story).  Grouping ``"collection"`` makes one story per input collection instead (its folder,
feed, WARC file or the cluster id of an MDS record; a JSONL file's records without one form one
story per file).  The output says how stories were formed.
"""

from __future__ import annotations

import importlib
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from newsweave.cluster import ClusterOptions
from newsweave.cluster.scoring import outlet_of
from newsweave.cluster.stored import group_into_stories
from newsweave.digest.view import GROUPING_NOTES, sort_time
from newsweave.errors import ConfigError
from newsweave.model import Article, ReuseLink, Story
from newsweave.pipeline import IngestReport, IngestRunOptions, ingest_paths
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
    cluster: ClusterOptions = field(default_factory=ClusterOptions)  # for grouping "stories"
    force: bool = False  # summarize every story again, even those with an up-to-date summary

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
    grouping: str = GROUPINGS[0]

    @property
    def note(self) -> str:
        return GROUPING_NOTES[self.grouping]

    def summary(self) -> str:
        read = f"{self.ingest.summary()}; " if self.ingest else ""
        return (
            f"{read}{self.stories} stories: {self.summarized} summarized, "
            f"{self.kept} already up to date"
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
    origins = _origins(store, articles)
    by_id = {a.id: a for a in articles}
    if options.grouping == "stories":
        clustered, _ = group_into_stories(store, articles, options.cluster)
        stories = [  # independent origins as the collection grouping counts them
            replace(s, n_origins=_n_origins([by_id[i] for i in s.article_ids], origins))
            for s in clustered
        ]
    else:
        stories = group_by_collection(articles, origins)
    store.replace_stories(stories)
    report = DigestReport(stories=len(stories), grouping=options.grouping)
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
            members, options.summarize, story_id=story.id, sentences=sentences, origins=origins
        )
        store.save_summary(summary)
        report.summarized += 1
    return report


def _origins(store: Store, articles: Sequence[Article]) -> dict[str, str] | None:
    """Each article's independent origin, when reuse detection has stored its links.

    Without links nothing is known about who copied whom: None, and stories say so (their
    ``n_origins`` is 0) instead of counting every article as independent.
    """
    links = store.reuse_links(among=[a.id for a in articles], passages=False)
    if not links:
        return None
    try:  # the reuse stage: origins(articles, links) -> {article id: origin id}
        reuse = importlib.import_module("newsweave.reuse")
    except ImportError:  # links imported from another run; the reuse stage is not here
        log.info("reuse links are stored but newsweave.reuse is unavailable: origins unknown")
        return None
    origins: Callable[[Sequence[Article], Sequence[ReuseLink]], Mapping[str, str]]
    origins = reuse.origins
    return dict(origins(articles, links))


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
