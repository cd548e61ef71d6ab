"""Any OpenAI-compatible model as the reader's model (`NEWSBOT_READER=openai:<model>`): the same two reads and
prompts as the bundled one (`bot.core.read.model`), through the chat completions API with `max_tokens=1` and
`top_logprobs`, so a read costs one prompt evaluation there too. Servers that give no log-probabilities (some
compatible ones) are an error that says so, not a silent 50/50."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.core.errors import AnswerBackendError
from index.settings import OpenAISettings

if TYPE_CHECKING:
    from llama_index.core.llms import ChatMessage

TOP_LOGPROBS = 20
"""The most alternatives the OpenAI API returns for one token position."""
LOCAL_SERVER_KEY = "not-needed"


class OpenAIFirstToken:
    """`first_token_logprobs` over the chat completions API (the reader's `FirstToken`)."""

    def __init__(self, client: Any, model: str) -> None:
        self._client = client
        self.model = model

    @classmethod
    def from_settings(cls, access: OpenAISettings, model: str) -> OpenAIFirstToken:
        import openai

        key = access.openai_api_key.get_secret_value() if access.openai_api_key else ""
        if not key and not access.openai_base_url:
            raise AnswerBackendError(
                f"NEWSBOT_READER=openai:{model} needs OPENAI_API_KEY, or OPENAI_BASE_URL for a compatible server"
            )
        client = openai.OpenAI(
            api_key=key or LOCAL_SERVER_KEY,
            base_url=access.openai_base_url,
            timeout=access.llm_timeout_s,
            max_retries=access.llm_max_retries,
        )
        return cls(client, model)

    def first_token_logprobs(self, messages: Sequence[ChatMessage], choices: Sequence[Sequence[str]]) -> list[float]:
        """log P of each choice (the log of the summed probability of its spellings) as the reply's first
        token. A spelling outside the returned alternatives is at most as likely as the least of them, so that
        bound stands in for it: a choice the model never considered reads as unlikely, not impossible."""
        response = self._client.chat.completions.create(
            model=self.model,
            messages=[{"role": m.role.value, "content": m.content or ""} for m in messages],
            max_tokens=1,
            temperature=0.0,
            logprobs=True,
            top_logprobs=TOP_LOGPROBS,
        )
        logprobs = response.choices[0].logprobs if response.choices else None
        content = logprobs.content if logprobs is not None else None
        if not content:
            raise AnswerBackendError(
                f"the server gave no log-probabilities for {self.model!r}: NEWSBOT_READER=openai needs a model "
                "and server that return `logprobs` (use NEWSBOT_READER=scorer or local otherwise)"
            )
        first = content[0]
        raw = {alternative.token: alternative.logprob for alternative in [first, *(first.top_logprobs or [])]}
        grouped: dict[str, list[float]] = {}
        for token, logprob in raw.items():
            grouped.setdefault(token.strip(), []).append(logprob)  # "Yes" and " Yes" are one reply
        listed = {token: _logsumexp(values) for token, values in grouped.items()}
        floor = min(raw.values())
        out = []
        for spellings in choices:
            found = [listed[s] for s in spellings if s in listed]
            out.append(_logsumexp(found) if found else floor)
        return out


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))
