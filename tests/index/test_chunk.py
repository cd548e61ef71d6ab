import itertools

import pytest

from index.chunk import ChunkPlan, chunk_article, embedding_text
from index.models import Article
from index.sentences import sentence_spans

SENTENCES = [f"Sentence number {i} talks about topic {i % 7} in some detail for testing purposes." for i in range(60)]


def _article(text: str, title: str = "A headline about the topic") -> Article:
    return Article(id="a1", title=title, text=text, date="2024-01-02", source="Test Wire", url="https://x/1")


def test_chunks_fit_the_window_and_keep_offsets(embedder) -> None:
    article = _article(" ".join(SENTENCES))
    chunks = chunk_article(article, embedder)
    assert len(chunks) > 3
    for chunk in chunks:
        assert article.text[chunk.start : chunk.end] == chunk.text
        assert embedder.count_tokens(embedding_text(chunk)) <= embedder.max_tokens
        assert chunk.id == f"a1:{chunk.n}" and chunk.source == "Test Wire"


def test_chunks_end_on_sentence_boundaries_and_overlap(embedder) -> None:
    article = _article(" ".join(SENTENCES))
    chunks = chunk_article(article, embedder)
    boundaries = {b for _, b in sentence_spans(article.text)}
    starts = {a for a, _ in sentence_spans(article.text)}
    for chunk in chunks:
        assert chunk.end in boundaries and chunk.start in starts
    for first, second in itertools.pairwise(chunks):
        assert second.start < first.end, "consecutive chunks share a sentence"
    assert chunks[0].start == 0 and chunks[-1].end == len(article.text)


def test_a_sentence_longer_than_the_window_is_cut_between_words(embedder) -> None:
    words = [f"w{i}" for i in range(900)]
    article = _article(" ".join(words) + ".")
    chunks = chunk_article(article, embedder)
    assert len(chunks) > 3
    for chunk in chunks:
        assert embedder.count_tokens(embedding_text(chunk)) <= embedder.max_tokens
        assert not chunk.text.startswith(" ") and chunk.text.split()[0] in words
    covered = " ".join(c.text for c in chunks)
    assert all(w in covered.split() or w + "." in covered.split() for w in words)


@pytest.mark.parametrize("title_words", [1, 20, 200])
def test_long_titles_never_push_text_past_the_window(embedder, title_words: int) -> None:
    article = _article(" ".join(SENTENCES[:30]), title=" ".join(["Headline"] * title_words))
    for chunk in chunk_article(article, embedder, ChunkPlan(target_tokens=400)):
        assert embedder.count_tokens(embedding_text(chunk)) <= embedder.max_tokens


def test_empty_text_gives_no_chunks(embedder) -> None:
    assert chunk_article(_article("   "), embedder) == []
