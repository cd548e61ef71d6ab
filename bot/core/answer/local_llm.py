"""An in-process GGUF model through llama-cpp-python, as a LlamaIndex LLM.

llama-cpp-python's `create_chat_completion` applies the chat template stored in the GGUF file, so any
instruct model a user has works without a prompt format of ours. Chat and streaming go straight to it;
plain completion (which newsbot does not use) is there because LlamaIndex's `CustomLLM` requires it.
Generation is serialised with a lock: one llama.cpp context is not safe to share between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from llama_index.core.llms import (
    ChatMessage,
    ChatResponse,
    ChatResponseGen,
    CompletionResponse,
    CompletionResponseGen,
    CustomLLM,
    LLMMetadata,
    MessageRole,
)
from pydantic import PrivateAttr

from bot.core.errors import AnswerBackendError


class LocalLlamaLLM(CustomLLM):
    model_path: str
    context_window: int = 4096
    max_tokens: int = 160
    threads: int = 2
    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def model_post_init(self, __context: Any) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as error:
            raise AnswerBackendError("NEWSBOT_LLM=local needs llama-cpp-python: pip install -e '.[local]'") from error
        self._llama = Llama(
            model_path=self.model_path, n_ctx=self.context_window, n_threads=self.threads, verbose=False
        )

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.max_tokens,
            is_chat_model=True,
            model_name=Path(self.model_path).name,
        )

    def _payload(self, messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
        return [{"role": m.role.value, "content": m.content or ""} for m in messages]

    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        with self._lock:
            result = self._llama.create_chat_completion(
                messages=self._payload(messages),
                temperature=0.0,
                max_tokens=int(kwargs.get("max_tokens") or self.max_tokens),
            )
        text = result["choices"][0]["message"].get("content") or ""
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), raw=result)

    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        def generate() -> ChatResponseGen:
            with self._lock:
                stream = self._llama.create_chat_completion(
                    messages=self._payload(messages),
                    temperature=0.0,
                    max_tokens=int(kwargs.get("max_tokens") or self.max_tokens),
                    stream=True,
                )
                text = ""
                for chunk in stream:
                    delta = chunk["choices"][0].get("delta", {}).get("content") or ""
                    text += delta
                    yield ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=delta)

        return generate()

    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        response = self.chat([ChatMessage(role=MessageRole.USER, content=prompt)], **kwargs)
        return CompletionResponse(text=response.message.content or "")

    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        def generate() -> CompletionResponseGen:
            for response in self.stream_chat([ChatMessage(role=MessageRole.USER, content=prompt)], **kwargs):
                yield CompletionResponse(text=response.message.content or "", delta=response.delta)

        return generate()
