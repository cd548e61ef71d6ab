"""The one factory for readers: `NEWSBOT_READER` names the kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.read import Reader
from bot.core.settings import DEFAULT_OPENAI_MODEL, AnswerSettings
from index.settings import OpenAISettings

if TYPE_CHECKING:
    from bot.core.read.model import FirstToken


def make_reader(
    settings: AnswerSettings,
    model: FirstToken | None = None,
    access: OpenAISettings | None = None,
    embedder: str | None = None,
) -> Reader:
    """The reader `NEWSBOT_READER` names (settings validate the name). `local` reads with `model` (the
    answerer's own local model, so one copy is loaded) or loads the bundled one; `openai:<model>` reads with
    that model through `access` (read from the environment when not given), whatever `model` is. `embedder`
    names the embedder the index uses (the scorer's on-topic model reads only its own)."""
    from bot.core.read.scorer import WEIGHTS, LearnedReader

    scorer = LearnedReader.load(settings.reader_weights or WEIGHTS, embedder)
    if settings.reader == "scorer":
        return scorer
    from bot.core.read.model import CALIBRATION, Calibration, ModelReader

    calibration = Calibration.load(settings.reader_calibration or CALIBRATION)
    if settings.reader == "local":
        if model is None:
            from bot.core.answer.local_llm import LocalLlamaLLM
            from bot.core.answer.local_model import model_path

            model = LocalLlamaLLM.from_settings(model_path(settings.local_model, settings.model_dir), settings)
        return ModelReader(scorer, model, calibration, settings)
    from bot.core.read.remote import OpenAIFirstToken

    name = settings.reader.partition(":")[2] or _answer_model(settings) or DEFAULT_OPENAI_MODEL
    remote = OpenAIFirstToken.from_settings(access or OpenAISettings.read(), name)
    return ModelReader(scorer, remote, calibration, settings, name=f"openai:{name}")


def _answer_model(settings: AnswerSettings) -> str:
    """The model of `NEWSBOT_LLM=openai:<model>`, if that is the answer backend."""
    kind, _, model = (settings.llm_setting or "").strip().partition(":")
    return model.strip() if kind == "openai" else ""
