"""Reading inputs: every format, gzip, folders and globs, and bad input rejected with reasons."""

from __future__ import annotations

import gzip
import json
from datetime import datetime
from pathlib import Path

import pytest

from newsweave.errors import ConfigError
from newsweave.ingest import IngestOptions, RawDocument, Rejection, read
from tests.support import shared_file

ARTICLE = (
    "Harbour strike ends after nine days\n"
    "\n"
    "Dock workers in Port Elling voted on Tuesday to end a nine-day strike.\n"
    "The union said the new contract raises wages by four percent.\n"
)


def docs(items: list[RawDocument | Rejection]) -> list[RawDocument]:
    return [item for item in items if isinstance(item, RawDocument)]


def rejections(items: list[RawDocument | Rejection]) -> list[Rejection]:
    return [item for item in items if isinstance(item, Rejection)]


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    if path.name.endswith(".gz"):
        content = gzip.compress(content)
    path.write_bytes(content)
    return path


# --- text files -------------------------------------------------------------------------------


def test_txt_first_line_is_the_headline(tmp_path: Path) -> None:
    path = write(tmp_path / "wire" / "strike-01.txt", "\n\n" + ARTICLE)
    [doc] = read([path])
    assert isinstance(doc, RawDocument)
    assert doc.title == "Harbour strike ends after nine days"
    assert doc.text is not None and doc.text.lstrip().startswith("Dock workers")
    assert doc.format == "txt"
    assert doc.external_id == "strike-01"
    assert doc.collection == "wire"
    assert doc.origin == str(path)


def test_txt_front_matter_gives_the_metadata_plain_text_cannot(tmp_path: Path) -> None:
    front = (
        "---\n"
        "outlet: Elling Evening Star\n"
        "url: https://star.example/2025/strike-ends\n"
        "Date: 2025-03-04 18:10\n"
        "author: Jo Marsh\n"
        "\n"
        "---\n"
    )
    [doc] = read([write(tmp_path / "wire" / "strike-02.txt", front + ARTICLE)])
    assert isinstance(doc, RawDocument)
    assert doc.source == "Elling Evening Star"
    assert doc.url == "https://star.example/2025/strike-ends"
    assert doc.published == "2025-03-04 18:10"
    assert doc.byline == "Jo Marsh"
    assert doc.title == "Harbour strike ends after nine days"
    assert doc.text is not None and doc.text.lstrip().startswith("Dock workers")
    assert (doc.external_id, doc.collection) == ("strike-02", "wire")
    # A title or id in the front matter wins over the headline line and the file stem.
    [doc] = read([write(tmp_path / "b.txt", "---\ntitle: Strike over\nid: s-9\n---\n" + ARTICLE)])
    assert isinstance(doc, RawDocument)
    assert (doc.title, doc.external_id) == ("Strike over", "s-9")
    # A "---" rule above an ordinary headline is not front matter.
    [doc] = read([write(tmp_path / "c.txt", "---\n" + ARTICLE)])
    assert isinstance(doc, RawDocument)
    assert (doc.title, doc.source) == ("Harbour strike ends after nine days", None)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("---\noutlet: Star\nurl: x\n", "does not close it"),
        ("---\noutlet: Star\n" + ARTICLE, "line 3: expected 'field: value' or the closing"),
        ("---\noutet: Star\n---\n" + ARTICLE, "line 2: unknown field 'outet'"),
        ("---\nurl: a\nlink: b\nurl: c\n---\n" + ARTICLE, "line 4: field 'url' given twice"),
        ("---\noutlet: Star\n---\n\n", "front matter but no article"),
    ],
)
def test_bad_txt_front_matter_rejects_the_file_only(
    tmp_path: Path, content: str, reason: str
) -> None:
    bad = write(tmp_path / "a-bad.txt", content)
    good = write(tmp_path / "b-good.txt", ARTICLE)
    items = list(read([tmp_path]))
    [rejection] = rejections(items)
    assert rejection.origin == str(bad)
    assert reason in rejection.reason
    assert [d.origin for d in docs(items)] == [str(good)]


def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    write(tmp_path / "b" / "2.txt", ARTICLE)
    write(tmp_path / "a" / "9.txt", ARTICLE)
    write(tmp_path / "a" / "10.txt.gz", ARTICLE)
    write(tmp_path / "a" / ".hidden.txt", ARTICLE)
    items = list(read([tmp_path]))
    assert [Path(d.origin).name for d in docs(items)] == ["10.txt.gz", "9.txt", "2.txt"]
    assert not rejections(items)
    hidden = list(read([tmp_path], IngestOptions(include_hidden=True)))
    assert len(docs(hidden)) == 4


def test_globs_and_missing_paths(tmp_path: Path) -> None:
    write(tmp_path / "one.txt", ARTICLE)
    write(tmp_path / "two.txt", ARTICLE)
    items = list(read([str(tmp_path / "*.txt"), tmp_path / "nope.txt", str(tmp_path / "*.x")]))
    assert len(docs(items)) == 2
    reasons = {Path(r.origin).name: r.reason for r in rejections(items)}
    assert reasons == {
        "nope.txt": "no such file or directory",
        "*.x": "no file matches this pattern",
    }


def test_gzipped_text_reads_like_plain(tmp_path: Path) -> None:
    plain = docs(list(read([write(tmp_path / "a.txt", ARTICLE)])))[0]
    zipped = docs(list(read([write(tmp_path / "a.txt.gz", ARTICLE)])))[0]
    assert (plain.title, plain.text, plain.external_id) == (
        zipped.title,
        zipped.text,
        zipped.external_id,
    )


def test_encoding_option_and_byte_order_marks(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café owners protest\nThe café owners of Ribe marched.\n".encode("cp1252"))
    [bad] = read([latin])
    assert isinstance(bad, Rejection)
    assert "not valid utf-8" in bad.reason and "offset" in bad.reason
    [good] = read([latin], IngestOptions(encoding="cp1252"))
    assert isinstance(good, RawDocument) and good.title == "Café owners protest"
    bom = write(tmp_path / "bom.txt", "\ufeff" + ARTICLE)
    assert docs(list(read([bom])))[0].title.startswith("Harbour")
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes(ARTICLE.encode("utf-16"))
    assert docs(list(read([utf16])))[0].title.startswith("Harbour")


def test_options_are_validated() -> None:
    with pytest.raises(ConfigError, match="unknown encoding"):
        IngestOptions(encoding="klingon-8")
    with pytest.raises(ConfigError, match="choose one of txt, html, json, warc, feed"):
        IngestOptions(format="pdf")
    with pytest.raises(ConfigError, match="max_bytes"):
        IngestOptions(max_bytes=0)


# --- JSON and JSON Lines ----------------------------------------------------------------------

RECORDS = [
    {
        "id": "r1",
        "title": "Ferry service resumes",
        "text": "The ferry to Holm sailed again on Friday.",
        "url": "https://harbour.example/ferry",
        "date": "2021-03-05",
        "source": "Harbour Daily",
        "author": "Ina Berg",
        "lang": "en",
    },
    {"id": 7, "title": "Page record", "html": "<html><body><p>Hi</p></body></html>"},
    {"id": "r3", "text": "Clustered item body.", "cluster": "ferry-event"},
]


def test_jsonl_fields_map_to_raw_documents(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.jsonl", "\n".join(json.dumps(r) for r in RECORDS) + "\n")
    first, second, third = read([path])
    assert isinstance(first, RawDocument)
    assert (first.origin, first.format, first.external_id) == (f"{path}:1", "json", "r1")
    assert first.title == "Ferry service resumes"
    assert first.url == "https://harbour.example/ferry"
    assert (first.published, first.source, first.byline, first.language) == (
        "2021-03-05",
        "Harbour Daily",
        "Ina Berg",
        "en",
    )
    assert isinstance(second, RawDocument)
    assert second.text is None and second.html is not None and second.external_id == "7"
    assert isinstance(third, RawDocument) and third.collection == "ferry-event"


def test_jsonl_bad_lines_are_rejected_and_the_rest_read(tmp_path: Path) -> None:
    lines = [
        json.dumps(RECORDS[0]),
        '{"id": "broken", "text": "no closing brace"',
        "",
        "[1, 2]",
        json.dumps({"id": "empty", "title": "No body", "text": "  "}),
        json.dumps({"id": "typed", "text": ["a", "list"]}),
        json.dumps(RECORDS[2]),
    ]
    path = write(tmp_path / "mixed.jsonl.gz", "\n".join(lines))
    items = list(read([path]))
    assert [d.external_id for d in docs(items)] == ["r1", "r3"]
    reasons = {r.origin.rsplit(":", 1)[1]: r.reason for r in rejections(items)}
    assert set(reasons) == {"2", "4", "5", "6"}
    assert reasons["2"].startswith("invalid JSON:")
    assert reasons["4"] == "expected a JSON object, found an array"
    assert "no text" in reasons["5"] and "fields: id, text, title" in reasons["5"]
    assert reasons["6"] == "field 'text' is an array, expected a string"


def test_mds_cluster_lines_give_one_document_per_doc(tmp_path: Path) -> None:
    cluster = {
        "id": "C42",
        "docs": [
            {"id": "d1", "title": "", "text": "First report of the fire.", "date": "1999-01-02"},
            {"id": "d2", "title": "", "text": "Second report of the fire.", "date": None},
            "not a document",
        ],
        "summaries": ["A fire."],
    }
    path = write(tmp_path / "mds.jsonl", json.dumps(cluster) + "\n")
    items = list(read([path]))
    found = docs(items)
    assert [(d.external_id, d.collection, d.origin) for d in found] == [
        ("d1", "C42", f"{path}:1#1"),
        ("d2", "C42", f"{path}:1#2"),
    ]
    [bad] = rejections(items)
    assert bad.origin == f"{path}:1#3" and "found a string" in bad.reason


def test_json_file_holds_one_record_or_an_array(tmp_path: Path) -> None:
    single = write(tmp_path / "one.json", json.dumps(RECORDS[0]))
    array = write(tmp_path / "many.json", json.dumps(RECORDS))
    lines = write(tmp_path / "lines.json", "\n".join(json.dumps(r) for r in RECORDS))
    assert [d.external_id for d in docs(list(read([single])))] == ["r1"]
    assert [d.origin for d in docs(list(read([array])))] == [f"{array}#{i}" for i in (1, 2, 3)]
    assert len(docs(list(read([lines])))) == 3


@pytest.mark.shared_data
def test_reads_the_evaluation_formats() -> None:
    mds = shared_file("mds/duc2003.jsonl")
    first_cluster = [d for d in docs(list(read([mds]))) if d.origin.startswith(f"{mds}:1#")]
    assert len(first_cluster) >= 5
    assert {d.collection for d in first_cluster} == {json.loads(mds.open().readline())["id"]}
    clustering = shared_file("clustering/ecbplus_dev.jsonl")
    items = list(read([clustering]))
    assert not rejections(items)
    assert all(d.collection for d in docs(items))


@pytest.mark.shared_data
def test_reads_the_seeds(seeds_dir: Path) -> None:
    items = list(read([seeds_dir]))
    assert len(docs(items)) == 5 and not rejections(items)


def test_docstring_examples() -> None:
    import doctest

    import newsweave.ingest

    result = doctest.testmod(newsweave.ingest)
    assert result.attempted > 0 and result.failed == 0


# --- web pages, WARC and feeds ----------------------------------------------------------------

PARAGRAPHS = [
    "The city council of Ostvik approved the new tram line on Monday after a debate that "
    "lasted well into the night, ending a dispute that has divided the town for a decade.",
    "Work on the first section, from the harbour to the hospital, will start in the spring "
    "and should take two years, the council said in a statement.",
    '"This is a good day for everyone who takes the bus to work," said mayor Ola Nordmann, '
    "who had promised the line in two election campaigns.",
]


def page(paragraphs: list[str] = PARAGRAPHS, charset: str = "utf-8") -> str:
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="{charset}">
<title>Tram line approved | Ostvik Courier</title>
<meta property="og:title" content="Tram line approved after long debate">
<meta property="og:site_name" content="Ostvik Courier">
<meta name="author" content="Lena Sand">
<meta property="article:published_time" content="2024-03-21T09:30:00+01:00">
<link rel="canonical" href="https://courier.example/news/2024/03/tram-line">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article><h1>Tram line approved after long debate</h1>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>
{body}
</article>
<aside><h2>Most read</h2><ul><li><a href="/a">Ferry fares to rise in May</a></li>
<li><a href="/b">Night buses return at weekends</a></li></ul></aside></main>
<footer><p>© 2024 Ostvik Courier. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms</a></p></footer>
</body></html>"""


def test_html_pages_are_passed_on_as_html(tmp_path: Path) -> None:
    path = write(tmp_path / "site" / "tram.html", page())
    [doc] = read([path])
    assert isinstance(doc, RawDocument)
    assert doc.format == "html" and doc.text is None
    assert doc.html is not None and "tram line" in doc.html
    assert doc.collection == "site"


def test_html_declared_charset_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "latin.htm"
    path.write_bytes(
        page(["Café owners in Ribe marched to the town hall on Friday."], "iso-8859-1").encode(
            "latin-1"
        )
    )
    [doc] = read([path])
    assert isinstance(doc, RawDocument) and doc.html is not None
    assert "Café owners" in doc.html


def warc_bytes(records: list[tuple[str, str, bytes, str]], *, compress: bool = True) -> bytes:
    """A WARC file: (uri, content type, body, record type) per record, plus a request."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "tests"}))
    for uri, content_type, body, status in records:
        request = StatusAndHeaders(
            "GET / HTTP/1.1", [("Host", "courier.example")], is_http_request=True
        )
        writer.write_record(writer.create_warc_record(uri, "request", http_headers=request))
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                uri,
                "response",
                payload=io.BytesIO(body),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": "2024-03-21T10:00:00Z"},
            )
        )
    return buffer.getvalue()


def test_warc_html_responses_become_pages_and_the_rest_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(
        warc_bytes(
            [
                (
                    "https://courier.example/tram",
                    "text/html; charset=utf-8",
                    page().encode(),
                    "200 OK",
                ),
                ("https://courier.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n", "200 OK"),
                (
                    "https://courier.example/gone",
                    "text/html",
                    b"<html>gone</html>",
                    "404 Not Found",
                ),
            ]
        )
    )
    items = list(read([path]))
    [doc] = docs(items)
    assert doc.format == "warc" and doc.url == "https://courier.example/tram"
    assert doc.published == "2024-03-21T10:00:00Z" and doc.external_id == doc.url
    assert doc.origin.startswith(f"{path}#")
    reasons = [r.reason for r in rejections(items)]
    assert reasons == [
        "https://courier.example/logo.png is image/png, not an HTML page",
        "https://courier.example/gone: HTTP status 404, not a page",
    ]


def test_pages_clean_into_articles_with_their_metadata(tmp_path: Path) -> None:
    from newsweave.clean import clean

    html_file = write(tmp_path / "tram.html", page())
    warc = tmp_path / "crawl.warc.gz"
    warc.write_bytes(
        warc_bytes([("https://courier.example/t?utm=1", "text/html", page().encode(), "200 OK")])
    )
    from_file, from_warc = clean(read([html_file, warc]))
    for article in (from_file, from_warc):
        assert not isinstance(article, Rejection)
        assert article.title == "Tram line approved after long debate"
        assert article.byline == "Lena Sand" and article.source == "Ostvik Courier"
        assert article.url == "https://courier.example/news/2024/03/tram-line"  # canonical
        # the page's own time (09:30 +01:00) in UTC, not the crawl's WARC-Date
        assert article.published == datetime(2024, 3, 21, 8, 30)
        assert article.text.startswith("The city council of Ostvik approved")
        assert "Most read" not in article.text and "All rights reserved" not in article.text
    assert from_file.external_id == from_file.url
    assert from_warc.external_id == "https://courier.example/t?utm=1"


def test_boilerplate_inside_the_article_container_is_cleaned(tmp_path: Path) -> None:
    """Furniture that sits inside <article>, where extraction keeps it, is removed by clean."""
    from newsweave.clean import clean

    inside = [
        PARAGRAPHS[0],
        "Read more: Ferry fares to rise in May",
        PARAGRAPHS[1],
        "Sign up for the Courier Morning newsletter and get the day's news in your inbox.",
        PARAGRAPHS[2],
        "Follow us on Twitter",
        "© 2024 Ostvik Courier. All rights reserved.",
    ]
    path = write(tmp_path / "inside.html", page(inside))
    [article] = clean(read([path]))
    assert not isinstance(article, Rejection)
    assert article.text.split("\n\n") == PARAGRAPHS


def test_uncompressed_warc(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    path.write_bytes(
        warc_bytes([("https://x.example/", "text/html", page().encode(), "200 OK")], compress=False)
    )
    assert len(docs(list(read([path])))) == 1


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Ostvik Courier</title><language>en</language>
<item><title>Tram line approved</title><link>https://courier.example/tram</link>
<pubDate>Thu, 21 Mar 2024 09:30:00 +0100</pubDate><author>Lena Sand</author>
<description><![CDATA[<p>The council approved the tram line.</p>
<p>Work starts in spring.</p>]]></description>
</item>
<item><title>Empty entry</title><link>https://courier.example/empty</link></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Harbour Daily</title>
<entry><title>Ferry back</title><link href="https://harbour.example/ferry"/><id>urn:1</id>
<updated>2024-03-22T08:00:00Z</updated>
<content type="html">&lt;p&gt;The ferry sailed again.&lt;/p&gt;</content></entry>
</feed>"""


def test_rss_entries_with_content_or_summary(tmp_path: Path) -> None:
    path = write(tmp_path / "courier.rss", RSS)
    items = list(read([path]))
    [doc] = docs(items)
    assert doc.format == "feed" and doc.title == "Tram line approved"
    assert doc.text == "The council approved the tram line.\nWork starts in spring."
    assert doc.url == doc.external_id == "https://courier.example/tram"
    assert doc.source == "Ostvik Courier" and doc.language == "en"
    assert doc.published == datetime(2024, 3, 21, 8, 30)
    [bad] = rejections(items)
    assert bad.origin == f"{path}#2"
    assert bad.reason == "feed entry https://courier.example/empty has no content or summary"


def test_atom_feed_and_xml_sniffing(tmp_path: Path) -> None:
    atom = write(tmp_path / "harbour.xml.gz", ATOM)
    [doc] = read([atom])
    assert isinstance(doc, RawDocument)
    assert (doc.text, doc.source, doc.published) == (
        "The ferry sailed again.",
        "Harbour Daily",
        datetime(2024, 3, 22, 8),
    )
    other = write(tmp_path / "sitemap.xml", '<?xml version="1.0"?><urlset><url/></urlset>')
    [bad] = read([other])
    assert (
        isinstance(bad, Rejection) and bad.reason == "an XML file that is not an RSS or Atom feed"
    )


def test_format_option_overrides_the_suffix(tmp_path: Path) -> None:
    path = write(tmp_path / "export.dat", "\n".join(json.dumps(r) for r in RECORDS))
    [unknown] = read([path])
    assert isinstance(unknown, Rejection) and unknown.reason.startswith("unknown format '.dat'")
    assert len(docs(list(read([path], IngestOptions(format="json"))))) == 3


# --- the bad-input corpus ---------------------------------------------------------------------


def test_bad_input_corpus_is_reported_and_the_good_records_come_through(tmp_path: Path) -> None:
    from newsweave.clean import clean

    corpus = tmp_path / "corpus"
    good_txt = write(corpus / "good.txt", ARTICLE)
    write(corpus / "empty.txt", b"")
    write(corpus / "binary.txt", bytes(range(256)) * 40)
    write(corpus / "photo.html", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    many = [
        {"id": f"n{i}", "text": f"Report {i}: the {i * 7919 % 1000}th ferry left on time."}
        for i in range(300)
    ]
    truncated = gzip.compress("".join(json.dumps(r) + "\n" for r in many).encode())
    (corpus / "truncated.jsonl.gz").write_bytes(truncated[: len(truncated) // 2])
    write(corpus / "nav-only.html", "<html><body><nav><a href='/'>Home</a></nav></body></html>")
    write(corpus / "latin1.txt", "Caf\xe9 news\nBody text here.".encode("latin-1"))
    write(corpus / "huge.txt", "word " * (5 * 1024 * 1024 // 5))
    write(corpus / "huge.jsonl", json.dumps({"id": "big", "text": "word " * (1024 * 1024)}))
    broken = [json.dumps(RECORDS[0]), '{"id": "x", "text": "unterminated', json.dumps(RECORDS[2])]
    write(corpus / "broken.jsonl", "\n".join(broken))
    (corpus / "crawl.warc.gz").write_bytes(
        warc_bytes(
            [
                ("https://courier.example/tram", "text/html", page().encode(), "200 OK"),
                ("https://courier.example/data.json", "application/json", b"{}", "200 OK"),
            ]
        )
    )
    write(corpus / "notes.pdf", b"%PDF-1.4 ...")

    results = list(clean(read([corpus])))
    articles = [r for r in results if not isinstance(r, Rejection)]
    reasons = {
        r.origin.replace(str(corpus) + "/", ""): r.reason
        for r in results
        if isinstance(r, Rejection)
    }
    assert {a.origin for a in articles} >= {
        str(good_txt),
        f"{corpus}/broken.jsonl:1",
        f"{corpus}/broken.jsonl:3",
    }
    assert any(a.url == "https://courier.example/news/2024/03/tram-line" for a in articles)
    assert sum(1 for a in articles if (a.origin or "").startswith(f"{corpus}/truncated")) > 10
    expected = {
        "empty.txt": "empty file",
        "binary.txt": "binary file, not text",
        "photo.html": "this is a PNG image, not text",
        "nav-only.html": "no article text found in the page",
        "latin1.txt": "not valid utf-8: byte 0xe9 at offset 3",
        "huge.txt": "a single line of 5,242,880 characters",
        "huge.jsonl:1": "over the limit of 1,000,000",
        "broken.jsonl:2": "invalid JSON:",
        "notes.pdf": "unknown format '.pdf'",
    }
    for origin, phrase in expected.items():
        assert phrase in reasons.get(origin, ""), (origin, reasons.get(origin))
    [truncation] = [o for o in reasons if o.startswith("truncated.jsonl.gz:")]
    assert "truncated or corrupt gzip file" in reasons[truncation]
    [non_html] = [o for o in reasons if o.startswith("crawl.warc.gz#")]
    assert (
        reasons[non_html]
        == "https://courier.example/data.json is application/json, not an HTML page"
    )
    assert len(reasons) == len(expected) + 2


def test_jsonl_line_over_max_bytes_is_skipped_unread(tmp_path: Path) -> None:
    lines = [
        json.dumps(RECORDS[0]),
        json.dumps({"id": "long", "text": "x" * 200_000}),
        json.dumps(RECORDS[2]),
    ]
    path = write(tmp_path / "long.jsonl", "\n".join(lines))
    items = list(read([path], IngestOptions(max_bytes=1000)))
    assert [d.external_id for d in docs(items)] == ["r1", "r3"]
    [bad] = rejections(items)
    assert (bad.origin, bad.reason) == (f"{path}:2", "line is longer than max_bytes=1,000")


def test_multi_member_gzip_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "parts.jsonl.gz"
    first = gzip.compress((json.dumps(RECORDS[0]) + "\n").encode())
    second = gzip.compress((json.dumps(RECORDS[2]) + "\n").encode())
    path.write_bytes(first + second)
    assert [d.external_id for d in docs(list(read([path])))] == ["r1", "r3"]
