"""What every embedder offers the rest of newsbot."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; `name` and `dim` are recorded in the index."""

    name: str
    dim: int
    max_tokens: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_query(self, text: str) -> np.ndarray: ...

    def count_tokens(self, text: str) -> int: ...

    def count_tokens_batch(self, texts: Sequence[str]) -> list[int]: ...


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return (vectors / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)


class QueryCache:
    """Recent query vectors of one embedder: retrieval and the answerer both embed the question.

    Cached arrays are read-only, since every caller shares them.
    """

    def __init__(self, compute: Callable[[str], np.ndarray], size: int = 256) -> None:
        self._cached = functools.lru_cache(maxsize=size)(lambda text: _read_only(compute(text)))

    def __call__(self, text: str) -> np.ndarray:
        return self._cached(text)


def _read_only(vector: np.ndarray) -> np.ndarray:
    vector.setflags(write=False)
    return vector
