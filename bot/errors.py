"""The errors a user can act on; front ends show their message instead of a traceback."""

from __future__ import annotations


def user_facing_errors() -> tuple[type[Exception], ...]:
    from bot.core.pipeline import QuestionError
    from index.store import StoreError

    errors: list[type[Exception]] = [QuestionError, StoreError, ValueError]
    try:
        from bot.core.answer.llm import AnswerBackendError

        errors.append(AnswerBackendError)
    except ImportError:
        pass
    return tuple(errors)
