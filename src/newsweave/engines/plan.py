"""The run plan: newsweave's stages as explicit steps over an engine's datasets, and :func:`run`.

==========  =====================================================  ===========================
step        what it does (per item: :mod:`newsweave.engines.steps`)  shuffles
==========  =====================================================  ===========================
read        list the input files; read each file's records          none (files spread over
                                                                    tasks; one large file is
                                                                    repartitioned: 1)
clean       clean pass 1 per document; count repeated lines per     2 small (line counts,
            outlet over all documents; clean pass 2 per document    docs per outlet) + collect
dedupe      one article per id (the first read)                     1 (by article id)
segment     sentences per article                                   none
reuse       links between articles (:mod:`.links`: the reuse       ~15 (joins, groups) + small
            stage as joins)                                         collects
stories     the cluster stage per time window, stories sharing an   3 + 1 collect (story edges)
            article merged (:mod:`.stories`); or input collections  (collections: 1)
summarize,  per story: its members and links joined to it, then     3 (2 joins, 1 group)
quotes      the summarizer and the quote stage
==========  =====================================================  ===========================

Each step reads the datasets of the steps before it and adds its own to :class:`RunData`;
:func:`run` writes every dataset as a Parquet table (:mod:`newsweave.engines.tables`) and a
``run.json`` manifest.
"""

from __future__ import annotations

import json
import logging
import operator
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from newsweave import __version__
from newsweave.clean import CleanOptions
from newsweave.cluster import ClusterOptions
from newsweave.engines import links as reuse_step
from newsweave.engines import steps
from newsweave.engines import stories as story_step
from newsweave.engines.base import Dataset, Engine
from newsweave.engines.steps import Order, Rejected, RepeatCounts, StoryWork
from newsweave.engines.tables import SCHEMA_VERSION, arrow_schema, rejection_row, to_row
from newsweave.entities import EntityOptions
from newsweave.errors import ConfigError
from newsweave.ingest import IngestOptions, Rejection
from newsweave.model import Article, ReuseLink, Sentence, Story
from newsweave.quotes import QuoteOptions
from newsweave.reuse import ReuseOptions
from newsweave.segment import SegmentOptions
from newsweave.summarize import SummarizeOptions

__all__ = ["STEPS", "RunData", "RunOptions", "RunReport", "plan", "run"]

log = logging.getLogger(__name__)

STEPS = ("read", "clean", "dedupe", "segment", "reuse", "stories", "summarize", "quotes")
STORY_MODES = ("none", "collection", "cluster")
MANIFEST = "run.json"
STORY_TABLES = ("stories", "summaries", "quotes", "entities")
# terms and neighbours (no model per task), events kept apart by their dates as digest does
DEFAULT_CLUSTER = ClusterOptions(embedder="none", granularity="event")


@dataclass(frozen=True)
class RunOptions:
    """Options of a run: one per stage, and how finely the engine splits the work."""

    ingest: IngestOptions = field(default_factory=IngestOptions)
    clean: CleanOptions = field(default_factory=CleanOptions)
    segment: SegmentOptions | None = None
    # Reuse links between articles (None: no reuse step).  Scored lexically (no embedder).
    reuse: ReuseOptions | None = None
    # How articles become stories: "none" (no stories, summaries or quotes), "collection"
    # (each input collection is a story: an MDS cluster, a folder per event, a JSONL label),
    # "cluster" (the cluster stage, by blocks: newsweave.engines.stories).
    stories: str = "none"
    cluster: ClusterOptions = DEFAULT_CLUSTER
    summaries: bool = True  # per story, its summary and quotes (False: the stories table only)
    summarize: SummarizeOptions = field(default_factory=lambda: SummarizeOptions(embedder="static"))
    quotes: QuoteOptions = field(default_factory=QuoteOptions)
    entities: EntityOptions = field(default_factory=EntityOptions)

    def __post_init__(self) -> None:
        kinds: tuple[tuple[str, type], ...] = (
            ("ingest", IngestOptions),
            ("clean", CleanOptions),
            ("summarize", SummarizeOptions),
            ("quotes", QuoteOptions),
            ("entities", EntityOptions),
            ("cluster", ClusterOptions),
        )
        for name, kind in kinds:
            if not isinstance(getattr(self, name), kind):
                raise ConfigError(f"run: {name} must be a {kind.__name__}")
        if self.segment is not None and not isinstance(self.segment, SegmentOptions):
            raise ConfigError("run: segment must be a SegmentOptions or None")
        if self.reuse is not None and not isinstance(self.reuse, ReuseOptions):
            raise ConfigError("run: reuse must be a ReuseOptions or None")
        if self.reuse is not None and self.reuse.embedder is not None:
            raise ConfigError(
                "run: the reuse step scores sentences lexically; leave embedder unset"
            )
        if self.stories not in STORY_MODES:
            raise ConfigError(
                f"run: stories={self.stories!r}; choose one of {', '.join(STORY_MODES)}"
            )

    @property
    def steps(self) -> tuple[str, ...]:
        """The steps this run takes."""
        skip = set() if self.reuse is not None else {"reuse"}
        if self.stories == "none":
            skip |= {"stories", "summarize", "quotes"}
        if not self.summaries:
            skip |= {"summarize", "quotes"}
        return tuple(s for s in STEPS if s not in skip)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ingest": asdict(self.ingest),
            "clean": asdict(self.clean),
            "segment": asdict(self.segment) if self.segment else None,
            "reuse": _reuse_dict(self.reuse),
            "stories": self.stories,
            "cluster": asdict(self.cluster),
            "summaries": self.summaries,
            "summarize": asdict(self.summarize),
            "quotes": asdict(self.quotes),
            "entities": asdict(self.entities),
        }


def _reuse_dict(options: ReuseOptions | None) -> dict[str, Any] | None:
    if options is None:
        return None
    return {k: v for k, v in asdict(options).items() if k != "embedder"}


# An item through dedupe: where it was first read, its article (or why there is none), and
# how many copies of it were read.
Copies = tuple[Order, Article | Rejected, int]
# What became of an input: its article with its sentences, or why it was turned down; and how
# many copies of it were read.
Outcome = tuple[Article | Rejected, list[Sentence], int]


@dataclass
class RunData:
    """The datasets of a run, filled step by step."""

    files: list[str] = field(default_factory=list)
    missing: list[Rejected] = field(default_factory=list)  # inputs that name nothing
    records: Dataset[tuple[Order, Any]] | None = None  # every record read
    outcomes: Dataset[Outcome] | None = None  # what became of each record (first copies)
    links: Dataset[ReuseLink] | None = None  # reuse links between articles
    stories: Dataset[StoryWork] | None = None  # each story with its summary, quotes, entities
    bare: Dataset[Story] | None = None  # the stories alone, when no summaries are made
    done_with: list[Dataset[Any]] = field(default_factory=list)  # freed once outcomes are kept


@dataclass(slots=True)
class RunReport:
    """What a run read and wrote; saved as the output's ``run.json``."""

    engine: str
    inputs: list[str]
    output: str
    files: int = 0
    records: int = 0
    articles: int = 0
    sentences: int = 0
    duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)  # per step
    tables: dict[str, int] = field(default_factory=dict)  # rows per written table
    steps: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "newsweave": __version__,
            "schema_version": SCHEMA_VERSION,
            "engine": self.engine,
            "inputs": self.inputs,
            "output": self.output,
            "steps": self.steps,
            "files": self.files,
            "records": self.records,
            "articles": self.articles,
            "sentences": self.sentences,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "tables": self.tables,
            "seconds": round(self.seconds, 3),
        }

    def summary(self) -> str:
        rejected = sum(self.rejected.values())
        return (
            f"{self.files} files, {self.records} records: {self.articles} articles "
            f"({self.sentences} sentences), {self.duplicates} duplicates, {rejected} rejected"
        )


# --- the steps --------------------------------------------------------------------------------


def step_read(engine: Engine, data: RunData, inputs: Sequence[str], options: RunOptions) -> None:
    listed = engine.list_files(inputs, include_hidden=options.ingest.include_hidden)
    data.files = [f for f in listed if isinstance(f, str)]
    data.missing = [Rejected("read", r) for r in listed if isinstance(r, Rejection)]
    records = engine.read_files(data.files, partial(steps.read, options=options.ingest))
    if len(data.files) < engine.parallelism:  # few large files: spread their records
        records = records.repartition(engine.parallelism)
    data.records = records


def step_clean(
    engine: Engine, data: RunData, options: RunOptions
) -> Dataset[tuple[Order, Article | Rejected]]:
    assert data.records is not None
    prepared = data.records.map(partial(steps.prepare, options=options.clean)).persist()
    data.done_with.append(prepared)
    counts = RepeatCounts({}, {})
    if steps.repeats_on(options.clean):
        # One job: identical bodies of an outlet counted once, then articles per outlet and
        # per (outlet, line); only lines in enough articles to be repeats come back.
        tallies = (
            prepared.flat_map(steps.lines)
            .reduce_by_key(_first)
            .flat_map(_tallies)
            .reduce_by_key(operator.add)
            .filter(partial(_worth_keeping, options.clean.repeat_min_docs))
            .collect()
        )
        docs = {outlet: n for (kind, outlet, _), n in tallies if kind == "docs"}
        lines = {(outlet, line): n for (kind, outlet, line), n in tallies if kind == "line"}
        counts = RepeatCounts(docs, lines)
        log.info("clean: %d outlets, %d lines repeated across articles", len(docs), len(lines))
    shared = engine.broadcast(counts)
    return prepared.map(partial(_finish, counts=shared, options=options.clean))


def _first(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...]:
    return min(a, b)  # the same body twice has the same lines: any one will do


Tally = tuple[str, str, int]  # ("docs", outlet, 0) or ("line", outlet, line hash)


def _tallies(item: tuple[tuple[str, str], tuple[int, ...]]) -> list[tuple[Tally, int]]:
    (outlet, _), lines = item
    return [(("docs", outlet, 0), 1), *((("line", outlet, line), 1) for line in lines)]


def _worth_keeping(minimum: int, item: tuple[Tally, int]) -> bool:
    return item[0][0] == "docs" or item[1] >= minimum


def _finish(item: Any, counts: Any, options: CleanOptions) -> tuple[Order, Article | Rejected]:
    return steps.finish(item, counts.value, options)


def step_dedupe(cleaned: Dataset[tuple[Order, Article | Rejected]]) -> Dataset[Copies]:
    # Two copies of one article (the same file read twice, a record repeated) have one id:
    # keep the first read, as the store keeps the first stored, and count the others.
    # Rejections ride along under keys of their own, so that one dataset carries every input.
    return cleaned.map(_keyed).reduce_by_key(_earliest).map(_value_of)


def _keyed(item: tuple[Order, Article | Rejected]) -> tuple[Any, Copies]:
    order, outcome = item
    key = ("rejected", order) if isinstance(outcome, Rejected) else outcome.id
    return key, (order, outcome, 1)


def _earliest(a: Copies, b: Copies) -> Copies:
    first = a if a[0] <= b[0] else b
    return first[0], first[1], a[2] + b[2]


def _value_of(item: tuple[Any, Copies]) -> Copies:
    return item[1]


def step_segment(data: RunData, kept: Dataset[Copies], options: RunOptions) -> None:
    data.outcomes = kept.map(partial(_segment, options=options.segment)).persist()


def _segment(item: Copies, options: SegmentOptions | None) -> Outcome:
    _, outcome, copies = item
    if isinstance(outcome, Rejected):
        return outcome, [], copies
    done = steps.segment(outcome, options)
    return (done, [], copies) if isinstance(done, Rejected) else (done[0], done[1], copies)


def _members(item: Outcome) -> list[Member]:
    article, sentences, _ = item
    return [] if isinstance(article, Rejected) else [(article, sentences)]


def step_reuse(engine: Engine, data: RunData, options: RunOptions) -> None:
    """Reuse links among the articles (:mod:`newsweave.engines.links`)."""
    assert data.outcomes is not None
    if options.reuse is None:
        return
    data.links = reuse_step.step_reuse(engine, data.outcomes.flat_map(_members), options.reuse)


def step_stories(engine: Engine, data: RunData, options: RunOptions) -> None:
    """Group articles into stories, then summarize each story and find who said what in it."""
    assert data.outcomes is not None
    if options.stories == "none":
        return
    members = data.outcomes.flat_map(_members)
    if options.stories == "collection":
        found = members.flat_map(_by_collection).group_by_key().map(_collection_story)
    else:
        no_links: Dataset[ReuseLink] = engine.parallelize([])
        found = story_step.step_stories(
            engine, members.map(_article), data.links or no_links, options.cluster
        )
    if not options.summaries:
        data.bare = found.persist()
        return
    # Each story with its members (and the links among them): one join by article id.
    story_of = found.flat_map(_story_members)
    grouped = story_of.join(members.map(_keyed_member)).map(_member_of_story)
    if data.links is not None:
        linked = story_of.join(data.links.map(_keyed_link)).flat_map(_link_of_story)
        grouped = grouped.union(linked)
    work = partial(
        _story_work, summarize=options.summarize, quotes=options.quotes, entities=options.entities
    )
    data.stories = grouped.group_by_key().map(work).persist()


Member = tuple[Article, list[Sentence]]


def _article(member: Member) -> Article:
    return member[0]


def _by_collection(member: Member) -> list[tuple[str, Article]]:
    article = member[0]
    return [] if article.collection is None else [(article.collection, article)]


def _collection_story(group: tuple[str, list[Article]]) -> Story:
    return steps.collection_story(group[1])


def _story_members(story: Story) -> list[tuple[str, Story]]:
    return [(article_id, story) for article_id in story.article_ids]


def _keyed_member(member: Member) -> tuple[str, Member]:
    return member[0].id, member


def _keyed_link(link: ReuseLink) -> tuple[str, ReuseLink]:
    return link.source_id, link


def _member_of_story(item: tuple[str, tuple[Story, Member]]) -> tuple[str, tuple[Story, Any]]:
    story, member = item[1]
    return story.id, (story, member)


def _link_of_story(
    item: tuple[str, tuple[Story, ReuseLink]],
) -> list[tuple[str, tuple[Story, Any]]]:
    story, link = item[1]
    return [(story.id, (story, link))] if link.target_id in story.article_ids else []


def _story_work(
    group: tuple[str, list[tuple[Story, Member | ReuseLink]]],
    summarize: SummarizeOptions,
    quotes: QuoteOptions,
    entities: EntityOptions,
) -> StoryWork:
    story = group[1][0][0]
    members = [x for _, x in group[1] if not isinstance(x, ReuseLink)]
    found = [x for _, x in group[1] if isinstance(x, ReuseLink)]
    return steps.story_work(story, members, summarize, quotes, entities, links=found)


def plan(engine: Engine, inputs: Sequence[str], options: RunOptions) -> RunData:
    """Every step of a run, as datasets of ``engine`` (nothing is computed yet)."""
    data = RunData()
    step_read(engine, data, inputs, options)
    cleaned = step_clean(engine, data, options)
    kept = step_dedupe(cleaned)
    step_segment(data, kept, options)
    step_reuse(engine, data, options)
    step_stories(engine, data, options)
    return data


# --- writing a run ----------------------------------------------------------------------------


def _article_rows(item: Outcome) -> list[dict[str, Any]]:
    return [] if isinstance(item[0], Rejected) else [to_row(item[0])]


def _sentence_rows(item: Outcome) -> list[dict[str, Any]]:
    return [to_row(s) for s in item[1]]


def _rejections(item: Outcome) -> list[Rejected]:
    return [item[0]] if isinstance(item[0], Rejected) else []


def _rejection_row(item: Rejected) -> dict[str, Any]:
    return rejection_row(item.rejection, item.step)


def _tally(item: Outcome) -> list[tuple[str, int]]:
    outcome, sentences, copies = item
    if isinstance(outcome, Rejected):
        found = [(f"rejected:{outcome.step}", 1)]
    else:
        found = [("articles", 1), ("sentences", len(sentences))]
    return [*found, ("records", copies), ("duplicates", copies - 1)]


def _same(row: dict[str, Any]) -> dict[str, Any]:
    return row


def _story_row(work: StoryWork) -> dict[str, Any]:
    return to_row(work.story)


def _summary_row(work: StoryWork) -> dict[str, Any]:
    return to_row(work.summary)


def _quote_rows(work: StoryWork) -> list[dict[str, Any]]:
    return [to_row(q) for q in work.quotes]


def _entity_rows(work: StoryWork) -> list[dict[str, Any]]:
    return [{**to_row(e), "story_id": work.story.id} for e in work.entities]


def _bare_tally(story: Story) -> tuple[str, int]:
    return "stories", 1


def _link_tally(link: ReuseLink) -> tuple[str, int]:
    return "reuse_links", 1


def _story_tally(work: StoryWork) -> list[tuple[str, int]]:
    return [
        ("stories", 1),
        ("summaries", 1),
        ("quotes", len(work.quotes)),
        ("entities", len(work.entities)),
    ]


def run(
    engine: Engine,
    inputs: Sequence[str],
    output: str,
    options: RunOptions | None = None,
    progress: Callable[[str], None] | None = None,
) -> RunReport:
    """Run every step on ``inputs`` and write the tables and ``run.json`` under ``output``.

    ``output`` is a local folder or (Spark) any URI Spark writes to; an earlier run's output
    there is replaced, anything else is refused.  ``progress`` is told each table as it is
    written.  The report's ``output`` is the folder as written to (made absolute).
    """
    if not inputs:
        raise ConfigError("run: no input given; name files, folders, globs or URIs")
    options = options or RunOptions()
    started = time.perf_counter()
    output = engine.prepare_output(output, MANIFEST)
    report = RunReport(
        engine=engine.name, inputs=list(inputs), output=output, steps=list(options.steps)
    )
    running = {"status": "running", **report.to_dict()}  # a killed run is still recognised
    engine.write_text(f"{output.rstrip('/')}/{MANIFEST}", json.dumps(running, indent=2) + "\n")
    data = plan(engine, inputs, options)
    assert data.outcomes is not None
    outcomes = data.outcomes
    report.files = len(data.files)

    def write(name: str, rows: Dataset[dict[str, Any]]) -> None:
        if progress is not None:
            progress(name)
        rows.write_parquet(f"{output.rstrip('/')}/{name}", arrow_schema(name), _same)

    write("articles", outcomes.flat_map(_article_rows))
    for dataset in data.done_with:  # the outcomes are kept now: what led to them can go
        dataset.unpersist()
    write("sentences", outcomes.flat_map(_sentence_rows))
    rejected = outcomes.flat_map(_rejections).union(engine.parallelize(data.missing))
    write("rejections", rejected.map(_rejection_row))
    missing = [(f"rejected:{r.step}", 1) for r in data.missing]
    tallies = outcomes.flat_map(_tally).union(engine.parallelize(missing))
    if data.links is not None:
        write("reuse_links", data.links.map(to_row))
        tallies = tallies.union(data.links.map(_link_tally))
    if data.bare is not None:
        write("stories", data.bare.map(to_row))
        tallies = tallies.union(data.bare.map(_bare_tally))
    if data.stories is not None:
        done = data.stories
        write("stories", done.map(_story_row))
        write("summaries", done.map(_summary_row))
        write("quotes", done.flat_map(_quote_rows))
        write("entities", done.flat_map(_entity_rows))
        tallies = tallies.union(done.flat_map(_story_tally))
    totals = dict(tallies.reduce_by_key(operator.add).collect())
    outcomes.unpersist()
    if data.stories is not None:
        data.stories.unpersist()
    report.articles = totals.get("articles", 0)
    report.sentences = totals.get("sentences", 0)
    report.records = totals.get("records", 0)
    report.duplicates = totals.get("duplicates", 0)
    report.rejected = {
        k.removeprefix("rejected:"): n
        for k, n in sorted(totals.items())
        if k.startswith("rejected:")
    }
    report.tables = {
        "articles": report.articles,
        "sentences": report.sentences,
        "rejections": sum(report.rejected.values()),
    }
    if data.links is not None:
        report.tables["reuse_links"] = totals.get("reuse_links", 0)
        data.links.unpersist()
    if data.bare is not None:
        report.tables["stories"] = totals.get("stories", 0)
        data.bare.unpersist()
    if data.stories is not None:
        report.tables.update({k: totals.get(k, 0) for k in STORY_TABLES})
    report.seconds = time.perf_counter() - started
    manifest = json.dumps({"status": "done", **report.to_dict()}, indent=2, ensure_ascii=False)
    engine.write_text(f"{output.rstrip('/')}/{MANIFEST}", manifest + "\n")
    return report
