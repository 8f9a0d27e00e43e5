from __future__ import annotations

import pytest

from newsweave.errors import ConfigError
from newsweave.model import Article
from newsweave.segment import SegmentOptions, segment_article, split_sentences, words


def texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Putin met Mr. Obama. They talked for 95 minutes.",
            ["Mr. Putin met Mr. Obama.", "They talked for 95 minutes."],
        ),
        (
            "“The critical thing is coordination,” said Kerry, as he headed into talks. "
            "Lavrov agreed.",
            [
                "“The critical thing is coordination,” said Kerry, as he headed into talks.",
                "Lavrov agreed.",
            ],
        ),
        (
            "“Why now?” asked Kerry. Nobody answered.",
            ["“Why now?” asked Kerry.", "Nobody answered."],
        ),
        (
            "The U.S. has a $500 million programme. It has faced setbacks.",
            ["The U.S. has a $500 million programme.", "It has faced setbacks."],
        ),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


def test_sentences_keep_offsets_into_the_article() -> None:
    article = Article.build("First one. Second one.\n\nNew paragraph here.")
    sentences = segment_article(article)
    assert [s.text for s in sentences] == ["First one.", "Second one.", "New paragraph here."]
    assert [s.paragraph for s in sentences] == [0, 0, 1]
    for s in sentences:
        assert article.text[s.start : s.end] == s.text
    assert [s.index for s in sentences] == [0, 1, 2]


def test_huge_single_line_is_chunked_not_hung() -> None:
    text = "Word " * 200_000  # 1 MB, no sentence end
    spans = split_sentences(text)
    assert spans, "a long text still yields sentences"
    assert all(0 <= s < e <= len(text) for s, e in spans)


def test_unknown_language_is_rejected_with_choices() -> None:
    with pytest.raises(ConfigError, match="choose one of"):
        SegmentOptions(language="xx")


def test_words_keep_inner_punctuation() -> None:
    assert words("The U.S.-led coalition, al-Assad's forces") == [
        "the",
        "u.s.",
        "led",
        "coalition",
        "al-assad's",
        "forces",
    ]


# --- the English fast path agrees with pysbd ------------------------------------------------


def pysbd_only(text: str) -> list[tuple[int, int]]:
    """What split_sentences gave before the fast path: pysbd on every chunk."""
    from newsweave.segment import _chunks, _drop_short, _pysbd_spans, _rejoin

    options = SegmentOptions()
    spans: list[tuple[int, int]] = []
    for start, chunk in _chunks(text):
        spans += _pysbd_spans(chunk, start, "en")
    return _rejoin(text, _drop_short(text, spans, options.min_chars))


@pytest.mark.parametrize(
    "paragraph",
    [
        "The council met on Monday. It approved the plan. Work starts in May.",
        'He said "yes." She left the room.',
        'He left. "We will return," she said. Nobody answered.',
        'She said: "It is over. We lost." Then she left.',
        "Mr. Lund met Dr. Berg and Gen. Holm. They talked for an hour.",
        "The U.S. officials met in the U.K. capital. They left at 8 a.m. on Friday.",
        "Prices rose 3.5 percent in March. Sales fell 2.1 percent.",
        "It was over. (He left.) Then the rest of us went home too.",
        "He arrived at 8 a.m. Then he left for the harbour.",
        "The vote was 78-71. 300 people protested outside.",
        "“Why now?” asked Kerry. Nobody answered him.",
        "They met at No. 10 Downing Street. The talks lasted an hour.",
        "He visited the site.Then he went home. The end came soon.",
        "The mayor, who was re-elected -- narrowly. -- spoke first. Then the vote.",
        "'We are ready,' the captain said. The ferry left at noon.",
        "John F. Kennedy was elected in 1960. He was 43 years old.",
        "The ship sailed from St. Petersburg to Kiel. It arrived late.",
        "What now? Nobody knows! The council will meet again.",
        "Prices are high… Nobody is buying. Shops are empty.",
    ],
)
def test_fast_path_matches_pysbd(paragraph: str) -> None:
    assert split_sentences(paragraph) == pysbd_only(paragraph)


@pytest.mark.shared_data
def test_fast_path_agrees_with_pysbd_on_real_news() -> None:
    import itertools
    import json

    from newsweave.clean import clean_document
    from newsweave.ingest import RawDocument
    from tests.support import ROOT, shared_file

    gate = json.loads((ROOT / "tests" / "floors" / "segment.json").read_text())
    paragraphs: list[str] = []
    for name, n in (("quotes/polnear_dev.jsonl", 84), ("clustering/duc2003_articles.jsonl", 60)):
        with shared_file(name).open(encoding="utf-8") as lines:
            for line in itertools.islice(lines, n):
                article = clean_document(
                    RawDocument(origin=name, format="json", text=json.loads(line)["text"])
                )
                assert isinstance(article, Article)
                paragraphs += [article.text[s:e] for s, e in article.paragraphs]
    same = sum(split_sentences(p) == pysbd_only(p) for p in paragraphs)
    assert same / len(paragraphs) >= gate["fast_path_agreement"]["floor"]
