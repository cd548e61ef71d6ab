"""The on-topic fits (overviews, timelines) run their reading over a gold set, fit on one set and report the
other."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from bot.core.answer.topic import FEATURES, TopicModel
from bot.core.story_topic import FEATURES as STORY_FEATURES
from bot.core.story_topic import load_model
from measure.fit_story_topic import main as fit_story_topic
from measure.fit_topic import main
from tests.bot.core.answer.test_overview import ARTICLES, STORY


def gold_set(root: Path, name: str, questions: list[tuple[str, list[str]]], corpus: Path) -> Path:
    folder = root / name
    folder.mkdir()
    manifest = {"kind": "overview", "name": name, "corpus": str(corpus), "queries": "queries.jsonl"}
    (folder / "dataset.json").write_text(json.dumps(manifest), encoding="utf-8")
    rows = [
        {
            "id": f"{name}-{i}",
            "question": q,
            "type": "answerable",
            "category": "summary",
            "answers": [],
            "evidence": [],
            "relevant": relevant,
        }
        for i, (q, relevant) in enumerate(questions, 1)
    ]
    (folder / "queries.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return folder


def write_corpus(root: Path) -> Path:
    corpus = root / "corpus"
    corpus.mkdir()
    for name, (title, date, body) in ARTICLES.items():
        text = f"---\ntitle: {title}\ndate: {date}\nsource: Wire\n---\n\n{body}\n"
        (corpus / name).write_text(text, encoding="utf-8")
    return corpus


def run_fit(
    root: Path, fit_main: Callable[[list[str]], int], questions: list[tuple[str, list[str]]]
) -> tuple[dict, Path]:
    """Fit on a set of `questions` over the test corpus, report on one it never saw; the weights written."""
    corpus = write_corpus(root)
    fit = gold_set(root, "fit", questions, corpus)
    unseen = gold_set(root, "unseen", [("What do we know about the fishing treaty?", ["treaty.md"])], corpus)
    out = root / "weights.json"
    argv = [str(fit), str(unseen), "--fit", "fit", "--data-dir", str(root / "data"), "--out", str(out)]
    assert fit_main(argv) == 0
    written = json.loads(out.read_text(encoding="utf-8"))
    rows = {row["set"]: row for row in written["report"]}
    assert written["fitted_on"] == ["fit"]
    assert rows["fit"]["fitted_on"] and not rows["unseen"]["fitted_on"]
    return rows, out


def test_the_fit_writes_weights_that_load_and_reports_the_set_it_never_saw(tmp_path: Path) -> None:
    questions = [
        (STORY, ["fine.md", "appeal.md"]),
        ("Summarize the Ten Years' Treaty story.", ["treaty.md"]),
        ("Catch me up on the Volterra Motors factory in Ohio.", ["factory.md"]),
    ]
    rows, out = run_fit(tmp_path, main, questions)
    assert rows["fit"]["questions"] == 3 and 4 <= rows["fit"]["on_topic"] < rows["fit"]["articles"]
    model = TopicModel.load(out)
    assert model.model.features == FEATURES
    assert all(w >= 0 for w in model.model.weights), "an article read better is never less on topic"


def test_the_timeline_fit_writes_weights_that_load_and_reports_the_set_it_never_saw(tmp_path: Path) -> None:
    """The timelines' estimate is fitted by the same loop over what `newsbot timeline` retrieves."""
    questions = [(STORY, ["fine.md", "appeal.md"]), ("Summarize the Ten Years' Treaty story.", ["treaty.md"])]
    rows, out = run_fit(tmp_path, fit_story_topic, questions)
    assert 3 <= rows["fit"]["on_topic"] < rows["fit"]["articles"]
    model, embedder = load_model(out)
    assert model.features == STORY_FEATURES and all(w >= 0 for w in model.weights)
    assert embedder, "closeness is read only with the embedder it was fitted with"
