from __future__ import annotations

from pathlib import Path

from deckchat.api.media_cache import MediaCache


def blob(tmp_path: Path, name: str, size: int) -> Path:
    path = tmp_path / name
    path.write_bytes(name.encode() * (size // len(name)))
    return path


def test_images_are_kept_until_the_least_recently_used_must_go(tmp_path: Path) -> None:
    cache = MediaCache(max_bytes=8 * 1000)  # an image of up to 1000 bytes may be kept
    for name in ("a", "b", "c", "d", "e", "f", "g", "h"):
        assert cache.read(name, blob(tmp_path, name, 1000)) == name.encode() * 1000
    assert cache.size == 8000
    assert cache.get("a") is not None  # now the most recently used
    cache.read("i", blob(tmp_path, "i", 1000))
    assert cache.get("b") is None and cache.get("a") is not None and cache.get("i") is not None
    assert cache.size == 8000


def test_an_image_too_large_to_keep_is_still_served(tmp_path: Path) -> None:
    cache = MediaCache(max_bytes=8 * 1000)
    assert len(cache.read("big", blob(tmp_path, "big", 3000))) == 3000
    assert cache.get("big") is None and cache.size == 0


def test_a_cache_of_no_size_keeps_nothing(tmp_path: Path) -> None:
    cache = MediaCache(max_bytes=0)
    assert cache.read("a", blob(tmp_path, "a", 10)) == b"a" * 10
    assert cache.get("a") is None
