"""Follow-up questions made standalone without a language model, so retrieval sees the whole question."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.core.models import Turn

_FOLLOW_UP = re.compile(
    r"^\s*(?:and\s+)?(?:what|how)\s+about\s+(?P<subject>.+?)\s*\??\s*$|^\s*and\s+(?P<bare>.+?)\s*\??\s*$",
    re.I,
)
_PRONOUNS = frozenset("it its they them their he him his she her this that these those there".split())


# Condensed questions become the history of the next turn: a bounded context keeps them from growing
# turn after turn until they are over NEWSBOT_MAX_QUESTION_CHARS.
_CONTEXT_WORDS = 40


def condense_heuristic(history: Sequence[Turn], question: str) -> str:
    """Make a follow-up standalone without a language model.

    - "and what about X?" / "how about X?" / "and X?": the previous question with its first name
      (a capitalised word that is not the first word) replaced by X;
    - a question with a pronoun (it, they, this ...) or under four words: the previous question's
      content words are appended in parentheses, which is what retrieval needs;
    - anything else is already standalone.
    """
    if not history:
        return question
    previous = history[-1].question
    match = _FOLLOW_UP.match(question)
    if match:
        subject = (match.group("subject") or match.group("bare")).strip()
        names = [w for i, w in enumerate(previous.split()) if i > 0 and w[:1].isupper()]
        if names:
            name = names[0].strip("?,.!'\"")
            return previous.replace(name, subject, 1)
        return f"{previous.rstrip('?')} — {subject}?"
    tokens = [w.lower().strip("?,.!") for w in question.split()]
    if len(tokens) < 4 or _PRONOUNS & set(tokens):
        words = [w for w in previous.rstrip("?").split() if w.lower() not in _PRONOUNS]
        context = " ".join(words[:_CONTEXT_WORDS])
        return f"{question.rstrip()} ({context})"
    return question
