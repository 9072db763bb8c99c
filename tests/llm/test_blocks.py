"""The units placement moves: whole transformer blocks, and the modules outside them that hold weights."""

from __future__ import annotations

from typing import ClassVar

import torch
from torch import nn

from deckchat.llm.blocks import blocks


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.attn = nn.Linear(4, 4)
        self.mlp = nn.Sequential(nn.Linear(4, 8), nn.GELU(), nn.Linear(8, 4))


class Rotary(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.register_buffer("inv_freq", torch.ones(2))  # a buffer alone makes a unit


class Model(nn.Module):
    _no_split_modules: ClassVar[list[str] | None] = ["Block"]

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.layers = nn.ModuleList([Block(), Block()])  # holds nothing itself: not a unit
        self.rotary = Rotary()
        self.act = nn.GELU()  # holds nothing: not a unit
        self.head = nn.Linear(4, 10)


def test_blocks_named_no_split_stay_whole() -> None:
    assert blocks(Model()) == ["embed", "layers.0", "layers.1", "rotary", "head"]


def test_without_no_split_modules_every_module_with_weights_is_a_unit() -> None:
    model = Model()
    model._no_split_modules = None
    assert blocks(model) == [
        "embed",
        "layers.0.attn",
        "layers.0.mlp.0",
        "layers.0.mlp.2",
        "layers.1.attn",
        "layers.1.mlp.0",
        "layers.1.mlp.2",
        "rotary",
        "head",
    ]
