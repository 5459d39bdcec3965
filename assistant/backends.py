"""Which brain answers: the built-in interpreter, OpenAI, or an OpenAI-compatible server.

Configuration follows the openai client's conventions: OPENAI_API_KEY and
OPENAI_BASE_URL work as they do there; `--model` / `--base-url` and the
workspace settings file (settings.yaml) override them. With none of these, the
built-in interpreter answers, offline.

A key from the environment goes only to the server the user chose in the environment
or on the command line: a workspace file travels with a folder (a clone, a shared
drive), so a `base_url` it names gets the key only if the file holds its own key.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, SecretStr, ValidationError

from tools.engine.errors import first_problem

DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
OPENAI_URL = "https://api.openai.com/v1"


class ModelSettings(BaseModel):
    """Settings of a model backend; the key is a SecretStr so it never prints."""

    model_config = ConfigDict(extra="forbid")

    model: str | None = None
    base_url: str | None = None
    api_key: SecretStr | None = None
    # Seconds per model call, and per turn: past `turn_timeout` a failing model hands the
    # turn to the built-in interpreter. A slow local model may need both raised.
    timeout: float = Field(default=25.0, gt=0)
    turn_timeout: float = Field(default=30.0, gt=0)
    max_tokens: int = Field(default=1024, ge=16)
    # Prices per million tokens (input, output), in any currency: `segment eval --model`
    # reports each case's cost only when they are set; nothing is assumed.
    input_price: float | None = Field(default=None, ge=0)
    output_price: float | None = Field(default=None, ge=0)
    # Set when the environment's key was kept from a server only the settings file names.
    _withheld_key: bool = PrivateAttr(default=False)

    @property
    def withheld_key(self) -> bool:
        return self._withheld_key

    @property
    def uses_model(self) -> bool:
        return self.base_url is not None or self.api_key is not None

    @property
    def is_openai(self) -> bool:
        return self.base_url is None or self.base_url.rstrip("/") == OPENAI_URL

    def describe(self) -> str:
        if not self.uses_model:
            return "built-in interpreter (offline)"
        if self.is_openai:
            return f"OpenAI, model {self.model or DEFAULT_OPENAI_MODEL}"
        server = f"OpenAI-compatible server at {self.base_url}, model {self.model or 'default'}"
        if self._withheld_key:
            server += " (named in settings.yaml; OPENAI_API_KEY not sent to it)"
        return server


class SettingsError(Exception):
    """The settings file cannot be used; the message says how to fix it."""


def read_settings_file(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SettingsError(f"Cannot read settings file {path}: fix or delete it "
                            f"({type(exc).__name__}).") from None
    if not isinstance(raw, dict):
        raise SettingsError(f"Settings file {path} must be a mapping like 'model: NAME'.")
    return raw


def resolve_settings(*, model: str | None = None, base_url: str | None = None,
                     settings_file: Path | None = None,
                     env: Mapping[str, str] | None = None) -> ModelSettings:
    """Merge, lowest priority first: environment, settings file, command-line options."""
    env = env or {}
    merged: dict[str, Any] = {}
    if env.get("OPENAI_API_KEY"):
        merged["api_key"] = env["OPENAI_API_KEY"]
    if env.get("OPENAI_BASE_URL"):
        merged["base_url"] = env["OPENAI_BASE_URL"]
    if env.get("SEGMENT_MODEL"):
        merged["model"] = env["SEGMENT_MODEL"]
    from_file: dict[str, Any] = {}
    if settings_file is not None:
        from_file = {k: v for k, v in read_settings_file(settings_file).items() if v is not None}
        merged.update(from_file)
    if model:
        merged["model"] = model
    if base_url:
        merged["base_url"] = base_url
    chosen = str(env.get("OPENAI_BASE_URL") or OPENAI_URL).rstrip("/")
    withheld = (not base_url and "api_key" not in from_file and "api_key" in merged
                and str(from_file.get("base_url") or chosen).rstrip("/") != chosen)
    if withheld:
        del merged["api_key"]
    try:
        settings = ModelSettings.model_validate(merged)
    except ValidationError as exc:
        where, problem = first_problem(exc)
        raise SettingsError(f"Invalid setting '{where}': {problem}. Valid settings: "
                            f"{', '.join(ModelSettings.model_fields)}.") from None
    settings._withheld_key = withheld
    return settings


def make_chat_model(settings: ModelSettings) -> Any:
    """A langchain-openai ChatOpenAI for OpenAI or any OpenAI-compatible server."""
    from langchain_openai import ChatOpenAI

    # Local servers (Ollama, vLLM, llama.cpp) accept any key but the client needs one.
    key = settings.api_key.get_secret_value() if settings.api_key else "not-needed"
    kwargs: dict[str, Any] = {
        "model": settings.model or (DEFAULT_OPENAI_MODEL if settings.is_openai else "default"),
        "api_key": key,
        "timeout": settings.timeout,
        # Retries are the agent's (`agent._retry_within`), bounded by the turn's time.
        "max_retries": 0,
        "temperature": 0,
    }
    if settings.base_url:
        kwargs["base_url"] = settings.base_url
    if not settings.is_openai:
        # llama.cpp's server ignores max_completion_tokens (FACTS.md); max_tokens it honours.
        kwargs["extra_body"] = {"max_tokens": settings.max_tokens}
    else:
        kwargs["max_completion_tokens"] = settings.max_tokens
    return ChatOpenAI(**kwargs)
