"""`newsbot timeline` and `newsbot digest` as a user runs them, over an index with wire copies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli.digest import render_digest
from bot.cli.timeline import render_timeline
from index.ingest import ingest
from tests.conftest import make_settings
from tests.index.test_stories import _wire
from tests.support.cli import run
from tests.support.one_story import SOURCE, TITLES, one_story
from tests.support.slack_api import SlackApiServer
from tests.support.slack_app import BOT_TOKEN


def test_timeline_and_digest_commands(tmp_path: Path) -> None:
    corpus = _wire(tmp_path / "wire")
    data = ["--data-dir", str(tmp_path / "data")]
    ingested = run("ingest", str(corpus), "--json", *data, cwd=tmp_path)
    assert ingested.returncode == 0 and json.loads(ingested.stdout)["duplicates"] == 2

    shown = run("timeline", "EU 5G security", *data, cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "Timeline: EU 5G security" in shown.stdout and "2019-03-27  [1]" in shown.stdout
    assert "also carried by: Paper B, Paper C" in shown.stdout and "[2]" not in shown.stdout

    as_json = json.loads(run("timeline", "EU 5G security", "--json", *data, cwd=tmp_path).stdout)
    assert [e["citation"]["also_in"] for e in as_json["entries"]] == [["Paper B", "Paper C"]]

    digest = run("digest", "--since", "2019-03-01", *data, cwd=tmp_path)
    assert (
        digest.returncode == 0 and "2 stories" in digest.stdout and "also carried by: Paper B, Paper C" in digest.stdout
    )
    bad = run("digest", "--since", "yesterday", *data, cwd=tmp_path)
    assert bad.returncode == 1 and "24h" in bad.stderr


def test_digest_post_skips_an_empty_digest_unless_told_to_post_it(tmp_path: Path, embedder) -> None:  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    ingest([_wire(tmp_path / "wire")], make_settings(data).index, embedder=embedder)
    with SlackApiServer(BOT_TOKEN) as slack:
        env = {"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": slack.url}
        empty = ["digest", "--since", "2019-05-01", "--post", "C0NEWS", "--data-dir", str(data)]
        skipped = run(*empty, cwd=tmp_path, env=env)
        assert skipped.returncode == 0, skipped.stderr
        assert "nothing new since 2019-05-01" in skipped.stderr and "C0NEWS" in skipped.stderr
        assert slack.calls("chat.postMessage") == []
        forced = run(*empty, "--post-empty", cwd=tmp_path, env=env)
        assert forced.returncode == 0 and "posted 0 stories to C0NEWS" in forced.stderr, forced.stderr
        news = run(
            "digest", "--since", "2019-03-01", "--post", "C0NEWS", "--data-dir", str(data), cwd=tmp_path, env=env
        )
        assert news.returncode == 0 and "posted 2 stories to C0NEWS" in news.stderr, news.stderr
        assert len(slack.calls("chat.postMessage")) == 2
    alone = run("digest", "--post-empty", "--data-dir", str(data), cwd=tmp_path)
    assert alone.returncode == 2 and "--post CHANNEL" in alone.stderr
    assert "--post-empty" in run("digest", "--help", cwd=tmp_path).stdout


@pytest.mark.parametrize("title", TITLES.values(), ids=TITLES.keys())
def test_each_entry_names_its_title_and_source_once(title: str) -> None:
    digest, timeline = one_story(title)
    for text in (render_digest(digest), render_timeline(timeline)):
        assert text.count(title) == 1 and text.count(SOURCE) == 1, text
