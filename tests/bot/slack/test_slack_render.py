"""Answer → Block Kit: escaping, links for [n] markers, Sources of cited articles only, Block Kit limits."""

from __future__ import annotations

import re

from bot.core.models import Answer, Citation
from bot.slack import mrkdwn
from bot.slack.render import (
    FEEDBACK,
    MAX_BLOCKS,
    REFUSAL,
    SECTION_LIMIT,
    SHARE,
    link_markers,
    pack_sections,
    packed_message,
    parse_vote,
    render_answer,
    tail_blocks,
)


def citation(n: int, url: str = "", **fields: object) -> Citation:
    values: dict[str, object] = {
        "n": n,
        "article_id": f"a{n}",
        "title": f"Title {n}",
        "date": "2019-03-27",
        "source": "Global Times",
        "url": url or f"https://example.com/{n}",
        "quote": f"Quote number {n}.",
        "chunk_id": f"a{n}:0",
        "score": 1.0,
    }
    values.update(fields)
    return Citation(**values)  # type: ignore[arg-type]


def sections(blocks: list[dict]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def test_markers_link_to_the_article_url_only_when_it_is_http() -> None:
    cites = [citation(1), citation(2, url="javascript:alert(1)"), citation(3, url="x")]
    text = link_markers("A [1], B [2], C [3], D [1, 2] and [9].", cites)
    assert text == ("A <https://example.com/1|[1]>, B [2], C [3], D <https://example.com/1|[1]>[2] and [9].")


def test_sources_list_only_the_cited_articles_with_quote_and_byline() -> None:
    answer = Answer(
        question="q",
        answer="Huawei welcomed it [2].",
        refused=False,
        citations=[citation(2, date=None, quote="  Huawei   welcomes\nthe objective approach.  ")],
        see_also=[citation(7)],
    )
    message = render_answer(answer)
    texts = sections(message.blocks)
    assert texts == [
        "Huawei welcomed it <https://example.com/2|[2]>.",
        "*Sources*\n*[2]* <https://example.com/2|Title 2> — Global Times\n> Huawei welcomes the objective approach.",
    ]
    assert "Title 7" not in str(message.blocks)
    assert message.text == "Huawei welcomed it [2]."


def test_buttons_carry_the_question_and_text_fallback_is_always_set() -> None:
    answer = Answer(question="orig", answer="x [1]", refused=False, citations=[citation(1)])
    message = render_answer(answer, question="asked in slack")
    feedback = message.blocks[-1]
    assert feedback["type"] == "context_actions"
    [buttons] = feedback["elements"]
    assert buttons["type"] == "feedback_buttons" and buttons["action_id"] == FEEDBACK
    assert parse_vote(buttons["positive_button"]["value"]) == ("up", "asked in slack")
    assert parse_vote(buttons["negative_button"]["value"]) == ("down", "asked in slack")
    shared = render_answer(answer, share=True, feedback=False)
    assert [e["action_id"] for e in shared.blocks[-1]["elements"]] == [SHARE]
    assert shared.blocks[-1]["elements"][0]["value"] == "orig"
    assert message.text and shared.text


def test_a_refusal_is_plain_and_lists_closest_articles() -> None:
    answer = Answer(question="q", answer="I cannot say.", refused=True, see_also=[citation(4, date=None, source="")])
    message = render_answer(answer)
    assert message.text == REFUSAL
    assert sections(message.blocks) == [REFUSAL, "*Closest articles*\n• <https://example.com/4|Title 4>"]


def test_an_empty_answer_renders_as_a_refusal_not_an_empty_section() -> None:
    message = render_answer(Answer(question="q", answer="  ", refused=False))
    assert sections(message.blocks) == [REFUSAL]


def test_long_answers_are_split_into_sections_within_the_limit_without_breaking_links() -> None:
    sentences = [f"Sentence {i} says something about 5G & security [{i % 3 + 1}]." for i in range(400)]
    body = " ".join(sentences)
    answer = Answer(question="q", answer=body, refused=False, citations=[citation(1), citation(2), citation(3)])
    message = render_answer(answer)
    texts = sections(message.blocks)
    answer_parts = [t for t in texts if not t.startswith("*Sources*")]
    assert len(answer_parts) > 1
    assert all(len(t) <= SECTION_LIMIT for t in texts)
    for part in answer_parts:
        assert part.count("<") == part.count(">")
        assert not re.search(r"&(?!amp;|lt;|gt;)", part)
    rejoined = "".join("".join(answer_parts).split())
    expected = "".join(link_markers(mrkdwn.escape(body), answer.citations).split())
    assert rejoined == expected
    assert message.text == mrkdwn.escape(body)


def test_a_huge_answer_stays_within_the_block_limit() -> None:
    body = ("word " * 590 + "\n\n") * 80
    cites = [citation(n, quote="q " * 2000) for n in range(1, 30)]
    message = render_answer(Answer(question="q", answer=body, refused=False, citations=cites))
    assert len(message.blocks) <= MAX_BLOCKS
    assert all(len(t) <= SECTION_LIMIT for t in sections(message.blocks))
    assert any("answer shortened" in t for t in sections(message.blocks))
    assert message.blocks[-1]["type"] == "context_actions"


def test_markers_in_every_form_the_marker_grammar_reads_are_linked() -> None:
    cites = [citation(1), citation(2), citation(3)]
    text = link_markers("A [1-2], B [Source 3] and C [1;3].", cites)
    assert text == (
        "A <https://example.com/1|[1]><https://example.com/2|[2]>, B <https://example.com/3|[3]> and "
        "C <https://example.com/1|[1]><https://example.com/3|[3]>."
    )


def test_the_tail_of_a_streamed_answer_is_its_sources_and_feedback() -> None:
    answer = Answer(question="q", answer="x [1]", refused=False, citations=[citation(1)], see_also=[citation(7)])
    assert [b["type"] for b in tail_blocks(answer)] == ["section", "context_actions"]
    assert sections(tail_blocks(answer))[0].startswith("*Sources*")
    refused = Answer(question="q", answer="", refused=True, see_also=[citation(7)])
    assert sections(tail_blocks(refused))[0].startswith("*Closest articles*")


def test_a_wire_story_names_the_other_outlets_carrying_it_escaped() -> None:
    cited = citation(1, also_in=("Daily <Wire>", "The Ledger"), story_id="s1")
    answer = Answer(question="q", answer="Acme raised prices [1].", refused=False, citations=[cited])
    (sources,) = [t for t in sections(render_answer(answer).blocks) if t.startswith("*Sources*")]
    assert sources.endswith("\n_also carried by: Daily &lt;Wire&gt;, The Ledger_")


def test_entries_are_packed_under_their_heading_within_the_section_limit_and_in_order() -> None:
    entries = [f"*{i:03d}* " + "word " * 150 for i in range(60)]  # ~760 characters each
    sections = pack_sections(entries, "*Sources*")
    assert 10 < len(sections) < 30 and all(len(s) <= SECTION_LIMIT for s in sections)
    assert sections[0].startswith("*Sources*\n*000*")
    assert " ".join(sections).split() == " ".join(["*Sources*", *entries]).split(), "nothing lost, in order"
    message = packed_message("*What is new*", entries)
    assert len(message.blocks) <= MAX_BLOCKS and "\n\n*001* " in message.blocks[0]["text"]["text"]
    numbers = [re.findall(r"\*(\d{3})\*", b["text"]["text"]) for b in message.blocks]
    assert numbers[0] == ["000", "001", "002"]
    assert [n for block in numbers for n in block] == [f"{i:03d}" for i in range(60)], "every entry, in order"
