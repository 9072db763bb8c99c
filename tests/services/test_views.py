"""A slide's view is core's slide with image URLs in place of blob hashes, and nothing else changed."""

from __future__ import annotations

from dataclasses import asdict, fields

from deckchat.core.deck import Slide, SlideContent
from deckchat.services.views import media_url, slide_view


def test_a_slide_view_keeps_every_core_field_and_serves_its_images() -> None:
    slide = Slide(
        3, "Results", "Up 4%", "Say why.", False, 1280, 720, image_hash="c" * 64, thumb_hash="d" * 64
    )
    view = asdict(slide_view(slide))
    shared = {f.name for f in fields(SlideContent)}
    assert {name: view[name] for name in shared} == {name: getattr(slide, name) for name in shared}
    assert set(view) - shared == {"image", "thumbnail"}
    assert (view["image"], view["thumbnail"]) == (media_url("c" * 64), media_url("d" * 64))
