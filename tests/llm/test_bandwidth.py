"""Link bandwidths: parsed from the command line, given figures first, assumptions where nothing measures."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from deckchat.core.errors import InvalidInput
from deckchat.llm.bandwidth import ASSUMED, LINKS, measure, parse_bytes, parse_rates

GIVEN = {"gpu": 900e9, "pcie": 25e9, "cpu": 25e9, "disk": 2e9}


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("16GiB", 16 * 2**30),
        ("2GB", 2e9),
        ("512", 512),
        ("1.5 MiB", 1.5 * 2**20),
        ("3t", 3e12),
        ("64kb", 64e3),
    ],
)
def test_sizes_parse_in_decimal_and_binary_units(text: str, size: float) -> None:
    assert parse_bytes(text) == size


@pytest.mark.parametrize("text", ["lots", "16XB", "GiB", ""])
def test_a_size_that_is_not_one_says_what_a_size_looks_like(text: str) -> None:
    with pytest.raises(InvalidInput, match="is not a size like 16GiB") as caught:
        parse_bytes(text)
    assert caught.value.code == "bad_size"


def test_rates_parse_per_link() -> None:
    assert parse_rates(" PCIe=25GB/s,, disk=2GB/s ") == {"pcie": 25e9, "disk": 2e9}
    assert parse_rates("") == {}
    for bad in ("nvlink=50GB/s", "pcie", "pcie="):
        with pytest.raises(InvalidInput, match="links are gpu, pcie, cpu, disk") as caught:
            parse_rates(bad)
        assert caught.value.code == "bad_bandwidth"


def test_given_figures_are_used_as_given(tmp_path: Path) -> None:
    result = measure(tmp_path, dict(GIVEN))
    assert result.rates == GIVEN and result.sources == dict.fromkeys(LINKS, "given")


def test_gpu_links_are_measured_on_a_gpu_and_assumed_without_one(tmp_path: Path) -> None:
    result = measure(tmp_path, {"cpu": 25e9, "disk": 2e9})
    expected = "measured" if torch.cuda.is_available() else "assumed"
    assert {link: result.sources[link] for link in ("gpu", "pcie")} == dict.fromkeys(
        ("gpu", "pcie"), expected
    )
    if expected == "assumed":
        assert {link: result.rates[link] for link in ASSUMED} == ASSUMED
    assert all(rate > 0 for rate in result.rates.values())
