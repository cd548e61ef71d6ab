"""The one refusal every backend gives, with its see-also list (the closest articles, not citations)."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.models import REFUSAL_TEXT, Answer, Citation, Hit
from bot.core.request import Request

SEE_ALSO_LIMIT = 3


def see_also(picks: Iterable[tuple[Hit, str, float]], limit: int = SEE_ALSO_LIMIT) -> list[Citation]:
    """The closest sources of a refusal: the first pick of each article, in the order given, as citations.

    A pick is (hit, verbatim quote from its chunk, score). These are not citations of an answer; they tell
    the user where to look.
    """
    result: list[Citation] = []
    seen: set[str] = set()
    for hit, quote, score in picks:
        if hit.chunk.article_id in seen:
            continue
        seen.add(hit.chunk.article_id)
        result.append(Citation.from_chunk(len(result) + 1, hit.chunk, quote, score))
        if len(result) == limit:
            break
    return result


def refusal(request: Request, closest: list[Citation], backend: str = "") -> Answer:
    """The one refusal every backend gives: the refusal text, no citations, the closest articles to look at;
    none for a question the reader judged off every article's topic ("what is the capital of peru", "hello":
    P(on topic) below even odds, `bot.core.read.scorer`): the articles closest to it are not about it."""
    return request.answer(REFUSAL_TEXT, refused=True, backend=backend, see_also=[] if request.off_topic else closest)
