"""An in-process GGUF model through llama-cpp-python, as a LlamaIndex LLM.

llama-cpp-python's `create_chat_completion` applies the chat template stored in the GGUF file, so any
instruct model a user has works without a prompt format of ours. Chat and streaming go straight to it;
plain completion (which newsbot does not use) is there because LlamaIndex's `CustomLLM` requires it.
Generation is serialised with a lock: one llama.cpp context is not safe to share between threads.

Where the seconds go on 2 cores (README "A local model" has the figures) and what each knob does:
- `prefix_cache`: every answer starts with the same system prompt, and every judge call with the same
  template preamble; llama.cpp reuses what its KV cache already holds, but a judge call in between evicts
  the answer's prefix. The prefix's KV state is saved once per distinct prefix and restored (a memory
  copy) instead of evaluated again (`PrefixStates`).
- `speculative`: answers copy evidence text, so prompt-lookup decoding (llama-cpp-python's
  `LlamaPromptLookupDecoding`) drafts the next tokens from the prompt and the model checks them in one
  batch; greedy output is unchanged.
- `batch`: tokens per llama.cpp decode call, for prompt evaluation.
- `threads`: 0 chooses before each call (`threads_for`): llama.cpp's threads wait for each other at every
  step, so two threads are twice as fast as one on an idle 2-core machine (prompt evaluation 71 vs 36
  tokens/s), equal with one or two busy processes beside them, and several times slower when the machine
  is oversubscribed (load 5-8: one thread 3.7x faster end to end). A fixed number is used as given.
- `max_tokens`: the cap on a reply (the prompt asks for one to three sentences).
Every call reports its prompt and generated tokens and milliseconds in `ChatResponse.raw["timings"]`
(`CallTimings`), which `newsbot bench` collects through LlamaIndex's instrumentation.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
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
from llama_index.core.llms.callbacks import llm_chat_callback, llm_completion_callback
from pydantic import PrivateAttr

from bot.core.errors import AnswerBackendError

PREFIX_STATES = 4
"""Saved prefix states (the answer prompt's, the judge's, the condense prompt's, one spare); each holds
the KV cells of ~100-200 tokens, a few MB."""
NGRAM = 2
"""Prompt-lookup matches the last two tokens (llama-cpp-python's default)."""
_MARK = "\u2063newsbot-user-content\u2063"
LOADAVG = Path("/proc/loadavg")
RUNNABLE_SAMPLES = 3


def threads_for(cores: int, runnable: int | None) -> int:
    """Every core when no task but the caller is runnable now, else one thread (see the module docstring);
    every core when the count is unknown (no /proc)."""
    if runnable is None or runnable <= 1:
        return max(1, cores)
    return 1


def runnable_now(path: Path = LOADAVG, samples: int = RUNNABLE_SAMPLES) -> int | None:
    """Tasks runnable at this instant, the caller included (the 4th field of /proc/loadavg, "running/total");
    the load averages would count this process's own last call. The least of `samples` reads a millisecond
    apart: one read can catch a task of our own (a worker just finishing) and halve the threads on an idle
    machine, while a busy machine stays busy across the reads."""
    counts = []
    for i in range(samples):
        if i:
            time.sleep(0.001)
        try:
            counts.append(int(path.read_text().split()[3].split("/")[0]))
        except (OSError, IndexError, ValueError):
            return None
    return min(counts, default=None)


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class CallTimings:
    """One model call: prompt tokens (of which `cached` were not evaluated again), generated tokens, and
    the milliseconds to the first token (prompt evaluation) and from there to the end (generation)."""

    prompt_tokens: int
    cached_tokens: int
    generated_tokens: int
    prompt_ms: float
    generation_ms: float


class LocalLlamaLLM(CustomLLM):
    model_path: str
    context_window: int = 4096
    max_tokens: int = 160
    threads: int = 0
    batch: int = 512
    speculative: int = 0
    prefix_cache: bool = False
    _llama: Any = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _template: ChatTemplate | None = PrivateAttr(default=None)
    _prefixes: PrefixStates | None = PrivateAttr(default=None)

    def model_post_init(self, __context: Any) -> None:
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_speculative import LlamaPromptLookupDecoding
        except ImportError as error:
            raise AnswerBackendError("NEWSBOT_LLM=local needs llama-cpp-python: pip install -e '.[local]'") from error
        draft = LlamaPromptLookupDecoding(max_ngram_size=NGRAM, num_pred_tokens=self.speculative)
        threads = self.threads or cores()
        self._llama = Llama(
            model_path=self.model_path,
            n_ctx=self.context_window,
            n_threads=threads,
            n_threads_batch=threads,
            n_batch=self.batch,
            n_ubatch=self.batch,
            draft_model=draft if self.speculative else None,
            # drafts are checked against every position's logits; llama-cpp-python sizes its logits buffer
            # from this flag, not from the draft model, so it must be passed (0.3.x)
            logits_all=bool(self.speculative),
            verbose=False,
        )
        self._template = ChatTemplate(self._llama)
        if self.prefix_cache:
            self._prefixes = PrefixStates(self._llama, self._template)

    @classmethod
    def from_settings(cls, model_path: Path, settings: Any) -> LocalLlamaLLM:
        """The model with the `NEWSBOT_LOCAL_*` knobs of `settings` (an `AnswerSettings`)."""
        return cls(
            model_path=str(model_path),
            context_window=settings.local_context,
            max_tokens=settings.local_max_tokens,
            threads=settings.local_threads,
            batch=settings.local_batch,
            speculative=settings.local_speculative,
            prefix_cache=settings.local_prefix_cache,
        )

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(
            context_window=self.context_window,
            num_output=self.max_tokens,
            is_chat_model=True,
            model_name=Path(self.model_path).name,
        )

    def _set_threads(self) -> None:
        """With `threads` 0, switch to the count the machine's load asks for now (called under the lock)."""
        if not self.threads:
            import llama_cpp

            chosen = threads_for(cores(), runnable_now())
            if chosen != self._llama.n_threads:
                llama_cpp.llama_set_n_threads(self._llama.ctx, chosen, chosen)
                self._llama.n_threads = self._llama.n_threads_batch = chosen

    def _payload(self, messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
        return [{"role": m.role.value, "content": m.content or ""} for m in messages]

    def _generate(self, messages: Sequence[ChatMessage], max_tokens: int) -> Iterator[str | CallTimings]:
        """The reply's text deltas, then its `CallTimings`; holds the lock throughout."""
        payload = self._payload(messages)
        with self._lock:
            started = time.perf_counter()
            self._set_threads()
            assert self._template is not None
            prompt = self._template.tokens(payload)
            if self._prefixes is not None:
                self._prefixes.prime(payload, prompt)
            cached = _common(self._llama.input_ids[: self._llama.n_tokens].tolist(), prompt)
            first: float | None = None
            text = ""
            stream = self._llama.create_chat_completion(
                messages=payload, temperature=0.0, max_tokens=max_tokens, stream=True
            )
            for chunk in stream:
                delta = chunk["choices"][0].get("delta", {}).get("content") or ""
                if first is None:
                    first = time.perf_counter()
                if delta:
                    text += delta
                    yield delta
            ended = time.perf_counter()
            first = first or ended
            yield CallTimings(
                prompt_tokens=len(prompt),
                cached_tokens=cached,
                generated_tokens=len(self._llama.tokenize(text.encode("utf-8"), add_bos=False, special=True)),
                prompt_ms=round((first - started) * 1000, 1),
                generation_ms=round((ended - first) * 1000, 1),
            )

    def first_token_logprobs(self, messages: Sequence[ChatMessage], choices: Sequence[Sequence[str]]) -> list[float]:
        """The log-probability of each choice (its spellings, e.g. ("Yes", "yes")) as the reply's first token,
        from one evaluation of the prompt and no generation: a yes/no read costs prompt evaluation only.
        The prompt's prefix is reused like an answer's (the KV cache and `PrefixStates`)."""
        import numpy as np

        payload = self._payload(messages)
        with self._lock:
            self._set_threads()
            assert self._template is not None
            llama = self._llama
            prompt = self._template.tokens(payload)
            if self._prefixes is not None:
                self._prefixes.prime(payload, prompt)
            # at least the last token is evaluated, so the logits read below are this prompt's
            llama.n_tokens = min(_common(llama.input_ids[: llama.n_tokens].tolist(), prompt), len(prompt) - 1)
            llama.eval(prompt[llama.n_tokens :])
            logits = np.ctypeslib.as_array(llama._ctx.get_logits_ith(-1), shape=(llama.n_vocab(),)).astype(np.float64)
            top = float(logits.max())
            log_total = top + float(np.log(np.exp(logits - top).sum()))
            out = []
            for spellings in choices:
                ids = {llama.tokenize(s.encode("utf-8"), add_bos=False, special=False)[0] for s in spellings}
                chosen = logits[sorted(ids)]
                out.append(float(chosen.max() + np.log(np.exp(chosen - chosen.max()).sum()) - log_total))
            return out

    def _reply(self, messages: Sequence[ChatMessage], **kwargs: Any) -> Iterator[tuple[str, str, dict[str, Any]]]:
        text = ""
        for item in self._generate(messages, int(kwargs.get("max_tokens") or self.max_tokens)):
            if isinstance(item, CallTimings):
                yield text, "", {"timings": asdict(item)}
            else:
                text += item
                yield text, item, {}

    @llm_chat_callback()
    def chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponse:
        text, raw = "", {}
        for text, _, raw in self._reply(messages, **kwargs):  # noqa: B007 (the last item is the reply)
            pass
        return ChatResponse(message=ChatMessage(role=MessageRole.ASSISTANT, content=text), raw=raw)

    @llm_chat_callback()
    def stream_chat(self, messages: Sequence[ChatMessage], **kwargs: Any) -> ChatResponseGen:
        def generate() -> ChatResponseGen:
            for text, delta, raw in self._reply(messages, **kwargs):
                yield ChatResponse(
                    message=ChatMessage(role=MessageRole.ASSISTANT, content=text), delta=delta, raw=raw or None
                )

        return generate()

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        response = self.chat([ChatMessage(role=MessageRole.USER, content=prompt)], **kwargs)
        return CompletionResponse(text=response.message.content or "", raw=response.raw)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        def generate() -> CompletionResponseGen:
            for response in self.stream_chat([ChatMessage(role=MessageRole.USER, content=prompt)], **kwargs):
                yield CompletionResponse(text=response.message.content or "", delta=response.delta, raw=response.raw)

        return generate()


class ChatTemplate:
    """The prompt's tokens exactly as `create_chat_completion` builds them: the GGUF's chat template,
    rendered by the same formatter llama-cpp-python uses for it, and the same tokenizer call."""

    def __init__(self, llama: Any) -> None:
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self._llama = llama
        eos, bos = llama.token_eos(), llama.token_bos()
        self._format = Jinja2ChatFormatter(
            template=llama.metadata["tokenizer.chat_template"],
            eos_token=llama.detokenize([eos], special=True).decode("utf-8", "replace") if eos != -1 else "",
            bos_token=llama.detokenize([bos], special=True).decode("utf-8", "replace") if bos != -1 else "",
            stop_token_ids=[eos],
        )

    def tokens(self, payload: list[dict[str, str]]) -> list[int]:
        rendered = self._format(messages=payload)
        encoded = rendered.prompt.encode("utf-8")
        return list(self._llama.tokenize(encoded, add_bos=not rendered.added_special, special=True))

    def prefix(self, payload: list[dict[str, str]], prompt: list[int]) -> list[int]:
        """The tokens before the last message's content: rendered with a marker there, cut before the marker."""
        head = self.tokens([*payload[:-1], {**payload[-1], "content": _MARK}])
        mark = self._llama.tokenize(_MARK.encode("utf-8"), add_bos=False, special=True)
        # the marker's own tokens never count, whatever the tokenizer merged at the seam
        return prompt[: min(_common(head, prompt), max(len(head) - len(mark), 0))]


class PrefixStates:
    """The KV state of each distinct prompt prefix (the chat template's preamble and the system prompt),
    saved once and restored when the KV cache holds something else.

    Restoring sets the sequence's KV cells and llama-cpp-python's record of the tokens they hold
    (`input_ids`, `n_tokens`); its own prefix matching then evaluates only the rest of the prompt.
    Called under the model's lock.
    """

    def __init__(self, llama: Any, template: ChatTemplate) -> None:
        self._llama = llama
        self._template = template
        self._states: OrderedDict[tuple[int, ...], bytes] = OrderedDict()

    def prime(self, payload: list[dict[str, str]], prompt: list[int]) -> None:
        """Make the KV cache start with this prompt's prefix: restored if saved, else evaluated and saved."""
        llama = self._llama
        prefix = self._template.prefix(payload, prompt)
        held = _common(llama.input_ids[: llama.n_tokens].tolist(), prefix)
        if not prefix or held == len(prefix):
            return
        key = tuple(prefix)
        state = self._states.get(key)
        if state is None:
            llama.n_tokens = held
            llama.eval(prefix[held:])
            self._save(key)
        else:
            self._restore(prefix, state)
            self._states.move_to_end(key)

    def _save(self, key: tuple[int, ...]) -> None:
        import llama_cpp

        ctx = self._llama.ctx
        size = llama_cpp.llama_state_seq_get_size(ctx, 0)
        buffer = (ctypes.c_uint8 * size)()
        written = llama_cpp.llama_state_seq_get_data(ctx, buffer, size, 0)
        self._states[key] = bytes(buffer[:written])
        while len(self._states) > PREFIX_STATES:
            self._states.popitem(last=False)

    def _restore(self, prefix: list[int], state: bytes) -> None:
        import llama_cpp

        llama = self._llama
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state)
        if llama_cpp.llama_state_seq_set_data(llama.ctx, buffer, len(state), 0) != len(state):
            llama.n_tokens = 0  # nothing reusable: the completion evaluates the whole prompt
            return
        llama.input_ids[: len(prefix)] = prefix
        llama.n_tokens = len(prefix)


def _common(a: Sequence[int], b: Sequence[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
