"""Write a run's report: report.md (tables to read), results.json (every query), chart.png."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from measure.eval.run import QueryRun
from measure.eval.summary import RETRIEVAL_KEYS, QueryScores, category_of

REPORT, RESULTS, CHART, CURVE = "report.md", "results.json", "chart.png", "answerability.png"


def fraction(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def millis(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


YES_NO_COLUMNS = ["yes/no n", "yes/no accuracy", "always yes", "verdict coverage", "verdict precision"]


def _yes_no_cells(row: dict[str, object]) -> list[str]:
    n = row.get("yes_no_n")
    return [str(n) if n is not None else "n/a"] + [
        fraction(row.get(k))  # type: ignore[arg-type]
        for k in ("yes_no_accuracy", "always_yes", "verdict_coverage", "verdict_precision")
    ]


def query_record(run: QueryRun, scores: QueryScores) -> dict[str, object]:
    """One query in results.json: the question, gold, what the bot said and cited, and its scores."""
    outcome = run.outcome
    return {
        **outcome.query.to_dict(),
        "category": category_of(outcome.query),
        "answer": run.answer.answer,
        "refused": run.answer.refused,
        "verdict": run.answer.verdict,
        "understood": run.answer.understood,
        "corrections": [asdict(c) for c in run.answer.corrections],
        "backend": run.answer.backend,
        "citations": [
            {**c.to_dict(), "dataset_article_id": q.article_id}
            for c, q in zip(run.answer.citations, outcome.citations, strict=True)
        ],
        "retrieved": [
            {"chunk_id": h.chunk.id, "dataset_article_id": s.article_id, "score": h.score}
            for h, s in zip(run.hits, outcome.retrieved, strict=False)
        ],
        "scores": scores.to_dict(),
        "timings_ms": outcome.timings_ms,
        "judge": None if outcome.judge is None else vars(outcome.judge),
    }


def markdown(summary: Mapping[str, Any], meta: Mapping[str, Any]) -> str:
    """The report's tables: retrieval, answers by category, refusals, citations, latency."""
    retrieval = summary["retrieval"]
    answers = summary["answers"]
    refusals = summary["refusals"]
    citations = summary["citations"]
    latency = summary["latency_ms"]
    parts = [
        f"# Evaluation: {meta.get('dataset', '')}",
        "\n".join(f"- {key}: `{value}`" for key, value in meta.items()),
        f"## Retrieval ({retrieval['n']} queries with gold evidence)",
        _table(list(RETRIEVAL_KEYS), [[fraction(retrieval[k]) for k in RETRIEVAL_KEYS]]),
        f"## Answers ({summary['n']} queries)",
        _table(
            ["category", "n", "accuracy", "F1", "lenient (MultiHop-RAG)", *YES_NO_COLUMNS],
            [
                [
                    name,
                    str(row["n"]),
                    fraction(row["accuracy"]),
                    fraction(row["f1"]),
                    fraction(row.get("lenient_accuracy")),
                    *_yes_no_cells(row),
                ]
                for name, row in answers["by_category"].items()
            ]
            + [
                [
                    "**overall**",
                    str(summary["n"]),
                    fraction(answers["accuracy"]),
                    fraction(answers["f1"]),
                    fraction(answers.get("lenient_accuracy")),
                    *_yes_no_cells(answers.get("yes_no") or {}),
                ]
            ],
        ),
        "Accuracy is strict: the gold answer as a whole phrase, or for yes/no questions the verdict (else the "
        "stance read from the text). *Lenient* is MultiHop-RAG's own reading (any gold word in the answer), "
        "for comparison with published figures. *Always yes* is the accuracy of answering yes to every "
        "yes/no question; *coverage* is the share of yes/no questions given a verdict, *precision* the share "
        "of verdicts that are right.",
        "## Refusals and citations",
        _table(
            [
                "refusal rate (unanswerable)",
                "false-refusal rate (answerable)",
                "citation precision",
                "cited share",
            ],
            [
                [
                    f"{fraction(refusals['refusal_rate'])} (n={refusals['n_unanswerable']})",
                    f"{fraction(refusals['false_refusal_rate'])} (n={refusals['n_answerable']})",
                    f"{fraction(citations['precision'])} (n={citations['n_citations']})",
                    fraction(citations["cited_share"]),
                ]
            ],
        ),
        "## Baselines and answerability",
        _table(
            ["always refuse: accuracy", "always yes: yes/no accuracy", "answerability estimated for"],
            [
                [
                    fraction(summary["baselines"]["always_refuse_accuracy"]),
                    fraction(summary["baselines"]["always_yes"]),
                    f"{summary['answerability']['n']} questions ({CURVE})",
                ]
            ],
        ),
        "## Latency (ms)",
        _table(
            ["stage", "p50", "p95"],
            [[stage, millis(v["p50"]), millis(v["p95"])] for stage, v in latency["stages"].items()],
        ),
    ]
    parts.append(
        "Hit@k and MRR count a retrieved chunk from a gold evidence article; evidence recall is the share of "
        "gold quotes inside the top 10 chunks (adjacent chunks joined). An unanswerable query is correct "
        "when refused. Citation precision: citations into a gold article or overlapping a gold quote; "
        "cited share: answers (not refusals) with at least one citation."
    )
    if "judge" in summary:
        judge = summary["judge"]
        parts += [
            "## LLM judge (CorrectnessEvaluator, 1..5)",
            _table(
                ["n", "mean score", "passing rate"],
                [[str(judge["n"]), millis(judge["mean_score"]), fraction(judge["passing_rate"])]],
            ),
        ]
    return "\n\n".join(parts) + "\n"


def chart(summary: Mapping[str, Any], path: Path) -> None:
    """Two panels: accuracy per category, and Hit@k / MRR / evidence recall."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    answers = summary["answers"]
    retrieval = summary["retrieval"]
    categories = list(answers["by_category"])
    accuracy = [answers["by_category"][c]["accuracy"] or 0.0 for c in categories]
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4), constrained_layout=True)
    left.bar([*categories, "overall"], [*accuracy, answers["accuracy"] or 0.0], color="tab:blue")
    left.set_title("Answer accuracy by category")
    right.bar(list(RETRIEVAL_KEYS), [retrieval[k] or 0.0 for k in RETRIEVAL_KEYS], color="tab:green")
    right.set_title("Retrieval")
    for axes in (left, right):
        axes.set_ylim(0, 1)
        axes.tick_params(axis="x", labelrotation=30)
    figure.savefig(path, dpi=100)
    plt.close(figure)


def answerability_chart(summary: Mapping[str, Any], path: Path) -> None:
    """Precision against recall of the reader's answerability estimate, one point per threshold."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # a set of unanswerable questions only has no recall, one of answerable ones answered nowhere no precision
    points = [p for p in summary["answerability"]["curve"] if p["precision"] is not None and p["recall"] is not None]
    figure, axes = plt.subplots(figsize=(5, 4), constrained_layout=True)
    axes.plot([p["recall"] for p in points], [p["precision"] for p in points], marker="o", color="tab:purple")
    for point in points[:: max(len(points) // 5, 1)]:
        axes.annotate(f"{point['threshold']:.2f}", (point["recall"], point["precision"]), fontsize=7)
    axes.set_xlabel("recall (answerable questions answered)")
    axes.set_ylabel("precision (answered questions answerable)")
    axes.set_xlim(0, 1.02)
    axes.set_ylim(0, 1.02)
    axes.set_title(f"Answerability ({summary['answerability']['n']} questions estimated)")
    figure.savefig(path, dpi=100)
    plt.close(figure)


def write_report(
    out_dir: Path,
    summary: Mapping[str, Any],
    runs: Sequence[QueryRun],
    scores: Sequence[QueryScores],
    meta: Mapping[str, Any],
) -> dict[str, Path]:
    """Write the three files and return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "report": out_dir / REPORT,
        "results": out_dir / RESULTS,
        "chart": out_dir / CHART,
        "answerability": out_dir / CURVE,
    }
    results = {
        "meta": dict(meta),
        "summary": dict(summary),
        "queries": [query_record(r, s) for r, s in zip(runs, scores, strict=True)],
    }
    paths["results"].write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    paths["report"].write_text(markdown(summary, meta), encoding="utf-8")
    chart(summary, paths["chart"])
    answerability_chart(summary, paths["answerability"])
    return paths
