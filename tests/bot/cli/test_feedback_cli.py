"""`newsbot feedback list|reset` and the feedback part of `newsbot status`, as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from bot.settings import Settings
from index.feedback import DOWN, FeedbackStore
from tests.support.cli import run


def test_status_shows_what_feedback_changes_and_reset_undoes_it(tmp_path: Path, seeded_settings: Settings) -> None:
    data = tmp_path / "data"
    shutil.copytree(seeded_settings.index.data_dir, data)
    store = FeedbackStore(data / "feedback.sqlite")
    store.down(["zte-article"], voter="U1", answer="C1:1.1", titles={"zte-article": "ZTE opens its code"})
    store.hide("wrong-article", by="UADMIN", title="Wrong story")

    status = json.loads(run("status", "--json", "--data-dir", str(data), cwd=tmp_path).stdout)
    assert status["feedback"]["down_weighted"] == 1 and status["feedback"]["hidden"] == 1
    [hidden, lowered] = status["feedback"]["articles"]
    assert hidden == {"article_id": "wrong-article", "boost": 0.0, "hidden": True, "votes": 0, "title": "Wrong story"}
    assert lowered["article_id"] == "zte-article" and abs(lowered["boost"] - DOWN) < 1e-3
    assert "1 down-weighted, 1 hidden" in run("status", "--data-dir", str(data), cwd=tmp_path).stdout

    listed = json.loads(run("feedback", "list", "--json", "--data-dir", str(data), cwd=tmp_path).stdout)
    assert [a["article_id"] for a in listed] == ["wrong-article", "zte-article"]

    reset = run("feedback", "reset", "zte-article", "--data-dir", str(data), cwd=tmp_path)
    assert reset.returncode == 0 and "reset" in reset.stdout
    again = run("feedback", "reset", "zte-article", "--data-dir", str(data), cwd=tmp_path)
    assert again.returncode == 0 and "no feedback" in again.stdout
    assert [a.article_id for a in store.articles()] == ["wrong-article"]
    assert "hidden" in run("feedback", "list", "--data-dir", str(data), cwd=tmp_path).stdout
