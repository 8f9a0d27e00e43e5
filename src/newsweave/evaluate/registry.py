"""Methods the evaluation harness can run, by task and name: baselines and newsweave's own.

A method is a plain function registered under a task.  Each task fixes the function's shape:

==========  ==================================================================================
task        signature
==========  ==================================================================================
summarize   ``fn(docs: Sequence[Article], words: int) -> list[str]``: the summary's sentences,
            in reading order, within ``words`` words (the harness truncates again to be safe)
cluster     ``fn(articles: Sequence[Article]) -> list[str]``: one cluster label per article
pairs       ``fn(pairs: Sequence[tuple[str, str]]) -> Sequence[float]``: a score per pair,
            higher = more likely the same content; the harness picks the threshold
quotes      ``fn(article: Article) -> list[Quote]``
ner         ``fn(text: str) -> list[tuple[int, int, str]]``: ``[start, end)`` and a CoNLL type
extract     ``fn(html: str, url: str | None) -> str``: the main text of a page
==========  ==================================================================================

A ``summarize`` method may also take a keyword argument ``background: Sequence[Article]``:
for update summarization (DUC 2007) the harness passes the documents the reader has already
seen, and the summary should say what is new.  Methods without that parameter are called
without it.

newsweave's own method for a task is registered under the name ``newsweave`` (the default of
``newsweave eval``); variants use names starting with ``newsweave-``.  Baselines set
``baseline=True``.  ``params`` are reported beside the scores; a ``pairs`` method whose
``params`` hold a ``threshold`` is scored at that threshold unless ``--tune-on`` is given.

Modules register their methods when imported; :data:`PROVIDERS` lists the modules the harness
imports before looking a method up, so ``newsweave eval … --method NAME`` finds them all.  A
provider whose optional extra is missing is skipped, and its methods are reported unavailable.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from newsweave.errors import ConfigError

__all__ = ["PROVIDERS", "TASKS", "Method", "get", "methods", "register"]

log = logging.getLogger(__name__)

TASKS = ("summarize", "cluster", "pairs", "quotes", "ner", "extract")

# Modules that register methods.  Each issue adds its own module here.
PROVIDERS: tuple[str, ...] = ("newsweave.evaluate.baselines", "newsweave.evaluate.methods")


@dataclass(frozen=True)
class Method:
    task: str
    name: str
    fn: Callable[..., Any]
    description: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)  # reported beside the scores
    baseline: bool = False  # a library baseline rather than newsweave's own


_REGISTRY: dict[str, dict[str, Method]] = {task: {} for task in TASKS}
_LOADED = False
_UNAVAILABLE: dict[str, str] = {}  # provider module -> why it could not be imported


def register(
    task: str,
    name: str,
    *,
    description: str = "",
    params: Mapping[str, Any] | None = None,
    baseline: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: ``@register("pairs", "tfidf", baseline=True)``."""
    if task not in _REGISTRY:
        raise ConfigError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[task][name] = Method(
            task, name, fn, description, MappingProxyType(dict(params or {})), baseline
        )
        return fn

    return decorate


def _load_providers() -> None:
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for module in PROVIDERS:
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:  # the provider itself is not written (yet)
                log.debug("no evaluation methods module %s", module)
                continue
            _UNAVAILABLE[module] = str(exc)  # an optional extra is missing
            log.info("evaluation methods of %s unavailable: %s", module, exc)
        except ImportError as exc:
            _UNAVAILABLE[module] = str(exc)
            log.info("evaluation methods of %s unavailable: %s", module, exc)


def methods(task: str) -> dict[str, Method]:
    """Every registered method of ``task``, by name."""
    _load_providers()
    if task not in _REGISTRY:
        raise ConfigError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    return dict(sorted(_REGISTRY[task].items()))


def get(task: str, name: str) -> Method:
    """The method ``name`` of ``task``, or an error listing the ones there are."""
    found = methods(task)
    if name not in found:
        known = ", ".join(found) or "none"
        hint = ""
        if _UNAVAILABLE:
            hint = " (some providers could not load: " + "; ".join(_UNAVAILABLE.values()) + ")"
        raise ConfigError(f"no {task} method {name!r}; registered: {known}{hint}")
    return found[name]
