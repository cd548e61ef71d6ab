"""The query core's settings part, and `CoreSettings`: the parts the core needs, composed.

`NEWSBOT_LLM` is parsed once, here (`AnswerSettings.backend`); the answerer factory only dispatches on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field

from index.errors import SettingsError
from index.settings import IndexSettings, OpenAISettings, SettingsPart, env

PROMPTS_DIR = Path(str(resources.files("prompts")))
"""The prompts shipped with newsbot (package data, so a wheel install has them too)."""
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
BACKENDS = ("extractive", "openai", "local")


@dataclass(frozen=True)
class Backend:
    """The answer backend `NEWSBOT_LLM` names: `kind` (extractive, openai) and its `model`, if any."""

    kind: str
    model: str = ""

    def __str__(self) -> str:
        return f"{self.kind}:{self.model}" if self.model else self.kind


class AnswerSettings(SettingsPart):
    """How questions are answered: the backend, how many chunks to read, the prompts, the limits."""

    llm_setting: str | None = Field(None, validation_alias=env("NEWSBOT_LLM"))
    top_k: int = Field(8, ge=1, le=100, validation_alias=env("NEWSBOT_TOP_K"))
    prompts_dir: Path = Field(PROMPTS_DIR, validation_alias=env("NEWSBOT_PROMPTS_DIR"))
    max_question_chars: int = Field(2_000, ge=1, validation_alias=env("NEWSBOT_MAX_QUESTION_CHARS"))
    local_model: Path | None = Field(None, validation_alias=env("NEWSBOT_LOCAL_MODEL"))
    local_threads: int = Field(0, ge=0, le=256, validation_alias=env("NEWSBOT_LOCAL_THREADS"))
    """CPU threads of the local model; 0 (default): chosen before each call, every core when nothing else is
    runnable, else one (`bot.core.answer.local_llm.threads_for`)."""
    local_context: int = Field(4096, ge=512, validation_alias=env("NEWSBOT_LOCAL_CONTEXT"))
    reader: str = Field("scorer", pattern=r"^(scorer|local|openai(:\S+)?)$", validation_alias=env("NEWSBOT_READER"))
    """`scorer` (offline, features and fitted weights), `local` (the scorer, and the bundled model reads
    answerability, and yes/no questions with `reader_yes_no`: `bot/core/read/model.py`) or `openai:<model>`
    (the same reads by any OpenAI-compatible model that returns log-probabilities; `openai` alone: the
    `NEWSBOT_LLM` model)."""
    reader_yes_no: bool = Field(False, validation_alias=env("NEWSBOT_READER_YES_NO"))
    """Whether a model reader also reads yes/no questions (it always reads answerability). Off: on the
    multi-hop held-out halves its P(yes) gave verdicts to fewer questions than the scorer's at the same
    precision (README, "Reading the evidence")."""
    reader_calibration: Path | None = Field(None, validation_alias=env("NEWSBOT_READER_CALIBRATION"))
    """The model reader's calibration (default: the shipped one, fitted for the bundled model); another
    model's margins have another scale: fit it with `python -m measure.fit_model_reader --reader ...`."""
    reader_weights: Path | None = Field(None, validation_alias=env("NEWSBOT_READER_WEIGHTS"))
    """Another weights file for the `scorer` reader (default: the one shipped, `bot/core/read/weights.json`)."""
    answerable_min: float | None = Field(None, ge=0.0, le=1.0, validation_alias=env("NEWSBOT_ANSWERABLE_MIN"))
    """Refuse when the reader's P(the retrieved evidence answers the question) is below this; unset, each
    reader's own cut (`Reader.answerable_min`: the scorer 0.5, a model reader its calibration's)."""
    verdict_min: float = Field(0.9, ge=0.5, le=1.0, validation_alias=env("NEWSBOT_VERDICT_MIN"))
    """Say "Yes —"/"No —" only when the reader's P(yes) or P(no) reaches this; else show what each source
    says and that it does not settle the question."""
    anchor_phrases: bool = Field(True, validation_alias=env("NEWSBOT_ANCHOR_PHRASES"))
    """Refuse a question naming something (a name, a quoted term, a model) that no retrieved sentence or title
    holds as a phrase (`bot.core.understand.anchors.unheld`); sweep 0,1 to measure it."""
    overview_intent_min: float = Field(0.5, ge=0.0, le=1.0, validation_alias=env("NEWSBOT_OVERVIEW_INTENT_MIN"))
    """A question is answered as an overview when the intent model (`bot.core.understand.intent`) gives it at
    least this P(asks for an overview); the model was fitted with both kinds weighed equally, so 0.5 is even
    odds between them. With an embedder the model was not fitted for, the request rules alone decide."""
    overview_topic_min: float = Field(0.6, ge=0.0, le=1.0, validation_alias=env("NEWSBOT_OVERVIEW_TOPIC_MIN"))
    """An overview ("summarize …") quotes the articles with at least this P(on the story asked about)
    (`bot.core.answer.topic`, fitted on the dev overview set's relevant articles); none: refused. 0.6: the most
    fact recall at citation precision ≥ 0.9 on the dev overview sets (README "Overviews" has the sweep)."""
    overview_facts: int = Field(5, ge=1, le=20, validation_alias=env("NEWSBOT_OVERVIEW_FACTS"))
    """How many cited sentences an overview ("summarize …", "catch me up on …") gives at most."""
    overview_anchored: float = Field(0.5, ge=0.0, le=1.0, validation_alias=env("NEWSBOT_OVERVIEW_ANCHORED"))
    """Refuse an overview when what was retrieved holds less than this share of the question's names, quoted
    terms and models as phrases (the Nine Years' Treaty is not the Ten Years' Treaty). An overview draws on
    several articles, whose names are spread over chunks not all retrieved, so not all of them."""
    overview_names: float = Field(0.0, ge=0.0, le=1.0, validation_alias=env("NEWSBOT_OVERVIEW_NAMES"))
    """Of the articles on an overview's topic, keep those holding at least this share of what the best-named
    of them holds of the question's names (0: all; 1.0: as many as any). Off by default: on the blind
    overview sets it cost recall and did not raise precision everywhere (README "Overviews")."""
    companion_ratio: float = Field(0.85, ge=0.0, le=1.0, validation_alias=env("NEWSBOT_COMPANION_RATIO"))
    """Quote a second or third sentence only when the reader scores it at least this share of the best."""
    llm_evidence: int = Field(4, ge=1, le=20, validation_alias=env("NEWSBOT_LLM_EVIDENCE"))
    """How many numbered evidence sentences a model answers from (`bot/core/answer/grounding.py`): each costs
    the local model ~70 prompt tokens, with its source line. 4 (was 6): the same accuracy on dev, held-out and
    seeds with the local model, answers ~30 % faster (README "A local model")."""
    judge_budget: int = Field(0, ge=0, le=20, validation_alias=env("NEWSBOT_JUDGE_BUDGET"))
    """At most this many calls per reply to the model as judge of a doubtful citation
    (`bot/core/answer/verify.py`); 0: doubt rejects without asking. Each call costs the local model ~1.5 s and
    they made the slowest answers, while 3 bought nothing on any set (`--sweep NEWSBOT_JUDGE_BUDGET=0,3` with
    the local model: dev, held-out and wire-blind accuracy identical, citation precision 0.910/0.906,
    0.962/0.962, 0.806/0.804), so none by default."""
    # The speed knobs of the local model (bot/core/answer/local_llm.py; README "A local model" has the figures).
    local_max_tokens: int = Field(128, ge=1, le=4096, validation_alias=env("NEWSBOT_LOCAL_MAX_TOKENS"))
    local_batch: int = Field(512, ge=8, le=8192, validation_alias=env("NEWSBOT_LOCAL_BATCH"))
    local_speculative: int = Field(0, ge=0, le=64, validation_alias=env("NEWSBOT_LOCAL_SPECULATIVE"))
    local_prefix_cache: bool = Field(True, validation_alias=env("NEWSBOT_LOCAL_PREFIX_CACHE"))
    model_dir: Path | None = Field(None, validation_alias=env("NEWSBOT_MODEL_DIR"))


class CoreSettings(BaseModel):
    """The parts the query core reads; the root `bot.settings.Settings` adds the front ends' parts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    index: IndexSettings = Field(default_factory=IndexSettings.read)
    openai: OpenAISettings = Field(default_factory=OpenAISettings.read)
    answer: AnswerSettings = Field(default_factory=AnswerSettings.read)

    @classmethod
    def from_env(cls, env_file: str | Path | None = ".env", **values: Any) -> Self:
        """Every part read from the environment and `env_file`, with flat `values` (field names) on top."""
        parts: dict[str, Any] = {}
        unknown = set(values)
        for name, field in cls.model_fields.items():
            part_type = field.annotation
            own = {k: v for k, v in values.items() if k in part_type.model_fields}  # type: ignore[union-attr]
            unknown -= own.keys()
            parts[name] = part_type.read(env_file, **own)  # type: ignore[union-attr]
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**parts)

    def with_overrides(self, **values: Any) -> Self:
        """A copy with some fields replaced (the CLI's `--data-dir`, `--top-k`; None leaves a field as it is),
        validated like the original, so that a secret given here is a SecretStr too."""
        updates = {k: v for k, v in values.items() if v is not None}
        parts: dict[str, Any] = {}
        for name in type(self).model_fields:
            part = getattr(self, name)
            own = {k: v for k, v in updates.items() if k in type(part).model_fields}
            parts[name] = type(part).model_validate({**part.model_dump(), **own}) if own else part
            for key in own:
                updates.pop(key)
        if updates:
            raise TypeError(f"unknown settings: {', '.join(sorted(updates))}")
        return type(self)(**parts)

    @property
    def backend(self) -> Backend:
        """The answer backend: `NEWSBOT_LLM`, else OpenAI when a key is set, else extractive."""
        raw = (self.answer.llm_setting or "").strip()
        if not raw:
            return Backend("openai", DEFAULT_OPENAI_MODEL) if self.openai.openai_api_key else Backend("extractive")
        kind, _, model = raw.partition(":")
        if kind not in BACKENDS:
            raise SettingsError(f"unknown NEWSBOT_LLM {raw!r}: use extractive, local or openai:<model>")
        if kind == "openai" and not model.strip():
            raise SettingsError("NEWSBOT_LLM=openai:<model> needs a model, e.g. openai:gpt-4o-mini")
        return Backend(kind, model.strip())
