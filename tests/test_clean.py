"""Cleaning: boilerplate, headlines, bylines, datelines, dates, language, offsets, rejections."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import pytest

from newsweave.clean import CleanOptions, clean, clean_document
from newsweave.clean.boilerplate import KEPT, line_kind
from newsweave.clean.header import find_byline, find_dateline, parse_date, parse_date_line
from newsweave.clean.language import guess_language, normalize_language
from newsweave.clean.units import fold_quotes, split_units
from newsweave.errors import ConfigError
from newsweave.ingest import RawDocument, Rejection, read
from newsweave.model import Article

BODY = [
    "The city council of Ostvik approved the new tram line on Monday after a long debate.",
    "Work on the first section will start in the spring and should take two years.",
    "Opponents said the money would be better spent on buses for the outer districts.",
]


def raw(text: str, **fields: object) -> RawDocument:
    return RawDocument(origin="test", format="txt", text=text, **fields)  # type: ignore[arg-type]


def cleaned(text: str, options: CleanOptions | None = None, **fields: object) -> Article:
    result = clean_document(raw(text, **fields), options)
    assert isinstance(result, Article), result
    return result


def paragraphs(article: Article) -> list[str]:
    return [article.text[s:e] for s, e in article.paragraphs]


# --- lines judged on their own ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Share this article", "prompt"),
        ("Share on Facebook", "prompt"),
        ("Email this story to a colleague", "prompt"),
        ("Print this page", "prompt"),
        ("Printer-friendly version", "prompt"),
        ("Follow us on Twitter", "prompt"),
        ("Subscribe today", "prompt"),
        ("Sign up for our morning briefing and get the day's news in your inbox.", "newsletter"),
        ("Get the Evening Digest newsletter delivered every weekday", "newsletter"),
        ("© 2024 Ostvik Courier Ltd. All rights reserved.", "copyright"),
        ("Copyright 2019 by the Harbour Press", "copyright"),
        ("Related stories", "related"),
        ("More from Europe:", "related"),
        ("You might also like", "related"),
        ("12 comments", "related"),
        ("Leave a comment below and tell us what you think of the plan", "comments"),
        ("Click here for the full timetable of the new line", "prompt"),
        ("Story continues below advertisement", "prompt"),
        ("Home | News | Europe | Transport", "link"),
        ("https://courier.example/trams/2024/plan", "link"),
        ("Photo: Lena Sand / Courier", "caption"),
        ("(Reporting by Ann Vik; editing by Tom Lund)", "credit-line"),
        ("* * *", "symbols"),
        ("Tuesday, March 12, 2024 14:05 GMT", "date"),
        ("12.03.2024", "date"),
        # lines a naive keyword list would wrongly drop
        ("Readers share their memories of the old tram", KEPT),
        ("Putin to send troops to Syria", KEPT),
        ("The council will print new timetables for every stop.", KEPT),
        ("Moscow rules out coalition with joint command", KEPT),
        ("She said the comments made by the mayor were unfair to the drivers.", KEPT),
        ("Tram line approved", KEPT),
        ("In March 2024, 1,200 people signed the petition.", KEPT),
    ],
)
def test_line_kind(line: str, kind: str) -> None:
    assert line_kind(line, len(line.split())) == kind


# --- boilerplate in context -------------------------------------------------------------------


def test_related_list_and_trailing_furniture_are_dropped() -> None:
    text = "\n".join(
        [
            *BODY,
            "Share this",
            "Print",
            "Related",
            "Ostvik buses to run all night at weekends",
            "Ferry fares to rise in May",
            "03/04/2024 10:12",
            "Stay informed with our weekly update, delivered free",
            "Ostvik Courier: news you can trust since 1889",
        ]
    )
    article = cleaned(text, title="Ostvik approves tram line")
    assert paragraphs(article) == BODY


def test_foreign_closing_line_is_dropped_but_not_a_foreign_quote_inside() -> None:
    quote = "« Nous sommes très contents de cette décision pour la ville », a dit le maire."
    motto = "La nostra città, il nostro futuro: ecco il nostro compito per il domani!"
    article = cleaned("\n".join([BODY[0], quote, BODY[1], motto]), title="Tram line approved")
    assert paragraphs(article) == [BODY[0], fold_quotes(quote), BODY[1]]


def test_headline_repeated_in_the_body_is_dropped() -> None:
    title = "Tram line approved ‘at last’"
    text = "\n".join(
        [BODY[0], BODY[1], "Tram line approved 'at last'", "Tram line approved 'at last' | Courier"]
    )
    article = cleaned(text, title=title)
    assert paragraphs(article) == BODY[:2]
    assert article.title == "Tram line approved 'at last'"


def test_a_text_that_is_only_its_headline_is_kept() -> None:
    line = "A storm closed the coast road for three hours on Sunday."
    assert cleaned(line, title=line).text == line


def test_date_title_is_read_as_the_date_and_the_headline_found_below() -> None:
    text = "\n".join(["Send to a friend", "", "Tram line approved", "", "by Ola Nordmann", *BODY])
    article = cleaned(text, title="03/21/2024, 09.30")
    assert article.title == "Tram line approved"
    assert article.published == datetime(2024, 3, 21, 9, 30)
    assert article.byline == "Ola Nordmann"
    assert paragraphs(article) == BODY


def test_record_date_wins_over_a_date_in_the_text() -> None:
    article = cleaned("March 1, 2020\n" + "\n".join(BODY), title="T x y", published="2024-03-21")
    assert article.published == datetime(2024, 3, 21)


# --- datelines and credits --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "place", "credits", "rest"),
    [
        (
            "Moscow (AsiaNews / Agencies) - Russia and the US agreed.",
            "Moscow",
            ("AsiaNews", "Agencies"),
            "Russia and",
        ),
        ("Washington (CNN)Donald Trump wants a new plan.", "Washington", ("CNN",), "Donald Trump"),
        ("LONDON (AP) _ An influential lawmaker spoke.", "London", ("AP",), "An influential"),
        (
            "BRUSSELS, January 22 (Xinhua) -- Two polls showed support.",
            "Brussels",
            ("Xinhua",),
            "Two polls",
        ),
        ("NEW YORK, Sept. 28 (Reuters) - Stocks fell.", "New York", ("Reuters",), "Stocks fell"),
        ("BERLIN (dpa) - Die Regierung plant neue Gesetze.", "Berlin", ("dpa",), "Die Regierung"),
        ("(Reuters) — The attorney general is investigating.", None, ("Reuters",), "The attorney"),
        ("WASHINGTON — The Senate passed the bill.", "Washington", (), "The Senate"),
        ("SAN JOSE, Calif. — A fire broke out.", "San Jose", (), "A fire"),
    ],
)
def test_find_dateline(
    paragraph: str, place: str | None, credits: tuple[str, ...], rest: str
) -> None:
    found = find_dateline(paragraph, upper_only_place=True)
    assert found is not None
    assert (found.place, found.credits) == (place, credits)
    assert paragraph[found.length :].startswith(rest)


@pytest.mark.parametrize(
    "paragraph",
    [
        "Islamic State (IS, formerly ISIL) militants attacked the town.",
        "Russia, Iran, Iraq and Syria (the four partners) agreed to share data.",
        "President Putin (pictured) said he was ready.",
        "UPDATE - The road has reopened.",
        "(Updated 5:30 p.m.) The road has reopened.",
        "The mayor (Labour) - who was re-elected - spoke.",
    ],
)
def test_not_a_dateline(paragraph: str) -> None:
    assert find_dateline(paragraph, upper_only_place=True) is None


def test_place_alone_only_counts_in_the_first_paragraphs() -> None:
    assert find_dateline("WASHINGTON — The Senate voted.", upper_only_place=False) is None
    assert find_dateline("Washington (AP) — The Senate voted.", upper_only_place=False)


def test_datelines_are_stripped_into_metadata() -> None:
    text = "\n\n".join(
        [
            "Ostvik (Courier / Agencies) - " + BODY[0],
            BODY[1],
            "Bergen (NTB)The neighbouring city wants a tram line too, its mayor said.",
        ]
    )
    article = cleaned(text, title="Tram line approved")
    assert article.dateline == "Ostvik"
    assert article.credits == ("Courier", "Agencies", "NTB")
    assert paragraphs(article)[0] == BODY[0]
    assert paragraphs(article)[2].startswith("The neighbouring city")
    off = cleaned(text, CleanOptions(datelines=False), title="Tram line approved")
    assert off.dateline is None and off.text.startswith("Ostvik (Courier")


# --- bylines and dates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("by Nina Berg", "Nina Berg"),
        ("By JANE DOE, Associated Press", "Jane Doe"),
        ("By Jane Doe and John Roe", "Jane Doe, John Roe"),
        ("BY Ana de la Cruz | Harbour Daily", "Ana de la Cruz"),
        ("By: Tom Lund, Staff Writer", "Tom Lund"),
        ("by the time the tram arrives", None),
        ("By Monday the council had decided to build the line across the river.", None),
    ],
)
def test_find_byline(line: str, name: str | None) -> None:
    assert find_byline(line) == name


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("09/29/2015, 00.00", datetime(2015, 9, 29)),
        ("19/09/2016 16:44", datetime(2016, 9, 19, 16, 44)),
        ("Saturday, January 8, 2005", datetime(2005, 1, 8)),
        ("Published: 12 March 2021 14:05 GMT", datetime(2021, 3, 12, 14, 5)),
        ("Updated Sept. 3, 2019 at 4:30 pm", datetime(2019, 9, 3, 16, 30)),
        ("2020-02-29", datetime(2020, 2, 29)),
        ("March 2021", None),  # no day
        ("The 12 days of March 2021", None),
    ],
)
def test_parse_date_line(line: str, expected: datetime | None) -> None:
    assert parse_date_line(line) == expected


def test_ambiguous_numeric_dates_follow_dayfirst() -> None:
    assert parse_date_line("05/02/2016") == datetime(2016, 5, 2)
    assert parse_date_line("05/02/2016", dayfirst=True) == datetime(2016, 2, 5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-09-29T12:00:00Z", datetime(2015, 9, 29, 12)),
        ("2015-09-29T14:00:00+02:00", datetime(2015, 9, 29, 12)),
        ("Tue, 29 Sep 2015 12:00:00 GMT", datetime(2015, 9, 29, 12)),
        ("1998-10-17", datetime(1998, 10, 17)),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_record_dates(value: str | None, expected: datetime | None) -> None:
    assert parse_date(value) == expected


# --- language ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The mayor said that the new line will be ready in two years.", "en"),
        ("Le maire a dit que la nouvelle ligne sera prête dans deux ans.", "fr"),
        ("Der Bürgermeister sagte, dass die neue Linie in zwei Jahren fertig ist.", "de"),
        ("El alcalde dijo que la nueva línea estará lista en dos años.", "es"),
        ("Il sindaco ha detto che la nuova linea sarà pronta tra due anni.", "it"),
        ("De burgemeester zei dat de nieuwe lijn over twee jaar klaar is.", "nl"),
        ("Мэр сказал, что новая линия будет готова через два года, и это важно.", "ru"),
        ("Ο δήμαρχος είπε ότι η νέα γραμμή θα είναι έτοιμη.", "el"),
        ("市长说新线路将在两年内准备好。", "zh"),
        ("市長は新しい路線が二年で完成すると述べた。", "ja"),
        ("Ostvik Tram 2024", None),
    ],
)
def test_guess_language(text: str, language: str | None) -> None:
    assert guess_language(text) == language


@pytest.mark.parametrize(
    ("given", "code"),
    [("en", "en"), ("English", "en"), ("en-US", "en"), ("pt_BR", "pt"), ("", None), ("??", None)],
)
def test_normalize_language(given: str, code: str | None) -> None:
    assert normalize_language(given) == code


def test_language_from_input_wins_and_is_normalized() -> None:
    assert cleaned("\n".join(BODY), title="x y z", language="English").language == "en"
    assert cleaned("\n".join(BODY), title="x y z").language == "en"


# --- text normalization and offsets -----------------------------------------------------------


def test_whitespace_and_quotes_are_normalized_with_offsets_back_to_the_source() -> None:
    source = (
        "  “The line,”  he said,\u00a0 ``is   ready''.\n\n\n"
        "Second\tparagraph   here &amp; now\u200b.\r\n"
    )
    article = cleaned(source, title="Tram")
    assert article.text == '"The line," he said, "is ready".\n\nSecond paragraph here & now.'
    folded = fold_quotes(source)
    for i, char in enumerate(article.text):
        j = article.source_offset(i)
        assert 0 <= j < len(source)
        if char.isalnum() or char in ",.":
            assert folded[j] == char, (i, char, j)
    # every anchor is increasing in both texts
    anchors = article.source_offsets
    assert all(a[0] <= b[0] and a[1] <= b[1] for a, b in itertools.pairwise(anchors))
    start = article.text.index("Second")
    assert source[article.source_offset(start) :].startswith("Second")


def test_offsets_survive_removed_lines_and_datelines() -> None:
    source = "Share this\nOSTVIK (Courier) - " + BODY[0] + "\nPrint\n" + BODY[1] + "\n"
    article = cleaned(source, title="Tram")
    for para_start, _ in article.paragraphs:
        mapped = article.source_offset(para_start)
        assert source[mapped : mapped + 20] == article.text[para_start : para_start + 20]


def test_hard_wrapped_paragraphs_are_joined() -> None:
    wrapped = (
        "The city council of Ostvik approved the new tram line\n"
        "on Monday after a debate that lasted most of the day\n"
        "and well into the night.\n"
        "\n"
        "Work on the first section will start in the spring and\n"
        "should take two years to finish, officials said.\n"
    )
    units = split_units(wrapped)
    assert len(units) == 2
    article = cleaned(wrapped, title="Tram")
    assert paragraphs(article)[0].endswith("lasted most of the day and well into the night.")


def test_unwrapped_lines_stay_lines() -> None:
    lines = "Send to a friend\nPrintable version\nSee also\nFerry fares to rise in May\n"
    assert len(split_units(lines)) == 4


# --- rejections and options -------------------------------------------------------------------


def test_rejections_name_the_record_and_the_reason() -> None:
    empty = clean_document(RawDocument(origin="a.jsonl:3", format="json", text=" "))
    assert isinstance(empty, Rejection) and empty.origin == "a.jsonl:3"
    only_boilerplate = clean_document(raw("Share this\nSubscribe now\nPrintable version"))
    assert isinstance(only_boilerplate, Rejection)
    assert only_boilerplate.reason == "no text is left once boilerplate is removed"
    huge = clean_document(raw("word " * 1000), CleanOptions(max_chars=100))
    assert isinstance(huge, Rejection) and "over the limit of 100" in huge.reason


def test_clean_options_are_validated() -> None:
    with pytest.raises(ConfigError, match="repeat_min_docs"):
        CleanOptions(repeat_min_docs=1)
    with pytest.raises(ConfigError, match="max_chars"):
        CleanOptions(max_chars=-1)


def test_boilerplate_can_be_kept() -> None:
    text = "\n".join([*BODY, "Share this article"])
    assert cleaned(text, CleanOptions(boilerplate=False), title="T").text.endswith(
        "Share this article"
    )


# --- the stream: order, rejections, lines repeated across one outlet --------------------------


def outlet_article(n: int, footer: bool = True, source: str = "Ostvik Courier") -> RawDocument:
    lines = [
        f"Story number {n} tells of the council meeting held on day {n} of the month.",
        f"The mayor answered {n} questions from residents about the budget.",
    ]
    if footer:
        lines.append("Ostvik Courier, the voice of the fjord")
    return RawDocument(
        origin=f"o{n}", format="json", text="\n".join(lines), title=f"Story {n}", source=source
    )


def test_lines_repeated_across_an_outlet_are_dropped() -> None:
    batch = [outlet_article(n) for n in range(6)]
    results = list(clean(batch))
    assert all(isinstance(a, Article) for a in results)
    assert not any("voice of the fjord" in a.text for a in results if isinstance(a, Article))
    # one article alone keeps the line: nothing to compare it with
    single = clean_document(outlet_article(1))
    assert isinstance(single, Article) and "voice of the fjord" in single.text


def test_repetition_is_counted_per_outlet_and_can_be_switched_off() -> None:
    mixed = [outlet_article(n, source=f"Outlet {n}") for n in range(6)]
    assert all("voice of the fjord" in a.text for a in clean(mixed) if isinstance(a, Article))
    same = [outlet_article(n) for n in range(6)]
    off = CleanOptions(repeat_window=0)
    assert all("voice of the fjord" in a.text for a in clean(same, off) if isinstance(a, Article))


def test_the_window_carries_counts_over_and_keeps_order() -> None:
    batch: list[RawDocument | Rejection] = [outlet_article(n) for n in range(10)]
    batch.insert(3, Rejection("bad.txt", "empty file"))
    results = list(clean(batch, CleanOptions(repeat_window=4)))
    assert [r.origin for r in results] == [
        "o0", "o1", "o2", "bad.txt", "o3", "o4", "o5", "o6", "o7", "o8", "o9"
    ]  # fmt: skip
    texts = [r.text for r in results if isinstance(r, Article)]
    assert not any("voice of the fjord" in t for t in texts)


def test_a_paragraph_shared_by_a_few_updates_is_kept() -> None:
    shared = "The tram line was first proposed in 1998 and rejected twice since then."
    updates = [
        RawDocument(
            origin=f"u{n}",
            format="json",
            text=f"Update {n}: the council met again on day {n}.\n{shared}",
            title=f"Update {n}",
            source="Courier",
        )
        for n in range(4)
    ]
    others = [outlet_article(n, footer=False, source="Courier") for n in range(6)]
    results = [a for a in clean([*updates, *others]) if isinstance(a, Article)]
    assert sum(shared in a.text for a in results) == 4


# --- the seeds --------------------------------------------------------------------------------

SEED_BOILERPLATE = ("Send to a friend", "Printable version", "Subscribe now", "See also")


@pytest.mark.shared_data
def test_seeds(seeds_dir: Path) -> None:
    articles = {Path(a.origin or "").name[:3]: a for a in clean(read([seeds_dir]))}
    assert len(articles) == 5 and all(isinstance(a, Article) for a in articles.values())
    for article in articles.values():
        assert isinstance(article, Article)
        for phrase in SEED_BOILERPLATE:
            assert phrase not in article.text
        assert "terzo millennio" not in article.text  # the closing motto
        assert "19/09/2016" not in article.text  # dates of the "See also" list
        assert article.language == "en"
    a004 = articles["004"]
    assert isinstance(a004, Article)
    assert a004.dateline == "Moscow" and a004.credits == ("AsiaNews", "Agencies")
    assert a004.published == datetime(2015, 9, 29)
    assert a004.byline == "Nina Achmatova"
    assert a004.title == "Putin and Obama attempt talks on Syria"
    assert "Russia and the US have agreed" in a004.text
    assert "(AsiaNews" not in a004.text
    assert a004.text.rstrip().endswith('On this basis we can cooperate".')
    a001 = articles["001"]
    assert isinstance(a001, Article)
    assert a001.dateline == "Washington" and a001.credits == ("CNN",)
    assert "\n\nDonald Trump wants to flip" in a001.text
    assert "(CNN)" not in a001.text
    assert "Right Now' To Send Troops" not in a001.text  # the headline repeated at the end
    assert a001.title == "Putin: No Plans 'Right Now' To Send Troops To Syria"


def test_docstring_examples() -> None:
    import doctest

    import newsweave.clean.language

    assert doctest.testmod(newsweave.clean.language).failed == 0
