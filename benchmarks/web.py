"""Web UI latency: the stories page, a 500-article story page and a search, under load.

Builds (once, cached under .newsweave/bench/) a store of generated news: 20,000+ articles in
stories of 2-40 articles plus one story of 500, with a summary per story, quotes and entities in
every article, and copies linked by reuse links with aligned passages.  Then it starts
``newsweave serve`` in its own process on a free loopback port and measures, with a small
asyncio HTTP client, the latency of each page at 1 and at 20 concurrent clients: a bounded run
(a fixed number of requests per client, and a time cap) that stops by itself.  Three server
set-ups: one worker process without the page cache (every request builds its page), two
workers without it, and one worker with it (a page is built once until the store changes).

    .venv/bin/python benchmarks/web.py [--articles 20000] [--requests 30] [--rebuild]

Prints a table and writes benchmarks/results/web.json.  Goal (issue 8): story page p50 <= 150 ms
and p99 <= 500 ms.  On a shared machine the numbers are provisional.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

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
    Sentence,
    Span,
    Story,
    Summary,
    SummarySentence,
)
from newsweave.store import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".newsweave" / "bench"
RESULTS = ROOT / "benchmarks" / "results" / "web.json"
SEED = 8
BIG_STORY = 500
CONCURRENCY = (1, 20)
# Server set-ups measured: (worker processes, page cache MB).  Without the cache every request
# builds its page from the store; with it a page is built once until the store changes.
SERVERS = ((1, 0), (2, 0), (1, 64))
TIME_CAP_S = 90.0  # per (page, concurrency) run, whatever the request count
STARTUP_S = 60.0
GOAL_P50_MS, GOAL_P99_MS = 150.0, 500.0

# --- a generated corpus -----------------------------------------------------------------------

FIRST = [
    "Ada",
    "Bram",
    "Cora",
    "Dag",
    "Edda",
    "Finn",
    "Greta",
    "Hal",
    "Ines",
    "Jon",
    "Kaia",
    "Lev",
    "Mira",
    "Nils",
    "Oda",
    "Per",
    "Runa",
    "Sven",
    "Tova",
    "Ulf",
]
LAST = [
    "Aske",
    "Brell",
    "Corvin",
    "Dahl",
    "Ekman",
    "Falk",
    "Grahn",
    "Holm",
    "Isak",
    "Jarl",
    "Kvist",
    "Lind",
    "Moberg",
    "Norr",
    "Ost",
    "Pell",
    "Rask",
    "Stolt",
    "Tyne",
    "Voss",
]
PLACES = [
    "Lakemoor",
    "Osterby",
    "Velmar",
    "Strand",
    "Harbourton",
    "Aven",
    "Calder",
    "Northby",
    "Westfall",
    "Ringmere",
]
ORGS = [
    "Council",
    "Port Authority",
    "Rail Union",
    "Water Board",
    "Chamber of Commerce",
    "Fishers' Guild",
    "Ferry Line",
    "Grid Operator",
]
OUTLETS = [f"{p} {k}" for p in PLACES for k in ("Post", "Herald", "Wire", "Daily", "Courier")]
NOUNS = [
    "pier",
    "bridge",
    "budget",
    "harbour",
    "strike",
    "flood",
    "tariff",
    "school",
    "hospital",
    "railway",
    "dam",
    "grid",
    "ferry",
    "market",
]
# What speakers say: distinct statements, so a story's quotes group into several per speaker.
SAYINGS = [
    "We will not let the {topic} fail while I hold this office",
    "Nobody in {place} was asked before the {topic} decision was taken",
    "The money for the {topic} was promised three budgets ago",
    "Our engineers warned about the {topic} in writing last spring",
    "I expect every party to be at the table by Friday",
    "Families in {place} deserve better than another delay",
    "The figures we were given do not add up",
    "This is the worst week for {place} in a decade",
]
VERBS = [
    "close",
    "reopen",
    "rebuild",
    "inspect",
    "fund",
    "delay",
    "expand",
    "review",
    "repair",
    "shut",
]


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _sentences(rng: random.Random, topic: str, place: str, people: list[str]) -> list[str]:
    out = [
        f"Officials in {place} said on {rng.choice(['Monday', 'Tuesday', 'Friday'])} they would "
        f"{rng.choice(VERBS)} the {topic} after a review found {rng.randint(2, 90)} faults.",
        f"The {place} {rng.choice(ORGS)} put the cost at {rng.randint(2, 400)} million crowns.",
    ]
    for _ in range(rng.randint(6, 12)):
        who = rng.choice(people)
        saying = rng.choice(SAYINGS).format(topic=topic, place=place)
        out.append(
            rng.choice(
                [
                    f"\u201c{saying},\u201d said {who}.",
                    f"{who} said the {topic} in {place} was idle for {rng.randint(3, 30)} years.",
                    f"Residents near the {topic} described delays of {rng.randint(2, 50)} minutes.",
                    f"The {rng.choice(ORGS)} would {rng.choice(VERBS)} its plans for the {topic}.",
                    f"Work on the {topic} is expected to take {rng.randint(2, 24)} months.",
                ]
            )
        )
    return out


def _article(
    text_parts: list[str], *, title: str, source: str, published: datetime, n: int
) -> tuple[Article, list[Sentence]]:
    text = " ".join(text_parts)
    article = Article.build(
        text, title=title, source=source, published=published, url=f"https://news.example/{n}"
    )
    sentences, at = [], 0
    for index, part in enumerate(text_parts):
        sentences.append(Sentence(article.id, index, at, at + len(part), part))
        at += len(part) + 1
    return article, sentences


def _story_sizes(n_articles: int, rng: random.Random) -> list[int]:
    sizes = [BIG_STORY]
    left = n_articles - BIG_STORY
    while left > 0:
        size = min(left, rng.choice([2, 3, 4, 5, 6, 8, 10, 15, 20, 40]))
        sizes.append(size)
        left -= size
    return sizes


def build_store(path: Path, n_articles: int) -> dict[str, Any]:
    """Generate the corpus into ``path``; returns what the benchmark needs to know about it."""
    rng = random.Random(SEED)
    t0 = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)
    people = sorted({_person(rng) for _ in range(600)})
    entity_of = {p: f"per-{i:04d}" for i, p in enumerate(people)}
    place_ids = {p: f"loc-{i:02d}" for i, p in enumerate(PLACES)}
    started = time.perf_counter()
    stories: list[Story] = []
    links: list[ReuseLink] = []
    quotes: list[Quote] = []
    mentions: dict[str, list[Mention]] = {}
    summaries: list[Summary] = []
    big_id = ""
    n = 0
    with SQLiteStore(path) as store:
        for s_no, size in enumerate(_story_sizes(n_articles, rng)):
            topic, place = rng.choice(NOUNS), rng.choice(PLACES)
            cast = rng.sample(people, k=min(len(people), 3 + size // 25))
            start = t0 + timedelta(hours=s_no * 2)
            members: list[tuple[Article, list[Sentence]]] = []
            origins: list[tuple[Article, list[Sentence], list[str]]] = []
            for _i in range(size):
                published = start + timedelta(minutes=rng.randint(0, 60 * 72))
                source = rng.choice(OUTLETS)
                title = f"{place} to {rng.choice(VERBS)} the {topic}"
                if origins and rng.random() < 0.45:  # a copy of an earlier origin, new intro
                    origin, origin_sentences, parts = rng.choice(origins)
                    intro = f"{source} readers have followed the {topic} story closely."
                    art, sents = _article(
                        [intro, *parts], title=title, source=source, published=published, n=n
                    )
                    offset = len(intro) + 1
                    kept = origin_sentences[: rng.randint(3, len(origin_sentences))]
                    links.append(
                        ReuseLink(
                            origin.id,
                            art.id,
                            ReuseKind.NEAR_DUPLICATE,
                            ReuseDirection.DERIVED,
                            0.9,
                            passages=tuple(
                                AlignedPassage(
                                    Span(origin.id, s.start, s.end),
                                    Span(art.id, s.start + offset, s.end + offset),
                                    1.0,
                                    "identical",
                                )
                                for s in kept
                            ),
                            evidence=("source published earlier", "target contains the source"),
                        )
                    )
                else:
                    parts = _sentences(rng, topic, place, cast)
                    art, sents = _article(
                        parts, title=title, source=source, published=published, n=n
                    )
                    origins.append((art, sents, parts))
                n += 1
                members.append((art, sents))
                for sent in sents:
                    for who in cast:
                        at = sent.text.find(who)
                        if at >= 0:
                            span = Span(art.id, sent.start + at, sent.start + at + len(who))
                            mentions.setdefault(entity_of[who], []).append(
                                Mention(span, who, EntityType.PER, entity_of[who])
                            )
                            if sent.text.startswith("\u201c"):
                                close = sent.text.index("\u201d")
                                quotes.append(
                                    Quote(
                                        art.id,
                                        Span(art.id, sent.start + 1, sent.start + close - 1),
                                        sent.text[1 : close - 1],
                                        True,
                                        speaker=span,
                                        speaker_text=who,
                                        entity_id=entity_of[who],
                                    )
                                )
                    at = sent.text.find(place)
                    if at >= 0:
                        span = Span(art.id, sent.start + at, sent.start + at + len(place))
                        mentions.setdefault(place_ids[place], []).append(
                            Mention(span, place, EntityType.LOC, place_ids[place])
                        )
            store.add_articles(members)
            ids = [a.id for a, _ in members]
            dates = sorted(a.published for a, _ in members if a.published)
            story = Story(
                Story.make_id(ids),
                tuple(ids),
                title=f"{place} {topic}: {size} reports",
                first_published=dates[0],
                last_published=dates[-1],
                n_outlets=len({a.source for a, _ in members}),
                n_origins=len(origins),
                method="generated",
            )
            stories.append(story)
            if size == BIG_STORY and not big_id:
                big_id = story.id
            lines = []
            for _origin, sents, _ in origins[:4]:
                carriers = [
                    Citation(a.id, s.index, s.start, s.end, 0.9)
                    for a, ss in members
                    for s in ss[:3]
                    if s.text == sents[0].text
                ][:25]
                lines.append(SummarySentence(sents[0].text, tuple(carriers), n_origins=1))
            summaries.append(Summary(story.id, tuple(lines), "generated", 100))
        store.replace_stories(stories)
        for summary in summaries:
            store.save_summary(summary)
        store.replace_reuse_links(links)
        all_ids = [a for s in stories for a in s.article_ids]
        store.replace_quotes(all_ids, quotes)
        names = {v: k for k, v in entity_of.items()} | {v: k for k, v in place_ids.items()}
        store.replace_entities(
            all_ids,
            [
                Entity(
                    i,
                    names[i],
                    EntityType.PER if i.startswith("per") else EntityType.LOC,
                    (),
                    tuple(m),
                )
                for i, m in sorted(mentions.items())
            ],
        )
    return {
        "articles": n,
        "stories": len(stories),
        "reuse_links": len(links),
        "quotes": len(quotes),
        "entities": len(mentions),
        "mentions": sum(len(m) for m in mentions.values()),
        "big_story": big_id,
        "search": f"{people[0].split()[1]} {rng.choice(NOUNS)}",
        "build_seconds": round(time.perf_counter() - started, 1),
    }


# --- the load run -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One GET on a kept-alive connection; the status.  A minimal HTTP/1.1 client: the load
    generator must cost far less CPU than the server it measures (httpx parsing 500 KB pages
    for 20 clients would compete with the server for the same two cores)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: bench\r\nConnection: keep-alive\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(
        (
            int(line.split(":", 1)[1])
            for line in lines
            if line.lower().startswith("content-length:")
        ),
        None,
    )
    if length is None:
        raise RuntimeError(f"{path}: no Content-Length in the response")
    await reader.readexactly(length)
    return status


async def _load(port: int, path: str, clients: int, per_client: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors = reconnects = 0
    deadline = time.perf_counter() + TIME_CAP_S

    async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection("127.0.0.1", port)

    warm = await connect()
    await _get(*warm, path)  # templates compiled, page built once (and cached, if on)
    warm[1].close()

    async def client() -> None:
        nonlocal errors, reconnects
        reader, writer = await connect()
        try:
            for _ in range(per_client):
                if time.perf_counter() > deadline:
                    return
                began = time.perf_counter()
                try:
                    status = await _get(reader, writer, path)
                except (ConnectionError, asyncio.IncompleteReadError):
                    # The server closed a kept-alive connection (idle timeout): a browser
                    # reconnects and asks again; so do we, and the latency includes it.
                    reconnects += 1
                    writer.close()
                    reader, writer = await connect()
                    status = await _get(reader, writer, path)
                latencies.append((time.perf_counter() - began) * 1000)
                errors += status != 200
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    elapsed = time.perf_counter() - began
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "reconnects": reconnects,
        "p50_ms": round(_percentile(latencies, 50), 1),
        "p99_ms": round(_percentile(latencies, 99), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
        "requests_per_s": round(len(latencies) / elapsed, 1) if elapsed else None,
    }


def _cpu_per_request(db: Path, pages: dict[str, str], repeats: int = 9) -> dict[str, float]:
    """Median CPU milliseconds to answer each page in-process without the page cache: what
    one request costs whatever else the machine is doing (wall-clock latency on a shared
    machine also counts the time spent waiting for a core)."""
    from fastapi.testclient import TestClient

    from newsweave.web.app import create_app

    cost: dict[str, float] = {}
    with TestClient(create_app(db=db, cache_bytes=0)) as client:
        for name, path in pages.items():
            client.get(path)
            spent = []
            for _ in range(repeats):
                began = time.process_time()
                client.get(path)
                spent.append((time.process_time() - began) * 1000)
            cost[name] = round(statistics.median(spent), 1)
    return cost


@contextmanager
def _serve(db: Path, workers: int, cache_mb: int) -> Iterator[int]:
    """``newsweave serve`` in its own process (so the client does not share its GIL)."""
    port = _free_port()
    command = [
        *(sys.executable, "-m", "newsweave.cli", "serve", "--db", str(db), "--port", str(port)),
        *("--workers", str(workers), "--cache-mb", str(cache_mb)),
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            try:
                httpx.get(base + "/openapi.json", timeout=5)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    stderr = server.stderr.read() if server.stderr else ""
                    raise RuntimeError(f"server did not start: {stderr}") from None
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument(
        "--requests", type=int, default=30, help="requests at 1 client (20 clients: 1/6 each)"
    )
    parser.add_argument("--rebuild", action="store_true", help="regenerate the cached store")
    args = parser.parse_args(argv)
    CACHE.mkdir(parents=True, exist_ok=True)
    db = CACHE / f"web-{args.articles}.db"
    meta_file = db.with_suffix(".json")
    if args.rebuild or not meta_file.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        print(f"building a store of {args.articles:,} generated articles in {db} ...", flush=True)
        meta = build_store(db, args.articles)
        meta_file.write_text(json.dumps(meta, indent=2))
    meta = json.loads(meta_file.read_text())
    print(
        f"store: {meta['articles']:,} articles, {meta['stories']:,} stories (one of {BIG_STORY}), "
        f"{meta['reuse_links']:,} reuse links, {meta['quotes']:,} quotes, "
        f"{meta['mentions']:,} entity mentions",
        flush=True,
    )
    pages = {
        "stories page": "/",
        f"story page ({BIG_STORY} articles)": f"/story/{meta['big_story']}",
        "search": "/search?q=" + meta["search"].replace(" ", "+"),
    }
    cpu = _cpu_per_request(db, pages)
    for name, ms in cpu.items():
        print(f"{name:28s} CPU per request, in process, no cache: {ms:6.1f} ms", flush=True)
    runs: list[dict[str, Any]] = []
    for workers, cache_mb in SERVERS:
        server = f"{workers} worker{'s' if workers > 1 else ''}, " + (
            f"page cache {cache_mb} MB" if cache_mb else "no page cache"
        )
        print(f"-- newsweave serve: {server}", flush=True)
        with _serve(db, workers, cache_mb) as port:
            for name, path in pages.items():
                for clients in CONCURRENCY:
                    per_client = args.requests if clients == 1 else max(5, args.requests // 6)
                    result = asyncio.run(_load(port, path, clients, per_client))
                    result.update(page=name, path=path, server=server, workers=workers)
                    result["cache_mb"] = cache_mb
                    runs.append(result)
                    print(
                        f"{name:28s} {clients:3d} client(s): p50 {result['p50_ms']:8.1f} ms  "
                        f"p99 {result['p99_ms']:8.1f} ms  {result['requests_per_s']:6.1f} req/s  "
                        f"({result['requests']} requests, {result['errors']} errors)",
                        flush=True,
                    )
    story = [r for r in runs if r["page"].startswith("story page")]
    report = {
        "benchmark": "web",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "note": "shared CPU: provisional",
        },
        "store": meta,
        "cpu_ms_per_request_uncached": cpu,
        "goal": {"story_p50_ms": GOAL_P50_MS, "story_p99_ms": GOAL_P99_MS},
        "story_goal_met": {
            f"{r['server']}, {r['clients']} client(s)": r["p50_ms"] <= GOAL_P50_MS
            and r["p99_ms"] <= GOAL_P99_MS
            for r in story
        },
        "runs": runs,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return report


if __name__ == "__main__":
    main()
