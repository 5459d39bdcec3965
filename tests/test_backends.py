"""Backend choice follows the openai client's conventions; keys never print."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.backends import ModelSettings, SettingsError, resolve_settings


def test_nothing_configured_means_the_builtin_interpreter() -> None:
    settings = resolve_settings(env={})
    assert not settings.uses_model
    assert "built-in" in settings.describe()


def test_openai_key_in_the_environment_selects_openai() -> None:
    settings = resolve_settings(env={"OPENAI_API_KEY": "sk-test-123"})
    assert settings.uses_model and settings.is_openai
    assert "OpenAI" in settings.describe()
    assert "sk-test-123" not in repr(settings) and "sk-test-123" not in str(settings)


def test_base_url_from_env_file_and_option_in_priority_order(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.yaml"
    settings_file.write_text("base_url: http://file:1/v1\nmodel: from-file\n")
    env = {"OPENAI_BASE_URL": "http://env:1/v1"}
    from_file = resolve_settings(settings_file=settings_file, env=env)
    assert from_file.base_url == "http://file:1/v1" and from_file.model == "from-file"
    from_option = resolve_settings(base_url="http://cli:1/v1", model="llama3",
                                   settings_file=settings_file, env=env)
    assert from_option.base_url == "http://cli:1/v1" and from_option.model == "llama3"
    assert "OpenAI-compatible" in from_option.describe()


def test_bad_settings_file_is_one_clear_line(tmp_path: Path) -> None:
    bad = tmp_path / "settings.yaml"
    bad.write_text("modle: gpt\n")
    with pytest.raises(SettingsError) as info:
        resolve_settings(settings_file=bad, env={})
    assert "modle" in str(info.value) and "\n" not in str(info.value)
    bad.write_text("[unclosed")
    with pytest.raises(SettingsError, match="Cannot read settings file"):
        resolve_settings(settings_file=bad, env={})


def test_compatible_servers_get_max_tokens_in_the_body() -> None:
    from assistant.backends import make_chat_model

    model = make_chat_model(ModelSettings(base_url="http://127.0.0.1:9/v1", model="m",
                                          max_tokens=77))
    assert model.extra_body == {"max_tokens": 77}
