"""The decisions after reading: feedback in the order sentences are quoted, answerability and verdict
cut-offs as settings, and the boosts an Answer reports."""

from __future__ import annotations

import numpy as np

from bot.core.answer.evidence import Ranking, candidates
from bot.core.answer.gate import answerable, decide_verdict, read, unanchored
from bot.core.answer.terms import QuestionTerms
from bot.core.answer.verdict import ClaimEvidence
from bot.core.models import Citation, Hit
from bot.core.read import Scores
from bot.core.request import Request
from bot.core.settings import AnswerSettings
from index.models import Chunk


class FixedReader:
    """Every sentence answers with the same probability; the question with `p`."""

    name = "fixed"
    answerable_min = 0.7
    originates = False

    def __init__(self, p: float, yes: float = 0.5) -> None:
        self.p = p
        self.p_yes = yes

    def read(self, request: Request, ranking: Ranking) -> Scores:
        return Scores(np.full(len(ranking.ranked), 0.6), self.p)

    def yes(self, request: Request, found: object, rules: str | None) -> float:
        return self.p_yes


class ModelLike(FixedReader):
    originates = True


def hits() -> list[Hit]:
    text = "Acme raised its prices by 5 percent in May."
    plain = Chunk("plain", 0, text, 0, len(text), title="Acme", source="Daily")
    lowered = Chunk("lowered", 0, text, 0, len(text), title="Acme", source="Weekly")
    return [Hit(lowered, 0.9, boost=-0.5), Hit(plain, 0.8)]


def ranking_of(found: list[Hit]) -> Ranking:
    pool = candidates(found)
    return Ranking(QuestionTerms.build("Acme prices", [c.stems for c in pool]), lambda: list(pool), set(), pool)


def test_a_down_weighted_article_is_quoted_after_an_equal_one() -> None:
    found = hits()
    request = Request.of("How much did Acme raise its prices?", found)
    reading = read(FixedReader(0.9), request, ranking_of(found))
    assert [c.article_id for c in reading.ranked] == ["plain", "lowered"]
    assert reading.ranked[1].score < reading.ranked[0].score == 0.6


def test_answerability_is_compared_with_the_setting_and_recorded() -> None:
    found = hits()
    request = Request.of("How much did Acme raise its prices?", found)
    reading = read(FixedReader(0.4), request, ranking_of(found))
    assert answerable(request, reading, AnswerSettings(answerable_min=0.3))
    assert not answerable(request, reading, AnswerSettings(answerable_min=0.5))
    assert request.notes["answerable"] == 0.4


def test_unset_the_readers_own_cut_decides() -> None:
    """NEWSBOT_ANSWERABLE_MIN unset: each reader's calibrated estimate is cut where its calibration says
    (here 0.7), so 0.6 refuses; the setting, when given, overrides it."""
    found = hits()
    request = Request.of("How much did Acme raise its prices?", found)
    reading = read(FixedReader(0.6), request, ranking_of(found))
    assert not answerable(request, reading, AnswerSettings())
    assert answerable(request, reading, AnswerSettings(answerable_min=0.5))


def test_the_answer_reports_the_boosts_of_the_articles_it_cites() -> None:
    found = hits()
    request = Request.of("How much did Acme raise its prices?", found)
    cited = Citation.from_chunk(1, found[0].chunk, found[0].chunk.text, 0.6)
    answer = request.answer("Acme raised its prices [1].", refused=False, backend="test", citations=[cited])
    assert answer.boosts == {"lowered": -0.5}
    assert answer.question == request.question and set(answer.timings_ms) >= {"generate", "total"}


def checked(support: float) -> tuple[Request, list[ClaimEvidence]]:
    """A yes/no request and its one claim's best sentence, found with `support`."""
    found = hits()
    request = Request.of("Did Acme raise its prices in May?", found)
    assert request.understanding.yes_no is not None
    claim = request.understanding.yes_no.claims[0]
    best = candidates(found)[0]
    return request, [ClaimEvidence(claim, best, support, False)]


def test_the_scorer_only_confirms_the_claim_checks_verdict() -> None:
    settings = AnswerSettings(verdict_min=0.9)
    request, found = checked(support=1.0)
    assert decide_verdict(FixedReader(0.9, yes=0.95), request, found, settings) == "yes"
    assert request.notes["checks_say"] == "yes" and request.notes["p_yes"] == 0.95
    assert decide_verdict(FixedReader(0.9, yes=0.85), request, found, settings) is None
    assert decide_verdict(FixedReader(0.9, yes=0.02), request, found, settings) is None
    request, unsupported = checked(support=0.0)
    assert decide_verdict(FixedReader(0.9, yes=0.99), request, unsupported, settings) is None


def test_a_reader_that_reads_the_sentences_settles_what_the_checks_leave_open() -> None:
    settings = AnswerSettings(verdict_min=0.9)
    request, unsupported = checked(support=0.0)
    assert decide_verdict(ModelLike(0.9, yes=0.95), request, unsupported, settings) == "yes"
    assert request.notes["checks_say"] is None
    assert decide_verdict(ModelLike(0.9, yes=0.05), request, unsupported, settings) == "no"
    assert decide_verdict(ModelLike(0.9, yes=0.5), request, unsupported, settings) is None
    assert decide_verdict(ModelLike(0.9, yes=0.95), request, unsupported, AnswerSettings(verdict_min=0.97)) is None


def test_a_name_held_only_in_pieces_refuses_a_question_one_article_answers() -> None:
    """ "Acme" and "Northern" are both retrieved, "Acme Northern" is not: a one-article question about it is
    about something else. A yes/no question draws on several articles, so the phrase check leaves it to the
    claim checks; the setting turns the check off."""
    text = "Acme raised its prices at the Boulder store. Northern shops kept theirs."
    found = [Hit(Chunk("a", 0, text, 0, len(text), title="Acme prices", source="Daily"), 0.9)]
    ranking = ranking_of(found)

    def refused(question: str, settings: AnswerSettings) -> bool:
        return unanchored(ranking, Request.of(question, found).understanding, settings)

    assert refused("How much did Acme Northern raise its prices?", AnswerSettings())
    assert not refused("How much did Acme raise its prices at the Boulder store?", AnswerSettings())
    assert not refused("Did Acme Northern raise its prices?", AnswerSettings())
    assert not refused("How much did Acme Northern raise its prices?", AnswerSettings(anchor_phrases=False))
