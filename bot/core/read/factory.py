"""The one factory for readers: `NEWSBOT_READER` names the kind."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.read import Reader
from bot.core.settings import AnswerSettings

if TYPE_CHECKING:
    from bot.core.read.model import FirstToken


def make_reader(settings: AnswerSettings, model: FirstToken | None = None) -> Reader:
    """The reader `NEWSBOT_READER` names (settings validate the name). `local` reads yes/no questions with
    `model` (the answerer's own local model, so one copy is loaded), or loads the bundled one."""
    from bot.core.read.scorer import WEIGHTS, LearnedReader

    scorer = LearnedReader.load(settings.reader_weights or WEIGHTS)
    if settings.reader != "local":
        return scorer
    from bot.core.read.model import Calibration, ModelReader

    if model is None:
        from bot.core.answer.local_llm import LocalLlamaLLM
        from bot.core.answer.local_model import model_path

        model = LocalLlamaLLM.from_settings(model_path(settings.local_model, settings.model_dir), settings)
    return ModelReader(scorer, model, Calibration.load(), settings)
