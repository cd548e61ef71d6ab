"""Timelines and digests over a real index with wire copies: one entry per story, cited, dated, ordered."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.core.digest import build_digest, resolve_since
from bot.core.errors import QuestionError
from bot.core.models import Citation
from bot.core.retrieve import HybridRetriever
from bot.core.stories import shown_title
from bot.core.timeline import build_timeline
from index.ingest import ingest
from index.store import Store
from tests.index.test_stories import BODY, EXTRA, OTHER, _write

LATER = (
    "EU ministers met in Brussels on Friday to review the 5G network security recommendation and its deadlines. "
    "Several member states asked for more time to finish the national risk assessment of their 5G networks. "
    "The commission said the coordinated assessment would still be due in October, a spokesperson told reporters."
)


@pytest.fixture
def retriever(tmp_path: Path, settings, embedder) -> HybridRetriever:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "corpus"
    _write(corpus, "a.md", "Wire A", BODY, "EU sets its 5G stance")
    _write(corpus, "b.md", "Paper B", "By staff reporters\n\n" + BODY, "Europe's 5G plan ignores US pressure")
    _write(corpus, "c.md", "Paper C", BODY + "\n\n" + EXTRA, "EU 5G")
    _write(corpus, "d.md", "Paper D", OTHER, "Harvest")
    path = _write(corpus, "e.md", "Paper E", LATER, "Ministers review 5G security")
    path.write_text(path.read_text().replace("2019-03-27", "2019-04-05"))
    assert ingest([corpus], settings.index, embedder=embedder).duplicates == 2
    return HybridRetriever(settings.index, Store(settings.index, embedder.name, embedder.dim, create=False), embedder)


def test_timeline_has_one_dated_cited_entry_per_story(retriever: HybridRetriever) -> None:
    timeline = build_timeline("EU 5G network security", retriever)
    assert [(e.date, e.citation.source) for e in timeline.entries] == [
        ("2019-03-27", "Wire A"),
        ("2019-04-05", "Paper E"),
    ]
    first = timeline.entries[0].citation
    assert first.also_in == ("Paper B", "Paper C") and first.story_id
    assert [e.citation.n for e in timeline.entries] == [1, 2]
    for entry in timeline.entries:
        assert len(entry.citation.quote.split()) >= 4 and entry.citation.quote in BODY + LATER


def test_timeline_window_and_unrelated_topics(retriever: HybridRetriever) -> None:
    assert [
        e.citation.source for e in build_timeline("EU 5G network security", retriever, since="2019-04-01").entries
    ] == ["Paper E"]
    assert build_timeline("volcano eruption in Iceland", retriever).entries == []


def test_digest_groups_copies_and_lists_newest_first(retriever: HybridRetriever) -> None:
    digest = build_digest(retriever.store, retriever, since="2019-03-01")
    assert [s.source for s in digest.stories] == ["Paper E", "Paper D", "Wire A"], "newest first (ties by title)"
    eu = next(s for s in digest.stories if s.source == "Wire A")
    assert eu.also_in == ("Paper B", "Paper C")
    assert eu.citation.quote == BODY.split(". ")[0] + "."
    assert len({s.story_id for s in digest.stories}) == len(digest.stories) == 3
    topical = build_digest(retriever.store, retriever, since="2019-03-01", topic="wheat harvest")
    assert [s.source for s in topical.stories] == ["Paper D"]


def test_resolve_since() -> None:
    now = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)
    assert resolve_since("24h", now) == "2024-05-09"
    assert resolve_since("2w", now) == "2024-04-26"
    assert resolve_since("2024-01-02", now) == "2024-01-02"
    with pytest.raises(QuestionError):
        resolve_since("yesterday", now)


def test_a_span_back_is_counted_in_utc_from_an_aware_now() -> None:
    tokyo_morning = datetime(2024, 5, 10, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 2024-05-09 23:00 UTC
    assert resolve_since("24h", tokyo_morning) == "2024-05-08"
    new_york_night = datetime(2024, 5, 9, 22, 0, tzinfo=ZoneInfo("America/New_York"))  # 2024-05-10 02:00 UTC
    assert resolve_since("24h", new_york_night) == "2024-05-09"
    assert resolve_since("90m", datetime(2024, 5, 10, 1, 0, tzinfo=UTC)) == "2024-05-09"
    with pytest.raises(ValueError, match="aware"):
        resolve_since("24h", datetime(2024, 5, 10, 8, 0))


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone set so that its calendar day is not the UTC one right now."""
    ahead = datetime.now(UTC).hour >= 12  # UTC+14 is a day ahead after 10:00 UTC, UTC-12 a day behind before 12:00
    monkeypatch.setenv("TZ", "Etc/GMT-14" if ahead else "Etc/GMT+12")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_from_utc")
def test_the_default_now_is_utc_whatever_the_local_time_zone() -> None:
    assert date.today() != datetime.now(UTC).date(), "the fixture's time zone is on another day"
    before = datetime.now(UTC) - timedelta(hours=24)
    since = resolve_since("24h")
    after = datetime.now(UTC) - timedelta(hours=24)
    assert since in {before.date().isoformat(), after.date().isoformat()}


def test_an_article_dated_on_the_first_day_of_the_window_is_in_it(retriever: HybridRetriever) -> None:
    now = datetime(2019, 4, 6, 3, 0, tzinfo=ZoneInfo("Asia/Karachi"))  # 2019-04-05 22:00 UTC
    nine_days = build_digest(retriever.store, retriever, since=resolve_since("9d", now))
    assert nine_days.since == "2019-03-27" and {s.source for s in nine_days.stories} >= {"Wire A", "Paper E"}
    eight_days = build_digest(retriever.store, retriever, since=resolve_since("8d", now))
    assert [s.source for s in eight_days.stories] == ["Paper E"]


LEDE = "Farmers in Kansas reported a record wheat harvest this year."


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("Harvest beats forecasts", "Harvest beats forecasts"),
        ("Farmers in Kansas", "Farmers in Kansas"),
        (LEDE, ""),
        ("farmers in  Kansas reported a record wheat harvest this year", ""),
        ("Farmers in Kansas reported a record…", ""),
        ("", ""),
    ],
    ids=["own title", "headline the lede begins with", "the lede", "the lede unpunctuated", "the lede cut", "none"],
)
def test_an_entry_shows_its_title_unless_its_quote_says_it(title: str, shown: str) -> None:
    citation = Citation(1, "a1", title, "2019-03-27", "Paper D", "", LEDE, "a1:0", 1.0)
    assert shown_title(citation) == shown
