"""The reader's features say what they claim, and the shipped weights load and read like probabilities."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bot.core.answer.evidence import Candidate, Ranking, candidates, holds_type, question_words
from bot.core.answer.terms import QuestionTerms
from bot.core.answer.verdict import ClaimEvidence
from bot.core.models import Hit
from bot.core.read.features import ANSWER_FEATURES, SIGNS, VERDICT_FEATURES, answer_features, verdict_features
from bot.core.read.scorer import WEIGHTS, LearnedReader
from bot.core.request import Request
from index.models import Chunk

EMBEDDER = "local:all-MiniLM-L6-v2-int8"
TEXT = (
    "The Ten Years' Treaty was signed in Orvane in 2019. "
    "The treaty did not settle the river dispute, the minister said. "
    "Talks on water sharing resumed in March."
)


def scored(question: str, semantic: float = 0.5, dense: float | None = 0.6) -> tuple[Request, Ranking, list[Candidate]]:
    """The request and its three candidate sentences, typed as `evidence.rank` types them."""
    chunk = Chunk("treaty", 0, TEXT, 0, len(TEXT), title="Treaty signed", source="Valley Ledger")
    request = Request.of(question)
    kind, known = request.understanding.answer_type, question_words(question)
    pool = [
        replace(c, semantic=semantic, lexical=0.5, typed=holds_type(kind, question, c.text, known))
        for c in candidates([Hit(chunk, 0.9, dense_similarity=dense)])
    ]
    ranking = Ranking(QuestionTerms.build(question, [c.stems for c in pool]), lambda: pool, set(), pool)
    return request, ranking, pool


def column(rows: np.ndarray, name: str) -> list[float]:
    return [float(v) for v in rows[:, ANSWER_FEATURES.index(name)]]


def test_a_name_the_sentences_lack_is_a_missing_anchor() -> None:
    request, ranking, pool = scored("Why did the Nine Years' Treaty fail?")
    rows = answer_features(request.understanding, ranking, pool)
    assert column(rows, "anchors_in_sentence") == [0.0, 0.0, 0.0]
    request, ranking, pool = scored("Why did the Ten Years' Treaty fail?")
    rows = answer_features(request.understanding, ranking, pool)
    assert column(rows, "anchors_in_sentence")[0] == 1.0


def test_a_sentence_negating_what_the_question_presupposes_contradicts_it() -> None:
    request, ranking, pool = scored("Why did the treaty settle the river dispute?")
    rows = answer_features(request.understanding, ranking, pool)
    assert column(rows, "contradicts") == [0.0, 1.0, 0.0]


def test_a_when_question_prefers_the_sentence_with_a_date() -> None:
    request, ranking, pool = scored("When did water sharing talks resume?")
    assert request.understanding.answer_type == "date"
    rows = answer_features(request.understanding, ranking, pool)
    assert column(rows, "value_missing") == [0.0, 1.0, 0.0]


def test_a_yes_on_claims_tied_to_a_report_is_marked_as_such() -> None:
    """`anchored_yes`: the checks say yes and the claims naming a source and a date found that report."""
    request = Request.of("Did the Valley Ledger report on 2024-03-02 that the treaty was signed in Orvane?")
    understanding = request.understanding
    assert understanding.yes_no is not None and understanding.yes_no.claims
    _, _, pool = scored("Was the treaty signed in Orvane?")
    claim = understanding.yes_no.claims[0]

    def anchored_yes(anchored: bool, support: float, rules: str | None) -> float:
        found = [ClaimEvidence(claim, pool[0], support, False, anchored=anchored)]
        return float(verdict_features(understanding, found, rules)[VERDICT_FEATURES.index("anchored_yes")])

    assert anchored_yes(True, 0.4, "yes") == 1.0
    assert anchored_yes(False, 0.4, "yes") == 0.0  # not tied to a report
    assert anchored_yes(True, 0.1, "yes") == 0.0  # its report was not found
    assert anchored_yes(True, 0.4, "no") == 0.0  # only ever confirms a "yes"


def test_the_shipped_weights_match_the_code_and_keep_their_signs() -> None:
    data = json.loads(Path(WEIGHTS).read_text(encoding="utf-8"))
    reader = LearnedReader.load()
    request, ranking, _ = scored("Why did the Ten Years' Treaty fail?")
    scores = reader.read(request, ranking)
    assert len(scores.answers) == len(ranking.ranked)
    assert ((scores.answers > 0) & (scores.answers < 1)).all() and 0 < scores.answerable < 1
    signs = {**SIGNS, "logit": 1, "second_logit": 1, "closest_semantic": 1, "closest_dense": 1}
    for model in ("answers", "answerable", "on_topic"):
        for name, weight in zip(data[model]["features"], data[model]["weights"], strict=True):
            sign = signs.get(name.removeprefix("best_"), 0)
            assert weight * sign >= 0, f"{model}.{name} = {weight} against its sign"
    assert data["fitted_on"], "the weights say what they were fitted on"
    assert data["embedder"] == EMBEDDER and data["off_topic"], "the on-topic model says what it read"


def test_closeness_says_off_topic_only_with_its_embedder_and_only_where_nothing_named_is_held() -> None:
    """A question nothing retrieved comes close to is off topic for the embedder the model was fitted with;
    with another embedder, or when the hits carry no similarity, or when the articles hold what the question
    names (a name the embedder never saw reads far), the answerable model alone decides."""
    fitted, other = LearnedReader.load(embedder=EMBEDDER), LearnedReader.load(embedder="openai:text-embedding-3-small")
    far = "What is the capital of the river country?"
    request, ranking, _ = scored(far, semantic=0.05, dense=0.05)
    assert not request.understanding.anchors
    assert fitted.read(request, ranking).answerable < 0.5 < other.read(request, ranking).answerable
    request, ranking, _ = scored(far, semantic=0.05, dense=None)
    assert fitted.read(request, ranking).answerable == other.read(request, ranking).answerable
    request, ranking, _ = scored("Why did the Ten Years' Treaty fail?", semantic=0.05, dense=0.05)
    assert fitted.read(request, ranking).answerable == other.read(request, ranking).answerable
    request, ranking, _ = scored(far, semantic=0.7, dense=0.7)
    assert fitted.read(request, ranking).answerable > 0.9 * other.read(request, ranking).answerable


def test_weights_for_other_features_are_refused(tmp_path: Path) -> None:
    data = json.loads(Path(WEIGHTS).read_text(encoding="utf-8"))
    data["answers"]["features"] = data["answers"]["features"][::-1]
    stale = tmp_path / "weights.json"
    stale.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValueError, match="refit the reader"):
        LearnedReader.load(stale)
