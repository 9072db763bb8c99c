"""Questions about the deck as a whole, answered from its profile: title slide, outline, conclusion.

"Who gave this talk?", "what is this lecture about?" and "what is the takeaway?" share few words with
the slides that answer them: the title slide names the speaker, the event and the date without saying
"speaker"; an outline slide says "Agenda", not "cover". Search ranks them poorly and refusal turns them
down. Every deck has these slides in the same places, so a question about the deck itself is answered
from them directly: the title slide, the outline for what it covers, the speaker's slide for who, and
the conclusion for what it concludes, each cited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from deckchat.core.chat import Chunk, ChunkKind
from deckchat.index.roles import OUTLINE, SPEAKER, slide_role

ABOUT, AUTHOR, CONCLUSION = "about", "author", "conclusion"

# The deck itself, named: "this talk", "these slides", and their like in the languages we index.
_THE_DECK = re.compile(
    r"\b(this|these|the|your)\s+(talk|lecture|deck|slides?|presentation|session|course|class|webinar|"
    r"workshop|tutorial|keynote|survey|report|seminar)\b"
    r"|\bthe\s+(speaker|presenter|lecturer|author)s?\b"
    r"|\b(esta|essa|este|esse|estes|os|as|a|o|dos|das|do|da|desta|deste|nesta|neste)\s+"
    r"(palestra|aula|apresentação|slides?|curso)\b"
    r"|\b(cette|ce|cet|ces)\s+(présentation|cours|exposé|conférence|diapositives?|slides?)\b"
    r"|\b(dieser|diese|dieses|diesen|diesem|der|die|den|dem|des)\s+(vortrag|vorlesung|folien|präsentation|kurs|talk)\b"
    r"|\b(esta|este|estas|la|el)\s+(charla|presentación|diapositivas|clase|curso)\b"
    r"|(эт[аоиуй]\w*\s+)?(лекци|доклад|презентаци|слайд)\w*"
    r"|(이\s*)?(발표|강의|자료|수업|슬라이드)"
    r"|(這份|这份|這個|这个|本)?(簡報|简报|演講|演讲|講座|讲座|課程|课程|投影片|幻灯片)"
    r"|(この)?(発表|講演|スライド|講義)",
    re.IGNORECASE,
)
# What is asked of it. Narrow on purpose: "what does this talk say about X" and "who does this talk
# say invented X" ask about the content, and search answers those.
_PRESENTS = (
    r"made|gave|gives|presented|presents|is presenting|was presenting|teaches|taught|wrote|created|ran|"
    r"authored|prepared|delivered|is giving|held"
)
_ASKS = {
    AUTHOR: re.compile(
        rf"\bwho\s+({_PRESENTS})\b|\bwho\s+(is|was|are|were)\s+(the\s+)?(speakers?|presenters?|authors?|"
        r"lecturers?|instructors?|teachers?)\b|\b(when|where)\s+(was|is|were|did|does)\s+(this|these|the)\b"
        r"|\b(which|what)\s+(event|conference|meetup|date)\b|\b(background|bio|biography)\b"
        r"|\bquem\b|\bquando\b|\bqui a\b|\bqui est\b|\bquand\b|\bwer\b|\bwann\b|\bquién\b|\bcuándo\b"
        r"|\b(кто|когда)\b|(누가|누구|언제)|(誰|谁|什麼時候|什么时候|何時|いつ)",
        re.IGNORECASE,
    ),
    ABOUT: re.compile(
        r"\babout\s*(\?|$|,|\band\b|overall)|\bcover(s|ed)?\s*(\?|$|,|\band\b|overall)"
        # "summarise the problems of X" asks about content; "a summary of the talk" about the deck.
        r"|\b(overview|rundown|summary|gist|recap)\s+of\s+(this|the|these)\s+(talk|lecture|deck|slides|"
        r"presentation|session|course|class|workshop)\b|\bsummari[sz]e\s+(this|the|these)\s+(talk|lecture|"
        r"deck|slides|presentation|session|course)\s*(\?|$|\.)|\b(agenda|main topics?)\b"
        r"|\bsobre o que\b|\bdo que (trata|fala)\b|\bde quoi\b|\bworum\b|\bde qué\b|\bsobre qué\b"
        r"|о ч[её]м|(무엇에 대한|어떤 내용|무슨 내용)|(關於什麼|关于什么|講什麼|讲什么|什麼內容|什么内容)",
        re.IGNORECASE,
    ),
    CONCLUSION: re.compile(
        r"\b(takeaways?|take away|conclu\w*|headline|bottom line|key (points?|messages?))\b"
        r"|\b(conclus\w*|fazit)\b|(вывод|итог)|(결론)|(結論|结论|總結|总结|まとめ)",
        re.IGNORECASE,
    ),
}
_CONCLUSION_TITLE = re.compile(
    r"^\W*(conclusions?|summary|key takeaways?|takeaways?|wrap[- ]?up|recap|lessons learned|in closing|"
    r"fazit|zusammenfassung|conclusiones|conclusão|conclusões|resumo|résumé|выводы|заключение|итоги|"
    r"결론|요약|结论|總結|总结|結論|まとめ)\W*$",
    re.IGNORECASE,
)
_CLOSING = re.compile(
    r"^\W*(thank you|thanks|questions|q\s*&\s*a|any questions|references|bibliography|contact|resources|"
    r"danke|vielen dank|fragen|merci|gracias|obrigad[oa]|perguntas|спасибо|вопросы|감사합니다|질문|"
    r"谢谢|謝謝|ありがとう)\b",
    re.IGNORECASE,
)


def deck_question(question: str) -> frozenset[str]:
    """What a question asks of the deck as a whole (ABOUT, AUTHOR, CONCLUSION); empty for any other."""
    if not _THE_DECK.search(question):
        return frozenset()
    return frozenset(part for part, pattern in _ASKS.items() if pattern.search(question))


def profile_slides(chunks: Sequence[Chunk], parts: frozenset[str]) -> list[Chunk]:
    """The slide chunks that answer ``parts``, in deck order: the title slide first; none for no parts."""
    if not parts:
        return []
    slides = [c for c in chunks if c.kind is ChunkKind.SLIDE and c.text.strip()]
    if not slides:
        return []
    chosen = [slides[0]]
    roles = {c.id: slide_role(_title(c)) for c in slides}
    if AUTHOR in parts:
        chosen += [c for c in slides if roles[c.id] == SPEAKER][:1]
    if ABOUT in parts:
        chosen += [c for c in slides if roles[c.id] == OUTLINE][:1]
    if CONCLUSION in parts:
        chosen += _conclusion(slides)
    unique = {c.id: c for c in chosen}
    return sorted(unique.values(), key=lambda c: c.slide)


def _conclusion(slides: list[Chunk]) -> list[Chunk]:
    """The slide titled as a conclusion, else the last one that is not a closing courtesy."""
    titled = [c for c in slides if _CONCLUSION_TITLE.match(_title(c))]
    if titled:
        return titled[-1:]
    content = [c for c in slides[1:] if not _CLOSING.match(_title(c))]
    return content[-1:]


def _title(chunk: Chunk) -> str:
    return " ".join(chunk.text.split("\n", 1)[0].split())
