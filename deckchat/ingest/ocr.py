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

from deckchat.core.boxes import Box, MeasuredLine, union
from deckchat.cpu import cpu_threads

_lock = threading.Lock()
# Boxes whose vertical centres are this close (in box heights) read as one line.
_SAME_LINE = 0.5
_MIN_HEIGHT = 1 / 2000  # a degenerate box still has a line of its own (one pixel at the render width)


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
    return "\n".join(line.text for line in ocr_lines(image))


def ocr_lines(image: Image.Image) -> list[MeasuredLine]:
    """The lines of text in ``image``, top to bottom, each with its box on the image (in fractions of
    its size); the recogniser gives no box per character, so a line has none."""
    # onnxruntime writes a telemetry id under $XDG_CACHE_HOME (on import and on first run);
    # keep it in our temp dir, inside DECKCHAT_HOME.
    with _lock, _environ(XDG_CACHE_HOME=tempfile.gettempdir()):
        result = _engine()(np.asarray(image.convert("RGB")))
    if result.boxes is None or not result.txts:
        return []
    width, height = image.size
    words = [_word(box, text, width, height) for box, text in zip(result.boxes, result.txts, strict=True)]
    return [line for line in _lines(words) if _meaningful(line.text)]


def _meaningful(line: str) -> bool:
    # On photos the recogniser reports stray single glyphs ("0", "一"); a lone character says nothing.
    return sum(char.isalnum() for char in line) >= 2


def _word(box: Any, text: str, width: int, height: int) -> tuple[Box, str]:
    """A recognised run of text and its four-point box, made an upright box in fractions."""
    xs = [float(point[0]) for point in box]
    ys = [float(point[1]) for point in box]
    left, top = max(min(xs), 0.0), max(min(ys), 0.0)
    right, bottom = min(max(xs), width), min(max(ys), height)
    return Box(left / width, top / height, (right - left) / width, (bottom - top) / height), text


def _lines(words: list[tuple[Box, str]]) -> list[MeasuredLine]:
    words.sort(key=lambda word: _centre(word[0]))
    rows: list[list[tuple[Box, str]]] = []
    for word in words:
        box = word[0]
        if rows and abs(_centre(box) - _centre(rows[-1][0][0])) <= _SAME_LINE * max(box.h, _MIN_HEIGHT):
            rows[-1].append(word)
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda word: word[0].x)
        drawn = union(box for box, _ in row)
        assert drawn is not None  # a row has a word
        lines.append(MeasuredLine(" ".join(text for _, text in row), drawn))
    return lines


def _centre(box: Box) -> float:
    return box.y + box.h / 2
