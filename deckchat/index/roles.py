"""Slide roles that decks share, and the questions that ask for them.

Most decks have an outline slide and a slide about the speaker, and viewers ask for exactly those
("what does lecture 2 cover?", "who is the speaker?") in words the slides don't use: an outline
slide says "Outline", not "cover". A question with such an intent favours the slides with that role.
"""

from __future__ import annotations

import re

OUTLINE, SPEAKER = "outline", "speaker"

_TITLES = {
    OUTLINE: re.compile(
        r"^\W*(?:today'?s\s+)?(agenda|outline|overview|contents|table of contents|topics|roadmap|plan|today|"
        r"inhalt|inhaltsverzeichnis|gliederung|übersicht|índice|contenido|temario|sommaire|plan du cours|"
        r"目次|目录|议程|大纲|アジェンダ|概要)\W*$",
        re.IGNORECASE,
    ),
    SPEAKER: re.compile(
        r"^\W*(about me|who am i|whoami|about the (speaker|author|presenter)|the speaker|speaker|"
        r"bio|biography|über mich|sobre mí|quién soy|à propos de moi|qui suis-je|"
        r"自己紹介|关于我|自我介绍)\W*$",
        re.IGNORECASE,
    ),
}
_PRESENTATION = r"(talk|lecture|deck|presentation|workshop|session|course|class|webinar|tutorial)"
_INTENTS = {
    OUTLINE: re.compile(
        rf"\b(agenda|outline|table of contents|"
        rf"(what|which) topics (does|will|did) (this|the) {_PRESENTATION}|"
        rf"{_PRESENTATION}( \d+)? (cover|covers|include|includes|go over|discuss)|"
        rf"what (is|'s) (this|the) {_PRESENTATION}( \d+)? about|"
        rf"what (does|will|did) (this|the) {_PRESENTATION}( \d+)? (cover|include|go over|discuss))\b",
        re.IGNORECASE,
    ),
    SPEAKER: re.compile(
        r"\b(who (is|was) (the )?(speaker|presenter|author|lecturer)|who (gave|gives|presented|wrote)|"
        r"(speaker|presenter|author|lecturer)('s| s)? (background|bio|roles?|job|company|employer)|"
        r"(himself|herself|themselves))\b",
        re.IGNORECASE,
    ),
}


def slide_role(title: str) -> str | None:
    """The role a slide's title announces, if any."""
    title = " ".join(title.split())
    return next((role for role, pattern in _TITLES.items() if pattern.match(title)), None)


def question_intent(question: str) -> str | None:
    """The slide role a question asks for, if any."""
    return next((role for role, pattern in _INTENTS.items() if pattern.search(question)), None)
