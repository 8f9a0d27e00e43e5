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
