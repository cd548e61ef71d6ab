"""Run a dataset through the real chain: ingest its corpus into an index of its own, then ask every query.

The eval index lives under `<data_dir>/eval/<key>/` where the key hashes the corpus and the embedder, so
a second run of the same dataset reuses it (checked against `eval-manifest.json`, written only after a
complete ingest) and a changed corpus never mixes with an old one.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from bot.core.models import Answer, Hit
from bot.settings import Settings
from index.models import Article, LoadError
from index.settings import IndexSettings
from measure.eval.dataset import CorpusArticle, Dataset, Query
from measure.eval.judge import Judge
from measure.eval.metrics import RetrievedSpan
from measure.eval.summary import CitedQuote, Outcome

MANIFEST = "eval-manifest.json"
RETRIEVAL_DEPTH = 10

IngestHook = Callable[[str, int, int], None]


class EvalPipeline(Protocol):
    """The part of bot.core.pipeline.Pipeline the eval uses (`answer_from_hits` is used when it exists)."""

    def retrieve(self, question: str, *, top_k: int | None = None) -> list[Hit]: ...

    def answer(self, question: str, *, top_k: int | None = None) -> Answer: ...


@dataclass(frozen=True)
class EvalIndex:
    """Where a dataset's corpus is indexed, and how its index article ids map to the dataset's ids."""

    settings: Settings
    article_ids: dict[str, str]
    reused: bool
    ingest: dict[str, object]


@dataclass(frozen=True)
class QueryRun:
    """One query's outcome plus the raw objects results.json records."""

    outcome: Outcome
    answer: Answer
    hits: list[Hit]


def index_key(dataset: Dataset, settings: Settings) -> str:
    corpus = dataset.corpus_hash()
    return hashlib.sha256(f"{corpus}\0{settings.index.embedder}".encode()).hexdigest()[:16]


def prepare_index(dataset: Dataset, settings: Settings, *, progress: IngestHook | None = None) -> EvalIndex:
    """Ingest the dataset's corpus into its own index, or reuse the one a previous run completed."""
    from index.ingest import ingest

    key = index_key(dataset, settings)
    root = settings.index.data_dir / "eval" / key
    eval_settings = settings.with_overrides(data_dir=root, collection=f"eval-{key}")
    manifest = _read_manifest(root / MANIFEST, key)
    if manifest is None and root.exists():
        shutil.rmtree(root)
    inputs = _corpus_inputs(dataset, root)
    article_ids = map_article_ids(dataset, _load_articles(inputs, eval_settings.index))
    if manifest is not None:
        return EvalIndex(eval_settings, article_ids, reused=True, ingest=manifest.get("ingest", {}))
    report = ingest(inputs, eval_settings.index, openai=eval_settings.openai, progress=progress).to_dict()
    manifest = {"key": key, "dataset": dataset.name, "embedder": settings.index.embedder, "ingest": report}
    (root / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return EvalIndex(eval_settings, article_ids, reused=False, ingest=report)


def _read_manifest(path: Path, key: str) -> dict[str, object] | None:
    """The manifest of a completed ingest for this key, or None (missing, other key, unreadable)."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("key") == key else None


def _corpus_inputs(dataset: Dataset, root: Path) -> list[Path]:
    """A corpus folder is ingested as is; records are written as the JSONL the loaders read."""
    if dataset.corpus_dir is not None:
        return [dataset.corpus_dir]
    root.mkdir(parents=True, exist_ok=True)
    path = root / "corpus.jsonl"
    if not path.exists():
        lines = (json.dumps(a.to_record(), ensure_ascii=False) for a in dataset.articles)
        path.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    return [path]


def _load_articles(inputs: Sequence[Path], settings: IndexSettings) -> list[Article]:
    from index.loaders import load_sources

    return [
        a for a in load_sources(inputs, settings.load_limits, skip=settings.data_dir) if not isinstance(a, LoadError)
    ]


def map_article_ids(dataset: Dataset, loaded: Sequence[Article]) -> dict[str, str]:
    """Index article id -> dataset article id.

    Records match by id (the loaders keep a record's own id), else URL, else title; files of a corpus
    folder by their path inside it, which is what a folder dataset's evidence names
    (e.g. "000_91d4d3be40749d7a.txt").
    """
    mapping: dict[str, str] = {}
    if dataset.corpus_dir is not None:
        for article in loaded:
            path = Path(article.source_path).resolve()
            if path.is_absolute() and dataset.corpus_dir in path.parents:
                mapping[article.id] = path.relative_to(dataset.corpus_dir).as_posix()
        return mapping
    by_id = {a.id: a for a in dataset.articles}
    by_url = {a.url: a for a in dataset.articles if a.url}
    by_title = {_title_key(a.title): a for a in dataset.articles}
    for article in loaded:
        match: CorpusArticle | None = (
            by_id.get(article.id) or by_url.get(article.url) or by_title.get(_title_key(article.title))
        )
        if match is not None:
            mapping[article.id] = match.id
    return mapping


def _title_key(title: str) -> str:
    return " ".join(title.lower().split())


def run_queries(
    dataset: Dataset,
    index: EvalIndex,
    *,
    top_k: int,
    judge: Judge | None = None,
    on_done: Callable[[QueryRun], None] | None = None,
) -> list[QueryRun]:
    """Ask every query; retrieval is scored on the top 10 hits, the answer uses the top `top_k`."""
    from bot.core.pipeline import Pipeline

    pipeline = Pipeline(index.settings)
    if dataset.queries:  # load the models and the store now, so that is not counted as a query's latency
        pipeline.retrieve(dataset.queries[0].question, top_k=1)
    runs = []
    for query in dataset.queries:
        run = _ask(pipeline, query, index.article_ids, top_k)
        if judge is not None and query.answerable:
            run.outcome.judge = judge(query, run.answer)
        runs.append(run)
        if on_done is not None:
            on_done(run)
    return runs


def _ask(pipeline: EvalPipeline, query: Query, article_ids: dict[str, str], top_k: int) -> QueryRun:
    started = time.perf_counter()
    hits = pipeline.retrieve(query.question, top_k=max(RETRIEVAL_DEPTH, top_k))
    retrieve_ms = (time.perf_counter() - started) * 1000
    answer_from_hits = getattr(pipeline, "answer_from_hits", None)
    if answer_from_hits is not None:
        started = time.perf_counter()
        answer: Answer = answer_from_hits(query.question, hits[:top_k])
        generate_ms = answer.timings_ms.get("generate", (time.perf_counter() - started) * 1000)
        timings = {"retrieve": retrieve_ms, "generate": generate_ms, "total": retrieve_ms + generate_ms}
    else:
        answer = pipeline.answer(query.question, top_k=top_k)
        timings = dict(answer.timings_ms)
    outcome = Outcome(
        query=query,
        answer=answer.answer,
        refused=answer.refused,
        retrieved=[
            RetrievedSpan(
                article_ids.get(h.chunk.article_id, h.chunk.article_id),
                h.chunk.start,
                h.chunk.end,
                h.chunk.text,
            )
            for h in hits[:RETRIEVAL_DEPTH]
        ],
        citations=[CitedQuote(article_ids.get(c.article_id), c.quote) for c in answer.citations],
        timings_ms=timings,
        verdict=answer.verdict,
        answerable=_estimate(answer.understood.get("answerable")),
    )
    return QueryRun(outcome, answer, hits)


def _estimate(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None
