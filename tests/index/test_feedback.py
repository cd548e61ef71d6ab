"""The feedback store: each person's latest vote per answer counts once, the effect is bounded and fades,
a reset restores an article exactly, and several processes can vote at once without losing a vote."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from index.feedback import DAY_S, DOWN, DOWN_LIMIT, UP, UP_LIMIT, FeedbackStore


def test_a_persons_latest_vote_on_an_answer_replaces_their_earlier_one(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    store.up(["a1", "a2"], voter="U1", answer="C1:1.1")
    store.up(["a1"], voter="U1", answer="C1:1.1")  # clicking twice
    assert store.weights().boosts == pytest.approx({"a1": UP, "a2": UP}, abs=1e-6)
    store.down(["a1"], voter="U1", answer="C1:1.1")  # switching
    store.up(["a1"], voter="U2", answer="C1:1.1")
    assert store.weights().boost("a1") == pytest.approx(DOWN + UP, abs=1e-6)


def test_the_effect_is_bounded_both_ways(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    for i in range(20):
        store.up(["liked"], voter=f"U{i}", answer="C1:1.1")
        store.down(["disliked"], voter=f"U{i}", answer="C1:1.1")
    weights = store.weights()
    assert weights.boost("liked") == pytest.approx(UP_LIMIT)
    assert weights.boost("disliked") == pytest.approx(DOWN_LIMIT)


def test_votes_fade_with_the_half_life(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite", half_life_days=10)
    store.down(["a1"], voter="U1", answer="C1:1.1")
    now = store.weights().boost("a1")
    later = store.weights(now=__import__("time").time() + 10 * DAY_S).boost("a1")
    assert now == pytest.approx(DOWN, abs=1e-4) and later == pytest.approx(DOWN / 2, abs=1e-3)


def test_hide_and_reset(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    assert store.weights().boosts == {} and store.articles() == []  # no file yet: no effect
    store.down(["a1"], voter="U1", answer="C1:1.1", titles={"a1": "Chip exports fall"})
    store.hide("a2", by="UADMIN", title="Wrong story")
    listed = {a.article_id: a for a in store.articles()}
    assert listed["a2"].hidden and listed["a2"].title == "Wrong story"
    assert listed["a1"].boost == pytest.approx(DOWN, abs=1e-4) and listed["a1"].votes == 1
    assert store.reset("a1") and store.reset("a2")
    assert store.weights().boosts == {} and store.weights().hidden == frozenset()
    assert store.reset("a1") is False


def _vote_many(path: str, worker: int) -> None:
    store = FeedbackStore(Path(path))
    for i in range(15):
        store.up([f"a{i % 3}"], voter=f"U{worker}", answer=f"C1:{i}")


def test_several_processes_vote_at_once_without_losing_a_vote(tmp_path: Path) -> None:
    path = tmp_path / "feedback.sqlite"
    with ProcessPoolExecutor(max_workers=4) as pool:
        list(pool.map(_vote_many, [str(path)] * 4, range(4)))
    store = FeedbackStore(path)
    assert sum(a.votes for a in store.articles()) == 60
    assert store.weights().boosts == pytest.approx({"a0": UP_LIMIT, "a1": UP_LIMIT, "a2": UP_LIMIT})
