"""Read text from slide images that have (almost) no text layer, with rapidocr's bundled models."""

from __future__ import annotations

import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

import numpy as np
from PIL import Image

from deckchat.cpu import cpu_threads

_lock = threading.Lock()
# Boxes whose vertical centres are this close (in box heights) read as one line.
_SAME_LINE = 0.5


@cache
def _engine() -> Any:
    # Imported late: loading the models costs ~0.6 s, and most decks never need OCR.
    from rapidocr import RapidOCR

    params = {"Global.log_level": "error", "EngineConfig.onnxruntime.intra_op_num_threads": cpu_threads()}
    engine = RapidOCR(params=params)
    logging.getLogger("RapidOCR").setLevel(logging.ERROR)
    return engine


@contextmanager
def _environ(**values: str) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def ocr_image(image: Image.Image) -> str:
    """The text in ``image``, one visual line per line, top to bottom and left to right."""
    # onnxruntime writes a telemetry id under $XDG_CACHE_HOME (on import and on first run);
    # keep it in our temp dir, inside DECKCHAT_HOME.
    with _lock, _environ(XDG_CACHE_HOME=tempfile.gettempdir()):
        result = _engine()(np.asarray(image.convert("RGB")))
    if result.boxes is None or not result.txts:
        return ""
    words = [(_box_geometry(box), text) for box, text in zip(result.boxes, result.txts, strict=True)]
    return "\n".join(line for line in _lines(words) if _meaningful(line))


def _meaningful(line: str) -> bool:
    # On photos the recogniser reports stray single glyphs ("0", "一"); a lone character says nothing.
    return sum(char.isalnum() for char in line) >= 2


def _box_geometry(box: Any) -> tuple[float, float, float]:
    """(vertical centre, height, left) of a four-point box."""
    ys = [float(point[1]) for point in box]
    xs = [float(point[0]) for point in box]
    return (min(ys) + max(ys)) / 2, max(ys) - min(ys), min(xs)


def _lines(words: list[tuple[tuple[float, float, float], str]]) -> list[str]:
    words.sort(key=lambda word: word[0][0])
    lines: list[list[tuple[tuple[float, float, float], str]]] = []
    for word in words:
        centre, height, _ = word[0]
        if lines and abs(centre - lines[-1][0][0][0]) <= _SAME_LINE * max(height, 1.0):
            lines[-1].append(word)
        else:
            lines.append([word])
    return [" ".join(text for _, text in sorted(line, key=lambda w: w[0][2])) for line in lines]
