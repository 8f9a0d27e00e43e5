"""newsweave's own methods for the evaluation harness: one small function per task.

Each function calls the stage code the pipeline runs, so a score measures what newsweave does.
"""

from __future__ import annotations

from newsweave.evaluate.registry import register

__all__ = ["extract_newsweave", "extract_page_only"]


# --- extract ----------------------------------------------------------------------------------


@register(
    "extract",
    "newsweave",
    description="the HTML path of ingest: trafilatura (precision, no comments), then clean "
    "(boilerplate lines, repeated headline, dateline, byline): the body newsweave stores",
)
def extract_newsweave(html: str, url: str | None) -> str:
    from newsweave.clean import clean_document
    from newsweave.ingest import RawDocument, Rejection

    result = clean_document(RawDocument(origin=url or "page", format="html", html=html, url=url))
    return "" if isinstance(result, Rejection) else result.text


@register(
    "extract",
    "newsweave-page",
    description="only the extraction step of ingest (trafilatura, precision, no comments), "
    "before clean",
)
def extract_page_only(html: str, url: str | None) -> str:
    from newsweave.extract import extract_text

    return extract_text(html, url)
