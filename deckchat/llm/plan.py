"""Plan a model's placement before loading it: from its config alone, with empty weights.

For a budget such as ``gpu=16GiB,cpu=32GiB`` this says where each block would live (accelerate's own
``infer_auto_device_map``, the placement ``device_map="auto"`` will use), the bytes on each tier, the
per-token time floor (bytes each link must move per token over its bandwidth), and what to do.
With an offload dtype (int8, int4), the Linear weights on disk are streamed quantised
(``quantstore.py``), so the disk term of the floor shrinks to the quantised bytes.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from deckchat.core.errors import DeckchatError, InvalidInput
from deckchat.llm import quantize
from deckchat.llm.bandwidth import Bandwidths, parse_bytes
from deckchat.llm.blocks import blocks
from deckchat.llm.resolve import resolve_model

TIERS = ("gpu", "cpu", "disk")
DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}
# Share of free RAM a plan offers the model when no cpu budget is given: the OS and the app need the rest.
_RAM_SHARE = 0.8


@dataclass(frozen=True)
class Option:
    name: str  # "gpu" | "int8" | "int4" | "offload" | "offload+int8" | "offload+int4" | "cpu"
    fits: bool
    floor_seconds_per_token: float
    why: str


@dataclass(frozen=True)
class Plan:
    total_bytes: int
    placement: dict[str, int]
    modules: dict[str, str]
    floor_seconds_per_token: float
    recommendation: str
    options: list[Option]
    budget: dict[str, int]
    bandwidths: dict[str, dict[str, Any]]
    offload_dtype: str = "off"
    streamed_disk_bytes: int = 0  # read from disk per token: placement["disk"], or less quantised

    def as_json(self) -> dict[str, Any]:
        return {
            "total_bytes": self.total_bytes,
            "placement": self.placement,
            "modules": self.modules,
            "floor_seconds_per_token": self.floor_seconds_per_token,
            "recommendation": self.recommendation,
            "options": [vars(o) for o in self.options],
            "budget": self.budget,
            "bandwidths": self.bandwidths,
            "offload_dtype": self.offload_dtype,
            "streamed_disk_bytes": self.streamed_disk_bytes,
        }


def parse_budget(text: str | None, home: Path) -> dict[str, int]:
    """``gpu=16GiB,cpu=32GiB[,disk=200GiB]``; tiers left out get what this machine has free."""
    budget: dict[str, int] = {}
    for item in filter(None, (part.strip() for part in (text or "").split(","))):
        name, _, value = item.partition("=")
        name = {"0": "gpu", "cuda": "gpu"}.get(name.strip().lower(), name.strip().lower())
        if name not in TIERS or not value:
            raise InvalidInput(
                f"--max-memory item {item!r} should look like gpu=16GiB; tiers are gpu, cpu and disk.",
                code="bad_max_memory",
            )
        budget[name] = int(parse_bytes(value))
    if "gpu" not in budget and torch.cuda.is_available():
        budget["gpu"] = torch.cuda.mem_get_info()[0]
    budget.setdefault("cpu", int(_RAM_SHARE * _free_ram()))
    home.mkdir(parents=True, exist_ok=True)
    budget.setdefault("disk", shutil.disk_usage(home).free)
    return budget


def plan_model(
    src: str,
    budget: dict[str, int],
    bandwidths: Bandwidths,
    dtype: str = "float16",
    offload_dtype: str = "off",
) -> Plan:
    model = empty_model(src, DTYPES[dtype])
    from accelerate.utils import compute_module_sizes

    sizes = compute_module_sizes(model, dtype=DTYPES[dtype])
    total = int(sizes[""])
    device_map = _placement(model, budget, DTYPES[dtype])
    modules = {name: _tier_of(name, device_map) for name in blocks(model)}
    placement = {tier: 0 for tier in TIERS}
    for name, tier in modules.items():
        placement[tier] += int(sizes[name])
    rates = bandwidths.rates
    gpu = budget.get("gpu", 0) > 0
    fits = total <= sum(budget.values())
    disk = [name for name, tier in modules.items() if tier == "disk"]
    streamed = {
        scheme: _quantized_bytes(model, disk, placement["disk"], scheme) for scheme in quantize.SCHEMES
    }
    streamed["off"] = placement["disk"]
    offload = floor_seconds({**placement, "disk": streamed[offload_dtype]}, rates, gpu=gpu)
    options = _options(total, budget, rates, floor_seconds(placement, rates, gpu=gpu), fits, placement)
    if placement["disk"]:
        options += [_quantized_option(s, streamed[s], placement, rates, fits, gpu) for s in quantize.SCHEMES]
    chosen = next((o for o in options if o.fits), None)
    recommendation = (
        f"{chosen.name}: {chosen.why}"
        if chosen
        else f"nothing fits: the model needs {_gb(total)} and the budget is {_gb(sum(budget.values()))}; "
        "raise --max-memory or quantize"
    )
    return Plan(
        total_bytes=total,
        placement=placement,
        modules=modules,
        floor_seconds_per_token=offload,
        recommendation=recommendation,
        options=options,
        budget=budget,
        bandwidths={n: {"bytes_per_second": r, "source": bandwidths.sources[n]} for n, r in rates.items()},
        offload_dtype=offload_dtype,
        streamed_disk_bytes=streamed[offload_dtype],
    )


def _quantized_bytes(model: Any, disk_blocks: list[str], disk_bytes: int, scheme: str) -> int:
    """The bytes read from disk per token when the Linear weights there are stored as ``scheme``."""
    saved = 0
    for block in disk_blocks:
        for module in model.get_submodule(block).modules():
            if not isinstance(module, torch.nn.Linear):
                continue
            shape = tuple(module.weight.shape)
            if quantize.quantizable(shape, scheme):
                saved += module.weight.numel() * module.weight.element_size()
                saved -= quantize.stored_bytes(shape, scheme)
    return disk_bytes - saved


def _quantized_option(
    scheme: str, streamed: int, placement: dict[str, int], rates: dict[str, float], fits: bool, gpu: bool
) -> Option:
    return Option(
        f"offload+{scheme}",
        fits,
        floor_seconds({**placement, "disk": streamed}, rates, gpu=gpu),
        f"as offload, with the Linear weights on disk stored as {scheme} (--offload-dtype {scheme}): "
        f"{_gb(streamed)} read from disk per token instead of {_gb(placement['disk'])}, with a small "
        "change in the output (docs/models.md)",
    )


def ensure_fits(src: str, budget: dict[str, int], dtype: torch.dtype) -> int:
    """Fail before loading, not out of memory halfway through, when the model can't fit the budget."""
    from accelerate.utils import compute_module_sizes

    total = int(compute_module_sizes(empty_model(src, dtype), dtype=dtype)[""])
    room = sum(budget.values())
    if total > room:
        tiers = "+".join(t.upper() if t != "disk" else t for t in TIERS if t in budget)
        raise DeckchatError(
            f"{src} needs {_gb(total)}; {tiers} budget is {_gb(room)}: raise --max-memory "
            "(DECKCHAT_LLM_MAX_MEMORY), or use 8-bit.",
            code="model_too_big",
            status=507,
        )
    return total


def floor_seconds(placement: dict[str, int], rates: dict[str, float], *, gpu: bool) -> float:
    """Each weight is read once per token from where it lives; offloaded ones also cross their links."""
    if gpu:
        return (
            placement["gpu"] / rates["gpu"]
            + placement["cpu"] / rates["pcie"]
            + placement["disk"] / rates["disk"]
            + placement["disk"] / rates["pcie"]
        )
    return (placement["gpu"] + placement["cpu"]) / rates["cpu"] + placement["disk"] / rates["disk"]


def _options(
    total: int,
    budget: dict[str, int],
    rates: dict[str, float],
    offload: float,
    fits: bool,
    placement: dict[str, int],
) -> list[Option]:
    """The ways to run it, best first: full precision in fast memory, quantized, then offloaded."""
    gpu = budget.get("gpu", 0)
    if gpu <= 0:
        return [
            Option(
                "cpu",
                total <= budget["cpu"],
                total / rates["cpu"],
                f"the whole model ({_gb(total)}) fits in RAM; every token reads it from RAM",
            ),
            Option(
                "offload",
                fits,
                offload,
                f"{_gb(placement['disk'])} that doesn't fit the RAM budget is read from disk for "
                "every token; with no GPU, bitsandbytes quantization is not available",
            ),
        ]
    return [
        Option(
            "gpu",
            total <= gpu,
            total / rates["gpu"],
            f"the whole model ({_gb(total)}) fits in {gpu / 2**30:.1f} GiB of GPU memory: "
            "fastest, full precision",
        ),
        Option(
            "int8",
            total / 2 <= gpu,
            total / 2 / rates["gpu"],
            f"8-bit weights ({_gb(total / 2)}) fit on the GPU, far faster than streaming the "
            f"rest over PCIe, at a small loss of accuracy (bitsandbytes)",
        ),
        Option(
            "int4",
            total / 4 <= gpu,
            total / 4 / rates["gpu"],
            f"4-bit weights ({_gb(total / 4)}) fit on the GPU; faster still than offload, with a "
            "larger loss of accuracy (bitsandbytes NF4)",
        ),
        Option(
            "offload",
            fits,
            offload,
            f"full precision, with {_gb(placement['cpu'] + placement['disk'])} streamed to the GPU "
            "for every token",
        ),
    ]


def empty_model(src: str, dtype: torch.dtype) -> Any:
    """The model's modules with no weights allocated (meta tensors): sizes without a download."""
    from accelerate import init_empty_weights
    from transformers import AutoConfig, AutoModelForCausalLM

    config = AutoConfig.from_pretrained(resolve_model(src), local_files_only=True)
    with init_empty_weights():
        return AutoModelForCausalLM.from_config(config, dtype=dtype)  # type: ignore[no-untyped-call]


def _tier_of(name: str, device_map: dict[str, str]) -> str:
    """A block's tier: the device-map entry that is it or its closest ancestor."""
    for prefix, tier in sorted(device_map.items(), key=lambda item: -len(item[0])):
        if prefix == "" or name == prefix or name.startswith(f"{prefix}."):
            return tier
    return "cpu"


def _placement(model: Any, budget: dict[str, int], dtype: torch.dtype) -> dict[str, str]:
    from accelerate import infer_auto_device_map

    max_memory: dict[int | str, int] = {"cpu": budget["cpu"], "disk": budget["disk"]}
    if budget.get("gpu", 0) > 0:
        max_memory[0] = budget["gpu"]
    # accelerate complains that GPU 0 is absent when planning for another machine; the plan is about sizes.
    quiet = logging.getLogger("accelerate")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            device_map = infer_auto_device_map(
                model, max_memory=max_memory, no_split_module_classes=model._no_split_modules, dtype=dtype
            )
    finally:
        quiet.setLevel(level)
    return {name: "gpu" if device == 0 else str(device) for name, device in device_map.items()}


def _free_ram() -> int:
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def _gb(n: float) -> str:
    return f"{n / 1e9:.1f} GB"
