"""Dynamic int8 linear layers for a model that runs on the CPU."""

from __future__ import annotations

import torch
from torch import nn

from deckchat.llm.cpu_int8 import quantize_linear_int8


def test_linear_layers_become_int8_and_the_output_stays_close() -> None:
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(64, 128), nn.GELU(), nn.LayerNorm(128), nn.Linear(128, 32)).eval()
    x = torch.randn(3, 64)
    with torch.inference_mode():
        expected = model(x)
    quantized = quantize_linear_int8(model)
    with torch.inference_mode():
        got = quantized(x)
    if "fbgemm" not in torch.backends.quantized.supported_engines:  # no int8 kernels: left as it was
        assert quantized is model and torch.equal(got, expected)
        return
    linear, gelu, norm, last = (type(m) for m in quantized)
    assert linear is last is torch.ao.nn.quantized.dynamic.Linear and (gelu, norm) == (nn.GELU, nn.LayerNorm)
    assert got.shape == expected.shape
    assert torch.nn.functional.cosine_similarity(got, expected, dim=1).min() > 0.99
