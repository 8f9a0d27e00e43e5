"""The pipeline runner: files → read → clean → segment → store, in batches, with a tally."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newsweave import pipeline
from newsweave.errors import ConfigError, InputError
from newsweave.model import Article
from newsweave.pipeline import IngestReport, IngestRunOptions, ingest_paths
from newsweave.store import MemoryStore, SQLiteStore, Store
from tests.support import shared_file

STORIES = {
    "ferry.txt": (
        "Ferry service resumes after storm\n\n"
        "The morning ferry to Kelso Island sailed again on Thursday after three days of gales "
        "kept it in port.\n\n"
        "Harbour master Tomas Reyl said the crossing was calm. Islanders had run short of "
        "fresh milk and bread."
    ),
    "orchard.txt": (
        "Frost threatens the apple harvest\n\n"
        "Growers in the Vell valley lit fires between the rows on Tuesday night as the "
        "temperature fell to four degrees below zero.\n\n"
        "“We will know in a week how many blossoms survived,” said grower Anna Petrak."
    ),
    "museum.txt": (
        "Museum reopens its clock gallery\n\n"
        "The town museum reopened its gallery of tower clocks after a two-year restoration "
        "paid for by local donors.\n\n"
        "Visitors can now watch the oldest mechanism, built in 1712, strike the hour."
    ),
}


def write_corpus(folder: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in {**STORIES, **(extra or {})}.items():
        if isinstance(body, bytes):
            (folder / name).write_bytes(body)
        else:
            (folder / name).write_text(body, encoding="utf-8")
    return folder


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with SQLiteStore(tmp_path / "p.db") as opened:
        yield opened


def test_ingest_stores_each_article_once(store: Store, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    first = ingest_paths(store, [str(corpus)])
    assert (first.read, first.new, first.already_stored, first.skipped) == (3, 3, 0, [])
    titles = sorted(h.title for h in store.list_articles())
    assert titles == sorted(body.split("\n", 1)[0] for body in STORIES.values())
    for header in store.list_articles():
        sentences = store.get_sentences(header.id)
        article = store.get_article(header.id)
        assert len(sentences) >= 2
        assert all(article.text[s.start : s.end] == s.text for s in sentences)
    again = ingest_paths(store, [str(corpus)])
    assert (again.read, again.new, again.already_stored) == (3, 0, 3)
    assert again.summary() == "read 3: 0 new, 3 already stored, 0 skipped"
    assert store.count_articles() == 3


def test_rejections_are_reported_and_do_not_stop_the_batch(store: Store, tmp_path: Path) -> None:
    corpus = write_corpus(
        tmp_path / "in",
        {"empty.txt": "", "noise.txt": bytes(range(256)) * 40, "mystery.xyz": "what is this"},
    )
    report = ingest_paths(store, [str(corpus)], IngestRunOptions(batch_size=1000))
    assert report.new == 3 and store.count_articles() == 3
    skipped = {Path(r.origin.split(":")[0]).name: r.reason for r in report.skipped}
    assert set(skipped) == {"empty.txt", "noise.txt", "mystery.xyz"}
    assert all(reason.strip() for reason in skipped.values())
    assert report.read == report.new + report.already_stored + len(report.skipped)


def test_batches_and_progress(store: Store, tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    seen: list[tuple[int, int]] = []
    report = ingest_paths(
        store,
        [str(corpus)],
        IngestRunOptions(batch_size=2),
        progress=lambda r: seen.append((r.read, r.new)),
    )
    assert report.batches == 2
    assert seen[-1] == (3, 3)
    # The first batch was committed before the last article was stored; counts only grow.
    assert any(new == 2 for _, new in seen)
    assert seen == sorted(seen)


def test_a_splitter_failure_skips_one_article(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.segment_article

    def fragile(article: Article, options: object = None) -> list:
        if "clock" in article.text:
            raise RuntimeError("splitter exploded")
        return real(article)

    monkeypatch.setattr(pipeline, "segment_article", fragile)
    report = ingest_paths(store, [str(write_corpus(tmp_path / "in"))])
    assert report.new == 2
    assert [r.reason for r in report.skipped] == ["sentence splitting failed: splitter exploded"]
    assert "museum.txt" in report.skipped[0].origin


def test_a_failure_mid_run_keeps_what_was_read(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.segment_article
    calls = 0

    def dies_on_third(article: Article, options: object = None) -> list:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt  # not a per-record problem: the run stops
        return real(article)

    monkeypatch.setattr(pipeline, "segment_article", dies_on_third)
    corpus = write_corpus(tmp_path / "in")
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(store, [str(corpus)], IngestRunOptions(batch_size=1))
    assert store.count_articles() == 2
    monkeypatch.setattr(pipeline, "segment_article", real)
    rerun = ingest_paths(store, [str(corpus)])
    assert (rerun.new, rerun.already_stored) == (1, 2)


def test_an_error_mid_stream_stores_what_was_cleaned_before_it(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.clean

    def breaks_after_two(docs: Any, options: Any = None) -> Iterator[Any]:
        for n, item in enumerate(real(docs, options)):
            if n == 2:
                raise InputError("the disk went away", path="in/museum.txt")
            yield item

    monkeypatch.setattr(pipeline, "clean", breaks_after_two)
    with pytest.raises(InputError, match="disk went away"):
        ingest_paths(store, [str(write_corpus(tmp_path / "in"))], IngestRunOptions(batch_size=50))
    assert store.count_articles() == 2  # the unfinished batch was written before the error


def test_worker_processes_store_the_same(tmp_path: Path) -> None:
    extra = {
        f"brief{i}.txt": f"Brief number {i}\n\nThe council met on day {i}. It voted."
        for i in range(7)
    }
    corpus = write_corpus(tmp_path / "in", {**extra, "blank.txt": ""})
    stored = []
    for workers in (1, 2):
        with SQLiteStore(tmp_path / f"w{workers}.db") as store:
            report = ingest_paths(
                store, [str(corpus)], IngestRunOptions(batch_size=3, workers=workers)
            )
            assert (report.read, report.new, len(report.skipped)) == (11, 10, 1)
            stored.append([(a, store.get_sentences(a.id)) for a in store.iter_articles()])
    assert stored[0] == stored[1]


def test_any_store_backend_works() -> None:
    store = MemoryStore()
    report = ingest_paths(store, [str(Path(__file__))])  # a .py file: not an input format
    assert report.new == 0 and len(report.skipped) == 1


def test_options_are_validated() -> None:
    with pytest.raises(ConfigError, match="batch_size"):
        IngestRunOptions(batch_size=0)
    with pytest.raises(ConfigError, match="workers"):
        IngestRunOptions(workers=0)


def test_report_dict() -> None:
    report = IngestReport(read=2, new=1, already_stored=1)
    assert report.to_dict() == {
        "read": 2,
        "new": 1,
        "already_stored": 1,
        "skipped": [],
        "batches": 0,
    }


@pytest.mark.shared_data
def test_the_seed_articles(store: Store) -> None:
    seeds = shared_file("seeds")
    report = ingest_paths(store, [str(seeds)])
    assert (report.new, len(report.skipped)) == (5, 0)
    assert all(h.n_sentences > 3 for h in store.list_articles())
