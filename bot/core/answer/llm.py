"""The LLM answerer: OpenAI, or any OpenAI-compatible server (Ollama, vLLM, llama.cpp), via LlamaIndex.

The model only writes prose with `[n]` markers over numbered evidence sentences; `verify` decides which
of them stand and `bot.core.citations` numbers them, so a model cannot cite evidence it was not given, nor
keep a citation whose sentence does not support what it wrote, however it is prompted.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import NoReturn

import openai
from llama_index.core.llms import LLM, ChatMessage, MessageRole
from llama_index.llms.openai import OpenAI
from llama_index.llms.openai.utils import ALL_AVAILABLE_MODELS
from llama_index.llms.openai_like import OpenAILike

from bot.core.answer import overview
from bot.core.answer.evidence import Candidate
from bot.core.answer.extractive import ExtractiveAnswerer
from bot.core.answer.grounding import Grounding, ground
from bot.core.answer.verified import rules_answer, verified_answer
from bot.core.answer.verify import Judge, Verifier
from bot.core.citations.assemble import refusal, see_also
from bot.core.citations.stream import StreamRewriter
from bot.core.errors import AnswerBackendError
from bot.core.models import Answer, Turn
from bot.core.prompts import refusal_sentinel, render
from bot.core.read import Reader
from bot.core.read.factory import make_reader
from bot.core.request import Request
from bot.core.settings import CoreSettings
from bot.core.understand import answer_type as types
from index.embed import Embedder
from index.errors import SettingsError
from index.settings import OpenAISettings

OPENAI_API_BASE = "https://api.openai.com/v1"
LOCAL_SERVER_KEY = "not-needed"
CONTEXT_WINDOW = 8192
MAX_ANSWER_TOKENS = 512
MAX_CONDENSE_TOKENS = 128
HISTORY_TURNS = 3
NAMED_KINDS = frozenset({types.PERSON, types.ORGANISATION})
TITLE_CHARS = 60
_SOURCE_TAG = re.compile(r"<\s*(/?)\s*source\b", re.IGNORECASE)


def _model_name(settings: CoreSettings) -> str:
    backend = settings.backend
    if backend.kind != "openai" or not backend.model:
        raise SettingsError(f"LLMAnswerer needs NEWSBOT_LLM=openai:<model>, got {str(backend)!r}")
    return backend.model


def make_llm(settings: CoreSettings) -> LLM:
    """LlamaIndex `OpenAI` for OpenAI's own models, `OpenAILike` for a base URL or an unknown model.

    The openai client is built here so that retries happen in one place: it retries 429, 5xx,
    timeouts and connection errors `llm_max_retries` times with exponential backoff and honours
    `Retry-After`. LlamaIndex's own retry loop is switched off (max_retries=0) because it would
    wrap those retries in another up-to-60-second loop.
    """
    model = _model_name(settings)
    access = settings.openai
    key = access.openai_api_key.get_secret_value() if access.openai_api_key else ""
    base_url = access.openai_base_url
    if not key and not base_url:
        raise AnswerBackendError(
            f"NEWSBOT_LLM=openai:{model} needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local OpenAI-compatible server"
        )
    api_key = key or LOCAL_SERVER_KEY
    api_base = base_url or OPENAI_API_BASE
    client = openai.OpenAI(
        api_key=api_key,
        base_url=api_base,
        timeout=access.llm_timeout_s,
        max_retries=access.llm_max_retries,
    )
    common: dict[str, object] = {
        "model": model,
        "api_key": api_key,
        "api_base": api_base,
        "temperature": 0.0,
        "max_tokens": MAX_ANSWER_TOKENS,
        "timeout": access.llm_timeout_s,
        "max_retries": 0,
        "openai_client": client,
    }
    if base_url is None and model in ALL_AVAILABLE_MODELS:
        return OpenAI(**common)
    return OpenAILike(**common, is_chat_model=True, context_window=CONTEXT_WINDOW)


def _shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to at most `limit` characters (a title identifies; it is not evidence)."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"


def _neutralise(text: str) -> str:
    """Source text cannot close its own `<source>` block and pose as instructions."""
    return _SOURCE_TAG.sub(lambda m: f"({m.group(1)}source", text)


class LLMAnswerer:
    """Answers from numbered evidence sentences with an LLM; every citation is verified before it is shown.

    The model sees the evidence `grounding` picks (not whole chunks), so prompts are short and numbers
    point at sentences; `verify` then keeps, moves or drops each marker and removes unsupported sentences.
    """

    def __init__(
        self,
        settings: CoreSettings,
        embedder: Embedder,
        llm: LLM | None = None,
        *,
        name: str | None = None,
        judge: Judge | None = None,
        extractive: ExtractiveAnswerer | None = None,
        reader: Reader | None = None,
    ) -> None:
        self.name = name or f"openai:{_model_name(settings)}"
        self._settings = settings.answer
        self._access = settings.openai
        self._server = settings.openai.openai_base_url or OPENAI_API_BASE
        key = settings.openai.openai_api_key
        self._secret = key.get_secret_value() if key else ""
        self._sentinel = refusal_sentinel(settings.answer)
        self._llm = llm or make_llm(settings)
        self._embedder = embedder
        self._verifier = Verifier(embedder, judge, settings.answer.judge_budget)
        self._extractive = extractive
        self._reader = reader or make_reader(settings.answer, access=settings.openai, embedder=embedder.name)

    def evidence_block(self, evidence: Sequence[Candidate]) -> str:
        """The numbered evidence sentences, each with its publication and date. The title is offered to the
        template (`prompts/source_block.txt`) but the shipped one leaves it out: ~15 prompt tokens a sentence,
        and on the dev split the same accuracy without it (README "A local model")."""
        blocks = []
        for n, candidate in enumerate(evidence, start=1):
            chunk = candidate.hit.chunk
            blocks.append(
                render(
                    self._settings,
                    "source_block",
                    n=n,
                    title=_neutralise(_shorten(chunk.title or "(untitled)", TITLE_CHARS)),
                    date=chunk.date or "unknown",
                    source=_neutralise(chunk.source or "unknown"),
                    text=_neutralise(candidate.text),
                )
            )
        return "\n".join(blocks)

    def messages(self, question: str, evidence: Sequence[Candidate], *, yes_no: bool = False) -> list[ChatMessage]:
        system = render(self._settings, "system", refusal_sentinel=self._sentinel)
        user = render(
            self._settings,
            "answer_with_sources",
            sources=self.evidence_block(evidence),
            question=question,
            refusal_sentinel=self._sentinel,
        )
        if yes_no:
            user += "\n" + render(self._settings, "yes_no")
        return [ChatMessage(role=MessageRole.SYSTEM, content=system), ChatMessage(role=MessageRole.USER, content=user)]

    def answer(self, request: Request) -> Answer:
        """The model's answer over the evidence of the request's hits; refuses without calling it when the gate does.

        With an `extractive` partner (the hybrid the small local model uses): a "who"/"which company" question
        the extractive answerer names an answer for gets that answer, and a model answer that verification
        empties falls back to it. Measured on the dev split, the 1.5B model named the wrong person or refused
        on many multi-hop entity questions the extractive answerer got right; see README "A local model". A
        "who is the <role> of <organisation>" question it refuses (no sentence gives that role to that
        organisation) stays refused: the model would name the nearest holder of the role.
        """
        if not request.hits:
            return refusal(request, [], self.name)
        understanding = request.understanding
        if self._extractive is not None and understanding.answer_type in NAMED_KINDS:
            named = self._extractive.answer(request)
            if not named.refused or understanding.role is not None:
                return named
        if understanding.answer_type == types.OVERVIEW:
            found = overview.gather(request, self._embedder, self._reader, self._settings)
            if not found.facts:
                return refusal(request, found.closest, self.name)
            grounding = Grounding(types.OVERVIEW, found.ranked, found.facts, False, [], None)
        else:
            grounding = ground(request, self._embedder, self._reader, self._settings)
        closest = see_also((c.hit, c.text, round(c.score, 4)) for c in grounding.ranked)
        if grounding.refuse or not grounding.evidence:
            return refusal(request, closest, self.name)
        yes_no = understanding.yes_no is not None
        decided = rules_answer(request, grounding, self.name) if yes_no else None
        if decided is not None:
            request.emit(decided.answer)
            return decided
        messages = self.messages(request.standalone, grounding.evidence, yes_no=yes_no)
        if request.on_token is None:
            reply = self._chat(messages)
        else:
            rewriter = StreamRewriter(len(grounding.evidence), self._sentinel, request.on_token)
            reply = self._stream(messages, rewriter.feed)
            rewriter.close()
        answer = verified_answer(
            request,
            reply,
            grounding,
            closest,
            verifier=self._verifier,
            sentinel=self._sentinel,
            backend=self.name,
        )
        if answer.refused and self._extractive is not None:
            fallback = self._extractive.answer(replace(request, on_token=None))  # the stream already ran
            if not fallback.refused:
                fallback.corrections = answer.corrections
                return fallback
        return answer

    def condense(self, history: Sequence[Turn], question: str) -> str:
        """A standalone version of a follow-up `question`, from the last few turns of `history`."""
        if not history:
            return question
        turns = list(history)[-HISTORY_TURNS:]
        transcript = "\n".join(f"User: {t.question}\nAssistant: {t.answer}" for t in turns)
        prompt = render(self._settings, "condense_follow_up", history=transcript, question=question)
        reply = self._chat([ChatMessage(role=MessageRole.USER, content=prompt)], max_tokens=MAX_CONDENSE_TOKENS)
        return _clean_condensed(reply) or question

    def _chat(self, messages: list[ChatMessage], **kwargs: object) -> str:
        try:
            response = self._llm.chat(messages, **kwargs)
            content = response.message.content
        except Exception as error:
            self._raise(error)
        if not isinstance(content, str):
            raise AnswerBackendError(f"the LLM server at {self._server} returned a reply with no text")
        return content

    def _stream(self, messages: list[ChatMessage], on_delta: Callable[[str], None]) -> str:
        parts: list[str] = []
        try:
            for chunk in self._llm.stream_chat(messages):
                delta = chunk.delta or ""
                if delta:
                    parts.append(delta)
                    on_delta(delta)
        except Exception as error:
            self._raise(error)
        return "".join(parts)

    def _raise(self, error: Exception) -> NoReturn:
        raise AnswerBackendError(self._redact(describe_error(error, self._server, self._access, self.name))) from None

    def _redact(self, message: str) -> str:
        return message.replace(self._secret, "***") if self._secret else message


def describe_error(error: Exception, server: str, settings: OpenAISettings, backend: str) -> str:
    """One sentence a person can act on, for any way the call to the LLM server can fail."""
    retries = settings.llm_max_retries
    after = f" after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
    if isinstance(error, openai.APITimeoutError):
        return (
            f"the LLM server at {server} did not answer within {settings.llm_timeout_s:g} s{after} "
            "(NEWSBOT_LLM_TIMEOUT)"
        )
    if isinstance(error, openai.APIConnectionError):
        return f"cannot reach the LLM server at {server} — is it running? check OPENAI_BASE_URL"
    if isinstance(error, openai.AuthenticationError):
        return "the API key was rejected (401) — check OPENAI_API_KEY"
    if isinstance(error, openai.PermissionDeniedError):
        return "the API key may not use this model (403) — check OPENAI_API_KEY and NEWSBOT_LLM"
    if isinstance(error, openai.NotFoundError):
        return f"the LLM server at {server} does not know model {backend!r} (404) — check NEWSBOT_LLM"
    if isinstance(error, openai.RateLimitError):
        return f"the LLM server at {server} is rate-limiting requests (429){after} — try again later"
    if isinstance(error, openai.APIStatusError) and error.status_code >= 500:
        return f"the LLM server at {server} failed with HTTP {error.status_code}{after}"
    if isinstance(error, openai.APIStatusError):
        return f"the LLM server at {server} refused the request (HTTP {error.status_code}): {_server_message(error)}"
    return f"the LLM server at {server} sent a reply that is not an OpenAI chat completion ({type(error).__name__})"


def _server_message(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        message = body.get("message") or (body.get("error") or {}).get("message")
        if isinstance(message, str):
            return message[:200]
    return error.message[:200]


def _clean_condensed(reply: str) -> str:
    """The question alone: no "Standalone question:" label, quotes or trailing lines."""
    lines = [line.strip() for line in reply.strip().splitlines() if line.strip()]
    if not lines:
        return ""
    line = re.sub(r"^(?:standalone\s+question|question)\s*:\s*", "", lines[0], flags=re.IGNORECASE)
    return line.strip().strip("\"'“”").strip()
