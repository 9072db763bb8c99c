"""Where a model's files are: a local folder, or a hub id already in the local cache; never a download."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckchat.core.errors import DeckchatError
from deckchat.llm.resolve import resolve_model


@pytest.fixture
def hub_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from huggingface_hub import constants

    cache = tmp_path / "hf-cache"
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache))
    return cache


def test_a_local_folder_is_itself(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "model").mkdir()
    monkeypatch.chdir(tmp_path)
    assert resolve_model("./model") == resolve_model(tmp_path / "model") == tmp_path / "model"


def test_a_cached_hub_id_is_its_snapshot(hub_cache: Path) -> None:
    revision = "0123456789abcdef0123456789abcdef01234567"
    repo = hub_cache / "models--deckchat-tests--tiny"
    (repo / "snapshots" / revision).mkdir(parents=True)
    (repo / "snapshots" / revision / "config.json").write_text("{}")
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(revision)
    assert resolve_model("deckchat-tests/tiny") == repo / "snapshots" / revision


@pytest.mark.parametrize(
    ("target", "why"),
    [
        ("/no/such/model", "no such directory"),
        ("./missing-model", "no such directory"),
        ("a/b/c", "no such directory"),  # two slashes: a path, not an id
        ("nobody/not-cached-anywhere", "not in the local Hugging Face cache"),
        ("not a valid id!", "not in the local Hugging Face cache"),
    ],
)
def test_a_model_that_is_not_here_says_why(target: str, why: str, hub_cache: Path) -> None:
    with pytest.raises(DeckchatError, match=why) as caught:
        resolve_model(target)
    assert caught.value.code == "model_not_found" and caught.value.status == 404
    assert not hub_cache.exists() or not any(hub_cache.rglob("*.safetensors"))  # nothing downloaded
