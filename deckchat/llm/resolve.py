"""Where a model's files are: a local directory, or a hub id's snapshot already in the local cache.

A leaf module: loading, planning and the CLI all resolve models, and none of them may import another
for it.
"""

from __future__ import annotations

from pathlib import Path

from deckchat.core.errors import DeckchatError


def resolve_model(path_or_id: str | Path) -> Path:
    """A local model directory, or the cached snapshot of a hub id; never downloads."""
    path = Path(path_or_id).expanduser()
    if path.is_dir():
        return path.resolve()
    if isinstance(path_or_id, Path) or _looks_like_path(str(path_or_id)):
        raise _not_found(path_or_id, "no such directory")
    from huggingface_hub import snapshot_download

    try:
        return Path(snapshot_download(str(path_or_id), local_files_only=True))
    except (OSError, ValueError) as exc:  # not cached (FileNotFoundError) or not a valid id
        raise _not_found(path_or_id, "it is not in the local Hugging Face cache") from exc


def _looks_like_path(text: str) -> bool:
    return text.startswith(("/", ".", "~")) or text.count("/") > 1 or "\\" in text


def _not_found(path_or_id: str | Path, why: str) -> DeckchatError:
    return DeckchatError(
        f"Model {path_or_id} was not found: {why}. Give a local model directory, or a model id that "
        "is already downloaded (deckchat never downloads models).",
        code="model_not_found",
        status=404,
    )
