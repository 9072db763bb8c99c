"""Text as deckchat keeps it: valid Unicode for content, and display names free of format characters.

Two rules for two kinds of text:

- ``clean_text`` is about validity, for everything a deck says (slide titles and text, speaker notes,
  notes documents, OCR). UTF-16 surrogate pairs, as pdfium hands them over, become the character they
  encode; lone surrogates and noncharacters become U+FFFD, marking a character that could not be read;
  line breaks of every spelling (CR LF, CR, VT, FF, NEL) become ``\\n``; other control characters but
  tab go (NUL, escapes: debris, not text). Format characters (Cf) stay: ZWNJ and ZWJ spell Persian and
  Indic words and join emoji, LRM and RLM order mixed right-to-left text, and slide text is shown as
  text, in its own elements, not as a name beside others.
- ``display_name`` is for the labels a deck is known by (file names, titles, descriptions, download
  names). These sit next to other text in lists, headers and file dialogs, where a bidi override
  makes ``invoice<U+202E>fdp.exe`` read as ``invoiceexe.pdf`` and an invisible character makes two
  names look the same. So it also removes every format character, with two exceptions that cannot
  reorder anything: ZWJ inside an emoji sequence, and ZWNJ or ZWJ between two letters of a script that
  writes with them (Arabic, Indic and others from U+0600 on).
"""

from __future__ import annotations

import re
import unicodedata

REPLACEMENT = "\ufffd"
_ZWNJ, _ZWJ = "\u200c", "\u200d"

_SURROGATE = re.compile("[\ud800-\udfff]")
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(17)
)
_NONCHARACTER = re.compile(f"[{_NONCHARACTERS}]")
# Line breaks in every spelling str.splitlines knows that is a control character, and CR LF as one.
_LINE_BREAK = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85]")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_NEEDS_WORK = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARACTERS}]")
_SPACES = re.compile(r"\s+")
# Emoji modifiers (skin tones) and variation selector 16 sit between an emoji and a ZWJ.
_EMOJI_TRAILERS = frozenset(chr(c) for c in range(0x1F3FB, 0x1F400)) | {"\ufe0f"}


def clean_text(text: str) -> str:
    """Valid Unicode with plain line breaks: what every piece of deck text is made into."""
    if not _NEEDS_WORK.search(text):
        return text
    if _SURROGATE.search(text):
        # Python's UTF-16 codec is the one definition of how code units pair up.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    text = _NONCHARACTER.sub(REPLACEMENT, text)
    text = _LINE_BREAK.sub("\n", text)
    return _CONTROL.sub("", text)


def display_name(text: str, *, multiline: bool = False) -> str:
    """``text`` as a label: valid, without format characters, whitespace runs made one space (or, with
    ``multiline``, lines kept and trailing spaces dropped), stripped."""
    text = clean_text(text)
    if any(unicodedata.category(char) == "Cf" for char in text):
        text = "".join(char for i, char in enumerate(text) if _keeps(text, i))
    if multiline:
        return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n")).strip()
    return _SPACES.sub(" ", text).strip()


def _keeps(text: str, index: int) -> bool:
    char = text[index]
    if unicodedata.category(char) != "Cf":
        return True
    if char not in (_ZWNJ, _ZWJ) or index == 0 or index == len(text) - 1:
        return False
    before, after = text[index - 1], text[index + 1]
    if char == _ZWJ and _is_emoji(_emoji_base(text, index)) and _is_emoji(after):
        return True
    return _joins_letters(before) and _joins_letters(after)


def _emoji_base(text: str, index: int) -> str:
    """The character a ZWJ at ``index`` follows, looking past skin tones and emoji presentation."""
    index -= 1
    while index > 0 and text[index] in _EMOJI_TRAILERS:
        index -= 1
    return text[index]


def _is_emoji(char: str) -> bool:
    # Pictographs are "Symbol, other"; that covers every emoji a ZWJ sequence is made of.
    return unicodedata.category(char) == "So"


def _joins_letters(char: str) -> bool:
    # Letters and marks (a virama before ZWNJ) of the scripts that use joiners all lie past U+0600.
    return char >= "\u0600" and unicodedata.category(char)[0] in "LM"
