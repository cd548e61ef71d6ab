"""One typed settings object for every part of newsbot, read from the environment and `.env`.

Secrets are `SecretStr` so that printing or logging the settings never shows them.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _env(name: str) -> AliasChoices:
    return AliasChoices(name, name.lower())


class Settings(BaseSettings):
    """Everything configurable, by the environment names of DESIGN.md."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    data_dir: Path = Field(Path(".newsbot"), validation_alias=_env("NEWSBOT_DATA_DIR"))
    collection: str = Field("articles", validation_alias=_env("NEWSBOT_COLLECTION"))
    embedder: str = Field("local", validation_alias=_env("NEWSBOT_EMBEDDER"))
    llm_setting: str | None = Field(None, validation_alias=_env("NEWSBOT_LLM"))
    top_k: int = Field(8, ge=1, le=100, validation_alias=_env("NEWSBOT_TOP_K"))
    prompts_dir: Path = Field(PROJECT_ROOT / "prompts", validation_alias=_env("NEWSBOT_PROMPTS_DIR"))

    openai_api_key: SecretStr | None = Field(None, validation_alias=_env("OPENAI_API_KEY"))
    openai_base_url: str | None = Field(None, validation_alias=_env("OPENAI_BASE_URL"))
    llm_timeout_s: float = Field(60.0, gt=0, validation_alias=_env("NEWSBOT_LLM_TIMEOUT"))
    llm_max_retries: int = Field(3, ge=0, validation_alias=_env("NEWSBOT_LLM_RETRIES"))

    chroma_host: str | None = Field(None, validation_alias=_env("CHROMA_HOST"))
    chroma_port: int = Field(8000, validation_alias=_env("CHROMA_PORT"))

    slack_bot_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_BOT_TOKEN"))
    slack_app_token: SecretStr | None = Field(None, validation_alias=_env("SLACK_APP_TOKEN"))
    slack_signing_secret: SecretStr | None = Field(None, validation_alias=_env("SLACK_SIGNING_SECRET"))
    slack_api_url: str = Field("https://slack.com/api/", validation_alias=_env("SLACK_API_URL"))
    slack_rate_limit_per_min: int = Field(10, ge=1, validation_alias=_env("NEWSBOT_SLACK_RATE_LIMIT"))
    slack_allowed_channels: str = Field("", validation_alias=_env("NEWSBOT_SLACK_CHANNELS"))

    max_file_bytes: int = Field(20_000_000, ge=1, validation_alias=_env("NEWSBOT_MAX_FILE_BYTES"))
    max_question_chars: int = Field(2_000, ge=1, validation_alias=_env("NEWSBOT_MAX_QUESTION_CHARS"))
    max_feed_items: int = Field(5_000, ge=1, validation_alias=_env("NEWSBOT_MAX_FEED_ITEMS"))

    @cached_property
    def llm(self) -> str:
        """The answer backend: explicit setting, else OpenAI when a key is set, else extractive."""
        if self.llm_setting:
            return self.llm_setting
        return "openai:gpt-4o-mini" if self.openai_api_key else "extractive"

    @property
    def allowed_channels(self) -> frozenset[str]:
        return frozenset(c.strip() for c in self.slack_allowed_channels.split(",") if c.strip())

    def with_overrides(self, **values: object) -> Settings:
        """A copy with some fields replaced (the CLI's `--data-dir`, `--top-k`), validated like the original,
        so that a secret given here is a SecretStr too (model_copy would keep a plain str that repr shows)."""
        updates = {k: v for k, v in values.items() if v is not None}
        return type(self).model_validate({**self.model_dump(), **updates})
