"""Which pictures count as slide content: backgrounds and template pictures don't."""

from __future__ import annotations

from deckchat.ingest.pictures import content_shares, picture

W, H = 720.0, 540.0
LOGO = picture("logo", 650, 500, 710, 530, W, H)
SCREENSHOT = picture("shot", 60, 40, 660, 440, W, H)
BACKGROUND = picture("background", 0, 0, W, H, W, H)


def test_a_picture_is_clipped_to_its_page() -> None:
    assert picture("big", -100, -100, W + 100, H + 100, W, H).share == 1.0
    assert picture("half", 0, 0, W / 2, H, W, H).share == 0.5


def test_a_screenshot_counts_and_a_background_does_not() -> None:
    shares = content_shares([[BACKGROUND, SCREENSHOT], [BACKGROUND]])
    assert shares[0] == SCREENSHOT.share
    assert SCREENSHOT.share > 0.6
    assert shares[1] == 0.0


def test_a_picture_repeated_at_one_place_on_many_pages_is_the_template() -> None:
    header = picture("band", 0, 400, W, H, W, H)  # a quarter of the page, on every page
    pages = [[header], [header], [header, SCREENSHOT], [header], [header], [header]]
    shares = content_shares(pages)
    assert shares[2] == SCREENSHOT.share
    assert [s for i, s in enumerate(shares) if i != 2] == [0.0] * 5


def test_different_charts_at_one_place_on_every_slide_are_content() -> None:
    charts = [[picture(f"chart {n}", 60, 40, 660, 440, W, H)] for n in range(8)]
    assert content_shares(charts) == [SCREENSHOT.share] * 8


def test_in_a_short_deck_the_same_picture_on_each_slide_is_content() -> None:
    # Three slides showing the same-size chart frame are a short deck of charts, not a template.
    assert content_shares([[SCREENSHOT]] * 3) == [SCREENSHOT.share] * 3


def test_the_share_never_passes_one() -> None:
    half = picture("most", 0, 0, W * 0.8, H, W, H)
    assert content_shares([[half, half]]) == [1.0]
    assert content_shares([[LOGO]]) == [LOGO.share]
