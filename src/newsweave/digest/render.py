"""Print story digests as plain text, Markdown, a self-contained HTML page, or JSON.

Every article-derived string (headlines, summary sentences, outlets, titles, URLs) is escaped
for the format it goes into: control characters never reach a terminal, Markdown punctuation is
backslash-escaped, HTML is escaped and only ``http(s)`` URLs become links.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from newsweave.digest.view import StoryDigest
from newsweave.model import to_dict

__all__ = ["FORMATS", "render"]

FORMATS = ("text", "markdown", "html", "json")
WIDTH = 100  # text output is wrapped to this many columns

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
        blocks.append("\n".join(out))
    return ("\n\n" + "=" * 40 + "\n\n").join(blocks) + "\n"


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
        blocks.append("\n".join(out))
    return "# Stories\n\n" + "\n\n---\n\n".join(blocks) + "\n"


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
        parts.append("</ol></div></article>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# --- JSON -------------------------------------------------------------------------------------


def _json(digests: Sequence[StoryDigest]) -> str:
    rows: list[dict[str, Any]] = []
    for digest in digests:
        row = to_dict(digest)
        row["n_words"] = digest.n_words
        rows.append(row)
    return json.dumps({"stories": rows}, ensure_ascii=False, indent=2) + "\n"
