"""`newsweave digest`, `stories` and `story` through click."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsweave.cli import cli
from tests.digest.test_digest import BRIDGE, LIBRARY, _write


def _corpus(tmp_path: Path) -> Path:
    _write(tmp_path / "in" / "bridge", BRIDGE)
    _write(tmp_path / "in" / "library", LIBRARY)
    return tmp_path / "in"


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_digest_prints_stories_and_stores_them(tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    corpus = str(_corpus(tmp_path))
    code, out, err = _run("digest", corpus, "--db", db, "--embedder", "hashing", "--words", "50")
    assert code == 0, err
    assert "2 stories: 2 summarized" in err
    assert "Swing bridge closed after cracks found" in out or "Marle bridge shut" in out
    assert "[1][2]" in out and "Sources" in out

    code, out, err = _run("stories", "--db", db)
    assert code == 0, err
    assert len([line for line in out.splitlines() if not line.startswith(" ")]) == 2

    code, out, _ = _run("stories", "--db", db, "--json")
    listed = json.loads(out)
    assert {len(s["sources"]) for s in listed} == {1, 2}
    story_id = next(s["id"] for s in listed if len(s["sources"]) == 2)

    html_file = tmp_path / "story.html"
    code, _, err = _run(
        "story", story_id[:10], "--db", db, "--format", "html", "--out", str(html_file)
    )
    assert code == 0, err
    page = html_file.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "cracks in two of its piers" in page


def test_digest_writes_each_format(tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    corpus = str(_corpus(tmp_path))
    for fmt, marker in (("markdown", "# Stories"), ("json", '"stories"'), ("html", "<html")):
        out_file = tmp_path / f"digest.{fmt}"
        code, _, err = _run(
            "digest",
            corpus,
            "--db",
            db,
            "--embedder",
            "hashing",
            "--format",
            fmt,
            "--out",
            str(out_file),
        )
        assert code == 0, err
        assert marker in out_file.read_text(encoding="utf-8")


def test_errors_are_one_line_and_exit_1(tmp_path: Path) -> None:
    db = str(tmp_path / "n.db")
    code, _, err = _run(
        "digest", str(tmp_path / "nothing-here"), "--db", db, "--embedder", "hashing"
    )
    assert code == 1 and err.startswith("error:") and "Traceback" not in err
    _run("digest", str(_corpus(tmp_path)), "--db", db, "--embedder", "hashing")
    code, _, err = _run("story", "ffffffff", "--db", db)
    assert code == 1 and "no story" in err
    code, _, err = _run("stories", "--db", str(tmp_path / "missing.db"))
    assert code == 1 and err.startswith("error:")


def test_fill_spends_the_words_whole_sentences_leave(tmp_path: Path) -> None:
    corpus = str(_corpus(tmp_path))
    words = {}
    for flag in ("", "--fill"):
        db = str(tmp_path / f"n{flag}.db")
        args = ["digest", corpus, "--db", db, "--embedder", "hashing", "--words", "30"]
        code, _, err = _run(*args, *([flag] if flag else []))
        assert code == 0, err
        _, out, _ = _run("stories", "--db", db, "--json")
        bridge = next(s for s in json.loads(out) if len(s["sources"]) == 2)
        words[flag] = (bridge["n_words"], bridge["lines"][-1]["text"])
    assert words[""][0] < words["--fill"][0] <= 30
    assert not words[""][1].endswith("…") and words["--fill"][1].endswith("…")
