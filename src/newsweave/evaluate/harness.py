"""Run a method on a dataset and score it: one function per task, each returning a :class:`Report`.

The harness reads the gold file, calls the registered method (see :mod:`.registry`) on inputs
that carry no gold labels, scores the output with :mod:`.metrics` or :mod:`.rouge`, and times
it.  Reports are flat so ``newsweave eval … --json`` can print them as they are.

A method that fails on one item is logged; the item is scored as an empty answer and counted
under ``failed``, and the run goes on.
"""

from __future__ import annotations

import inspect
import json
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from newsweave.errors import ConfigError, InputError
from newsweave.evaluate import registry
from newsweave.evaluate.datasets import (
    Dataset,
    MdsCluster,
    NerSentence,
    Page,
    QuoteDoc,
    read_clustering,
    read_extraction,
    read_mds,
    read_ner,
    read_pairs,
    read_peers,
    read_quotes,
    read_references,
)
from newsweave.evaluate.metrics import (
    AnnotatedQuote,
    PredictedQuote,
    cluster_scores,
    entity_scores,
    extraction_scores,
    pair_scores,
    quote_scores,
    tune_threshold,
)
from newsweave.evaluate.rouge import RougeOptions, rouge_corpus
from newsweave.model import Quote
from newsweave.segment import split_sentences

__all__ = [
    "PROTOCOLS",
    "Protocol",
    "Report",
    "evaluate_cluster",
    "evaluate_extract",
    "evaluate_ner",
    "evaluate_pairs",
    "evaluate_quotes",
    "evaluate_summarize",
    "protocol_for",
    "score_peers",
]

log = logging.getLogger(__name__)

DEFAULT_METHOD = "newsweave"
CV_FOLDS = 5  # folds for pair thresholds when no tuning file is given
CV_SEED = 13


@dataclass(frozen=True)
class Report:
    """The scores of one method on one dataset, with what is needed to reproduce them."""

    task: str
    dataset: str
    method: str
    n: int
    seconds: float
    scores: Mapping[str, Any]
    params: Mapping[str, Any] = field(default_factory=dict)  # method and protocol settings
    notes: Mapping[str, Any] = field(default_factory=dict)  # skipped records, folded duplicates
    baseline: bool = False

    def to_json(self) -> dict[str, Any]:
        """One flat object: scores and notes at the top level, method settings under params."""
        out: dict[str, Any] = {
            "task": self.task,
            "dataset": self.dataset,
            "method": self.method,
            "baseline": self.baseline,
            "n": self.n,
            "seconds": round(self.seconds, 3),
        }
        for key, value in self.scores.items():
            out[key] = round(value, 5) if isinstance(value, float) else value
        out.update(self.notes)
        out["params"] = dict(self.params)
        return out


# --- summarization protocols ------------------------------------------------------------------


@dataclass(frozen=True)
class Protocol:
    """How a summarization dataset is scored: the word budget and the ROUGE measure read."""

    name: str
    words: int
    measure: Literal["recall", "f"]
    description: str

    def rouge(self, words: int | None = None) -> RougeOptions:
        return RougeOptions(words=self.words if words is None else words)


PROTOCOLS: dict[str, Protocol] = {
    p.name: p
    for p in (
        Protocol(
            "duc",
            100,
            "recall",
            "DUC 2003/2004 task 2: ROUGE-1.5.5 recall of 100-word summaries, Porter stemming, "
            "stopwords kept (-n 4 -m -l 100 -2 4 -u -f A)",
        ),
        Protocol(
            "duc2007-update",
            100,
            "recall",
            "DUC 2007 update task: 100-word summaries of subsets A, B, C; B and C are "
            "summarized knowing the earlier subsets (passed as background); ROUGE recall",
        ),
        Protocol(
            "multiling",
            250,
            "recall",
            "TAC 2011 MultiLing English: 250-word summaries, ROUGE recall with stemming",
        ),
        Protocol(
            "multinews",
            256,
            "f",
            "Multi-News (Fabbri et al. 2019): ROUGE F-measure of 256-word summaries, stemming",
        ),
    )
}


def protocol_for(dataset: str | Path) -> Protocol:
    """The protocol a dataset is scored with, from its file name (``duc2003.jsonl`` → duc)."""
    name = Path(dataset).name.lower()
    if name.startswith("duc2007"):
        return PROTOCOLS["duc2007-update"]
    for prefix, protocol in (
        ("duc", "duc"),
        ("multiling", "multiling"),
        ("multinews", "multinews"),
    ):
        if name.startswith(prefix):
            return PROTOCOLS[protocol]
    return PROTOCOLS["duc"]


# --- shared plumbing --------------------------------------------------------------------------


def _dataset_name(path: str | Path) -> str:
    return Path(path).name.split(".")[0]


class _Clock:
    """Wall time of the whole evaluation and of the method's own calls."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.method = 0.0

    @contextmanager
    def method_call(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.method += time.perf_counter() - started

    @property
    def total(self) -> float:
        return time.perf_counter() - self.start


def _call(
    clock: _Clock, failures: list[str], item: str, fn: Callable[..., Any], *args: Any, **kw: Any
) -> Any:
    """Call the method on one item; a failure is logged, counted and answered with None."""
    with clock.method_call():
        try:
            return fn(*args, **kw)
        except Exception as exc:  # a method's bug must not end the whole evaluation
            failures.append(item)
            log.warning("method failed on %s: %s: %s", item, type(exc).__name__, exc)
            return None


def _notes(data: Dataset[Any], failures: Sequence[str], **extra: Any) -> dict[str, Any]:
    notes: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if data.problems:
        notes["skipped"] = len(data.problems)
    if failures:
        notes["failed"] = len(failures)
    return notes


def _report(
    task: str,
    path: str | Path,
    method: registry.Method,
    n: int,
    clock: _Clock,
    scores: Mapping[str, Any],
    params: Mapping[str, Any],
    notes: Mapping[str, Any],
) -> Report:
    all_params = {**dict(method.params), **params, "method_seconds": round(clock.method, 3)}
    return Report(
        task=task,
        dataset=_dataset_name(path),
        method=method.name,
        n=n,
        seconds=clock.total,
        scores=scores,
        params=all_params,
        notes=notes,
        baseline=method.baseline,
    )


# --- summarization ----------------------------------------------------------------------------


def _accepts_background(fn: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    return "background" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


def summarize_clusters(
    method: registry.Method, clusters: Sequence[MdsCluster], words: int, clock: _Clock
) -> tuple[dict[str, list[str]], list[str]]:
    """Each cluster's summary sentences (empty when the method failed), and the failures."""
    background = _accepts_background(method.fn)
    failures: list[str] = []
    summaries: dict[str, list[str]] = {}
    for cluster in clusters:
        kwargs = {"background": cluster.background} if background else {}
        out = _call(clock, failures, cluster.id, method.fn, cluster.docs, words, **kwargs)
        if out is not None and not (
            isinstance(out, list | tuple) and all(isinstance(s, str) for s in out)
        ):
            failures.append(cluster.id)
            log.warning("method returned %s for %s, not a list of sentences", type(out), cluster.id)
            out = None
        summaries[cluster.id] = list(out or [])
    return summaries, failures


def evaluate_summarize(
    path: str | Path,
    method: str = DEFAULT_METHOD,
    *,
    words: int | None = None,
    limit: int | None = None,
    protocol: str | None = None,
    save_to: str | Path | None = None,
) -> Report:
    """ROUGE of ``method``'s summaries of the MDS clusters in ``path``.

    ``protocol`` (default: chosen from the file name, see :data:`PROTOCOLS`) fixes the word
    budget and the measure to read; ``words`` overrides the budget (and the ROUGE cut).
    ``save_to`` writes the summaries as peers JSONL (``{"id", "system", "summary"}``), which
    ``newsweave eval rouge`` scores again.
    """
    chosen = _protocol(protocol, path)
    budget = chosen.words if words is None else words
    if budget <= 0:
        raise ConfigError("summarize: the word budget must be positive")
    found = registry.get("summarize", method)
    clock = _Clock()
    data = read_mds(path).limit(limit)
    if not data.records:
        raise InputError("no clusters could be read", path=str(path))
    summaries, failures = summarize_clusters(found, data.records, budget, clock)
    if save_to is not None:
        with Path(save_to).open("w", encoding="utf-8") as out:
            for cluster_id, sentences in summaries.items():
                row = {"id": cluster_id, "system": found.name, "summary": "\n".join(sentences)}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    result = rouge_corpus(
        (
            (c.id, summaries[c.id], [sentence_lines(ref) for ref in c.summaries])
            for c in data.records
        ),
        chosen.rouge(budget),
    )
    params = {
        "protocol": chosen.name,
        "measure": chosen.measure,
        "words": budget,
        "limit": limit,
        "rouge": result.options.perl_args(),
    }
    return _report(
        "summarize", path, found, result.n, clock, result.flat(), params, _notes(data, failures)
    )


@lru_cache(maxsize=65536)
def sentence_lines(summary: str) -> str:
    """A summary given as one line, rewritten one sentence per line.

    ROUGE-1.5.5 reads a sentence per line; ROUGE-L takes the union LCS of each reference
    sentence with the peer's sentences, so a reference on a single line (DUC 2003, Multi-News)
    would be scored as one long sentence.  ROUGE-N and the word cut are unaffected.
    """
    if "\n" in summary.strip():
        return summary
    # cut at the sentence starts but keep every character: a fragment the splitter would drop
    # still counts as words for ROUGE-N and the word limit
    cuts = [start for start, _ in split_sentences(summary) if start > 0]
    pieces = (summary[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(summary)], strict=True))
    return "\n".join(piece for piece in pieces if piece)


def _protocol(name: str | None, path: str | Path) -> Protocol:
    if name is None:
        return protocol_for(path)
    if name not in PROTOCOLS:
        raise ConfigError(f"no protocol {name!r}; choose one of {', '.join(PROTOCOLS)}")
    return PROTOCOLS[name]


def score_peers(
    references: str | Path,
    peers: str | Path,
    options: RougeOptions | None = None,
    *,
    system: str | None = None,
    split: bool = False,
) -> list[Report]:
    """ROUGE of every system in ``peers`` against ``references``: one report per system.

    A cluster a system did not summarize is left out of that system's average (ROUGE-1.5.5
    does the same and warns); the report counts them under ``missing``.  With ``split``,
    summaries given on one line are split into sentences first (see :func:`sentence_lines`).
    """
    options = options or RougeOptions()
    refs = read_references(references)
    gold = dict(refs.records)
    if split:
        gold = {k: tuple(sentence_lines(r) for r in v) for k, v in gold.items()}
    if not gold:
        raise InputError("no reference summaries could be read", path=str(references))
    peer_data = read_peers(peers)
    by_system: dict[str, dict[str, str]] = defaultdict(dict)
    unknown: set[str] = set()
    for peer in peer_data.records:
        if peer.id not in gold:
            unknown.add(peer.id)
            continue
        if peer.id in by_system[peer.system]:
            raise InputError(
                f"two summaries of {peer.id} by system {peer.system!r}", path=str(peers)
            )
        by_system[peer.system][peer.id] = sentence_lines(peer.summary) if split else peer.summary
    if system is not None:
        if system not in by_system:
            known = ", ".join(sorted(by_system)) or "none"
            raise ConfigError(f"no system {system!r} in {peers}; systems: {known}")
        by_system = defaultdict(dict, {system: by_system[system]})
    if not by_system:
        raise InputError("no peer summary matches a reference id", path=str(peers))
    reports = []
    for name, summaries in sorted(by_system.items()):
        start = time.perf_counter()
        result = rouge_corpus(((i, s, gold[i]) for i, s in summaries.items()), options)
        notes: dict[str, Any] = {"missing": len(gold) - len(summaries)}
        if unknown:
            notes["unknown_ids"] = len(unknown)
        if refs.problems or peer_data.problems:
            notes["skipped"] = len(refs.problems) + len(peer_data.problems)
        reports.append(
            Report(
                task="rouge",
                dataset=_dataset_name(references),
                method=name or "peers",
                n=result.n,
                seconds=time.perf_counter() - start,
                scores=result.flat(),
                params={"rouge": options.perl_args(), "words": options.words, "split": split},
                notes=notes,
            )
        )
    return reports


# --- clustering -------------------------------------------------------------------------------


def evaluate_cluster(
    path: str | Path, method: str = DEFAULT_METHOD, *, limit: int | None = None
) -> Report:
    """B-cubed, pairwise, ARI and NMI of ``method``'s grouping of the articles in ``path``.

    ``limit`` keeps the articles of the first ``limit`` gold clusters (in file order).
    """
    found = registry.get("cluster", method)
    clock = _Clock()
    data, gold = read_clustering(path, limit)
    articles, labels = list(gold.articles), list(gold.labels)
    if not articles:
        raise InputError("no articles could be read", path=str(path))
    failures: list[str] = []
    predicted = _call(clock, failures, "all articles", found.fn, articles)
    if predicted is None or len(predicted) != len(articles):
        raise ConfigError(
            f"cluster method {method!r} must return one label per article "
            f"({len(articles)}), got {None if predicted is None else len(predicted)}"
        )
    scores = cluster_scores(labels, [str(p) for p in predicted]).as_dict()
    notes = _notes(
        data,
        failures,
        in_two_gold_clusters=gold.in_two_clusters,
        duplicates_dropped=gold.duplicates,
    )
    return _report("cluster", path, found, len(articles), clock, scores, {"limit": limit}, notes)


# --- pairs ------------------------------------------------------------------------------------


def _pair_scores_of(
    method: registry.Method, pairs: Sequence[tuple[str, str]], clock: _Clock
) -> list[float]:
    with clock.method_call():
        scores = [float(s) for s in method.fn(pairs)]
    if len(scores) != len(pairs):
        raise ConfigError(
            f"pairs method {method.name!r} returned {len(scores)} scores for {len(pairs)} pairs"
        )
    return scores


def _cross_validated(
    labels: Sequence[int], scores: Sequence[float], objective: str
) -> tuple[dict[str, Any], float]:
    """Score every pair with a threshold tuned on the other folds; also the mean threshold."""
    order = list(range(len(labels)))
    random.Random(CV_SEED).shuffle(order)
    folds = [order[k::CV_FOLDS] for k in range(CV_FOLDS)]
    predicted_at: dict[int, float] = {}
    thresholds = []
    for k, fold in enumerate(folds):
        rest = [i for j, f in enumerate(folds) if j != k for i in f]
        t = tune_threshold([labels[i] for i in rest], [scores[i] for i in rest], objective)
        thresholds.append(t)
        for i in fold:
            predicted_at[i] = t
    # each pair is judged against its own fold's threshold: shift scores so one cut applies
    shifted = [scores[i] - predicted_at[i] for i in range(len(labels))]
    result = pair_scores(labels, shifted, 0.0).as_dict()
    result["auc"] = pair_scores(labels, scores, 0.0).auc
    mean = sum(thresholds) / len(thresholds)
    result["threshold"] = mean
    return result, mean


def evaluate_pairs(
    path: str | Path,
    method: str = DEFAULT_METHOD,
    *,
    tune_on: str | Path | None = None,
    objective: str = "accuracy",
    limit: int | None = None,
) -> Report:
    """Accuracy, P/R/F1 at a threshold and ROC AUC of ``method``'s pair scores.

    The threshold comes from ``tune_on`` (another labelled file) when given, else from the
    method's own ``threshold`` parameter, else from 5-fold cross-validation on ``path``: each
    fold is judged at the threshold tuned on the other four.  ``threshold_source`` says which.
    """
    found = registry.get("pairs", method)
    clock = _Clock()
    data = read_pairs(path).limit(limit)
    if not data.records:
        raise InputError("no pairs could be read", path=str(path))
    if tune_on is not None and Path(tune_on).resolve() == Path(path).resolve():
        raise ConfigError("--tune-on must name a different file from the one scored")
    labels = [p.label for p in data.records]
    scores = _pair_scores_of(found, [(p.text_a, p.text_b) for p in data.records], clock)
    params: dict[str, Any] = {"objective": objective, "limit": limit}
    if tune_on is not None:
        tuning = read_pairs(tune_on)
        tune_scores = _pair_scores_of(found, [(p.text_a, p.text_b) for p in tuning.records], clock)
        threshold = tune_threshold([p.label for p in tuning.records], tune_scores, objective)
        result = pair_scores(labels, scores, threshold).as_dict()
        source = f"tuned on {_dataset_name(tune_on)}"
    elif "threshold" in found.params:
        result = pair_scores(labels, scores, float(found.params["threshold"])).as_dict()
        source = "method"
    else:
        result, _ = _cross_validated(labels, scores, objective)
        source = f"{CV_FOLDS}-fold cross-validation (threshold: mean over folds)"
    notes = _notes(data, [], threshold_source=source)
    return _report("pairs", path, found, len(labels), clock, result, params, notes)


# --- quotes, entities, extraction -------------------------------------------------------------


def _as_predicted(quote: Quote) -> PredictedQuote:
    speaker = (quote.speaker.start, quote.speaker.end) if quote.speaker is not None else None
    return PredictedQuote((quote.content.start, quote.content.end), quote.direct, speaker)


T = TypeVar("T")


def _per_item(
    task: str,
    path: str | Path,
    method: str,
    limit: int | None,
    records: Dataset[T],
    call: Callable[[T], tuple[str, tuple[Any, ...]]],
    score: Callable[[Sequence[T], Sequence[Any]], Mapping[str, Any]],
) -> Report:
    """Call the method once per record (``call`` gives the item's name and arguments), then
    score all outputs at once; a failed call yields None for that record."""
    found = registry.get(task, method)
    clock = _Clock()
    data = records.limit(limit)
    if not data.records:
        raise InputError("no records could be read", path=str(path))
    failures: list[str] = []
    outputs = []
    for record in data.records:
        name, args = call(record)
        outputs.append(_call(clock, failures, name, found.fn, *args))
    scores = score(data.records, outputs)
    params = {"limit": limit}
    return _report(task, path, found, len(outputs), clock, scores, params, _notes(data, failures))


def evaluate_quotes(
    path: str | Path, method: str = DEFAULT_METHOD, *, limit: int | None = None
) -> Report:
    """Quote spans (direct and all, exact and overlapping) and speakers against PolNeAR."""

    def score(docs: Sequence[QuoteDoc], outputs: Sequence[Any]) -> dict[str, float]:
        return quote_scores(
            (
                doc.article.text,
                [_as_predicted(q) for q in (out or [])],
                [AnnotatedQuote(q.spans, q.direct, q.speaker_spans) for q in doc.quotes],
            )
            for doc, out in zip(docs, outputs, strict=True)
        )

    def call(doc: QuoteDoc) -> tuple[str, tuple[Any, ...]]:
        return doc.article.external_id or doc.article.id, (doc.article,)

    return _per_item("quotes", path, method, limit, read_quotes(path), call, score)


def evaluate_ner(
    path: str | Path, method: str = DEFAULT_METHOD, *, limit: int | None = None
) -> Report:
    """Exact-match entity P/R/F1, overall and per CoNLL type."""

    def score(sentences: Sequence[NerSentence], outputs: Sequence[Any]) -> dict[str, float]:
        return entity_scores(
            ([(int(s), int(e), str(t)) for s, e, t in (out or [])], list(sentence.entities))
            for sentence, out in zip(sentences, outputs, strict=True)
        )

    def call(sentence: NerSentence) -> tuple[str, tuple[Any, ...]]:
        return sentence.id, (sentence.text,)

    return _per_item("ner", path, method, limit, read_ner(path), call, score)


def evaluate_extract(
    path: str | Path, method: str = DEFAULT_METHOD, *, limit: int | None = None
) -> Report:
    """Article-body extraction scored over word 4-grams, as the extraction benchmark does."""

    def score(pages: Sequence[Page], outputs: Sequence[Any]) -> dict[str, float]:
        return extraction_scores(
            (out if isinstance(out, str) else "", page.gold_text)
            for page, out in zip(pages, outputs, strict=True)
        )

    def call(page: Page) -> tuple[str, tuple[Any, ...]]:
        return page.id, (page.html, page.url)

    return _per_item("extract", path, method, limit, read_extraction(path), call, score)
