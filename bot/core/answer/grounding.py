"""Evidence for a model: the few numbered sentences an LLM answers from, instead of whole chunks.

A small model reading eight chunks (~2,000 tokens) is slow and loses track of which source said what; the
evidence sentences the extractive answerer already scores (`evidence.rank`) carry the answer in a fifth of
the tokens. Selection keeps what a multi-source question needs: for a yes/no question the best sentence
for each claim from the claim's own source, for a question naming several publications the best sentence
of each, then the best-ranked sentences overall, at most `PER_ARTICLE` per article and
`NEWSBOT_LLM_EVIDENCE` in all. The prompt shows them grouped by article (title, publication, date once per
sentence), in the articles' ranking order.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.answer import evidence, verdict
from bot.core.answer.evidence import Candidate
from bot.core.answer.gate import SEMANTIC_WEIGHT, answerable, decide_verdict, read, unanchored
from bot.core.answer.verdict import ClaimEvidence
from bot.core.read import Reader
from bot.core.request import Request
from bot.core.settings import AnswerSettings
from index.embed import Embedder

PER_ARTICLE = 3
SHORTLIST = 16


@dataclass(frozen=True)
class Grounding:
    """What an LLM answer is built on: the numbered evidence (`evidence[n - 1]` is evidence n), the
    refusal gate's decision, and for a yes/no question each claim's best sentence and the calibrated verdict
    (None when the reader's estimate does not reach `NEWSBOT_VERDICT_MIN`)."""

    kind: str
    ranked: list[Candidate]
    evidence: list[Candidate]
    refuse: bool
    claims: list[ClaimEvidence]
    rule_verdict: str | None


def ground(request: Request, embedder: Embedder, reader: Reader, settings: AnswerSettings) -> Grounding:
    """The evidence for `request` (at most `settings.llm_evidence` sentences), read by `reader`; the refusal
    and (yes/no) verdict decided by `gate`."""
    limit = settings.llm_evidence
    understanding = request.understanding
    kind = understanding.answer_type
    ranking = evidence.rank_request(request, embedder, SEMANTIC_WEIGHT, SHORTLIST)
    if ranking.candidates and unanchored(ranking, understanding, settings):
        return Grounding(kind, ranking.ranked, [], True, [], None)  # refused before any reader's model call
    claims: list[ClaimEvidence] = []
    rule_verdict = None
    if understanding.yes_no is not None and ranking.candidates:
        claims = verdict.gather(understanding, ranking.candidates, embedder)
        if any(c.supported for c in claims):
            rule_verdict = decide_verdict(reader, request, claims, settings)
    reading = read(reader, request, ranking)
    ranked = reading.ranked
    required = [c.best for c in claims if c.best is not None]
    if len(understanding.sources) > 1:
        for source in understanding.sources:
            required += [c for c in ranked if c.hit.chunk.source == source][:1]
    chosen = _select(required, ranked, limit)
    refuse = not answerable(request, reading, settings) and not any(c.supported for c in claims)
    return Grounding(kind, ranked, _in_article_order(chosen), refuse, claims, rule_verdict)


def _select(required: list[Candidate], ranked: list[Candidate], limit: int) -> list[Candidate]:
    chosen: list[Candidate] = []
    seen: set[tuple[str, int]] = set()
    per_article: dict[str, int] = {}
    for candidate in [*required, *ranked]:
        key = (candidate.article_id, candidate.start)
        if key in seen or len(chosen) == limit:
            continue
        if per_article.get(candidate.article_id, 0) >= PER_ARTICLE and candidate not in required:
            continue
        seen.add(key)
        per_article[candidate.article_id] = per_article.get(candidate.article_id, 0) + 1
        chosen.append(candidate)
    return chosen


def _in_article_order(chosen: list[Candidate]) -> list[Candidate]:
    """Articles in the order of their first (best) chosen sentence; each article's sentences as written."""
    first = {}
    for position, candidate in enumerate(chosen):
        first.setdefault(candidate.article_id, position)
    return sorted(chosen, key=lambda c: (first[c.article_id], c.start))
