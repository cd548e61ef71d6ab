"""Render an Answer for a terminal (rich) or as JSON; the REPL and `ask` share this."""

from __future__ import annotations

import json

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from bot.core.models import Answer, Citation


def answer_json(answer: Answer) -> str:
    return json.dumps(answer.to_dict(), ensure_ascii=False, indent=2)


def source_line(citation: Citation) -> str:
    """`title — source, date` with the parts an article has."""
    tail = ", ".join(p for p in (citation.source, citation.date or "") if p)
    return f"{citation.title} — {tail}" if tail else citation.title


def corrections_line(answer: Answer) -> str:
    """What citation verification changed, in words ("" when nothing)."""
    counts: dict[str, int] = {}
    for correction in answer.corrections:
        if correction.kind == "kept":
            continue
        counts[correction.kind] = counts.get(correction.kind, 0) + 1
    words = {"moved": "citation(s) moved", "dropped": "citation(s) dropped", "added": "citation(s) added"}
    words["removed"] = "unsupported sentence(s) removed"
    parts = [f"{counts[kind]} {words[kind]}" for kind in ("moved", "dropped", "added", "removed") if kind in counts]
    return f"Checked against the sources: {', '.join(parts)}." if parts else ""


def render_answer(answer: Answer, console: Console, *, show_answer: bool = True) -> None:
    """The answer text, then its numbered sources with the exact quote each number stands for.

    A model's answer whose citations verification changed says so, so a reader who saw it stream knows
    why the text below differs."""
    changed = corrections_line(answer)
    if changed:
        console.print(Text(changed, style="yellow"))
    if show_answer:
        console.print(Text(answer.answer))
    if answer.refused:
        if answer.see_also:
            console.print("\n[bold]See also[/bold] (closest articles, not an answer):")
            for c in answer.see_also:
                console.print(f"  • {escape(source_line(c))}" + (f"\n    {escape(c.url)}" if c.url else ""))
        return
    render_sources(answer.citations, console)


def render_sources(citations: list[Citation], console: Console) -> None:
    if not citations:
        return
    console.print("\n[bold]Sources[/bold]")
    for c in citations:
        console.print(f"  [bold]\\[{c.n}][/bold] {escape(source_line(c))}")
        if c.url:
            console.print(f"      {escape(c.url)}", style="cyan")
        console.print(Text(f"      “{c.quote}”", style="italic"))
        if c.also_in:
            console.print(f"      also carried by: {escape(', '.join(c.also_in))}", style="dim")
