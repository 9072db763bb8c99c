"""Quantising a Linear weight: every weight comes back within half its own scale, the largest of
each row (or group) exactly, in a quarter (int8) or an eighth (int4) of float32's bytes."""

from __future__ import annotations

import pytest
import torch

from deckchat.llm import quantize
from deckchat.llm.tensorfile import nbytes

# Rows of very different magnitudes, a zero row, and an outlier: per-row scales must handle all.
ROWS, COLUMNS = 24, 384


def weight() -> torch.Tensor:
    generator = torch.Generator().manual_seed(3)
    w = torch.randn(ROWS, COLUMNS, generator=generator) * torch.logspace(-3, 1, ROWS).unsqueeze(1)
    w[5] = 0.0
    w[7, 11] = 40.0
    return w


@pytest.mark.parametrize("scheme", quantize.SCHEMES)
def test_round_trip_error_is_within_half_a_scale_per_channel(scheme: str) -> None:
    w = weight()
    q, scale = quantize.quantize(w, scheme)
    assert [(q.dtype, tuple(q.shape)), (scale.dtype, tuple(scale.shape))] == quantize.layout(w.shape, scheme)
    back = quantize.dequantize(q, scale, torch.float32)
    bound = quantize.error_bound(scale, COLUMNS)
    # Half a scale from rounding, plus float32's own rounding of the product.
    slack = torch.finfo(torch.float32).eps * w.abs()
    assert bool(((back - w).abs() <= bound * (1 + 1e-6) + slack).all())
    assert bool((back[5] == 0).all())
    # The bound is the rounding's own, not a loose one: some weight comes close to it.
    assert float(((back - w).abs() / bound.clamp_min(1e-30)).amax()) > 0.9


@pytest.mark.parametrize("scheme", quantize.SCHEMES)
def test_each_row_or_groups_largest_weight_comes_back_exactly(scheme: str) -> None:
    w = weight()
    q, scale = quantize.quantize(w, scheme)
    back = quantize.dequantize(q, scale, torch.float32)
    group = COLUMNS if scheme == "int8" else quantize.int4_group(COLUMNS)
    peaks = w.abs().reshape(ROWS, -1, group).argmax(-1)
    for row in range(ROWS):
        for g, column in enumerate(peaks[row].tolist()):
            at = g * group + column
            torch.testing.assert_close(back[row, at], w[row, at], rtol=1e-6, atol=0.0)


def test_int4_groups_keep_an_outlier_from_coarsening_its_whole_row() -> None:
    w = weight()
    int4 = quantize.quantize(w, "int4")
    group = quantize.int4_group(COLUMNS)
    # Row 7's outlier sits in its first group; the other groups keep their own finer scales.
    assert float(int4[1][7, 1:].amax()) < float(int4[1][7, 0]) / 4
    assert group < COLUMNS


@pytest.mark.parametrize(("scheme", "share"), [("int8", 4), ("int4", 8)])
def test_stored_bytes_are_a_fraction_of_float32s(scheme: str, share: int) -> None:
    shape = (1024, 4096)
    stored = quantize.stored_bytes(shape, scheme)
    weights_alone = nbytes(torch.float32, shape) // share
    scales = stored - weights_alone
    assert 0 < scales < weights_alone / 10


def test_int4_groups_divide_the_row() -> None:
    for columns in (4096, 576, 96, 50):
        group = quantize.int4_group(columns)
        assert columns % group == 0
    assert quantize.int4_group(576) == 64
    assert not quantize.quantizable((4, 5), "int4") and quantize.quantizable((4, 5), "int8")
    assert not quantize.quantizable((8,), "int8")


def test_dequantize_gives_the_compute_dtype() -> None:
    q, scale = quantize.quantize(weight(), "int8")
    assert quantize.dequantize(q, scale, torch.bfloat16).dtype == torch.bfloat16


@pytest.mark.parametrize("scheme", quantize.SCHEMES)
def test_dequantizing_into_a_buffer_a_few_rows_at_a_time_gives_the_same_weights(scheme: str) -> None:
    w = torch.randn(3000, 256, generator=torch.Generator().manual_seed(5))  # several chunks of rows
    q, scale = quantize.quantize(w, scheme)
    out = torch.empty(quantize.dequantized_shape(q), dtype=torch.float32)
    got = quantize.dequantize(q, scale, torch.float32, out=out)
    assert got.data_ptr() == out.data_ptr()
    assert torch.equal(got, quantize.dequantize(q, scale, torch.float32))
