"""The demo corpus in a store, with stories, reuse links, quotes, entities and summaries.

Until the reuse, clustering, quotes and summarizer stages land, the web tests need something
to show: this module ingests ``examples/demo`` for real, then writes the *ground truth* of
``examples/demo-truth.json`` into the store with the model types: one story per event, one reuse
link per copy relation (passages located in the clean texts), the attributed quotes, the
entities with their alias mentions, and a summary per story whose sentences are lead sentences
of the story's origins, each citing every article that carries that sentence word for word.
It is test data built by hand from the truth file, not pipeline output.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave.model import (
    AlignedPassage,
    Article,
    Citation,
    Entity,
    EntityType,
    Mention,
    Quote,
    ReuseDirection,
    ReuseKind,
    ReuseLink,
    Span,
    Story,
    Summary,
    SummarySentence,
    stable_id,
)
from newsweave.pipeline import ingest_paths
from newsweave.store import SQLiteStore, Store
from tests.support import DEMO, ROOT

TRUTH = ROOT / "examples" / "demo-truth.json"
SUMMARY_SENTENCES = 4


@dataclass(frozen=True)
class DemoStore:
    path: Path
    by_external: dict[str, Article]  # truth key (external id) -> stored article
    story_of_event: dict[str, str]  # event id -> story id
    truth: dict[str, Any]


def _fold(text: str) -> str:
    """Typographic quotes and dashes folded, so truth strings match cleaned text."""
    table = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"})
    return text.translate(table)


def _find(text: str, needle: str, start: int = 0) -> int:
    """Position of ``needle`` in ``text`` (quotes and dashes folded alike); -1 if absent."""
    return _fold(text).find(_fold(needle), start)


def _find_word(text: str, needle: str, start: int = 0) -> int:
    """Like :func:`_find`, but only whole words ("he" is not found in "the")."""
    found = re.compile(r"\b" + re.escape(_fold(needle)) + r"\b").search(_fold(text), start)
    return found.start() if found else -1


def _entity_id(name: str) -> str:
    return stable_id("entity", name)


def _stories(truth: dict[str, Any], by_ext: dict[str, Article], copies: set[str]) -> list[Story]:
    stories = []
    for event_id, event in sorted(truth["events"].items()):
        members = [by_ext[e] for e in event["articles"] if e in by_ext]
        dated = sorted((a.published for a in members if a.published), key=lambda d: d.isoformat())
        stories.append(
            Story(
                id=Story.make_id(a.id for a in members),
                article_ids=tuple(a.id for a in members),
                title=event["title"],
                first_published=dated[0] if dated else None,
                last_published=dated[-1] if dated else None,
                n_outlets=len({a.source for a in members if a.source}),
                n_origins=sum(1 for a in members if a.id not in copies),
                method=f"ground truth ({event_id})",
            )
        )
    return stories


def _links(truth: dict[str, Any], by_ext: dict[str, Article]) -> list[ReuseLink]:
    links = []
    for copy in truth["copies"]:
        source, target = by_ext.get(copy["source"]), by_ext.get(copy["target"])
        if source is None or target is None:
            continue
        passages = []
        for p in copy.get("passages", []):
            s_at, t_at = _find(source.text, p["source"]), _find(target.text, p["target"])
            if s_at < 0 or t_at < 0:
                continue
            passages.append(
                AlignedPassage(
                    Span(source.id, s_at, s_at + len(p["source"])),
                    Span(target.id, t_at, t_at + len(p["target"])),
                    1.0 if p["source"] == p["target"] else 0.8,
                    "identical" if p["source"] == p["target"] else "reworded",
                )
            )
        kind = {"verbatim": ReuseKind.NEAR_DUPLICATE, "trimmed": ReuseKind.NEAR_DUPLICATE}.get(
            copy["kind"], ReuseKind.PASSAGE
        )
        links.append(
            ReuseLink(
                source_id=source.id,
                target_id=target.id,
                kind=kind,
                direction=ReuseDirection.DERIVED
                if copy["direction_known"]
                else ReuseDirection.UNKNOWN,
                score=0.9,
                passages=tuple(passages),
                evidence=tuple(copy.get("evidence", ())),
            )
        )
    return links


def _quotes(truth: dict[str, Any], by_ext: dict[str, Article]) -> dict[str, list[Quote]]:
    found: dict[str, list[Quote]] = defaultdict(list)
    for ext, quotes in truth["quotes"].items():
        article = by_ext.get(ext)
        if article is None:
            continue
        seen: set[int] = set()
        for q in quotes:
            at = _find(article.text, q["text"])
            if at < 0 or at in seen:
                continue
            seen.add(at)
            content = Span(article.id, at, at + len(q["text"]))
            mention = q.get("speaker_mention") or ""
            s_at = _find_word(article.text, mention, max(0, at - 400)) if mention else -1
            speaker = Span(article.id, s_at, s_at + len(mention)) if s_at >= 0 else None
            found[article.id].append(
                Quote(
                    article_id=article.id,
                    content=content,
                    text=article.text[content.start : content.end],
                    direct=bool(q["direct"]),
                    speaker=speaker,
                    speaker_text=article.text[speaker.start : speaker.end] if speaker else mention,
                    entity_id=_entity_id(q["speaker"])
                    if q["speaker"] in truth["entities"]
                    else None,
                )
            )
    return found


def _entities(truth: dict[str, Any], articles: list[Article]) -> list[Entity]:
    entities = []
    for name, info in sorted(truth["entities"].items()):
        aliases = sorted({name, *info.get("aliases", [])}, key=len, reverse=True)
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(_fold(a)) for a in aliases) + r")\b")
        entity_id = _entity_id(name)
        mentions = []
        for article in articles:
            for m in pattern.finditer(_fold(article.text)):
                mentions.append(
                    Mention(
                        Span(article.id, m.start(), m.end()),
                        article.text[m.start() : m.end()],
                        EntityType(info["type"]),
                        entity_id,
                    )
                )
        if mentions:
            entities.append(
                Entity(entity_id, name, EntityType(info["type"]), tuple(aliases), tuple(mentions))
            )
    return entities


def _summary(store: Store, story: Story, copies: set[str]) -> Summary:
    """Lead sentences of the story's origins, each citing every article carrying it verbatim."""
    members = store.get_articles(story.article_ids)
    members.sort(key=lambda a: (a.published.isoformat() if a.published else "", a.id))
    sentences = {a.id: store.get_sentences(a.id) for a in members}
    lines: list[SummarySentence] = []
    used: set[str] = set()
    for article in members:
        if article.id in copies or len(lines) >= SUMMARY_SENTENCES:
            continue
        lead = next((s for s in sentences[article.id] if len(s.text.split()) >= 8), None)
        if lead is None or lead.text in used:
            continue
        used.add(lead.text)
        citations = [
            Citation(other.id, s.index, s.start, s.end, 1.0)
            for other in members
            for s in sentences[other.id]
            if s.text == lead.text
        ]
        cited = {c.article_id for c in citations}
        lines.append(
            SummarySentence(lead.text, tuple(citations), n_origins=len(cited - copies) or 1)
        )
    return Summary(story.id, tuple(lines), method="lead sentences (test data)", word_budget=120)


def build_demo_store(path: Path) -> DemoStore:
    """Ingest examples/demo into ``path`` and add the truth-derived stages (see module doc)."""
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    with SQLiteStore(path) as store:
        report = ingest_paths(store, [str(DEMO)])
        assert report.new == 30, report
        articles = list(store.iter_articles())
        by_ext = {a.external_id: a for a in articles if a.external_id}
        links = _links(truth, by_ext)
        copies = {
            link.target_id
            for link in links
            if link.direction is ReuseDirection.DERIVED and link.kind is ReuseKind.NEAR_DUPLICATE
        }
        store.replace_reuse_links(links)
        stories = _stories(truth, by_ext, copies)
        store.replace_stories(stories)
        quotes = _quotes(truth, by_ext)
        store.replace_quotes([a.id for a in articles], [q for qs in quotes.values() for q in qs])
        store.replace_entities([a.id for a in articles], _entities(truth, articles))
        for story in stories:
            store.save_summary(_summary(store, story, copies))
        story_of_event = {
            event_id: Story.make_id(by_ext[e].id for e in event["articles"] if e in by_ext)
            for event_id, event in truth["events"].items()
        }
    return DemoStore(path, by_ext, story_of_event, truth)
