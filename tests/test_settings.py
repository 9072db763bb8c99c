"""Settings are plain data: read from the flat DECKCHAT_* variables once, grouped into frozen views,
and reading them creates nothing."""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

import pytest

from deckchat.core.limits import Limits
from deckchat.settings import LlmOptions, Security, Settings, Storage


def test_reading_settings_touches_nothing(home: Path) -> None:
    environ, temp = dict(os.environ), tempfile.tempdir
    settings = Settings()
    # Everything a caller asks of them, groups and paths included.
    seen = (settings.storage, settings.security, settings.llm_options, settings.limits, settings.base_url)
    assert settings.home == home.resolve() and seen[0].blob_dir == home.resolve() / "blobs"
    assert dict(os.environ) == environ and tempfile.tempdir == temp
    assert not home.exists()


def test_the_groups_carry_the_flat_variables(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "DECKCHAT_LLM": "hf:some/model",
        "DECKCHAT_LLM_MODEL": "served-name",
        "DECKCHAT_LLM_MAX_MEMORY": "cpu=2GiB",
        "DECKCHAT_LLM_DTYPE": "float32",
        "DECKCHAT_LLM_OFFLOAD_FOLDER": str(home.parent / "offload-here"),
        "DECKCHAT_LLM_OFFLOAD_EXECUTOR": "accelerate",
        "DECKCHAT_LLM_LOOKUP": "off",
        "DECKCHAT_LLM_OFFLOAD_DTYPE": "int8",
        "DECKCHAT_LLM_DRAFT": "smollm2",
        "OPENAI_API_KEY": "sk-test",
        "DECKCHAT_SECRET_KEY": "shared",
        "DECKCHAT_COOKIE_SECURE": "true",
        "DECKCHAT_CHAT_RATE_PER_IP": "7/minute",
        "DECKCHAT_DATABASE_URL": "postgresql://db.example/deckchat",
        "DECKCHAT_STORAGE_URL": "s3://decks/prod",
        "DECKCHAT_BLOB_CACHE_MB": "10",
        "DECKCHAT_MAX_SLIDES": "12",
    }.items():
        monkeypatch.setenv(name, value)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    home = home.resolve()

    assert settings.llm_options == LlmOptions(
        spec="hf:some/model",
        model="served-name",
        max_memory="cpu=2GiB",
        dtype="float32",
        offload_folder=home.parent / "offload-here",
        offload_executor="accelerate",
        offload_dtype="int8",
        lookup="off",
        draft="smollm2",
        openai_api_key="sk-test",
        home=home,
    )
    assert settings.llm_options.models_dir == home / "models"
    assert settings.storage == Storage(
        home=home,
        db_url="postgresql://db.example/deckchat",
        blob_dir=home / "blobs",
        storage_url="s3://decks/prod",
        blob_cache_dir=home / "cache" / "blobs",
        blob_cache_bytes=10 * 1024 * 1024,
        work_dir=home / "work",
        temp_dir=home / "tmp",
    )
    security = settings.security
    assert (security.secret_key, security.key_file, security.cookie_secure) == (
        "shared",
        home / "secret_key",
        True,
    )
    assert security.chat_rate_per_ip == "7/minute" and isinstance(security, Security)
    assert settings.limits == dataclasses.replace(Limits(), max_slides=12)


def test_sqlite_under_home_is_the_default_database(home: Path) -> None:
    assert Settings().storage.db_url == f"sqlite:///{home.resolve() / 'deckchat.db'}"


def test_the_groups_are_frozen(home: Path) -> None:
    settings = Settings()
    for group in (settings.storage, settings.security, settings.llm_options, settings.limits):
        field = dataclasses.fields(group)[0].name
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(group, field, None)


def test_the_openai_key_is_also_set_by_name(home: Path) -> None:
    # The worker rebuilds its settings from the server's JSON, which names fields, not variables.
    settings = Settings(openai_api_key="sk-given")
    assert Settings.model_validate_json(settings.model_dump_json()).llm_options.openai_api_key == "sk-given"
