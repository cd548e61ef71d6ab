"""The phases of `newsbot bench`, each a function run in its own fresh (spawned) process by `run_bench`."""

from __future__ import annotations

import contextlib
import os
import resource
import statistics
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path
from typing import Any

BATCH_SIZES = (8, 16, 32, 64)
QUESTIONS = 50
_USER_SETTINGS = ("NEWSBOT_", "OPENAI_", "CHROMA_")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """Set (a str) or remove (None) environment variables for what runs inside, then restore them.

    Phases run in spawned processes and subprocesses, which inherit this process's environment at start.
    """
    saved = {key: os.environ.get(key) for key in values}
    try:
        _apply(values)
        yield
    finally:
        _apply(saved)


def _apply(values: dict[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def isolated() -> contextlib.AbstractContextManager[None]:
    """No NEWSBOT_*, OPENAI_* or CHROMA_* settings of the user's: the bench measures its own defaults
    (server mode sets CHROMA_* itself, inside this)."""
    return environment(**{k: None for k in os.environ if k.startswith(_USER_SETTINGS)})


def in_fresh_process(function: Any, *args: Any) -> dict[str, Any]:
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def _settings(data_dir: Path) -> Any:
    from bot.settings import Settings

    return Settings.from_env(None, data_dir=data_dir)


def _chunk_texts(corpus: Path) -> list[str]:
    from index.chunk import chunk_article, embedding_text
    from index.embed.local import LocalOnnxEmbedder
    from index.loaders import load_sources
    from index.models import Article

    embedder = LocalOnnxEmbedder()
    articles = [a for a in load_sources([corpus]) if isinstance(a, Article)]
    return [embedding_text(c) for a in articles for c in chunk_article(a, embedder)]


def phase_ceiling(corpus: Path) -> dict[str, Any]:
    """The embedder alone on exactly the chunk texts ingest embeds, at its best batch size."""
    from index.embed.local import LocalOnnxEmbedder

    texts = _chunk_texts(corpus)
    embedder = LocalOnnxEmbedder()
    tokens = sum(embedder.count_tokens_batch(texts))
    sample = texts[: min(len(texts), 256)]
    trials = {}
    for size in BATCH_SIZES:
        embedder.batch_size = size
        started = time.perf_counter()
        embedder.embed(sample)
        trials[size] = len(sample) / (time.perf_counter() - started)
    embedder.batch_size = max(trials, key=lambda s: trials[s])
    started = time.perf_counter()
    embedder.embed(texts)
    seconds = time.perf_counter() - started
    return {
        "chunks": len(texts),
        "tokens": tokens,
        "seconds": seconds,
        "batch_size": embedder.batch_size,
        "batch_trials_chunks_per_s": {str(k): round(v, 1) for k, v in trials.items()},
        "peak_rss_mb": _peak_rss_mb(),
    }


def phase_ingest(corpus: Path, data_dir: Path) -> dict[str, Any]:
    from index.ingest import ingest

    report = ingest([corpus], _settings(data_dir).index)
    return {**report.to_dict(), "peak_rss_mb": _peak_rss_mb()}


def phase_baseline(corpus: Path, data_dir: Path) -> dict[str, Any]:
    """What a user would write with LlamaIndex: from_documents, SentenceSplitter, ChromaVectorStore.

    The splitter counts word pieces with the same tokenizer and leaves room for the metadata LlamaIndex
    embeds with each chunk, so neither side truncates; the embedder is ours, with LlamaIndex's batching.
    """
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from llama_index.core import Document, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.vector_stores.chroma import ChromaVectorStore

    from index.embed.local import LocalOnnxEmbedder
    from index.loaders import load_sources
    from index.models import Article
    from measure.llamaindex_embedding import LlamaIndexEmbedding

    started = time.perf_counter()
    embedder = LocalOnnxEmbedder()
    articles = [a for a in load_sources([corpus]) if isinstance(a, Article)]
    documents = [
        Document(text=a.text, id_=a.id, metadata={"title": a.title, "date": a.date or "", "source": a.source})
        for a in articles
    ]
    tokenizer = embedder._counter
    splitter = SentenceSplitter(chunk_size=200, chunk_overlap=20, tokenizer=lambda text: tokenizer.encode(text).ids)
    client = chromadb.PersistentClient(
        path=str(data_dir / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    collection = client.get_or_create_collection("baseline", embedding_function=None)
    storage = StorageContext.from_defaults(vector_store=ChromaVectorStore(chroma_collection=collection))
    VectorStoreIndex.from_documents(
        documents, storage_context=storage, embed_model=LlamaIndexEmbedding(embedder), transformations=[splitter]
    )
    return {
        "articles": len(articles),
        "chunks": collection.count(),
        "seconds": time.perf_counter() - started,
        "peak_rss_mb": _peak_rss_mb(),
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50": round(statistics.median(ordered), 2),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2),
    }


def phase_queries(data_dir: Path, questions: list[str]) -> dict[str, Any]:
    from bot.core.pipeline import Pipeline

    pipeline = Pipeline(_settings(data_dir)).warm()
    pipeline.answer(questions[0])
    retrieve, answer = [], []
    for question in questions:
        started = time.perf_counter()
        pipeline.retrieve(question)
        retrieve.append((time.perf_counter() - started) * 1000)
    for question in questions:
        started = time.perf_counter()
        pipeline.answer(question)
        answer.append((time.perf_counter() - started) * 1000)
    return {
        "chunks": pipeline.store.count(),
        "retrieve_ms": _percentiles(retrieve),
        "answer_ms": _percentiles(answer),
        "peak_rss_mb": _peak_rss_mb(),
    }


def disk_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
