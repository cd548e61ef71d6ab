"""OpenAI (or any OpenAI-compatible server's) embeddings, through LlamaIndex's embedding classes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from index.embed.base import QueryCache, l2_normalise
from index.settings import OpenAISettings

KNOWN_DIMS = {"text-embedding-3-small": 1536, "text-embedding-3-large": 3072, "text-embedding-ada-002": 1536}


class OpenAIEmbedder:
    """Remote embeddings; the dimension is learnt from the first vector when the model is unknown."""

    max_tokens = 8191

    def __init__(self, model: str, settings: OpenAISettings) -> None:
        from llama_index.embeddings.openai import OpenAIEmbedding

        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else "not-needed"
        kwargs: dict[str, object] = {
            "api_key": key,
            "timeout": settings.llm_timeout_s,
            "max_retries": settings.llm_max_retries,
        }
        if settings.openai_base_url:
            kwargs["api_base"] = settings.openai_base_url
        if model in KNOWN_DIMS:
            self._model = OpenAIEmbedding(model=model, **kwargs)
        else:
            from llama_index.embeddings.openai_like import OpenAILikeEmbedding

            self._model = OpenAILikeEmbedding(model_name=model, **kwargs)
        self.name = f"openai:{model}"
        self._queries = QueryCache(self._embed_query)
        self._dim = KNOWN_DIMS.get(model, 0)

    @property
    def dim(self) -> int:
        """Known for OpenAI's models; for other servers, learnt from one probe call, before any write."""
        if not self._dim:
            self.embed_query("dimension probe")
        return self._dim

    def count_tokens(self, text: str) -> int:
        return len(text) // 4 + 1

    def count_tokens_batch(self, texts: Sequence[str]) -> list[int]:
        return [self.count_tokens(t) for t in texts]

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        vectors = l2_normalise(np.asarray(self._model.get_text_embedding_batch(list(texts)), dtype=np.float32))
        self._dim = vectors.shape[1]
        return vectors

    def embed_query(self, text: str) -> np.ndarray:
        return self._queries(text)

    def _embed_query(self, text: str) -> np.ndarray:
        vector = np.asarray([self._model.get_query_embedding(text)], dtype=np.float32)
        self._dim = vector.shape[1]
        return l2_normalise(vector)[0]
