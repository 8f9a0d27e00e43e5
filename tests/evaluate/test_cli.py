"""`newsweave eval …` commands: arguments, text output and the one-object JSON."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsweave.cli import cli


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_eval_rouge_json_for_one_system(tmp_path: Path) -> None:
    refs = write_jsonl(
        tmp_path / "refs.jsonl",
        [
            {"id": "c1", "summaries": ["The cat was on the mat."]},
            {"id": "c2", "summaries": ["x y"]},
        ],
    )
    peers = write_jsonl(
        tmp_path / "peers.jsonl",
        [{"id": "c1", "system": "mine", "summary": "The cat sat on the mat."}],
    )
    result = CliRunner().invoke(cli, ["eval", "rouge", str(refs), str(peers), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["method"] == "mine"
    assert out["dataset"] == "refs"
    assert out["n"] == 1
    assert out["missing"] == 1  # c2 has no summary from "mine"
    assert out["rouge1_r"] == 83.333
    assert out["rouge2_f"] == 60.0
    for key in ("rouge4_p", "rougeL_f", "rougeSU4_r", "seconds"):
        assert key in out
    assert out["params"]["rouge"].startswith("-n 4 -m -l 100")


def test_eval_rouge_several_systems(tmp_path: Path) -> None:
    refs = write_jsonl(tmp_path / "refs.jsonl", [{"id": "c1", "summaries": ["a b c"]}])
    peers = write_jsonl(
        tmp_path / "peers.jsonl",
        [
            {"id": "c1", "system": "one", "summary": "a b"},
            {"id": "c1", "system": "two", "summary": "x"},
        ],
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["eval", "rouge", str(refs), str(peers), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert [s["method"] for s in out["systems"]] == ["one", "two"]
    assert out["systems"][1]["rouge1_r"] == 0.0
    text = runner.invoke(cli, ["eval", "rouge", str(refs), str(peers), "--words", "0"])
    assert text.exit_code == 0
    assert "one" in text.output and "two" in text.output
    only = runner.invoke(cli, ["eval", "rouge", str(refs), str(peers), "--system", "three"])
    assert only.exit_code == 1
    assert "no system 'three'" in only.output and "one, two" in only.output


def test_eval_rouge_reports_bad_records_and_goes_on(tmp_path: Path) -> None:
    refs = tmp_path / "refs.jsonl"
    refs.write_text('{"id": "c1", "summaries": ["a b"]}\nnot json\n{"id": "c3"}\n')
    peers = write_jsonl(tmp_path / "peers.jsonl", [{"id": "c1", "summary": "a"}])
    result = CliRunner().invoke(cli, ["eval", "rouge", str(refs), str(peers), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["skipped"] == 2
