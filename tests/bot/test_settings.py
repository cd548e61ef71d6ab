"""The root settings: parts read from the environment, flat overrides routed to their part, one parse of NEWSBOT_LLM."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bot.core.settings import Backend
from bot.settings import Settings
from index.errors import SettingsError
from tests.conftest import REPO


def test_each_part_reads_its_own_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NEWSBOT_TOP_K", "5")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    monkeypatch.setenv("NEWSBOT_LLM_RETRIES", "1")
    settings = Settings.from_env(None)
    assert settings.index.data_dir == tmp_path
    assert settings.answer.top_k == 5
    assert settings.slack.slack_api_url == "http://127.0.0.1:9/api/"
    assert settings.openai.llm_max_retries == 1


def test_a_dot_env_file_is_read(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("NEWSBOT_COLLECTION=wire\nNEWSBOT_SLACK_CHANNELS=C1, C2\n")
    settings = Settings.from_env(env_file)
    assert settings.index.collection == "wire"
    assert settings.slack.allowed_channels == frozenset({"C1", "C2"})


def test_flat_overrides_go_to_their_part_and_unknown_names_are_refused(tmp_path: Path) -> None:
    settings = Settings.from_env(None, data_dir=tmp_path, top_k=3)
    assert settings.index.data_dir == tmp_path and settings.answer.top_k == 3
    changed = settings.with_overrides(collection="other", top_k=None)
    assert changed.index.collection == "other" and changed.answer.top_k == 3
    with pytest.raises(TypeError, match="unknown settings: colection"):
        settings.with_overrides(colection="typo")
    with pytest.raises(TypeError, match="unknown settings"):
        Settings.from_env(None, dat_dir=tmp_path)
    with pytest.raises(ValidationError):
        settings.with_overrides(top_k=0)


@pytest.mark.parametrize(
    ("llm", "key", "expected"),
    [
        (None, None, Backend("extractive")),
        (None, "sk-test", Backend("openai", "gpt-4o-mini")),
        ("extractive", "sk-test", Backend("extractive")),
        ("openai:gpt-4.1", None, Backend("openai", "gpt-4.1")),
    ],
)
def test_the_backend_is_parsed_once_from_newsbot_llm(llm: str | None, key: str | None, expected: Backend) -> None:
    settings = Settings.from_env(None, llm_setting=llm, openai_api_key=SecretStr(key) if key else None)
    assert settings.backend == expected


@pytest.mark.parametrize(("llm", "message"), [("gpt4", "unknown NEWSBOT_LLM"), ("openai:", "needs a model")])
def test_a_bad_backend_is_a_settings_error(llm: str, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        _ = Settings.from_env(None, llm_setting=llm).backend


def test_env_example_documents_every_setting() -> None:
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (REPO / ".env.example").read_text(), re.MULTILINE))
    settings = Settings.from_env(None)
    parts = (settings.index, settings.openai, settings.answer, settings.slack)
    names = {
        alias
        for part in parts
        for field in type(part).model_fields.values()
        for alias in field.validation_alias.choices  # type: ignore[union-attr]
        if alias.isupper()
    }
    assert len(names) >= 20 and names - documented == set()
