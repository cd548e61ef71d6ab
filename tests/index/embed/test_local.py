import json
from pathlib import Path

import numpy as np
import pytest

from index.errors import SettingsError

REFERENCE = json.loads((Path(__file__).parent / "reference_minilm.json").read_text())


def test_matches_reference_sentence_transformers_similarities(embedder) -> None:
    vectors = embedder.embed(REFERENCE["sentences"])
    expected = np.array(REFERENCE["cosine"])
    got = vectors @ vectors.T
    # int8 weights against the fp32 reference: observed max deviation 0.006.
    assert np.abs(got - expected).max() < 0.02
    # The ranking the reference implies must hold too: paraphrase beats unrelated text.
    assert got[2, 3] > got[2, 5] > got[2, 4]


def test_vectors_are_normalised_and_batching_does_not_change_them(embedder) -> None:
    texts = [s * (i + 1) for i, s in enumerate(REFERENCE["sentences"])]
    together = embedder.embed(texts)
    alone = np.stack([embedder.embed_query(t) for t in texts])
    assert together.shape == (len(texts), 384) and together.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(together, alone, atol=2e-3)


def test_window_is_256_word_pieces(embedder) -> None:
    long = "word " * 600
    assert embedder.count_tokens(long) == 602
    head = " ".join(long.split()[:254])
    # Text beyond the window does not change the vector: that is why the chunker must respect it.
    assert float(embedder.embed_query(long) @ embedder.embed_query(head)) == pytest.approx(1.0, abs=1e-4)


def test_empty_input(embedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_llamaindex_adapter_uses_the_same_vectors(embedder) -> None:
    from measure.llamaindex_embedding import LlamaIndexEmbedding

    adapter = LlamaIndexEmbedding(embedder)
    text = REFERENCE["sentences"][0]
    np.testing.assert_allclose(adapter.get_text_embedding(text), embedder.embed([text])[0], atol=1e-6)
    np.testing.assert_allclose(adapter.get_query_embedding(text), embedder.embed_query(text), atol=1e-6)


def test_factory_rejects_unknown_embedder(settings) -> None:
    from index.embed import make_embedder

    with pytest.raises(SettingsError, match="unknown NEWSBOT_EMBEDDER"):
        make_embedder(settings.with_overrides(embedder="word2vec").index)


def test_query_vectors_are_cached_and_shared_read_only(embedder) -> None:
    question = "What did ZTE say about source code?"
    first = embedder.embed_query(question)
    assert embedder.embed_query(question) is first, "retrieval and the answerer share one computation"
    assert not first.flags.writeable
    np.testing.assert_allclose(first, embedder.embed([question])[0], atol=1e-6)


def test_a_short_lived_session_gives_the_same_vectors(embedder, settings) -> None:
    """`newsbot ask` builds its session without constant folding (it starts faster); the vectors must be the
    ones the index was built with, or its question would be compared with chunks in another space."""
    from index.embed import make_embedder

    quick = make_embedder(settings.index, short_lived=True)
    assert quick is make_embedder(settings.index, short_lived=True), "one session per kind per process"
    assert quick is not make_embedder(settings.index)
    texts = REFERENCE["sentences"]
    np.testing.assert_allclose(quick.embed(texts), embedder.embed(texts), atol=1e-5)
    np.testing.assert_allclose(quick.embed_query(texts[0]), embedder.embed_query(texts[0]), atol=1e-5)
