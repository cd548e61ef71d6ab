"""The write side's settings parts, read from the environment and `.env` by the names in `.env.example`.

Settings come in parts (index, OpenAI access here; answer in `bot.core.settings`; Slack in
`bot.slack.settings`) that the root object in `bot.settings` composes. Each function receives the part
it needs, never the whole. Secrets are `SecretStr` so that printing or logging settings never shows them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def env(name: str) -> AliasChoices:
    """A field read from environment variable `name` (or its lower-case form, as pydantic passes kwargs)."""
    return AliasChoices(name, name.lower())


class SettingsPart(BaseSettings):
    """One part of the settings; `read` builds it from the environment, `.env` and explicit values."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    @classmethod
    def read(cls, env_file: str | Path | None = ".env", **values: Any) -> Self:
        return cls(_env_file=env_file, **values)  # type: ignore[call-arg]


@dataclass(frozen=True)
class LoadLimits:
    """What a loader may accept: the largest file and the most items of one feed."""

    max_file_bytes: int = 20_000_000
    max_feed_items: int = 5_000
    html_extractor: str = "trafilatura"
    """Who reads an HTML page's main text: `trafilatura` (falls back to the built-in reader) or `selectolax`."""


class IndexSettings(SettingsPart):
    """Where the index lives, which embedder writes it and how much a loader accepts."""

    data_dir: Path = Field(Path(".newsbot"), validation_alias=env("NEWSBOT_DATA_DIR"))
    collection: str = Field("articles", validation_alias=env("NEWSBOT_COLLECTION"))
    embedder: str = Field("local", validation_alias=env("NEWSBOT_EMBEDDER"))
    chroma_host: str | None = Field(None, validation_alias=env("CHROMA_HOST"))
    chroma_port: int = Field(8000, validation_alias=env("CHROMA_PORT"))
    chroma_timeout_s: float = Field(60.0, gt=0, validation_alias=env("NEWSBOT_CHROMA_TIMEOUT"))
    max_file_bytes: int = Field(20_000_000, ge=1, validation_alias=env("NEWSBOT_MAX_FILE_BYTES"))
    max_feed_items: int = Field(5_000, ge=1, validation_alias=env("NEWSBOT_MAX_FEED_ITEMS"))
    # Readers' feedback (index/feedback.py): where it is kept (default: the data dir) and how fast it fades.
    feedback_path: Path | None = Field(None, validation_alias=env("NEWSBOT_FEEDBACK_PATH"))
    feedback_half_life_days: float = Field(30.0, gt=0, validation_alias=env("NEWSBOT_FEEDBACK_HALF_LIFE_DAYS"))
    html_extractor: Literal["trafilatura", "selectolax"] = Field(
        "trafilatura", validation_alias=env("NEWSBOT_HTML_EXTRACTOR")
    )
    duplicate_threshold: float = Field(0.85, ge=0.0, le=1.0, validation_alias=env("NEWSBOT_DUPLICATE_THRESHOLD"))
    """Estimated overlap of word 3-grams (MinHash) at which an article joins an indexed story as a copy
    instead of being embedded again (`index.stories`; chosen by measure/eval/stories.py); 0 turns it off."""

    @property
    def load_limits(self) -> LoadLimits:
        return LoadLimits(self.max_file_bytes, self.max_feed_items, self.html_extractor)


class OpenAISettings(SettingsPart):
    """Access to OpenAI or an OpenAI-compatible server, shared by the embedder and the LLM."""

    openai_api_key: SecretStr | None = Field(None, validation_alias=env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=env("OPENAI_BASE_URL"))
    llm_timeout_s: float = Field(60.0, gt=0, validation_alias=env("NEWSBOT_LLM_TIMEOUT"))
    llm_max_retries: int = Field(3, ge=0, validation_alias=env("NEWSBOT_LLM_RETRIES"))
