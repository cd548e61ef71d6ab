"""Overview and timeline questions (measure/gold/overview): fact recall and citation precision.

An overview ("summarize …", "catch me up on …", "how did … unfold") is judged by what it cites:
- fact recall: the share of the question's gold facts that some citation quotes — same article when the
  citation's article is known, and the quote holds at least `COVER` of the fact's words (a citation of a
  longer or slightly different sentence still counts; a citation of another sentence does not);
- citation precision: the share of citations whose article is on the question's topic (`relevant`).

`score_overview` takes (dataset article id or None, quote) pairs, the shape `newsbot eval` records
(`CitedQuote`), so the lead can call it on any backend's answers. `newsbot eval DATASET_DIR` (the folder's
dataset.json says `"kind": "overview"`) or `python -m measure.eval.overview DATASET_DIR [--json]
[--data-dir=DIR]` asks each question of a gold folder as a user would and scores the answer's citations;
`--timeline` (module only) scores `newsbot timeline` on the topic instead (the baseline).
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.core.understand.answer_type import OVERVIEW_LEAD
from index.stories import words
from measure.eval.dataset import Evidence, load_dataset

if TYPE_CHECKING:
    from bot.settings import Settings

COVER = 0.6
_THE = re.compile(r"^the\s+", re.IGNORECASE)
_TAIL = re.compile(r"(\s+(unfold|go|story))?\s*[?.!]*\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class OverviewQuery:
    id: str
    question: str
    category: str
    facts: tuple[Evidence, ...]
    relevant: frozenset[str]


@dataclass(frozen=True)
class OverviewScore:
    id: str
    fact_recall: float
    citation_precision: float | None
    covered: tuple[bool, ...]
    citations: int


def load_overview(folder: str | Path) -> list[OverviewQuery]:
    """The gold folder's questions with their facts and on-topic articles (read beside the dataset loader)."""
    root = Path(folder)
    manifest = json.loads((root / "dataset.json").read_text(encoding="utf-8"))
    queries = []
    for line in (root / str(manifest.get("queries", "queries.jsonl"))).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        facts = tuple(Evidence(str(e["article_id"]), str(e["quote"])) for e in record["evidence"])
        relevant = frozenset(str(a) for a in record.get("relevant") or []) | {f.article_id for f in facts}
        queries.append(OverviewQuery(record["id"], record["question"], record.get("category") or "", facts, relevant))
    return queries


def covers(fact: Evidence, cited: Sequence[tuple[str | None, str]]) -> bool:
    wanted = set(words(fact.quote))
    for article_id, quote in cited:
        if article_id is not None and article_id != fact.article_id:
            continue
        if wanted and len(wanted & set(words(quote))) / len(wanted) >= COVER:
            return True
    return False


def score_overview(query: OverviewQuery, cited: Sequence[tuple[str | None, str]]) -> OverviewScore:
    covered = tuple(covers(fact, cited) for fact in query.facts)
    on_topic = [article_id in query.relevant for article_id, _ in cited]
    precision = sum(on_topic) / len(on_topic) if on_topic else None
    recall = sum(covered) / len(covered) if covered else 1.0
    return OverviewScore(
        query.id, round(recall, 4), None if precision is None else round(precision, 4), covered, len(cited)
    )


def summarize(scores: Sequence[OverviewScore]) -> dict[str, Any]:
    """Mean fact recall over questions; citation precision over all citations (questions without any: none)."""
    cited = [s for s in scores if s.citation_precision is not None]
    total = sum(s.citations for s in cited)
    precise = sum(s.citation_precision * s.citations for s in cited)  # type: ignore[operator]
    return {
        "questions": len(scores),
        "fact_recall": round(sum(s.fact_recall for s in scores) / max(len(scores), 1), 4),
        "citation_precision": round(precise / total, 4) if total else None,
        "answered": len(cited),
    }


def topic_of(question: str) -> str:
    """The topic of an overview question: "Summarize the EU 5G story." -> "EU 5G"."""
    return _TAIL.sub("", _THE.sub("", OVERVIEW_LEAD.sub("", question, count=1))).strip() or question


def run_timelines(folder: str | Path, settings: Settings) -> dict[str, Any]:
    """Ingest the gold folder's corpus, build `newsbot timeline` for each question's topic, score it."""
    from bot.cli.timeline import open_retriever
    from bot.core.timeline import build_timeline
    from measure.eval.run import prepare_index

    dataset = load_dataset(folder)
    index = prepare_index(dataset, settings)
    retriever = open_retriever(index.settings, short_lived=False)
    scores, rows = [], []
    for query in load_overview(folder):
        timeline = build_timeline(topic_of(query.question), retriever)
        cited = [(index.article_ids.get(e.citation.article_id), e.citation.quote) for e in timeline.entries]
        scores.append(score_overview(query, cited))
        rows.append({"id": query.id, "topic": topic_of(query.question), **asdict(scores[-1])})
    return {"dataset": dataset.name, "backend": "timeline", "summary": summarize(scores), "queries": rows}


def run_answers(folder: str | Path, settings: Settings) -> dict[str, Any]:
    """Ingest the gold folder's corpus, ask each overview question as a user would (`Pipeline.answer`, the
    configured backend), score its citations."""
    from bot.core.pipeline import Pipeline
    from measure.eval.run import prepare_index

    dataset = load_dataset(folder)
    index = prepare_index(dataset, settings)
    pipeline = Pipeline(index.settings)
    scores, rows, backend = [], [], ""
    for query in load_overview(folder):
        answer = pipeline.answer(query.question)
        backend = answer.backend
        cited = [(index.article_ids.get(c.article_id), c.quote) for c in answer.citations]
        scores.append(score_overview(query, cited))
        rows.append({"id": query.id, "question": query.question, "refused": answer.refused, **asdict(scores[-1])})
    return {"dataset": dataset.name, "backend": backend, "summary": summarize(scores), "queries": rows}


def describe(result: dict[str, Any]) -> str:
    """A run's result as the lines a terminal shows: the summary, then each question."""
    summary = result["summary"]
    lines = [
        f"{result['dataset']} ({result['backend']}): {summary['questions']} questions, fact recall "
        f"{summary['fact_recall']}, citation precision {summary['citation_precision']}"
    ]
    for row in result["queries"]:
        label = row.get("topic") or row.get("question")
        lines.append(f"  {row['id']} {label!r}: recall {row['fact_recall']}, precision {row['citation_precision']}")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    from bot.settings import Settings

    args = [a for a in argv if not a.startswith("--")]
    if not args:
        sys.exit("usage: python -m measure.eval.overview DATASET_DIR [--json] [--timeline] [--data-dir DIR]")
    run = run_timelines if "--timeline" in argv else run_answers
    data_dir = next((Path(v.split("=", 1)[1]) for v in argv if v.startswith("--data-dir=")), None)
    if data_dir is not None:
        result = run(args[0], Settings.from_env(None, data_dir=data_dir))
    else:
        with tempfile.TemporaryDirectory(prefix="newsbot-overview-") as tmp:
            result = run(args[0], Settings.from_env(None, data_dir=Path(tmp)))
    print(json.dumps(result, indent=2) if "--json" in argv else describe(result))


if __name__ == "__main__":
    main(sys.argv[1:])
