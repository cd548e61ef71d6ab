"""An overview of a story ("summarize …", "catch me up on …"): its key facts from several articles.

Both answerers use it: the extractive one quotes the facts, an LLM writes from them and verification checks
every sentence it writes against them. The facts are sentences in the reader's order from the articles on
the topic (those with a sentence the reader gives at least `NEWSBOT_OVERVIEW_MIN`; none: refused), one story
counted once (wire copies), shared among those articles, oldest first.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.answer import evidence
from bot.core.answer.evidence import Candidate
from bot.core.answer.gate import SEMANTIC_WEIGHT, read, unanchored
from bot.core.citations.assemble import see_also
from bot.core.models import Citation
from bot.core.read import Reader
from bot.core.request import Request
from bot.core.settings import AnswerSettings
from index.embed import Embedder

OVERVIEW_SHORTLIST = 24
OVERVIEW_FACTS = 5


def key_facts(ranked: list[Candidate], floor: float) -> list[Candidate]:
    """Up to `OVERVIEW_FACTS` sentences, in the reader's order, of the articles on the topic (those with a
    sentence the reader gives at least `floor`): one story counted once (its first copy's sentences; a copy
    adds only what it adds), the facts shared among those articles (all from one when only one is on the
    topic), none that repeats most of the words of one already chosen. The reader's probabilities are a
    factoid's (one sentence answers), so within an on-topic article they only order."""
    on_topic = {c.article_id for c in ranked if c.score >= floor}
    eligible = [c for c in ranked if c.article_id in on_topic]
    per_article_cap = -(-OVERVIEW_FACTS // max(len({c.article_id for c in eligible}), 1))
    chosen: list[Candidate] = []
    per_article: dict[str, int] = {}
    story_article: dict[str, str] = {}
    for candidate in eligible:
        if len(chosen) == OVERVIEW_FACTS:
            break
        story = candidate.hit.chunk.story_id or candidate.article_id
        if story_article.setdefault(story, candidate.article_id) != candidate.article_id:
            continue
        if per_article.get(candidate.article_id, 0) >= per_article_cap:
            continue
        if any(len(candidate.stems & c.stems) > 0.7 * min(len(candidate.stems), len(c.stems)) for c in chosen):
            continue
        per_article[candidate.article_id] = per_article.get(candidate.article_id, 0) + 1
        chosen.append(candidate)
    return chosen


@dataclass(frozen=True)
class Overview:
    """The reading an overview rests on; `facts` empty means refuse (`closest` says where to look)."""

    ranked: list[Candidate]
    facts: list[Candidate]
    closest: list[Citation]


def gather(request: Request, embedder: Embedder, reader: Reader, settings: AnswerSettings) -> Overview:
    ranking = evidence.rank_request(request, embedder, SEMANTIC_WEIGHT, OVERVIEW_SHORTLIST)
    ranked = read(reader, request, ranking).ranked if ranking.candidates else []
    closest = see_also((c.hit, c.text, round(c.score, 4)) for c in ranked)
    if not ranked or unanchored(ranking, request.understanding, settings) or ranked[0].score < settings.overview_min:
        return Overview(ranked, [], closest)
    facts = key_facts(ranked, settings.overview_min)
    facts.sort(key=lambda c: (c.hit.chunk.date or "", c.article_id, c.start))
    return Overview(ranked, facts, closest)
