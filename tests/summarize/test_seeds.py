"""The seeds: five real articles on one event, two of them content-farm rewrites."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsweave.clean import clean
from newsweave.ingest import read
from newsweave.model import Article
from newsweave.summarize import SummarizeOptions, summarize_story

pytestmark = pytest.mark.shared_data


def _seeds(seeds_dir: Path) -> dict[str, Article]:
    found = {Path(a.origin or "").name[:3]: a for a in clean(read([seeds_dir]))}
    return {k: a for k, a in found.items() if isinstance(a, Article)}


@pytest.mark.parametrize("embedder", ["auto", "hashing"])
def test_the_500_million_programme_cites_000_and_002(seeds_dir: Path, embedder: str) -> None:
    seeds = _seeds(seeds_dir)
    assert len(seeds) == 5
    by_id = {a.id: name for name, a in seeds.items()}
    summary = summarize_story(list(seeds.values()), SummarizeOptions(words=250, embedder=embedder))
    hits = [s for s in summary.sentences if "programme to train and equip" in s.text]
    assert len(hits) == 1, summary.text
    assert sorted(by_id[a] for a in hits[0].article_ids) == ["000", "002"]
    assert hits[0].n_origins == 2


def test_seed_summary_has_no_page_furniture(seeds_dir: Path) -> None:
    summary = summarize_story(
        list(_seeds(seeds_dir).values()), SummarizeOptions(embedder="hashing")
    )
    assert summary.sentences
    assert len(summary.text.split()) <= 100
    for phrase in ("Send to a friend", "Subscribe", "Printable version"):
        assert phrase not in summary.text
