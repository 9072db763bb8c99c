"""A lean BERT encoder forward pass (torch functional ops over the safetensors weights).

Why not ``transformers.AutoModel``: a one-line question is dominated by streaming the weights
(~40 MB of float32 for MiniLM) from memory, not by arithmetic. Single sequences therefore run on a
bfloat16 copy of the weights (half the bytes; embeddings agree with float32 to a cosine of 0.9999)
when a check at load shows this CPU runs it faster. Batches, which are compute-bound, stay float32.
A test checks the output against AutoModel.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file


@dataclass(frozen=True)
class _Layer:
    qkv_w: torch.Tensor  # query, key and value projections stacked: one matmul instead of three
    qkv_b: torch.Tensor
    out_w: torch.Tensor
    out_b: torch.Tensor
    ln1: tuple[torch.Tensor, torch.Tensor]
    up_w: torch.Tensor
    up_b: torch.Tensor
    down_w: torch.Tensor
    down_b: torch.Tensor
    ln2: tuple[torch.Tensor, torch.Tensor]


class BertEncoder:
    """Token ids and attention mask in, last hidden states out; inference only, float32."""

    def __init__(self, model_dir: Path) -> None:
        config = json.loads((model_dir / "config.json").read_text())
        assert config["hidden_act"] == "gelu" and config["position_embedding_type"] == "absolute"
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config["layer_norm_eps"])
        w = load_file(str(model_dir / "model.safetensors"))
        w = {k.removeprefix("bert."): v.float() for k, v in w.items()}
        self.words = w["embeddings.word_embeddings.weight"]
        self.positions = w["embeddings.position_embeddings.weight"]
        self.token_type = w["embeddings.token_type_embeddings.weight"][0]
        self.ln0 = (w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        self.layers = [_layer(w, f"encoder.layer.{i}.") for i in range(int(config["num_hidden_layers"]))]
        self.single_layers = self.layers
        half = [_to(layer, torch.bfloat16) for layer in self.layers]
        if _faster(lambda: self._run(torch.ones(1, 24, dtype=torch.long), half), self._probe):
            self.single_layers = half

    def __call__(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        with torch.inference_mode():
            if ids.shape[0] == 1 and bool(mask.all()):
                # A single unpadded sequence needs no mask, and SDPA takes a faster path without one.
                return self._run(ids, self.single_layers)
            return self._run(ids, self.layers, mask[:, None, None, :].bool())

    def _probe(self) -> torch.Tensor:
        return self._run(torch.ones(1, 24, dtype=torch.long), self.layers)

    def _run(self, ids: torch.Tensor, layers: list[_Layer], keep: torch.Tensor | None = None) -> torch.Tensor:
        batch, length = ids.shape
        x = self.words[ids] + self.positions[:length] + self.token_type
        x = self._norm(x, self.ln0)
        for layer in layers:
            x = self._block(x, layer, keep, batch, length)
        return x

    def _block(
        self, x: torch.Tensor, layer: _Layer, keep: torch.Tensor | None, batch: int, length: int
    ) -> torch.Tensor:
        head_dim = self.hidden // self.heads
        qkv = _linear(x, layer.qkv_w, layer.qkv_b).view(batch, length, 3, self.heads, head_dim)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)
        attended = F.scaled_dot_product_attention(q, k, v, attn_mask=keep)
        attended = attended.transpose(1, 2).reshape(batch, length, self.hidden)
        x = self._norm(x + _linear(attended, layer.out_w, layer.out_b), layer.ln1)
        up = F.gelu(_linear(x, layer.up_w, layer.up_b))
        return self._norm(x + _linear(up, layer.down_w, layer.down_b), layer.ln2)

    def _norm(self, x: torch.Tensor, weights: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
        return F.layer_norm(x, (self.hidden,), *weights, eps=self.eps)


def _linear(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """A projection in the weight's precision; activations and results stay float32 in between."""
    if weight.dtype == x.dtype:
        return F.linear(x, weight, bias)
    return F.linear(x.to(weight.dtype), weight, bias).float()


def _to(layer: _Layer, dtype: torch.dtype) -> _Layer:
    """The projection weights in ``dtype``; layer norms stay float32 (they are tiny)."""
    matrices = {f.name: getattr(layer, f.name) for f in fields(layer) if not f.name.startswith("ln")}
    return replace(layer, **{name: t.to(dtype) for name, t in matrices.items()})


def _faster(candidate: Callable[[], object], baseline: Callable[[], object], rounds: int = 3) -> bool:
    """Whether ``candidate`` beats ``baseline`` (best of a few runs each, after a warm-up)."""

    def best(fn: Callable[[], object]) -> float:
        fn()
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    with torch.inference_mode():
        return best(candidate) < 0.9 * best(baseline)


def _layer(w: dict[str, torch.Tensor], p: str) -> _Layer:
    att = p + "attention."
    return _Layer(
        qkv_w=torch.cat([w[f"{att}self.{n}.weight"] for n in ("query", "key", "value")]),
        qkv_b=torch.cat([w[f"{att}self.{n}.bias"] for n in ("query", "key", "value")]),
        out_w=w[f"{att}output.dense.weight"],
        out_b=w[f"{att}output.dense.bias"],
        ln1=(w[f"{att}output.LayerNorm.weight"], w[f"{att}output.LayerNorm.bias"]),
        up_w=w[f"{p}intermediate.dense.weight"],
        up_b=w[f"{p}intermediate.dense.bias"],
        down_w=w[f"{p}output.dense.weight"],
        down_b=w[f"{p}output.dense.bias"],
        ln2=(w[f"{p}output.LayerNorm.weight"], w[f"{p}output.LayerNorm.bias"]),
    )
