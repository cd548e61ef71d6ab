"""Each metric on cases small enough to check by hand."""

from __future__ import annotations

import pytest

from measure.eval import metrics
from measure.eval.metrics import RetrievedSpan


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Answer, is: Brussels!", "answer is brussels"),
        ("  An   apple a day ", "apple day"),
        ("“Quoted” — dash", "quoted dash"),
    ],
)
def test_normalize_answer_drops_case_punctuation_and_articles(text: str, expected: str) -> None:
    assert metrics.normalize_answer(text) == expected


def test_answer_correct_needs_the_whole_phrase() -> None:
    assert metrics.answer_correct("It was the European Commission [1].", ["European Commission"])
    assert metrics.answer_correct("Italy and Belgium.", ["Belgium and Italy", "Italy and Belgium"])
    assert not metrics.answer_correct("It was the European Council.", ["European Commission"])
    # "Italy" alone is not the accepted phrase, and a word inside another word is not a match.
    assert not metrics.answer_correct("Italy", ["Italy and Belgium"])
    assert not metrics.answer_correct("Googled it", ["Google"])


@pytest.mark.parametrize(
    ("answer", "gold", "expected"),
    [
        ("Yes, the reports agree.", ["Yes"], True),
        ("No.", ["no"], True),
        ("Yes.", ["no"], False),
        ("Yes and no: it depends.", ["yes"], False),  # a hedge is wrong whichever way gold points
        ("Yes and no: it depends.", ["no"], False),
        ("The reports agree.", ["yes"], False),  # no stance at all
        ("True", ["yes"], True),
        ("false", ["True"], False),
    ],
)
def test_yes_no_answers_need_the_matching_stance(answer: str, gold: list[str], expected: bool) -> None:
    assert metrics.answer_correct(answer, gold) is expected


def test_yes_no_stance() -> None:
    assert metrics.yes_no_stance("Yes, it is.") == "yes"
    assert metrics.yes_no_stance("no") == "no"
    assert metrics.yes_no_stance("Yes ... no") is None
    assert metrics.yes_no_stance("maybe") is None
    assert metrics.is_yes_no(["Yes"]) and not metrics.is_yes_no(["Google"]) and not metrics.is_yes_no([])


def test_token_f1_by_hand() -> None:
    # predicted "sam bankman fried founder" vs gold "sam bankman fried": p=3/4, r=1 -> f1=6/7
    assert metrics.token_f1("Sam Bankman-Fried, the founder", ["Sam Bankman-Fried"]) == pytest.approx(6 / 7)
    assert metrics.token_f1("Brussels", ["Paris", "Brussels"]) == 1.0
    assert metrics.token_f1("nothing here", ["Brussels"]) == 0.0


def test_hit_at_k_and_mrr_by_hand() -> None:
    ranked = ["x", "y", "gold", "x", "other-gold"]
    gold = {"gold", "other-gold"}
    assert metrics.hit_at_k(ranked, gold, 1) == 0.0
    assert metrics.hit_at_k(ranked, gold, 3) == 1.0
    assert metrics.reciprocal_rank(ranked, gold, 10) == pytest.approx(1 / 3)
    assert metrics.reciprocal_rank(ranked, gold, 2) == 0.0
    assert metrics.hit_at_k([], gold, 10) == 0.0


ARTICLE = "First sentence here. The quote starts here and it ends there. Last one."


def _span(article: str, start: int, end: int) -> RetrievedSpan:
    return RetrievedSpan(article, start, end, ARTICLE[start:end])


def test_evidence_recall_counts_a_quote_split_across_two_adjacent_chunks() -> None:
    quote = "The quote starts here and it ends there."
    cut = ARTICLE.index("and it")
    first, second = _span("a", 0, cut), _span("a", cut, len(ARTICLE))
    assert metrics.evidence_recall([quote], [first]) == 0.0
    assert metrics.evidence_recall([quote], [second, first]) == 1.0  # order of retrieval does not matter


def test_evidence_recall_joins_overlapping_chunks_by_offsets_and_ignores_whitespace() -> None:
    quote = "The  quote starts here\nand it ends there."
    a, b = _span("a", 0, ARTICLE.index("and it")), _span("a", ARTICLE.index("starts"), len(ARTICLE))
    assert metrics.evidence_recall([quote], [a, b]) == 1.0


def test_evidence_recall_does_not_join_chunks_of_other_articles_or_with_gaps() -> None:
    quote = "The quote starts here and it ends there."
    cut = ARTICLE.index("and it")
    other_article = [_span("a", 0, cut), _span("b", cut, len(ARTICLE))]
    with_gap = [_span("a", 0, cut), _span("a", cut + 4, len(ARTICLE))]
    assert metrics.evidence_recall([quote], other_article) == 0.0
    assert metrics.evidence_recall([quote], with_gap) == 0.0


def test_evidence_recall_is_a_share_and_none_without_quotes() -> None:
    spans = [_span("a", 0, len(ARTICLE))]
    assert metrics.evidence_recall(["First sentence here.", "Not in the text."], spans) == 0.5
    assert metrics.evidence_recall([], spans) is None


def test_quotes_overlap() -> None:
    gold = "The blueprint did not exclude any companies from the 5G network assessment, although the US"
    assert metrics.quotes_overlap("did not exclude any companies", gold)  # contained
    assert metrics.quotes_overlap("any companies from the 5G network assessment, and more", gold)  # 30+ shared
    assert not metrics.quotes_overlap("Network security is a priority for ZTE.", gold)
    assert not metrics.quotes_overlap("", gold)


def test_citation_supported_by_article_or_quote() -> None:
    assert metrics.citation_supported("gold", "anything", {"gold"}, [])
    assert metrics.citation_supported("other", "the quote itself", {"gold"}, ["the quote itself"])
    assert not metrics.citation_supported(None, "unrelated", {"gold"}, ["the quote itself"])


def test_mean_and_percentile() -> None:
    assert metrics.mean([1.0, None, 0.0]) == 0.5
    assert metrics.mean([None]) is None
    assert metrics.percentile([10.0, 20.0, 30.0, 40.0], 50) == 25.0
    assert metrics.percentile([10.0, 20.0, 30.0, 40.0], 95) == pytest.approx(38.5)
    assert metrics.percentile([7.0], 95) == 7.0
    assert metrics.percentile([], 50) is None


def test_lenient_accuracy_is_any_gold_word() -> None:
    from measure.eval.metrics import lenient_correct

    assert lenient_correct("Bankman-Fried testified [1].", ["Sam Bankman-Fried"])
    assert not lenient_correct("Ellison testified.", ["Sam Bankman-Fried"])
    assert lenient_correct("A report of the day.", ["The Day of the Jackal"]) is not False
