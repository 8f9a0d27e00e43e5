"""Print story digests as plain text, Markdown, a self-contained HTML page, or JSON.

Every article-derived string (headlines, summary sentences, quotes, speakers, entity names,
outlets, titles, URLs) is escaped for the format it goes into: control characters never reach
a terminal, Markdown punctuation is backslash-escaped, HTML is escaped and only ``http(s)``
URLs become links.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from newsweave.digest.view import EntityLine, QuoteLine, SpeakerLine, StoryDigest
from newsweave.model import EntityType, to_dict

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "markdown", "html", "json")
WIDTH = 100  # text output is wrapped to this many columns
ALIASES_SHOWN = 3  # other names shown beside an entity's name

# C0/C1 control characters other than newline and tab: article text must not drive a terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-!|~])")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def render(digests: Sequence[StoryDigest], fmt: str) -> str:
    """``digests`` in the format ``fmt`` (one of :data:`FORMATS`)."""
    renderers: dict[str, Callable[[Sequence[StoryDigest]], str]] = {
        "text": _text,
        "markdown": _markdown,
        "html": _html,
        "json": _json,
    }
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return renderers[fmt](digests)


# --- shared pieces ----------------------------------------------------------------------------


def _clean(text: str | None) -> str:
    return _CONTROL.sub(" ", text or "")


def _day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "undated"


def _span(digest: StoryDigest) -> str:
    first, last = digest.first_published, digest.last_published
    if first is None:
        return "undated"
    if last is None or _day(first) == _day(last):
        return _day(first)
    return f"{_day(first)} to {_day(last)}"


def _counts(digest: StoryDigest) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    outlets = plural(digest.n_outlets, "outlet") if digest.n_outlets else "outlets unknown"
    parts = [plural(digest.n_articles, "article"), outlets]
    if digest.n_origins:
        parts.append(plural(digest.n_origins, "independent origin"))
    return ", ".join(parts)


def _no_summary(digest: StoryDigest) -> str:
    if digest.method is None:
        return "No summary yet: run `newsweave digest`."
    return "No sentence of these articles fits the summary's word budget."


def _markers(numbers: Sequence[int]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _plural(n: int, word: str, words: str | None = None) -> str:
    return f"{n} {word if n == 1 else (words or word + 's')}"


_TYPE_HEADINGS = {
    EntityType.PER: ("People", "people", "n_people"),
    EntityType.ORG: ("Organisations", "organisations", "n_organisations"),
    EntityType.LOC: ("Places", "places", "n_places"),
}


def _speaker_name(speaker: SpeakerLine) -> str:
    return speaker.name or "Unattributed"


def _speaker_count(speaker: SpeakerLine) -> str:
    shown = len(speaker.quotes)
    more = f", {shown} shown" if shown < speaker.n_remarks else ""
    return f"({_plural(speaker.n_remarks, 'remark')}{more})"


def _more_speakers(digest: StoryDigest) -> str:
    hidden = digest.n_speakers - len(digest.speakers or ())
    return f"… and {_plural(hidden, 'more speaker')}" if hidden > 0 else ""


def _no_quotes(digest: StoryDigest) -> str:
    return "No quotes found in these articles."


def _entity_groups(digest: StoryDigest) -> list[tuple[str, list[EntityLine], int]]:
    """(heading, the entities listed, how many more) for each type with entities."""
    out = []
    for kind, (heading, _, total_field) in _TYPE_HEADINGS.items():
        listed = [e for e in digest.entities or () if e.type is kind]
        total: int = getattr(digest, total_field)
        if listed:
            out.append((heading, listed, total - len(listed)))
    return out


def _entity_rows(
    digest: StoryDigest,
    escape: Callable[[str | None], str],
    aside: Callable[[str], str] = lambda note: f"({note})",
) -> list[tuple[str, str]]:
    """(heading, its entities in one line) per type: each name escaped, then ``aside`` of its
    counts and other names (``aside`` gets escaped text)."""
    rows = []
    for heading, listed, more in _entity_groups(digest):
        names = []
        for e in listed:
            aka = ", ".join(escape(a) for a in e.aliases[:ALIASES_SHOWN])
            names.append(
                f"{escape(e.name)} " + aside(_entity_note(e) + (f"; also {aka}" if aka else ""))
            )
        if more > 0:
            names.append(aside(f"and {more} more"))
        rows.append((heading, "; ".join(names)))
    return rows


def _entity_note(entity: EntityLine) -> str:
    """ "12 mentions in 4 articles" — what follows an entity's name."""
    return f"{_plural(entity.mentions, 'mention')} in {_plural(len(entity.sources), 'article')}"


def _published(value: datetime | None) -> str:
    if value is None:
        return "undated"
    return value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else _day(value)


# --- text -------------------------------------------------------------------------------------


def _text(digests: Sequence[StoryDigest]) -> str:
    blocks = []
    for digest in digests:
        out = [_clean(digest.headline), f"{_span(digest)} · {_counts(digest)}"]
        if digest.note:
            out.append(textwrap.fill(digest.note, WIDTH))
        out.append("")
        if digest.lines:
            for line in digest.lines:
                out.append(textwrap.fill(f"{_clean(line.text)} {_markers(line.sources)}", WIDTH))
        else:
            out.append(_no_summary(digest))
        out.append("")
        out.append("Sources")
        for s in digest.sources:
            title = f"“{_clean(s.title)}”" if s.title else "(untitled)"
            outlet = _clean(s.outlet) or "unknown outlet"
            row = f"[{s.number}] {outlet}, {title}, {_published(s.published)}"
            out.append(row + (f"\n    {_clean(s.url)}" if s.url else ""))
        out += _text_said(digest)
        blocks.append("\n".join(out))
    return ("\n\n" + "=" * 40 + "\n\n").join(blocks) + "\n"


def _text_said(digest: StoryDigest) -> list[str]:
    """Who said what, then the people, organisations and places (nothing when not computed)."""
    out: list[str] = []
    if digest.speakers is not None:
        out += ["", "Who said what"]
        if not digest.speakers:
            out.append("  " + _no_quotes(digest))
        for speaker in digest.speakers:
            out.append(f"  {_clean(_speaker_name(speaker))} {_speaker_count(speaker)}")
            for quote in speaker.quotes:
                out += _text_quote(quote)
        if _more_speakers(digest):
            out.append("  " + _more_speakers(digest))
    if digest.entities is not None:
        out += ["", "People, organisations and places"]
        if not digest.entities:
            out.append("  No names found in these articles.")
        for heading, names in _entity_rows(digest, _clean):
            out.append(
                textwrap.fill(
                    f"{heading}: {names}", WIDTH, initial_indent="  ", subsequent_indent="    "
                )
            )
    return out


def _text_quote(quote: QuoteLine) -> list[str]:
    def fill(text: str, first: str, rest: str) -> str:
        return textwrap.fill(text, WIDTH, initial_indent=first, subsequent_indent=rest)

    said = _clean(quote.text) if quote.direct else f"(reported) {_clean(quote.text)}"
    out = [fill(f"{said} {_markers(quote.sources)}", "    - ", "      ")]
    for variant in quote.variants:
        out.append(
            fill(
                f"worded differently in [{variant.number}]: {_clean(variant.text)}",
                "      ! ",
                "        ",
            )
        )
    if quote.trimmed:
        out.append(f"      trimmed in {_markers(quote.trimmed)}")
    return out


# --- Markdown ---------------------------------------------------------------------------------


def _md(text: str | None) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(_clean(text).split()))


def _markdown(digests: Sequence[StoryDigest]) -> str:
    blocks = []
    for digest in digests:
        anchor = f"story-{digest.id}"
        out = [f"## {_md(digest.headline)}", "", f"*{_span(digest)} · {_counts(digest)}*", ""]
        if digest.note:
            out += [f"> {_md(digest.note)}", ""]
        if digest.lines:
            for line in digest.lines:
                refs = "".join(f"[\\[{n}\\]](#{anchor}-{n})" for n in line.sources)
                out.append(f"{_md(line.text)} {refs}")
            out.append("")
        else:
            out += [f"*{_no_summary(digest)}*", ""]
        out += ["**Sources**", ""]
        for s in digest.sources:
            title = _md(s.title) or "(untitled)"
            if s.url and _SAFE_URL.match(s.url):
                title = f"[{title}](<{s.url}>)"
            out.append(
                f'{s.number}. <a id="{anchor}-{s.number}"></a>{_md(s.outlet) or "unknown outlet"}'
                f", {title}, {_published(s.published)}"
            )
        out += _markdown_said(digest, anchor)
        blocks.append("\n".join(out))
    return "# Stories\n\n" + "\n\n---\n\n".join(blocks) + "\n"


def _markdown_said(digest: StoryDigest, anchor: str) -> list[str]:
    def refs(numbers: Sequence[int]) -> str:
        return "".join(f"[\\[{n}\\]](#{anchor}-{n})" for n in numbers)

    out: list[str] = []
    if digest.speakers is not None:
        out += ["", "**Who said what**", ""]
        if not digest.speakers:
            out.append(f"*{_no_quotes(digest)}*")
        for speaker in digest.speakers:
            out.append(f"- **{_md(_speaker_name(speaker))}** {_speaker_count(speaker)}")
            for quote in speaker.quotes:
                said = _md(quote.text) if quote.direct else f"*reported:* {_md(quote.text)}"
                out.append(f"  - {said} {refs(quote.sources)}")
                for variant in quote.variants:
                    out.append(
                        f"    - *worded differently in* {refs([variant.number])}: "
                        f"{_md(variant.text)}"
                    )
                if quote.trimmed:
                    out.append(f"    - *trimmed in* {refs(quote.trimmed)}")
        if _more_speakers(digest):
            out.append(f"- *{_more_speakers(digest)}*")
    if digest.entities is not None:
        out += ["", "**People, organisations and places**", ""]
        if not digest.entities:
            out.append("*No names found in these articles.*")
        for heading, names in _entity_rows(digest, _md):
            out.append(f"- *{heading}:* {names}")
    return out


# --- HTML -------------------------------------------------------------------------------------

_STYLE = """
body { font: 16px/1.55 Georgia, 'Times New Roman', serif; color: #1d1d1f; background: #fafaf7;
       margin: 0 auto; max-width: 46rem; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 1.6rem; margin: 0 0 1.5rem; }
article { border-top: 1px solid #d8d6cf; padding: 1.5rem 0; }
h2 { font-size: 1.3rem; margin: 0 0 .3rem; line-height: 1.3; }
.meta, .note, .sources { font: 14px/1.5 system-ui, sans-serif; color: #55534d; }
.note { font-style: italic; }
.summary p { margin: .6rem 0; }
sup a { font: 12px system-ui, sans-serif; text-decoration: none; color: #1a5fb4; }
.sources ol { padding-left: 1.6rem; }
.sources li:target { background: #fff3b0; }
.said, .entities { font-size: 15px; margin-top: 1rem; }
.said > ul, .entities > ul { padding-left: 1.2rem; margin: .3rem 0; }
.said ul ul { padding-left: 1.1rem; }
.said li { margin: .3rem 0; }
.reported { font: 12px system-ui, sans-serif; color: #55534d; text-transform: uppercase; }
.variant, .trimmed, .count { font: 13px/1.4 system-ui, sans-serif; color: #55534d; }
.variant em { color: #a51d2d; font-style: normal; }
"""


def _h(text: str | None) -> str:
    return html.escape(_clean(text), quote=True)


def _html(digests: Sequence[StoryDigest]) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>newsweave digest</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Stories ({len(digests)})</h1>",
    ]
    for digest in digests:
        anchor = f"story-{_h(digest.id)}"
        parts.append(f'<article id="{anchor}">')
        parts.append(f"<h2>{_h(digest.headline)}</h2>")
        parts.append(f'<p class="meta">{_h(_span(digest))} · {_h(_counts(digest))}</p>')
        if digest.note:
            parts.append(f'<p class="note">{_h(digest.note)}</p>')
        parts.append('<div class="summary">')
        if digest.lines:
            for line in digest.lines:
                refs = "".join(
                    f'<sup><a href="#{anchor}-{n}" title="source {n}">[{n}]</a></sup>'
                    for n in line.sources
                )
                parts.append(f"<p>{_h(line.text)} {refs}</p>")
        else:
            parts.append(f"<p><em>{_h(_no_summary(digest))}</em></p>")
        parts.append('</div><div class="sources"><strong>Sources</strong><ol>')
        for s in digest.sources:
            title = _h(s.title) or "(untitled)"
            if s.url and _SAFE_URL.match(s.url):
                title = f'<a href="{_h(s.url)}" rel="noopener noreferrer">{title}</a>'
            parts.append(
                f'<li id="{anchor}-{s.number}" value="{s.number}">'
                f"{_h(s.outlet) or 'unknown outlet'}, {title}, {_h(_published(s.published))}</li>"
            )
        parts.append("</ol></div>")
        parts += _html_said(digest, anchor)
        parts.append("</article>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _html_said(digest: StoryDigest, anchor: str) -> list[str]:
    def refs(numbers: Sequence[int]) -> str:
        return "".join(
            f'<sup><a href="#{anchor}-{n}" title="source {n}">[{n}]</a></sup>' for n in numbers
        )

    parts: list[str] = []
    if digest.speakers is not None:
        parts.append('<section class="said"><strong>Who said what</strong>')
        if not digest.speakers:
            parts.append(f"<p><em>{_h(_no_quotes(digest))}</em></p>")
        parts.append("<ul>")
        for speaker in digest.speakers:
            parts.append(
                f"<li><strong>{_h(_speaker_name(speaker))}</strong> "
                f'<span class="count">{_h(_speaker_count(speaker))}</span><ul>'
            )
            for quote in speaker.quotes:
                kind = "" if quote.direct else '<span class="reported">reported</span> '
                parts.append(f"<li>{kind}{_h(quote.text)} {refs(quote.sources)}")
                for variant in quote.variants:
                    parts.append(
                        f'<div class="variant"><em>worded differently in</em> '
                        f"{refs([variant.number])}: {_h(variant.text)}</div>"
                    )
                if quote.trimmed:
                    parts.append(f'<div class="trimmed">trimmed in {refs(quote.trimmed)}</div>')
                parts.append("</li>")
            parts.append("</ul></li>")
        if _more_speakers(digest):
            parts.append(f'<li class="count">{_h(_more_speakers(digest))}</li>')
        parts.append("</ul></section>")
    if digest.entities is not None:
        parts.append('<section class="entities"><strong>People, organisations and places</strong>')
        if not digest.entities:
            parts.append("<p><em>No names found in these articles.</em></p>")
        parts.append("<ul>")
        for heading, names in _entity_rows(
            digest, _h, lambda note: f'<span class="count">({note})</span>'
        ):
            parts.append(f"<li><em>{_h(heading)}:</em> {names}</li>")
        parts.append("</ul></section>")
    return parts


# --- JSON -------------------------------------------------------------------------------------


def _json(digests: Sequence[StoryDigest]) -> str:
    rows: list[dict[str, Any]] = []
    for digest in digests:
        row = to_dict(digest)
        row["n_words"] = digest.n_words
        rows.append(row)
    return json.dumps({"stories": rows}, ensure_ascii=False, indent=2) + "\n"
