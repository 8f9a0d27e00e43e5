"""Page extraction: metadata, fragments, the registered method, and the quality gate."""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections import Counter
from pathlib import Path

import pytest

from newsweave.errors import ConfigError
from newsweave.evaluate import registry
from newsweave.extract import ExtractOptions, extract_page, extract_text, html_to_text
from tests.support import ROOT, shared_file
from tests.test_ingest import PARAGRAPHS, page

FLOORS = json.loads((ROOT / "tests" / "floors" / "extract.json").read_text())


def test_extract_page_reads_text_and_metadata() -> None:
    found = extract_page(page(), "https://courier.example/t?utm=1")
    assert found.title == "Tram line approved after long debate"
    assert (found.author, found.sitename) == ("Lena Sand", "Ostvik Courier")
    assert found.url == "https://courier.example/news/2024/03/tram-line"
    assert found.date == "2024-03-21T09:30:00+01:00"
    for paragraph in PARAGRAPHS:
        assert paragraph in found.text
    for furniture in ("Home", "Most read", "Privacy policy", "All rights reserved"):
        assert furniture not in found.text


def test_a_page_without_an_article_gives_no_text() -> None:
    nav = "<html><body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav></body></html>"
    assert len(extract_text(nav, None).split()) <= 2
    assert extract_page("<html></html>").text == ""


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("<p>One.</p><p>Two.</p>", "One.\nTwo."),
        ("Plain text, no tags", "Plain text, no tags"),
        ("<div>A<br>B</div><script>var x = 1;</script>", "A\nB"),
        ("<ul><li>first</li><li>second <b>bold</b></li></ul>", "first\nsecond bold"),
        ("<p>Caf&eacute; &amp; bar</p>", "Café & bar"),
    ],
)
def test_html_to_text(fragment: str, text: str) -> None:
    assert html_to_text(fragment) == text


def test_extract_options_are_validated() -> None:
    with pytest.raises(ConfigError, match="choose one of precision, balanced, recall"):
        ExtractOptions(favor="speed")


def test_the_newsweave_extract_method_is_registered() -> None:
    method = registry.get("extract", "newsweave")
    text = method.fn(page(), "https://courier.example/t")
    assert text.split("\n\n") == PARAGRAPHS
    assert registry.get("extract", "newsweave-page").fn(page(), None).startswith("Tram line")


# --- quality gate -----------------------------------------------------------------------------

_TOKEN = re.compile(r"\w+")


def _shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + 4]) for i in range(max(1, len(tokens) - 3)) if tokens)


def _scores(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Precision, recall over word 4-gram multisets per page, averaged; F1 of the averages."""
    precisions, recalls = [], []
    for gold, predicted in pairs:
        g, p = _shingles(gold), _shingles(predicted)
        tp, fp, fn = sum((g & p).values()), sum((p - g).values()), sum((g - p).values())
        if tp + fp:
            precisions.append(tp / (tp + fp))
        if tp + fn:
            recalls.append(tp / (tp + fn))
    precision, recall = statistics.mean(precisions), statistics.mean(recalls)
    return {
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall),
    }


def test_scores_match_hand_counts() -> None:
    perfect = _scores([("a b c d e", "a b c d e")])
    assert perfect == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    # gold 4-grams: abcd, bcde; predicted: abcd, bcdx -> tp 1, fp 1, fn 1
    half = _scores([("a b c d e", "a b c d x")])
    assert half["precision"] == half["recall"] == 0.5


@pytest.mark.shared_data
@pytest.mark.slow
def test_extraction_quality_gate() -> None:
    gate = FLOORS["scrapinghub_dev_first20"]
    path: Path = shared_file(gate["data"])
    records = [json.loads(line) for line in path.open(encoding="utf-8")]
    chosen = sorted(records, key=lambda r: r["id"])[:20]
    digest = hashlib.sha256()
    for r in chosen:
        for part in (r["id"], r["html"], r["gold_text"]):
            digest.update(part.encode("utf-8") + b"\x1f")
        digest.update(b"\x1e")
    assert digest.hexdigest() == gate["sha256"], "the evaluation slice changed: re-measure"
    method = registry.get("extract", gate["method"])
    scores = _scores([(r["gold_text"], method.fn(r["html"], r["url"])) for r in chosen])
    for name, floor in gate["floors"].items():
        assert scores[name] >= floor, (name, scores[name], floor)
