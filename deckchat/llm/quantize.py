"""Weight-only quantisation of a 2-D Linear weight, for storing offloaded blocks in fewer bytes.

Streaming offloaded weights reads every one of them once per generated token, so the bytes stored
set the floor. Two schemes, both symmetric (no zero point: weights are centred on zero):

- ``int8``: one float32 scale per output channel (row); a weight is ``q * scale`` with q in [-127, 127].
- ``int4``: two weights a byte, one float32 scale per group of ``group`` inputs in a row, q in [-7, 7]
  stored as ``q + 8``; groups keep one outlier from flattening a whole row at 15 levels.

Either way each weight is off by at most half its scale (rounding to the nearest level), which is
the bound the tests check. A stored weight is two tensors, ``(q, scale)``; ``dequantize`` tells the
schemes apart by q's dtype.
"""

from __future__ import annotations

import torch

from deckchat.llm.tensorfile import nbytes

SCHEMES = ("int8", "int4")
_LEVELS = {"int8": 127, "int4": 7}
INT4_GROUP = 128
_CHUNK = 2**18  # stored bytes dequantised at once into a given buffer: 1 MB of float32 temporaries


def int4_group(columns: int) -> int:
    """The group size for a row of ``columns``: 128, or the largest of 64 and 32 that divides it
    (SmolLM2's rows are 576 wide), else the whole row."""
    return next((g for g in (INT4_GROUP, 64, 32) if columns % g == 0), columns)


def quantizable(shape: tuple[int, ...], scheme: str) -> bool:
    """int4 packs two columns a byte, so it needs an even row; both need a matrix."""
    return len(shape) == 2 and (scheme == "int8" or shape[1] % 2 == 0)


def layout(shape: tuple[int, ...], scheme: str) -> list[tuple[torch.dtype, tuple[int, ...]]]:
    """The stored tensors' dtypes and shapes for a weight of ``shape``: ``[q, scale]``."""
    rows, columns = shape
    if scheme == "int8":
        return [(torch.int8, (rows, columns)), (torch.float32, (rows,))]
    return [(torch.uint8, (rows, columns // 2)), (torch.float32, (rows, columns // int4_group(columns)))]


def stored_bytes(shape: tuple[int, ...], scheme: str) -> int:
    return sum(nbytes(dtype, size) for dtype, size in layout(shape, scheme))


def quantize(weight: torch.Tensor, scheme: str) -> tuple[torch.Tensor, torch.Tensor]:
    """``(q, scale)`` for a 2-D weight, computed in float32."""
    w = weight.detach().to(torch.float32)
    rows, columns = w.shape
    group = columns if scheme == "int8" else int4_group(columns)
    grouped = w.reshape(rows, columns // group, group)
    scale = grouped.abs().amax(dim=-1) / _LEVELS[scheme]
    # An all-zero group has scale 0; any divisor gives q = 0 there, and 0 * 0 is the weight again.
    q = torch.round(grouped / torch.where(scale == 0, 1.0, scale).unsqueeze(-1))
    q = q.clamp(-_LEVELS[scheme], _LEVELS[scheme]).reshape(rows, columns)
    if scheme == "int8":
        return q.to(torch.int8), scale.reshape(rows)
    nibbles = (q + 8).to(torch.uint8)
    return nibbles[:, 0::2] | (nibbles[:, 1::2] << 4), scale


def dequantized_shape(q: torch.Tensor) -> tuple[int, int]:
    rows, columns = q.shape
    return (rows, columns) if q.dtype == torch.int8 else (rows, 2 * columns)


def dequantize(
    q: torch.Tensor, scale: torch.Tensor, dtype: torch.dtype, out: torch.Tensor | None = None
) -> torch.Tensor:
    """The weight in ``dtype``, on q's device (where a GPU copy landed, so PCIe moved the small form).

    With ``out`` (a reused buffer), a few rows at a time: a whole weight's float32 temporaries, fresh
    for every block of every token, grew the process by more than the weights streamed (the
    allocator keeps what threads free); rows are independent, so the values are the same."""
    if out is None:
        return _dequantize(q, scale, dtype)
    step = max(1, _CHUNK // q.shape[1])
    for start in range(0, q.shape[0], step):
        out[start : start + step] = _dequantize(q[start : start + step], scale[start : start + step], dtype)
    return out


def _dequantize(q: torch.Tensor, scale: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    if q.dtype == torch.int8:
        return (q.to(torch.float32) * scale.unsqueeze(-1)).to(dtype)
    rows = q.shape[0]
    low = (q & 0x0F).to(torch.int8) - 8
    high = (q >> 4).to(torch.int8) - 8
    values = torch.stack((low, high), dim=-1).reshape(rows, scale.shape[1], -1).to(torch.float32)
    return (values * scale.unsqueeze(-1)).reshape(rows, -1).to(dtype)


def error_bound(scale: torch.Tensor, columns: int) -> torch.Tensor:
    """The largest error rounding allows each weight of a ``(rows, columns)`` matrix: half its scale."""
    per_row = scale.reshape(scale.shape[0], -1)
    return (per_row / 2).repeat_interleave(columns // per_row.shape[1], dim=1)
