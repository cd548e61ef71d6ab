"""The per-process dedupe LRU and the per-user rate limit."""

from __future__ import annotations

import threading

from bot.slack.dedupe import Deduper
from bot.slack.ratelimit import RateLimiter


def test_dedupe_answers_true_once_per_key_and_any_shared_key_counts() -> None:
    seen = Deduper(maxsize=100)
    assert seen.first(("post", "C1", "1.1"), ("event", "Ev1"))
    assert not seen.first(("post", "C1", "1.1"), ("event", "Ev2"))
    assert not seen.first(("event", "Ev1"))
    assert seen.first(("post", "C1", "1.2"))


def test_dedupe_forgets_the_oldest_keys_beyond_its_size() -> None:
    seen = Deduper(maxsize=3)
    for key in "abcd":
        assert seen.first(key)
    assert len(seen) == 3
    assert seen.first("a")
    assert not seen.first("d")


def test_dedupe_lets_exactly_one_of_many_racing_threads_win() -> None:
    seen = Deduper()
    wins: list[bool] = []
    start = threading.Barrier(16)

    def race() -> None:
        start.wait()
        wins.append(seen.first(("post", "C1", "9.9")))

    threads = [threading.Thread(target=race) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wins.count(True) == 1


def test_rate_limit_is_a_sliding_window_per_user() -> None:
    now = [0.0]
    limiter = RateLimiter(2, window=60, clock=lambda: now[0])
    assert limiter.allow("U1") and limiter.allow("U1")
    assert not limiter.allow("U1")
    assert limiter.allow("U2")
    now[0] = 59.9
    assert not limiter.allow("U1")
    now[0] = 60.0
    assert limiter.allow("U1")
    assert limiter.allow("U1")
    assert not limiter.allow("U1")
