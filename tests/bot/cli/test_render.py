"""The terminal rendering of an Answer's sources: the quote each number stands for, and a story's copies."""

from __future__ import annotations

from rich.console import Console

from bot.cli.render import render_answer
from bot.core.models import Answer, Citation


def test_a_wire_story_names_the_other_outlets_carrying_it() -> None:
    cited = Citation(1, "a1", "Acme raises prices", "2024-03-01", "Daily", "", "Acme raised prices.", "a1:0", 1.0,
                     story_id="s1", also_in=("The Ledger", "Wire Weekly"))  # fmt: skip
    console = Console(record=True, width=120)
    render_answer(Answer("q", "Acme raised prices [1].", refused=False, citations=[cited]), console)
    text = console.export_text()
    assert "“Acme raised prices.”" in text
    assert "also carried by: The Ledger, Wire Weekly" in text
