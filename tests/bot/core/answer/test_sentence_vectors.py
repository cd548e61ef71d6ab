"""Evidence sentence vectors are computed once per embedder and equal what the embedder gives."""

from __future__ import annotations

import numpy as np

from bot.core.answer import evidence


class CountingEmbedder:
    """Wraps the real embedder and records which texts it was asked to embed."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.dim = inner.dim
        self.asked: list[str] = []

    def embed(self, texts):  # type: ignore[no-untyped-def]
        self.asked += list(texts)
        return self.inner.embed(texts)


def test_each_sentence_is_embedded_once_and_vectors_match(embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    counting = CountingEmbedder(embedder)
    first = ["The recall will cost about $40 million.", "Customers will not be charged."]
    second = ["Customers will not be charged.", "Shares rose 6% on Tuesday.", "Customers will not be charged."]
    a = evidence.sentence_vectors(counting, first)
    b = evidence.sentence_vectors(counting, second)
    assert counting.asked == [*first, "Shares rose 6% on Tuesday."]
    assert np.allclose(a, embedder.embed(first), atol=1e-6)
    assert np.allclose(b, embedder.embed(second), atol=1e-6)
    assert evidence.sentence_vectors(counting, []).shape == (0, embedder.dim)


def test_the_cache_is_bounded(embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(evidence, "SENTENCE_CACHE", 2)
    counting = CountingEmbedder(embedder)
    evidence.sentence_vectors(counting, ["one sentence here.", "two sentences here.", "three sentences here."])
    evidence.sentence_vectors(counting, ["one sentence here."])
    assert counting.asked.count("one sentence here.") == 2, "the oldest was dropped past the bound"


def test_threads_share_the_cache_safely(embedder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(evidence, "SENTENCE_CACHE", 3)  # every call evicts what another thread just added
    texts = [f"Sentence number {i} about the recall." for i in range(6)]
    expected = embedder.embed(texts)
    batches = [texts[i % 6 :] + texts[: i % 6] for i in range(24)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda batch: evidence.sentence_vectors(embedder, batch), batches))
    for batch, vectors in zip(batches, results, strict=True):
        assert np.allclose(vectors, expected[[texts.index(t) for t in batch]], atol=1e-5)
