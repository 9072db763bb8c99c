"""The WebP pair each slide is served as."""

from __future__ import annotations

import io

from PIL import Image

from deckchat.ingest.images import encode_webp, slide_images


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_full_size_and_a_thumbnail_of_the_given_width_keeping_the_aspect() -> None:
    slide = Image.new("RGB", (1600, 900), "navy")

    images = slide_images(slide, thumb_width=320, quality=80)

    full, thumb = decoded(images.full), decoded(images.thumb)
    assert (full.format, full.size, (images.width, images.height)) == ("WEBP", (1600, 900), (1600, 900))
    assert (thumb.format, thumb.size) == ("WEBP", (320, 180))


def test_a_very_wide_slide_still_gets_a_thumbnail_one_pixel_high() -> None:
    images = slide_images(Image.new("RGB", (4000, 2), "white"), thumb_width=320, quality=80)
    assert decoded(images.thumb).size == (320, 1)


def test_quality_trades_size() -> None:
    noise = Image.effect_noise((400, 300), 64).convert("RGB")
    assert len(encode_webp(noise, 20)) < len(encode_webp(noise, 95))
