"""Chart values as the chart shows them, from the cached double and the Excel number format."""

from __future__ import annotations

import pytest

from deckchat.ingest.numfmt import shown_number


@pytest.mark.parametrize(
    ("raw", "code", "shown"),
    [
        ("0.60000000000000009", None, "0.6"),  # General: 15 significant digits, no float noise
        ("0.60000000000000009", "General", "0.6"),
        ("29790918", "General", "29790918"),
        ("0.60000000000000009", "0%", "60%"),
        ("0.256", "0.0%", "25.6%"),
        ("1234567.891", "#,##0.00", "1,234,567.89"),
        ("12", "0", "12"),
        ("0.1", '"$"#,##0.00', "$0.10"),
        ("1500", "$#,##0", "$1,500"),
        ("5", '0" kg"', "5 kg"),
        ("-3.5", "[Red]0.0;(0.0)", "-3.5"),  # the first section, its colour ignored
        ("44927", "m/d/yyyy", "44927"),  # a date format is not guessed at: the number, plainly
        ("n/a", "0%", "n/a"),  # text in a value cache stays text
    ],
)
def test_shown_number(raw: str, code: str | None, shown: str) -> None:
    assert shown_number(raw, code) == shown
