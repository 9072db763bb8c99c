from __future__ import annotations

import unicodedata

import pytest

from deckchat.core.text import REPLACEMENT, clean_text, display_name

MATH_A = "\U0001d400"  # MATHEMATICAL BOLD CAPITAL A
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE
ZWJ, ZWNJ = "\u200d", "\u200c"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\ud835\udc00x = b", f"{MATH_A}x = b"),  # a pair of UTF-16 code units, as pdfium gives them
        (f"{MATH_A}x = b", f"{MATH_A}x = b"),  # already one character
        ("a\ud835b", f"a{REPLACEMENT}b"),  # a high surrogate on its own
        ("a\udc00\ud835", f"a{REPLACEMENT}{REPLACEMENT}"),  # a low one first, a high one last
        ("x\ufffey\U0010ffff\ufdd0", f"x{REPLACEMENT}y{REPLACEMENT}{REPLACEMENT}"),  # noncharacters
        ("nul\x00 bell\x07 esc\x1b c1\x9b", "nul bell esc c1"),
        ("tab\tcr lf\r\ncr\rvt\x0bff\x0cnel\x85", "tab\tcr lf\ncr\nvt\nff\nnel\n"),
    ],
)
def test_clean_text_makes_valid_unicode(raw: str, expected: str) -> None:
    cleaned = clean_text(raw)
    assert cleaned == expected
    cleaned.encode("utf-8")  # lone surrogates would raise here, as they do in a tokenizer or database
    assert clean_text(cleaned) == cleaned


@pytest.mark.parametrize(
    "text",
    [
        "plain ASCII, nothing to do",
        "𝑓(𝑥) = 𝑥² + 1 😀",
        "Zoe\u0308 and Pho\u031b\u0309",  # combining marks stay as they are
        f"مرحبا {ZWNJ}می{ZWNJ}خواهم \u200fRTL\u200e",  # Persian ZWNJ and the bidi marks RTL text needs
        f"👩{ZWJ}💻 \u00adsoft hy\u00adphen",
    ],
)
def test_clean_text_keeps_valid_text_and_its_format_characters(text: str) -> None:
    assert clean_text(text) == text


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (f"invoice{RLO}fdp.exe", "invoicefdp.exe"),
        (f"report{RLO}fdp.exe.pdf", "reportfdp.exe.pdf"),
        ("\u2066isolated\u2069 \u200bzero\u2060width\ufeff", "isolated zerowidth"),
        ("soft\u00adhyphen and tag\U000e0041s", "softhyphen and tags"),
        ("  Lecture\n 3:\tvectors  ", "Lecture 3: vectors"),
        ("broken \ud835 math \ud835\udc00", f"broken {REPLACEMENT} math {MATH_A}"),
        (f"a{ZWNJ}b{ZWJ}c", "abc"),  # joiners between Latin letters only hide a difference
    ],
)
def test_display_name_drops_format_characters(raw: str, expected: str) -> None:
    name = display_name(raw)
    assert name == expected
    assert not any(unicodedata.category(c) == "Cf" for c in name)


@pytest.mark.parametrize(
    "name",
    [
        f"Team 👩{ZWJ}💻 notes",  # woman technologist: one emoji, not two
        f"👩🏽{ZWJ}💻 and ❤\ufe0f{ZWJ}🔥",  # a skin tone or presentation selector before the joiner
        f"می{ZWNJ}خواهم.pdf",  # Persian needs ZWNJ to spell the word
        f"क्{ZWNJ}ष",  # Devanagari: ZWNJ after a virama
    ],
)
def test_display_name_keeps_joiners_that_spell_something(name: str) -> None:
    assert display_name(name) == name


def test_display_name_drops_joiners_at_the_edges_and_between_emoji_and_letters() -> None:
    assert display_name(f"{ZWJ}😀{ZWJ}a{ZWJ}😀{ZWJ}") == "😀a😀"


def test_multiline_display_names_keep_their_lines() -> None:
    raw = f"First line {RLO}here  \n\n\tsecond\x00 line \r\nthird  "
    assert display_name(raw, multiline=True) == "First line here\n\nsecond line\nthird"
