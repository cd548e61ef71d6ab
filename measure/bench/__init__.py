"""`newsbot bench`: ingest and query speed and memory, each figure next to a baseline from the same run.

Every phase runs in its own fresh process (spawned), so peak RSS is that phase's own, and no phase
profits from another's warm caches. Figures are absolute numbers plus ratios: these machines are noisy,
and a ratio measured in one run is what can be compared between runs.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import click

from bot.cli.options import data_dir_option

BATCH_SIZES = (8, 16, 32, 64)
QUESTIONS = 50


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _in_fresh_process(function: Any, *args: Any) -> dict[str, Any]:
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


def phase_scale(source_dir: Path, data_dir: Path, target_chunks: int) -> dict[str, Any]:
    """Grow a copy of the index to `target_chunks` by replicating its chunks under new article ids.

    Vectors are reused with a small perturbation: query cost depends on how many vectors and postings
    there are, not on what they say, and embedding 50,000 chunks would take most of an hour here.
    """
    import numpy as np

    from index.keyword import rebuild_keyword_index
    from index.manifest import Manifest, manifest_path
    from index.store import Store

    shutil.copytree(source_dir, data_dir)
    settings = _settings(data_dir)
    store = Store(settings.index, "local:all-MiniLM-L6-v2-int8", 384, create=False)
    base = store.collection.get(include=["embeddings", "documents", "metadatas"])
    rng = np.random.default_rng(3)
    store.begin_write()
    replica = 1
    started = time.perf_counter()
    while store.count() < target_chunks:
        vectors = np.asarray(base["embeddings"], dtype=np.float32)
        vectors += rng.normal(0, 0.01, vectors.shape).astype(np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        metas = [{**m, "article_id": f"{m['article_id']}~{replica}"} for m in base["metadatas"]]
        ids = [f"{m['article_id']}:{m['n']}" for m in metas]
        for start in range(0, len(ids), 5000):
            end = start + 5000
            store.collection.add(
                ids=ids[start:end],
                embeddings=vectors[start:end],
                documents=base["documents"][start:end],
                metadatas=metas[start:end],
            )
        replica += 1
    generation = store.end_write()
    rebuild_keyword_index(store, settings.index, generation)
    Manifest.from_store(store, generation).save(manifest_path(settings.index))
    return {"chunks": store.count(), "seconds": time.perf_counter() - started}


def _disk_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _cold_ask(data_dir: Path, question: str, runs: int = 3) -> float:
    newsbot = Path(sys.executable).parent / "newsbot"
    command = [str(newsbot)] if newsbot.exists() else [sys.executable, "-m", "bot"]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "OPENAI_", "CHROMA_"))}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [*command, "ask", question, "--data-dir", str(data_dir)], env=env, capture_output=True, check=True
        )
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def run_bench(articles: int, dataset: Path | None, scale_chunks: int, workdir: Path, log: Any) -> dict[str, Any]:
    from measure.bench.corpus import questions, write_corpus

    corpus = dataset if dataset else write_corpus(workdir / "corpus.jsonl", articles)
    asked = questions(QUESTIONS)
    log(f"corpus: {corpus}")
    log("1/7 embedder ceiling ...")
    ceiling = _in_fresh_process(phase_ceiling, corpus)
    log("2/7 newsbot ingest ...")
    ours = _in_fresh_process(phase_ingest, corpus, workdir / "newsbot")
    log("3/7 plain LlamaIndex pipeline ...")
    baseline = _in_fresh_process(phase_baseline, corpus, workdir / "baseline")
    log("4/7 re-ingest of the unchanged corpus ...")
    again = _in_fresh_process(phase_ingest, corpus, workdir / "newsbot")
    log("5/7 queries ...")
    queries = _in_fresh_process(phase_queries, workdir / "newsbot", asked)
    disk = _disk_bytes(workdir / "newsbot" / "chroma")
    large: dict[str, Any] = {}
    if scale_chunks > queries["chunks"]:
        log(f"6/7 queries at {scale_chunks} chunks ...")
        grown = _in_fresh_process(phase_scale, workdir / "newsbot", workdir / "large", scale_chunks)
        large = {**_in_fresh_process(phase_queries, workdir / "large", asked), "build_seconds": grown["seconds"]}
    log("7/7 cold start ...")
    cold = _cold_ask(workdir / "newsbot", asked[0])

    n_articles = ours["articles_added"]
    chunks = ours["chunks_added"]
    ingest_cps = chunks / ours["seconds"]
    ceiling_cps = ceiling["chunks"] / ceiling["seconds"]
    baseline_aps = baseline["articles"] / baseline["seconds"]
    ours_aps = n_articles / ours["seconds"]
    return {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "platform": sys.platform},
        "articles": n_articles,
        "chunks": chunks,
        "tokens": ceiling["tokens"],
        "ceiling_chunks_per_s": round(ceiling_cps, 2),
        "ceiling_tokens_per_s": round(ceiling["tokens"] / ceiling["seconds"], 1),
        "ceiling_batch_size": ceiling["batch_size"],
        "ceiling_batch_trials": ceiling["batch_trials_chunks_per_s"],
        "ingest_seconds": round(ours["seconds"], 2),
        "ingest_articles_per_s": round(ours_aps, 2),
        "ingest_chunks_per_s": round(ingest_cps, 2),
        "ratio_to_ceiling": round(ingest_cps / ceiling_cps, 3),
        "baseline_seconds": round(baseline["seconds"], 2),
        "baseline_chunks": baseline["chunks"],
        "baseline_articles_per_s": round(baseline_aps, 2),
        "baseline_chunks_per_s": round(baseline["chunks"] / baseline["seconds"], 2),
        "ratio_to_baseline": round(ours_aps / baseline_aps, 3),
        "reingest_seconds": round(again["seconds"], 3),
        "reingest_ratio": round(again["seconds"] / ours["seconds"], 4),
        "retrieve_ms": queries["retrieve_ms"],
        "answer_ms": queries["answer_ms"],
        "large": {
            "chunks": large.get("chunks", 0),
            "retrieve_ms": large.get("retrieve_ms", {}),
            "answer_ms": large.get("answer_ms", {}),
        },
        "cold_ask_s": round(cold, 3),
        "peak_rss_mb": {
            "ingest": round(ours["peak_rss_mb"], 1),
            "query": round(max(queries["peak_rss_mb"], large.get("peak_rss_mb", 0.0)), 1),
            "baseline_ingest": round(baseline["peak_rss_mb"], 1),
        },
        "disk_bytes_per_1k_chunks": round(disk / max(chunks, 1) * 1000),
    }


def _table(result: dict[str, Any]) -> str:
    rows = [
        ("articles / chunks", f"{result['articles']} / {result['chunks']}"),
        (
            "embedder ceiling",
            f"{result['ceiling_chunks_per_s']} chunks/s ({result['ceiling_tokens_per_s']} tokens/s, "
            f"batch {result['ceiling_batch_size']})",
        ),
        ("newsbot ingest", f"{result['ingest_chunks_per_s']} chunks/s, {result['ingest_articles_per_s']} articles/s"),
        ("  ratio to ceiling", str(result["ratio_to_ceiling"])),
        ("plain LlamaIndex", f"{result['baseline_articles_per_s']} articles/s ({result['baseline_chunks']} chunks)"),
        ("  newsbot / LlamaIndex", str(result["ratio_to_baseline"])),
        ("re-ingest unchanged", f"{result['reingest_seconds']} s ({result['reingest_ratio']} of first ingest)"),
        ("retrieve p50 / p95", f"{result['retrieve_ms']['p50']} / {result['retrieve_ms']['p95']} ms"),
        ("answer p50 / p95", f"{result['answer_ms']['p50']} / {result['answer_ms']['p95']} ms"),
    ]
    if result["large"]["chunks"]:
        large = result["large"]
        rows += [
            (
                f"retrieve at {large['chunks']} chunks",
                f"{large['retrieve_ms']['p50']} / {large['retrieve_ms']['p95']} ms",
            ),
            (f"answer at {large['chunks']} chunks", f"{large['answer_ms']['p50']} / {large['answer_ms']['p95']} ms"),
        ]
    rows += [
        ("cold `newsbot ask`", f"{result['cold_ask_s']} s"),
        ("peak RSS ingest / query", f"{result['peak_rss_mb']['ingest']} / {result['peak_rss_mb']['query']} MB"),
        ("disk per 1,000 chunks", f"{result['disk_bytes_per_1k_chunks'] / 1e6:.2f} MB"),
    ]
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


@click.command("bench")
@click.option("--json", "as_json", is_flag=True, help="Print every figure as JSON.")
@click.option(
    "--articles",
    type=click.IntRange(1),
    default=1000,
    show_default=True,
    help="Synthetic articles to generate (300–1,500 words each, seeded).",
)
@click.option(
    "--dataset",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="Use this corpus (file or folder) instead of the synthetic one.",
)
@click.option(
    "--scale-chunks",
    type=click.IntRange(0),
    default=50_000,
    show_default=True,
    help="Also time queries on an index grown to this many chunks (0: skip).",
)
@click.option("--keep", is_flag=True, help="Keep the work folder (its path is printed).")
@data_dir_option
def bench_command(
    as_json: bool, articles: int, dataset: Path | None, scale_chunks: int, keep: bool, data_dir: Path | None
) -> None:
    """Measure ingest and query speed and memory against the embedder's own ceiling and plain LlamaIndex.

    Works in a temporary folder (or under --data-dir); never touches your index.
    """
    workdir = Path(tempfile.mkdtemp(prefix="newsbot-bench-", dir=data_dir))
    try:
        result = run_bench(articles, dataset, scale_chunks, workdir, lambda m: click.echo(m, err=True))
    finally:
        if not keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            click.echo(f"kept {workdir}", err=True)
    click.echo(json.dumps(result, indent=2) if as_json else _table(result))
