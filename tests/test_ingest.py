"""Reading inputs: every format, gzip, folders and globs, and bad input rejected with reasons."""

from __future__ import annotations

import gzip
import json
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
