"""Citation rules on raw model replies: only given evidence is cited, numbered by first use, quoted verbatim."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.answer.evidence import Candidate, candidates
from bot.core.answer.grounding import Grounding
from bot.core.answer.verified import verified_answer
from bot.core.answer.verify import Verifier
from bot.core.citations.assemble import see_also
from bot.core.citations.markers import cited_numbers, claims, normalise, renumber
from bot.core.citations.reply import is_refusal, strip_source_list
from bot.core.citations.stream import StreamRewriter
from bot.core.models import REFUSAL_TEXT, Answer, Hit
from bot.core.request import Request
from index.embed.local import LocalOnnxEmbedder
from index.models import Chunk

SENTINEL = "NOT_IN_SOURCES"

GENEVA = (
    "Photo: the delegates. The summit opened in Geneva on Monday. Delegates from 40 countries attended "
    "the opening session. The talks ended without a deal on Friday. Organisers said a new round could "
    "start in June."
)
ACME = (
    "Acme Corp raised its prices by 5 percent in May. The company blamed higher shipping costs. "
    "Analysts expect further increases."
)
FLOODS = "Heavy rain flooded the river valley on Tuesday. Hundreds of residents were evacuated by boat."


def chunk_of(article_id: str, article_text: str, start: int, end: int, title: str) -> Chunk:
    """A chunk as the pipeline makes it: a slice of the article text with flat metadata."""
    return Chunk(
        article_id=article_id,
        n=0,
        text=article_text[start:end],
        start=start,
        end=end,
        title=title,
        date="2024-03-01",
        source="Example Times",
        url=f"https://example.test/{article_id}",
    )


ARTICLES = {"geneva": GENEVA, "acme": ACME, "floods": FLOODS}
HITS = [
    Hit(chunk_of("geneva", GENEVA, 23, len(GENEVA), "Geneva talks end"), 0.9),
    Hit(chunk_of("acme", ACME, 0, len(ACME), "Acme raises prices"), 0.8),
    Hit(chunk_of("floods", FLOODS, 0, len(FLOODS), "Valley floods"), 0.7),
]


EVIDENCE = candidates(HITS)
NUMBER = {c.text: n for n, c in enumerate(EVIDENCE, start=1)}
VERIFIER = Verifier(LocalOnnxEmbedder())
TALKS = NUMBER["The talks ended without a deal on Friday."]


def grounding(evidence: list[Candidate] = EVIDENCE) -> Grounding:
    return Grounding("open", list(evidence), list(evidence), False, [], None)


def build(question: str, reply: str) -> Answer:
    closest = see_also((c.hit, c.text, c.score) for c in EVIDENCE)
    request = Request.of(question)
    return verified_answer(request, reply, grounding(), closest, verifier=VERIFIER, sentinel=SENTINEL, backend="test")


def assert_grounded(answer: Answer, hits: list[Hit]) -> None:
    """Every marker points at a citation, citations are 1..N, and each quote is verbatim article text."""
    by_id = {h.chunk.id: h for h in hits}
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)} == {c.n for c in answer.citations}
    for citation in [*answer.citations, *answer.see_also]:
        chunk = by_id[citation.chunk_id].chunk
        assert citation.quote and citation.quote in chunk.text
        assert citation.quote in ARTICLES[chunk.article_id]


def test_markers_in_every_written_form_are_parsed() -> None:
    assert cited_numbers("A [1, 2]. B [1][3]. C [2-4]. D [Source 5]. E [6;7].") == [1, 2, 1, 3, 2, 3, 4, 5, 6, 7]


def test_renumbering_follows_first_use() -> None:
    text, order = renumber("Prices rose [3]. Talks ended [1]. Prices rose again [3].", n_sources=3)
    assert text == "Prices rose [1]. Talks ended [2]. Prices rose again [1]."
    assert order == [3, 1]


def test_markers_outside_the_sources_are_dropped_with_their_space() -> None:
    text, order = renumber("Talks ended [1]. Aliens landed [7]. Both [1, 9].", n_sources=3)
    assert text == "Talks ended [1]. Aliens landed. Both [1]."
    assert order == [1]


def test_a_marker_outside_the_evidence_is_dropped() -> None:
    answer = build("q", f"The talks ended on Friday [{TALKS}]. Acme raised its prices [{len(EVIDENCE) + 3}].")
    assert not answer.refused
    assert [(c.n, c.article_id) for c in answer.citations[:1]] == [(1, "geneva")]
    assert f"[{len(EVIDENCE) + 3}]" not in answer.answer
    assert_grounded(answer, HITS)


def test_citations_follow_first_use_and_map_to_the_right_evidence() -> None:
    acme = NUMBER["Acme Corp raised its prices by 5 percent in May."]
    answer = build("q", f"Acme raised prices by 5 percent [{acme}]. The Geneva talks ended on Friday [{TALKS}].")
    assert answer.answer == "Acme raised prices by 5 percent [1]. The Geneva talks ended on Friday [2]."
    assert [(c.n, c.article_id) for c in answer.citations] == [(1, "acme"), (2, "geneva")]
    assert_grounded(answer, HITS)


@pytest.mark.parametrize(
    "reply",
    [
        "The talks ended on Friday [T].\n\nSources:\n[1] Geneva talks end\n[2] Acme raises prices",
        "The talks ended on Friday [T].\n**References:** [2] Acme raises prices, [3] Valley floods",
        "The talks ended on Friday [T].\n[2] Acme raises prices, Example Times\n[3] Valley floods",
        'The talks ended on Friday [T].\n<source n="2">Acme raised its prices (Example Times)',
    ],
)
def test_an_echoed_source_list_creates_no_citation(reply: str) -> None:
    reply = reply.replace("[T]", f"[{TALKS}]")
    assert strip_source_list(reply) == f"The talks ended on Friday [{TALKS}]."
    answer = build("q", reply)
    assert [c.article_id for c in answer.citations] == ["geneva"]
    assert answer.answer == "The talks ended on Friday [1]."


@pytest.mark.parametrize(
    "reply", ["NOT_IN_SOURCES", "  NOT_IN_SOURCES.\n", "**NOT_IN_SOURCES**", '"not_in_sources"', "Not in sources."]
)
def test_the_sentinel_is_recognised_with_surrounding_noise(reply: str) -> None:
    assert is_refusal(reply, SENTINEL)


@pytest.mark.parametrize("reply", ["The talks ended [1].", "NOT_IN_SOURCES, but the talks ended [1].", ""])
def test_an_answer_is_not_a_refusal_sentinel(reply: str) -> None:
    assert not is_refusal(reply, SENTINEL)


def test_a_refusal_has_the_plain_sentence_and_see_also_sources() -> None:
    answer = build("Where did the floods happen?", " NOT_IN_SOURCES. ")
    assert answer.refused
    assert answer.answer == REFUSAL_TEXT
    assert answer.citations == []
    assert [c.article_id for c in answer.see_also] == ["geneva", "acme", "floods"]
    assert_grounded(answer, HITS)


def test_see_also_lists_each_article_once() -> None:
    second = Hit(chunk_of("geneva", GENEVA, 0, 60, "Geneva talks end"), 0.85)
    picks = [(HITS[0], "The talks ended without a deal on Friday.", 0.9), (second, "Photo: the delegates.", 0.8)]
    assert [c.article_id for c in see_also([*picks, (HITS[1], "Analysts expect further increases.", 0.5)])] == [
        "geneva",
        "acme",
    ]


def test_a_wrong_number_is_replaced_by_the_evidence_that_supports_the_sentence() -> None:
    answer = build("q", f"The talks ended on Friday [{len(EVIDENCE) + 1}]. Everyone agreed.")
    assert answer.answer == "The talks ended on Friday [1]."
    assert answer.citations[0].quote == "The talks ended without a deal on Friday."
    kinds = [(c.kind, c.sentence) for c in answer.corrections]
    assert kinds == [("dropped", ""), ("added", "The talks ended on Friday."), ("removed", "Everyone agreed.")]


def test_a_reply_nothing_supports_is_refused() -> None:
    answer = build("q", f"The summit in Oslo was cancelled [{len(EVIDENCE) + 1}]. Everyone agreed [2].")
    assert answer.refused
    assert answer.citations == []


def test_the_sentinel_next_to_a_cited_answer_is_removed() -> None:
    answer = build("q", f"The talks ended on Friday [{TALKS}]. NOT_IN_SOURCES")
    assert not answer.refused
    assert answer.answer == "The talks ended on Friday [1]."


def test_the_quote_is_the_evidence_sentence_itself() -> None:
    june = NUMBER["Organisers said a new round could start in June."]
    answer = build("q", f"A new round of talks could start in June [{june}].")
    assert answer.citations[0].quote == "Organisers said a new round could start in June."
    assert_grounded(answer, HITS)


def test_markers_opening_a_sentence_belong_to_the_sentence_before() -> None:
    found = claims("Talks ended. [1] Prices rose [2].")
    assert [(c.text, c.cites) for c in found] == [("Talks ended.", (1,)), ("Prices rose.", (2,))]


def stream(reply: str, pieces: int, n_sources: int = 3) -> list[str]:
    out: list[str] = []
    rewriter = StreamRewriter(n_sources, SENTINEL, out.append)
    size = max(1, len(reply) // pieces)
    for i in range(0, len(reply), size):
        rewriter.feed(reply[i : i + size])
    rewriter.close()
    return out


@pytest.mark.parametrize("pieces", [1, 3, 17, 10_000])
def test_streamed_text_is_the_reply_as_verification_reads_it(pieces: int) -> None:
    reply = "Prices rose [2]. The talks ended [1][7]. Prices rose again [ 2 ].\n\nSources:\n[1] Geneva\n[2] Acme"
    expected = "Prices rose [1]. The talks ended [2]. Prices rose again [1]."
    assert "".join(stream(reply, pieces)) == expected
    assert renumber(normalise(strip_source_list(reply), 3)[0], 3)[0] == expected


@pytest.mark.parametrize("pieces", [1, 5, 10_000])
def test_a_streamed_sentinel_is_never_shown(pieces: int) -> None:
    assert stream(" NOT_IN_SOURCES.", pieces) == []


sentence = st.text(alphabet=st.sampled_from("abcdefg hij"), min_size=1, max_size=30)
marker = st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=3).map(
    lambda ns: "[" + ", ".join(map(str, ns)) + "]"
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(sentence, st.lists(marker, max_size=2)), min_size=1, max_size=6))
def test_any_reply_yields_only_grounded_citations(parts: list[tuple[str, list[str]]]) -> None:
    reply = " ".join(f"{text.strip() or 'x'} {' '.join(ms)}." for text, ms in parts)
    answer = build("What happened?", reply)
    valid = {n for n in cited_numbers(reply) if 1 <= n <= len(EVIDENCE)}
    assert len(answer.citations) <= len(valid)
    assert answer.refused == (not answer.citations)
    assert_grounded(answer, HITS)
