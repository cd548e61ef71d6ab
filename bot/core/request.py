"""One question's request: everything the query core knows about it, built once and passed down.

Like LlamaIndex's `QueryBundle`, the question is understood once, before any retrieval, and every step
(retrieve, read, decide, write, verify) reads that understanding from here instead of parsing the question
again. All per-question state lives on the request; the pipeline, retriever, reader and answerers are
shared by concurrent questions (Slack's workers) and hold none.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.core.models import Answer, Citation, Hit, Turn
from bot.core.retrieve import Filters
from bot.core.understand.question import Understander, Understanding
from index.catalog import Catalog


@dataclass
class Request:
    """A question on its way through the core.

    `question` is what the user asked; `standalone` the question retrieval and answering use (a follow-up
    condensed against `history`, else the question itself); `understanding` is read from `standalone`.
    `hits` are filled by retrieval, `timings_ms` by each step as it finishes.
    """

    question: str
    understanding: Understanding
    standalone: str = ""
    top_k: int = 8
    filters: Filters = field(default_factory=Filters)
    history: tuple[Turn, ...] = ()
    on_token: Callable[[str], None] | None = None
    hits: list[Hit] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    notes: dict[str, object] = field(default_factory=dict)
    """What the reader estimated for this question (P(answerable), P(yes)): shown in `--json`."""
    started: float = field(default_factory=time.perf_counter)
    _mark: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self.standalone = self.standalone or self.question
        self._mark = self.started

    @classmethod
    def of(
        cls,
        question: str,
        hits: Sequence[Hit] = (),
        *,
        understanding: Understanding | None = None,
        catalog: Catalog | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Request:
        """A request for `question` over given `hits` (eval, tests, callers that retrieve themselves); the
        question is understood here, against `catalog` (what is indexed) when given."""
        if understanding is None:
            understanding = Understander(catalog or Catalog("")).understand(question)
        return cls(question, understanding, hits=list(hits), on_token=on_token)

    @property
    def off_topic(self) -> bool:
        """Whether the reader judged the question off every article's topic ("what is the capital of peru",
        "great stuff, thanks!"): its P(on topic) below even odds (`bot.core.read.scorer`). No estimate is
        not off topic."""
        on_topic = self.notes.get("on_topic")
        return isinstance(on_topic, float) and on_topic < 0.5

    def timed(self, step: str) -> None:
        """Record the time since the previous step under `step`."""
        now = time.perf_counter()
        self.timings_ms[step] = round((now - self._mark) * 1000, 2)
        self._mark = now

    def emit(self, text: str) -> None:
        """Pass finished text to the caller's stream, if it asked for one."""
        if self.on_token is not None:
            self.on_token(text)

    def answer(
        self,
        text: str,
        *,
        refused: bool,
        backend: str,
        citations: Sequence[Citation] = (),
        verdict: str | None = None,
        see_also: Sequence[Citation] = (),
        understood: dict[str, object] | None = None,
    ) -> Answer:
        """The Answer for this request, with what it was understood as, the boosts feedback applied to its
        cited articles, and its timings so far (`total` from the request's start)."""
        self.timed("generate")
        cited = {c.article_id for c in citations}
        boosts = {h.chunk.article_id: h.boost for h in self.hits if h.boost and h.chunk.article_id in cited}
        return Answer(
            question=self.question,
            answer=text,
            refused=refused,
            citations=list(citations),
            backend=backend,
            timings_ms={**self.timings_ms, "total": round((time.perf_counter() - self.started) * 1000, 2)},
            see_also=list(see_also),
            standalone_question=self.standalone if self.standalone != self.question else None,
            verdict=verdict,
            understood={**self.understanding.to_dict(), **self.notes, **(understood or {})},
            boosts=boosts,
        )
