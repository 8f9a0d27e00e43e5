"""The harness end to end on tiny hand-made files, with stand-in methods registered for the test."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsweave.cli import cli
from newsweave.errors import ConfigError
from newsweave.evaluate import harness
from newsweave.evaluate.registry import register
from newsweave.evaluate.rouge import tokens
from newsweave.model import Article, Quote, Span


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


# --- stand-in methods -------------------------------------------------------------------------

SEEN_BACKGROUND: dict[str, int] = {}


@register("summarize", "test-first-doc")
def first_doc(docs: Sequence[Article], words: int) -> list[str]:
    if "explode" in docs[0].text:
        raise RuntimeError("this cluster breaks the method")
    return [docs[0].text]


@register("summarize", "test-update")
def update_aware(
    docs: Sequence[Article], words: int, background: Sequence[Article] = ()
) -> list[str]:
    SEEN_BACKGROUND[docs[0].collection or ""] = len(background)
    return [docs[-1].text]


@register("cluster", "test-by-first-word")
def by_first_word(articles: Sequence[Article]) -> list[str]:
    return [a.text.split()[0] for a in articles]


@register("pairs", "test-overlap")
def word_overlap(pairs: Sequence[tuple[str, str]]) -> list[float]:
    out = []
    for a, b in pairs:
        x, y = set(a.lower().split()), set(b.lower().split())
        out.append(len(x & y) / len(x | y))
    return out


@register("pairs", "test-fixed", params={"threshold": 0.99})
def fixed_threshold(pairs: Sequence[tuple[str, str]]) -> list[float]:
    return word_overlap(pairs)


@register("quotes", "test-quoted")
def quoted(article: Article) -> list[Quote]:
    text = article.text
    start = text.find("“")
    if start < 0:
        return []
    end = text.find("”", start) + 1
    speaker = text.find("Lin")
    return [
        Quote(
            article_id=article.id,
            content=Span(article.id, start, end),
            text=text[start:end],
            direct=True,
            speaker=Span(article.id, speaker, speaker + 3) if speaker >= 0 else None,
        )
    ]


@register("ner", "test-capitals")
def capitals(text: str) -> list[tuple[int, int, str]]:
    out, pos = [], 0
    for word in text.split(" "):
        if word[:1].isupper():
            out.append((pos, pos + len(word), "PER"))
        pos += len(word) + 1
    return out


@register("extract", "test-strip-tags")
def strip_tags(html: str, url: str | None) -> str:
    import re

    return re.sub(r"<[^>]+>", " ", html)


# --- summarize --------------------------------------------------------------------------------


def mds_rows() -> list[dict[str, object]]:
    return [
        {
            "id": "c1",
            "docs": [
                {"id": "d1", "title": "", "text": "Floods closed the river road.", "date": None}
            ],
            "summaries": ["Floods closed the river road on Monday."],
        },
        {
            "id": "c2",
            "docs": [{"id": "d2", "title": "", "text": "Things explode here.", "date": None}],
            "summaries": ["A quiet day."],
        },
    ]


def test_summarize_scores_rouge_and_counts_failures(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "duc_mini.jsonl", mds_rows())
    report = harness.evaluate_summarize(path, "test-first-doc")
    assert report.n == 2
    assert report.params["protocol"] == "duc" and report.params["words"] == 100
    assert report.notes["failed"] == 1
    # c1: 5 of 7 reference unigrams; c2: an empty summary scores 0
    assert report.scores["rouge1_r"] == pytest.approx(100 * (5 / 7) / 2, abs=0.5)
    assert set(report.to_json()) >= {"rouge1_r", "rouge2_f", "rougeSU4_p", "n", "seconds"}


def test_one_line_references_are_split_into_sentences_for_rouge_l() -> None:
    assert harness.sentence_lines("The dam held. Crews left at dawn.") == (
        "The dam held.\nCrews left at dawn."
    )
    assert harness.sentence_lines("Already\nsplit.") == "Already\nsplit."
    # nothing is dropped: fragments the splitter would discard still count for ROUGE-N
    tricky = "Rain fell . a . -- Crews left at dawn . b"
    assert tokens(harness.sentence_lines(tricky)) == tokens(tricky)


def test_summarize_protocol_from_the_file_name(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "multinews_mini.jsonl", mds_rows()[:1])
    report = harness.evaluate_summarize(path, "test-first-doc")
    assert (report.params["protocol"], report.params["measure"]) == ("multinews", "f")
    assert report.params["words"] == 256
    assert harness.evaluate_summarize(path, "test-first-doc", words=5).params["words"] == 5
    with pytest.raises(ConfigError, match="no protocol 'tac'"):
        harness.evaluate_summarize(path, "test-first-doc", protocol="tac")


def test_update_summarization_passes_the_earlier_subsets(tmp_path: Path) -> None:
    rows = []
    for subset, n_docs in (("A", 2), ("B", 1), ("C", 1)):
        rows.append(
            {
                "id": f"T1-{subset}",
                "topic": "T1",
                "subset": subset,
                "docs": [
                    {"id": f"{subset}{i}", "text": f"Subset {subset} news {i}.", "date": None}
                    for i in range(n_docs)
                ],
                "summaries": ["Some news."],
            }
        )
    path = write_jsonl(tmp_path / "duc2007_mini.jsonl", rows)
    report = harness.evaluate_summarize(path, "test-update")
    assert report.params["protocol"] == "duc2007-update"
    assert SEEN_BACKGROUND == {"T1-A": 0, "T1-B": 2, "T1-C": 3}


def test_unknown_method_lists_the_registered_ones(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "duc_mini.jsonl", mds_rows())
    with pytest.raises(
        ConfigError, match=r"no summarize method 'nope'; registered: .*test-first-doc"
    ):
        harness.evaluate_summarize(path, "nope")


# --- cluster ----------------------------------------------------------------------------------


def test_cluster_scores_and_folds_articles_in_two_gold_clusters(tmp_path: Path) -> None:
    rows = [
        {"id": "a1", "text": "storm hits coast", "cluster": "storm"},
        {"id": "a2", "text": "storm moves inland", "cluster": "storm"},
        {"id": "a3", "text": "vote count delayed", "cluster": "vote"},
        {"id": "a1", "text": "storm hits coast", "cluster": "vote"},  # same record, other story
        {"id": "a4", "text": "storm hits coast", "cluster": "vote"},  # same text, other id
    ]
    path = write_jsonl(tmp_path / "clusters.jsonl", rows)
    report = harness.evaluate_cluster(path, "test-by-first-word")
    assert report.n == 3
    assert report.notes["in_two_gold_clusters"] == 2
    assert report.notes["duplicates_dropped"] == 2
    assert report.scores["bcubed_f1"] == 1.0
    assert (report.scores["n_pred"], report.scores["n_gold"]) == (2, 2)
    assert harness.evaluate_cluster(path, "test-by-first-word", limit=1).n == 2


# --- pairs ------------------------------------------------------------------------------------


def pair_rows(n: int) -> list[dict[str, object]]:
    rows = []
    for i in range(n):
        same = i % 2 == 0
        a = f"the council approved budget number {i}"
        b = a if same else f"rain expected across the north on day {i}"
        rows.append({"id": f"p{i}", "text_a": a, "text_b": b, "label": int(same)})
    return rows


def test_pairs_cross_validates_when_no_tuning_file(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "pairs.jsonl", pair_rows(20))
    report = harness.evaluate_pairs(path, "test-overlap")
    assert report.notes["threshold_source"].startswith("5-fold cross-validation")
    assert report.scores["accuracy"] == 1.0 and report.scores["auc"] == 1.0
    assert 0.0 < report.scores["threshold"] < 1.0


def test_pairs_tune_on_another_file_or_use_the_methods_threshold(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "pairs.jsonl", pair_rows(10))
    other = write_jsonl(tmp_path / "train.jsonl", pair_rows(12))
    tuned = harness.evaluate_pairs(path, "test-overlap", tune_on=other)
    assert tuned.notes["threshold_source"] == "tuned on train"
    assert tuned.scores["f1"] == 1.0
    fixed = harness.evaluate_pairs(path, "test-fixed")
    assert (fixed.notes["threshold_source"], fixed.scores["threshold"]) == ("method", 0.99)
    with pytest.raises(ConfigError, match="different file"):
        harness.evaluate_pairs(path, "test-overlap", tune_on=path)


# --- quotes, ner, extract ---------------------------------------------------------------------


def test_quotes_ner_and_extract(tmp_path: Path) -> None:
    text = "Officials met. “We will rebuild the bridge,” said Mayor Lin."
    start = text.index("“")
    end = text.index("”") + 1
    quotes = write_jsonl(
        tmp_path / "quotes.jsonl",
        [
            {
                "id": "q1",
                "title": "",
                "text": text,
                "quotes": [
                    {
                        "quote": text[start:end],
                        "speaker": "Mayor Lin",
                        "quote_spans": [[start, end]],
                        "speaker_spans": [[text.index("Mayor"), len(text) - 1]],
                        "cue_spans": [],
                        "direct": True,
                        "has_explicit_source": True,
                    }
                ],
            }
        ],
    )
    q = harness.evaluate_quotes(quotes, "test-quoted")
    assert q.scores["direct_exact_f1"] == 1.0 and q.scores["speaker_f1"] == 1.0

    ner = write_jsonl(
        tmp_path / "ner.jsonl",
        [
            {
                "id": "s1",
                "text": "Mayor Lin met Oslo",
                "entities": [{"type": "PER", "start": 6, "end": 9}],
            }
        ],
    )
    n = harness.evaluate_ner(ner, "test-capitals")
    # predicted Mayor, Lin, Oslo as PER: one of three right, the one annotated found
    assert (n.scores["precision"], n.scores["recall"]) == pytest.approx((1 / 3, 1.0))
    assert "f1_PER" in n.scores and "f1_MISC" in n.scores

    pages = write_jsonl(
        tmp_path / "pages.jsonl",
        [
            {
                "id": "p1",
                "url": None,
                "html": "<p>one two three four five</p>",
                "gold_text": "one two three four five",
            }
        ],
    )
    assert harness.evaluate_extract(pages, "test-strip-tags").scores["f1"] == 1.0


# --- the commands -----------------------------------------------------------------------------


def test_eval_commands_print_one_json_object(tmp_path: Path) -> None:
    runner = CliRunner()
    mds = write_jsonl(tmp_path / "duc_mini.jsonl", mds_rows()[:1])
    result = runner.invoke(
        cli, ["eval", "summarize", str(mds), "--method", "test-first-doc", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert (out["dataset"], out["method"], out["n"]) == ("duc_mini", "test-first-doc", 1)
    assert out["params"]["words"] == 100

    saved = tmp_path / "peers.jsonl"
    args = ["eval", "summarize", str(mds), "--method", "test-first-doc", "--save-summaries"]
    assert runner.invoke(cli, [*args, str(saved)]).exit_code == 0
    rescored = runner.invoke(
        cli, ["eval", "rouge", str(mds), str(saved), "--split-sentences", "--json"]
    )
    assert json.loads(rescored.output)["rouge1_r"] == out["rouge1_r"]
    assert json.loads(rescored.output)["rougeL_r"] == out["rougeL_r"]

    pairs = write_jsonl(tmp_path / "pairs.jsonl", pair_rows(10))
    result = runner.invoke(cli, ["eval", "pairs", str(pairs), "--method", "test-overlap", "--json"])
    out = json.loads(result.output)
    assert {"accuracy", "precision", "recall", "f1", "auc", "threshold", "seconds"} <= set(out)

    text = runner.invoke(cli, ["eval", "pairs", str(pairs), "--method", "test-overlap"])
    assert "dataset pairs" in text.output and "threshold_source" in text.output

    missing = runner.invoke(cli, ["eval", "quotes", str(mds), "--method", "nope"])
    assert missing.exit_code == 1
    assert "no quotes method 'nope'; registered:" in missing.output

    listed = runner.invoke(cli, ["eval", "methods", "pairs", "--json"])
    names = [m["name"] for m in json.loads(listed.output)["pairs"]]
    assert "test-overlap" in names
