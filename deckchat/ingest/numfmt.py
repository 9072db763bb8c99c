"""Numbers as a deck shows them: a chart's cached value formatted by its Excel number format.

A chart caches raw doubles ("0.60000000000000009"); the slide shows "60%" or "0.6". Only the common
shapes of format are read (General, fixed decimals, thousands separators, percentages); anything else
(dates, currencies, conditions) falls back to the shortest form of the number, never to the raw double.
"""

from __future__ import annotations

import math
import re

# Quoted text, an escaped character, a currency sign: shown as written. [Colour] and padding (_x, *x)
# change only the look.
_LITERAL = re.compile(r'"([^"]*)"|\\(.)|([$€£¥])')
_LAYOUT = re.compile(r"\[[^\]]*\]|[_*].")


def shown_number(raw: str, format_code: str | None = None) -> str:
    """``raw`` as the format shows it; text that is not a number is returned as it is."""
    try:
        value = float(raw)
    except ValueError:
        return raw
    if not math.isfinite(value):
        return raw
    section = _LAYOUT.sub("", (format_code or "General").split(";")[0])
    digits = [m.start() for m in re.finditer(r"[#0]", section)]
    if not digits:
        return _general(value)
    prefix = _literal_text(section[: digits[0]])
    suffix = _literal_text(section[digits[-1] + 1 :].replace("%", ""))
    code = _LITERAL.sub("", section).strip()
    if not re.fullmatch(r"[#0,.%\s]+", code):
        return _general(value)
    percent = code.count("%")
    value *= 100**percent
    decimals = len(code.split(".", 1)[1].replace("%", "").strip()) if "." in code else 0
    grouped = "," in code.split(".", 1)[0]
    number = f"{value:{',' if grouped else ''}.{decimals}f}" + "%" * percent
    return f"{prefix}{number}{suffix}"


def _literal_text(part: str) -> str:
    return "".join("".join(groups) for groups in _LITERAL.findall(part))


def _general(value: float) -> str:
    """What Excel's General format shows: up to 15 significant digits, no trailing zeros."""
    return f"{value:.15g}"
