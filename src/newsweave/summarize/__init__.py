"""Summarize stories: budgeted, redundancy-free summaries in which every sentence cites sources.

See :mod:`newsweave.summarize.core` for the steps.  The public names are re-exported here.
"""

from __future__ import annotations

from newsweave.summarize.core import (
    SOLVERS,
    SummarizeOptions,
    default_origins,
    method_name,
    summarize,
    summarize_story,
)
from newsweave.summarize.trim import TrimOptions, trim_sentence

__all__ = [
    "SOLVERS",
    "SummarizeOptions",
    "TrimOptions",
    "default_origins",
    "method_name",
    "summarize",
    "summarize_story",
    "trim_sentence",
]
