"""An overview of a story ("summarize …", "catch me up on …"): its key facts from several articles.

Both answerers use it: the extractive one quotes the facts, an LLM writes from them and verification checks
every sentence it writes against them. The facts are sentences in the reader's order from the articles on
the topic, one story counted once (wire copies), shared among those articles, oldest first. Which articles
are on the topic is a fitted estimate from the reader's reading of each (`topic`, cut at
`NEWSBOT_OVERVIEW_TOPIC_MIN`; `NEWSBOT_OVERVIEW_NAMES` can further keep only those naming what the
best-named of them names, off by default: README "Overviews" has the sweep). Refused when none is, when
the reader judged the request off every article's topic (a thank-you the intent model reads as a request
for a story: the articles closest to it are not about it), or when what was retrieved holds less than
`NEWSBOT_OVERVIEW_ANCHORED` of the question's names (`bot.core.understand.anchors`: names, quoted terms,
models) as phrases (the Nine Years' Treaty is not the Ten Years' Treaty).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.answer import evidence
from bot.core.answer.evidence import Candidate, Ranking
from bot.core.answer.gate import SEMANTIC_WEIGHT, read
from bot.core.answer.topic import TopicModel
from bot.core.citations.assemble import see_also
from bot.core.models import Citation
from bot.core.read import Reader
from bot.core.request import Request
from bot.core.settings import AnswerSettings
from bot.core.understand import anchors
from bot.core.understand.anchors import Anchor
from index.embed import Embedder

OVERVIEW_SHORTLIST = 24
NAMED = anchors.PHRASE_KINDS | {anchors.PUBLICATION}
"""The anchors that name a story: in "summarize the Nine Years' Treaty story" the name before "story" reads
as a publication's (`anchors`), and it is what the overview is about."""


def names_held(found: tuple[Anchor, ...], articles: dict[str, set[str]]) -> dict[str, float]:
    """Each retrieved article's share of the question's names, quoted terms and models whose words its
    retrieved text or title holds (`Ranking.articles`); 1.0 for every article when the question names none.
    An overview rests on several articles, so the factoid's rule (each name held as a phrase somewhere in the
    shortlist) does not fit it, and a later mention ("Altman") is how a story names again."""
    wanted = [t for a in found if a.kind in NAMED and (t := anchors.spelled_terms(a))]
    if not wanted:
        return dict.fromkeys(articles, 1.0)
    return {a: sum(t <= held for t in wanted) / len(wanted) for a, held in articles.items()}


def best_named(topic: set[str], held: dict[str, float], share: float) -> set[str]:
    """The articles of `topic` that hold at least `share` of what the best-named of them holds of the
    question's names (0: all of them; 1.0: as many as any)."""
    best = max((held.get(a, 0.0) for a in topic), default=0.0)
    return {a for a in topic if held.get(a, 0.0) >= share * best}


def key_facts(ranked: list[Candidate], topic: set[str], limit: int) -> list[Candidate]:
    """Up to `limit` sentences, in the reader's order, of the articles on the topic: one story counted once
    (its first copy's sentences; a copy adds only what it adds), the facts shared among those articles (all
    from one when only one is on the topic), none that repeats most of the words of one already chosen. The
    reader's probabilities are a factoid's (one sentence answers), so within an on-topic article they only
    order."""
    eligible = [c for c in ranked if c.article_id in topic]
    per_article_cap = -(-limit // max(len({c.article_id for c in eligible}), 1))
    chosen: list[Candidate] = []
    per_article: dict[str, int] = {}
    story_article: dict[str, str] = {}
    for candidate in eligible:
        if len(chosen) == limit:
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


def reading(request: Request, embedder: Embedder, reader: Reader) -> tuple[Ranking, list[Candidate]]:
    """The overview's shortlist, read: what `gather` chooses from and `measure.fit_topic` fits on."""
    ranking = evidence.rank_request(request, embedder, SEMANTIC_WEIGHT, OVERVIEW_SHORTLIST)
    return ranking, read(reader, request, ranking).ranked if ranking.candidates else []


def gather(request: Request, embedder: Embedder, reader: Reader, settings: AnswerSettings) -> Overview:
    ranking, ranked = reading(request, embedder, reader)
    closest = see_also((c.hit, c.text, round(c.score, 4)) for c in ranked)
    understanding = request.understanding
    if (
        not ranked
        or request.off_topic
        or anchors.missing(understanding.anchors, ranking.retrieved)
        or anchors.held_share(understanding.anchors, ranking.texts, NAMED) < settings.overview_anchored
    ):
        return Overview(ranked, [], closest)
    topic = TopicModel.load().on_topic(ranked, settings.overview_topic_min, embedder.name)
    topic = best_named(topic, names_held(understanding.anchors, ranking.articles), settings.overview_names)
    if not topic:
        return Overview(ranked, [], closest)
    facts = key_facts(ranked, topic, settings.overview_facts)
    facts.sort(key=lambda c: (c.hit.chunk.date or "", c.article_id, c.start))
    return Overview(ranked, facts, closest)
