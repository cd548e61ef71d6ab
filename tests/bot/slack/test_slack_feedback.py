"""The feedback JSONL: one whole line per vote, even with many threads writing at once."""

from __future__ import annotations

import threading
from pathlib import Path

from bot.slack.feedback import FeedbackLog


def test_votes_append_whole_json_lines_in_a_new_data_dir(tmp_path: Path) -> None:
    log = FeedbackLog(tmp_path / "not-yet" / "feedback.jsonl")
    threads = [
        threading.Thread(target=log.record, kwargs={"user": f"U{i}", "vote": "up", "answer": "x" * 5000})
        for i in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    entries = log.read()
    assert sorted(e["user"] for e in entries) == sorted(f"U{i}" for i in range(20))
    assert all(e["answer"] == "x" * 5000 and e["time"] for e in entries)
    assert len(log.path.read_text().splitlines()) == 20
