"""The query core's user-fixable errors; all are `NewsbotError`s, so front ends show their message."""

from __future__ import annotations

from index.errors import NewsbotError


class QuestionError(NewsbotError):
    """The question or its filters cannot be used as given (empty, too long, a malformed date)."""


class PromptError(NewsbotError):
    """A prompt file is missing, or a template was rendered without one of its placeholders."""


class AnswerBackendError(NewsbotError):
    """The LLM could not produce an answer; the message says what to check, never the API key."""
