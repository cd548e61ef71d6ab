"""Answer assembly: a model's reply over numbered hits becomes an `Answer` whose citations can be trusted,
and the one refusal (with its see-also list) that every backend gives.

Everything here is a pure function of the reply and the hits, so the rules are testable without a model:
only markers that point at a real hit survive, they are renumbered 1..N by first use, and every quote is
a verbatim slice of the cited chunk's text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.core.citations.markers import claims, renumber
from bot.core.citations.quotes import best_quote, idf_weights
from bot.core.citations.reply import drop_source_tags, is_refusal, remove_sentinel, strip_source_list
from bot.core.models import REFUSAL_TEXT, Answer, Citation, Hit

SEE_ALSO_LIMIT = 3


def make_citation(n: int, hit: Hit, quote: str) -> Citation:
    return Citation.from_chunk(n, hit.chunk, quote, hit.score)


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


def nearest_sentences(question: str, hits: Sequence[Hit]) -> list[tuple[Hit, str, float]]:
    """Each hit with the sentence of its chunk nearest the question by words: see-also picks for a model's refusal."""
    idf = idf_weights(h.chunk.text for h in hits)
    return [(hit, best_quote(hit.chunk.text, [question], idf), hit.score) for hit in hits]


def refusal(question: str, closest: list[Citation], backend: str = "") -> Answer:
    """The one refusal every backend gives: the refusal text, no citations, the closest articles to look at."""
    return Answer(question=question, answer=REFUSAL_TEXT, refused=True, citations=[], backend=backend, see_also=closest)


def build_answer(question: str, reply: str, hits: Sequence[Hit], *, sentinel: str, backend: str = "") -> Answer:
    """The `Answer` for a model's `reply` to `question` over the numbered `hits` (1-based).

    A reply that is the sentinel, or that cites no real hit, is a refusal: an answer nobody can
    check against the articles is not given as one.
    """
    text = reply.strip()
    if not text or is_refusal(text, sentinel):
        return refusal(question, see_also(nearest_sentences(question, hits)), backend)
    text, _ = remove_sentinel(drop_source_tags(strip_source_list(text)), sentinel)
    text, order = renumber(text, len(hits))
    if not order or not text:
        return refusal(question, see_also(nearest_sentences(question, hits)), backend)

    idf = idf_weights(h.chunk.text for h in hits)
    supporting: dict[int, list[str]] = {n: [] for n in range(1, len(order) + 1)}
    for claim in claims(text):
        for n in claim.cites:
            supporting[n].append(claim.text)
    citations = []
    for n, original in enumerate(order, start=1):
        hit = hits[original - 1]
        citations.append(make_citation(n, hit, best_quote(hit.chunk.text, supporting[n], idf, question)))
    return Answer(question=question, answer=text, refused=False, citations=citations, backend=backend)
