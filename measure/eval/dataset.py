"""Read an evaluation dataset (the folder format of ARCHITECTURE.md "Contracts", or the official MultiHop-RAG files).

Layouts, tried in this order inside DATASET_DIR:
- `dataset.json` (optional manifest): `{"name": ..., "corpus": PATH, "queries": PATH}`, paths relative
  to the dataset folder; this is how a gold set points at a corpus that lives elsewhere (e.g. seeds/);
- `corpus.jsonl` or a `corpus/` folder of article files, plus `queries.jsonl`;
- `corpus.json` + `MultiHopRAG.json` (the official MultiHop-RAG release).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.models import stable_id

_OFFICIAL_CORPUS, _OFFICIAL_QUERIES = "corpus.json", "MultiHopRAG.json"
ANSWERABLE, UNANSWERABLE = "answerable", "unanswerable"


class DatasetError(ValueError):
    """The folder is not a dataset this module can read; the message says what is missing."""


@dataclass(frozen=True)
class Evidence:
    """A gold quote and the dataset's id of the article it comes from."""

    article_id: str
    quote: str


@dataclass(frozen=True)
class Query:
    id: str
    question: str
    type: str
    category: str | None
    answers: tuple[str, ...]
    evidence: tuple[Evidence, ...] = ()

    @property
    def answerable(self) -> bool:
        return self.type != UNANSWERABLE

    @property
    def gold_articles(self) -> frozenset[str]:
        return frozenset(e.article_id for e in self.evidence)

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "question": self.question,
            "type": self.type,
            "category": self.category,
            "answers": list(self.answers),
            "evidence": [{"article_id": e.article_id, "quote": e.quote} for e in self.evidence],
        }


@dataclass(frozen=True)
class CorpusArticle:
    """An article as the dataset describes it; `id` is the dataset's own id (what evidence refers to)."""

    id: str
    title: str
    text: str
    date: str | None = None
    source: str = ""
    url: str = ""
    author: str = ""

    def to_record(self) -> dict[str, object]:
        """The record written to the corpus.jsonl that is ingested (the loader's JSONL fields)."""
        return {
            "id": self.id,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "url": self.url,
            "author": self.author,
            "text": self.text,
        }


@dataclass
class Dataset:
    """Queries plus a corpus: either records (`articles`) or a folder to ingest as is (`corpus_dir`)."""

    name: str
    root: Path
    queries: list[Query]
    articles: list[CorpusArticle] = field(default_factory=list)
    corpus_dir: Path | None = None

    def corpus_hash(self) -> str:
        """Changes whenever the corpus would index differently; names the reusable eval index."""
        digest = hashlib.sha256()
        for article in self.articles:
            digest.update(json.dumps(article.to_record(), sort_keys=True).encode("utf-8"))
        if self.corpus_dir is not None:
            for path in sorted(p for p in self.corpus_dir.rglob("*") if p.is_file()):
                digest.update(path.relative_to(self.corpus_dir).as_posix().encode("utf-8") + b"\0")
                digest.update(path.read_bytes())
        return digest.hexdigest()

    def limited(self, limit: int | None) -> Dataset:
        if limit is None:
            return self
        return Dataset(self.name, self.root, self.queries[:limit], self.articles, self.corpus_dir)


def load_dataset(root: str | Path) -> Dataset:
    """Load DATASET_DIR in whichever supported layout it holds."""
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"{root} is not a folder")
    manifest = _read_manifest(root)
    name = str(manifest.get("name") or root.resolve().name)
    corpus = root / str(manifest["corpus"]) if "corpus" in manifest else None
    queries_path = root / str(manifest.get("queries", "queries.jsonl"))

    if corpus is None and not queries_path.exists() and (root / _OFFICIAL_QUERIES).exists():
        return _load_official(root, name)
    if not queries_path.exists():
        raise DatasetError(f"{root} has no queries.jsonl (nor {_OFFICIAL_CORPUS} + {_OFFICIAL_QUERIES})")
    queries = load_queries(root, manifest)
    corpus = corpus or (root / "corpus.jsonl" if (root / "corpus.jsonl").exists() else root / "corpus")
    if corpus.is_dir():
        return Dataset(name, root, queries, corpus_dir=corpus.resolve())
    if corpus.is_file():
        return Dataset(name, root, queries, articles=_articles_from_jsonl(corpus))
    raise DatasetError(f"{root} has no corpus.jsonl or corpus/ folder (looked for {corpus})")


def load_queries(root: str | Path, manifest: dict[str, object] | None = None) -> list[Query]:
    """The questions of DATASET_DIR (`queries.jsonl`, or the file its manifest names) without its corpus."""
    root = Path(root)
    manifest = _read_manifest(root) if manifest is None else manifest
    path = root / str(manifest.get("queries", "queries.jsonl"))
    return [_query_from_record(r, n) for n, r in enumerate(_read_jsonl(path))]


def _read_manifest(root: Path) -> dict[str, object]:
    path = root / "dataset.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise DatasetError(f"{path} must hold a JSON object")
    return data


def _read_jsonl(path: Path) -> Iterable[dict[str, object]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    raise DatasetError(f"{path}:{number}: not JSON ({error.msg})") from error


def _articles_from_jsonl(path: Path) -> list[CorpusArticle]:
    articles = []
    for record in _read_jsonl(path):
        url, title = str(record.get("url") or ""), str(record.get("title") or "")
        articles.append(
            CorpusArticle(
                id=str(record.get("id") or "") or _article_id(url, title),
                title=title,
                text=str(record.get("text") or record.get("body") or ""),
                date=_date(record.get("date") or record.get("published_at")),
                source=str(record.get("source") or ""),
                url=url,
                author=str(record.get("author") or ""),
            )
        )
    return articles


def _query_from_record(record: dict[str, object], n: int) -> Query:
    evidence = record.get("evidence") or []
    if not isinstance(evidence, list):
        raise DatasetError(f"query {record.get('id', n)}: evidence must be a list")
    answers = record.get("answers") or []
    return Query(
        id=str(record.get("id") or f"q{n}"),
        question=str(record["question"]),
        type=str(record.get("type") or ANSWERABLE),
        category=str(record["category"]) if record.get("category") else None,
        answers=tuple(str(a) for a in (answers if isinstance(answers, list) else [answers])),
        evidence=tuple(Evidence(str(e["article_id"]), str(e["quote"])) for e in evidence),
    )


def _article_id(url: str, title: str) -> str:
    """For records without an id of their own: from the URL, else the title, like Article.make_id."""
    return stable_id("url", url) if url else stable_id("title", title)


def _date(value: object) -> str | None:
    """ISO date from "2023-09-26" or "2023-09-26T17:03:00+00:00"."""
    return str(value)[:10] if value else None


def _load_official(root: Path, name: str) -> Dataset:
    """The MultiHop-RAG release: article ids are made from the URL, evidence is matched by URL or title."""
    corpus_path = root / _OFFICIAL_CORPUS
    if not corpus_path.exists():
        raise DatasetError(f"{root} has {_OFFICIAL_QUERIES} but no {_OFFICIAL_CORPUS}")
    records = json.loads(corpus_path.read_text(encoding="utf-8"))
    articles = [
        CorpusArticle(
            id=_article_id(str(r.get("url") or ""), str(r.get("title") or "")),
            title=str(r.get("title") or ""),
            text=str(r.get("body") or r.get("text") or ""),
            date=_date(r.get("published_at") or r.get("date")),
            source=str(r.get("source") or ""),
            url=str(r.get("url") or ""),
            author=str(r.get("author") or ""),
        )
        for r in records
    ]
    by_url = {a.url: a.id for a in articles if a.url}
    by_title = {a.title.strip().lower(): a.id for a in articles}
    queries = []
    raw_queries = json.loads((root / _OFFICIAL_QUERIES).read_text(encoding="utf-8"))
    for n, record in enumerate(raw_queries):
        question_type = str(record.get("question_type") or "")
        category = question_type.removesuffix("_query") or None
        evidence = []
        for item in record.get("evidence_list") or []:
            article_id = by_url.get(str(item.get("url") or "")) or by_title.get(
                str(item.get("title") or "").strip().lower()
            )
            if article_id is None:
                raise DatasetError(f"query {n}: evidence article {item.get('title')!r} is not in the corpus")
            evidence.append(Evidence(article_id, str(item.get("fact") or "")))
        queries.append(
            Query(
                id=str(record.get("id") or f"mhr-{n}"),
                question=str(record["query"]),
                type=UNANSWERABLE if category == "null" else ANSWERABLE,
                category=category,
                answers=(str(record.get("answer") or ""),),
                evidence=tuple(evidence),
            )
        )
    return Dataset(name, root, queries, articles=articles)


def odd(query_id: str) -> bool:
    """Whether an id's number is odd: the half of a blind set developers may read and fit on (the even
    half is only ever scored)."""
    return int(re.sub(r"\D", "", query_id) or 0) % 2 == 1
