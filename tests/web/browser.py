"""What the browser tests share: the deck they use, how Chromium is started, and waits on the page."""

from __future__ import annotations

from playwright.sync_api import Page, expect

DECK = "ms-python-pandas-series-dataframe.pptx"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IMAGE_LOADED = "img => img.complete && img.naturalWidth > 0"


def expect_image_loaded(page: Page) -> None:
    image = page.locator(".stage img")
    expect(image).to_be_visible()
    page.wait_for_function(IMAGE_LOADED, arg=image.element_handle())
