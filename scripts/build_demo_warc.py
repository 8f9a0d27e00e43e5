"""Build the demo corpus's small web crawl, ``examples/demo/crawl-2025-03.warc.gz``.

The WARC holds what a crawler of two fictional news sites would have written during the two
weeks of the demo: a ``warcinfo`` record, ``request``/``response`` pairs for four article pages,
a ``response`` for a robots.txt and one for a PNG logo (not articles: ingest must skip them),
and a ``metadata`` record listing a page's outlinks.  The page bodies live in
``scripts/demo_warc/``; everything else (URIs, dates, record ids, HTTP headers) is fixed here.

The output is reproducible: WARC-Dates and record ids are fixed, record ids are UUIDv5 of the
record's URI and type, and each gzip member is written by zlib with a zero timestamp, so a
rebuild gives the same bytes.  ``tests/test_demo_corpus.py`` checks that the committed file
matches a rebuild.

Usage: ``python scripts/build_demo_warc.py [--out PATH]``.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parent.parent
SOURCES = Path(__file__).resolve().parent / "demo_warc"
DEFAULT_OUT = ROOT / "examples" / "demo" / "crawl-2025-03.warc.gz"
FILENAME = "crawl-2025-03.warc.gz"

# Namespace of the record ids: any fixed UUID would do; this one is uuid5(URL, "newsweave demo").
RECORD_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://newsweave.example/demo-warc")
USER_AGENT = "newsweave-demo-crawler/1.0 (+https://newsweave.example/crawler)"


@dataclass(frozen=True)
class Fetch:
    """One fetched URL: what the crawler asked for and what the server sent back."""

    uri: str
    date: str  # WARC-Date, UTC, second precision
    source: str  # file name under scripts/demo_warc/
    content_type: str
    server: str
    outlinks: tuple[str, ...] = ()  # written as a metadata record when not empty


FETCHES = (
    Fetch(
        "https://www.keldoratoday.example/robots.txt",
        "2025-03-03T10:31:02Z",
        "keldoratoday-robots.txt",
        "text/plain; charset=utf-8",
        "nginx",
    ),
    Fetch(
        "https://www.keldoratoday.example/news/2025/03/03/dock-strike-called-at-port-aven",
        "2025-03-03T10:31:07Z",
        "keldoratoday-dock-strike-called-at-port-aven.html",
        "text/html; charset=utf-8",
        "nginx",
        outlinks=(
            "https://www.keldoratoday.example/static/img/logo.png",
            "https://www.keldoratoday.example/news/",
            "https://www.keldoratoday.example/weather/forecast",
            "https://www.keldoratoday.example/live/",
        ),
    ),
    Fetch(
        "https://www.keldoratoday.example/static/img/logo.png",
        "2025-03-03T10:31:09Z",
        "keldoratoday-logo.png",
        "image/png",
        "nginx",
    ),
    Fetch(
        "https://harbourlights.example/2025/03/07/it-just-folded-witnesses-terminal-2-crane/",
        "2025-03-07T16:45:00Z",
        "harbourlights-it-just-folded-witnesses-terminal-2-crane.html",
        "text/html; charset=UTF-8",
        "Apache",
    ),
    Fetch(
        "https://www.keldoratoday.example/news/2025/03/12/river-sull-peaks-in-velmar",
        "2025-03-12T12:30:00Z",
        "keldoratoday-river-sull-peaks-in-velmar.html",
        "text/html; charset=utf-8",
        "nginx",
    ),
    Fetch(
        "https://www.keldoratoday.example/news/2025/03/13/assembly-votes-78-71-to-phase-out-fuel-rebate",
        "2025-03-13T19:30:00Z",
        "keldoratoday-assembly-votes-78-71-to-phase-out-fuel-rebate.html",
        "text/html; charset=utf-8",
        "nginx",
    ),
)

WARCINFO = {
    "software": "newsweave scripts/build_demo_warc.py (warcio)",
    "format": "WARC File Format 1.1",
    "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
    "description": "Demo crawl of two fictional news sites for the newsweave demo corpus",
    "robots": "obey",
    "http-header-user-agent": USER_AGENT,
}


def record_id(uri: str, kind: str) -> str:
    """A fixed WARC-Record-ID for the record of type ``kind`` about ``uri``."""
    return f"<urn:uuid:{uuid.uuid5(RECORD_NAMESPACE, f'{kind} {uri}')}>"


def http_date(warc_date: str) -> str:
    moment = datetime.strptime(warc_date, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return format_datetime(moment, usegmt=True)


def build_warc(out: BinaryIO) -> None:
    """Write the demo WARC, gzipped record by record, to ``out``."""
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    info = "".join(f"{key}: {value}\r\n" for key, value in WARCINFO.items()).encode("utf-8")
    writer.write_record(
        writer.create_warc_record(
            "",
            "warcinfo",
            payload=BytesIO(info),
            length=len(info),
            warc_content_type="application/warc-fields",
            warc_headers_dict={
                "WARC-Record-ID": record_id(FILENAME, "warcinfo"),
                "WARC-Date": FETCHES[0].date,
                "WARC-Filename": FILENAME,
            },
        )
    )
    for fetch in FETCHES:
        _write_fetch(writer, fetch)


def _write_fetch(writer: WARCWriter, fetch: Fetch) -> None:
    body = (SOURCES / fetch.source).read_bytes()
    response_id = record_id(fetch.uri, "response")
    scheme_host, _, path = fetch.uri.partition("://")[2].partition("/")
    response_headers = StatusAndHeaders(
        "200 OK",
        [
            ("Date", http_date(fetch.date)),
            ("Server", fetch.server),
            ("Content-Type", fetch.content_type),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ],
        protocol="HTTP/1.1",
    )
    request_headers = StatusAndHeaders(
        f"GET /{path} HTTP/1.1",
        [
            ("Host", scheme_host),
            ("User-Agent", USER_AGENT),
            ("Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
            ("Accept-Language", "en"),
        ],
        is_http_request=True,
    )
    writer.write_record(
        writer.create_warc_record(
            fetch.uri,
            "request",
            warc_headers_dict={
                "WARC-Record-ID": record_id(fetch.uri, "request"),
                "WARC-Date": fetch.date,
                "WARC-Concurrent-To": response_id,
            },
            http_headers=request_headers,
        )
    )
    writer.write_record(
        writer.create_warc_record(
            fetch.uri,
            "response",
            payload=BytesIO(body),
            length=len(body),
            warc_headers_dict={"WARC-Record-ID": response_id, "WARC-Date": fetch.date},
            http_headers=response_headers,
        )
    )
    if fetch.outlinks:
        fields = "".join(f"outlink: {link}\r\n" for link in fetch.outlinks).encode("utf-8")
        writer.write_record(
            writer.create_warc_record(
                fetch.uri,
                "metadata",
                payload=BytesIO(fields),
                length=len(fields),
                warc_content_type="application/warc-fields",
                warc_headers_dict={
                    "WARC-Record-ID": record_id(fetch.uri, "metadata"),
                    "WARC-Date": fetch.date,
                    "WARC-Concurrent-To": response_id,
                },
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the WARC")
    args = parser.parse_args(argv)
    buffer = BytesIO()
    build_warc(buffer)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(buffer.getvalue())
    print(f"wrote {args.out} ({len(buffer.getvalue()):,} bytes, {len(FETCHES)} fetches)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
