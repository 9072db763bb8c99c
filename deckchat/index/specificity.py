"""How much a question word tells: rare words in general language name specific things.

A question about something the deck never mentions usually names it ("FIDO2", "GraphQL", "merge"),
while the words a question merely asks with ("give", "differ", "cost") are common everywhere. So a
word's weight in answerability grows with its rarity in general language, from the word-frequency
lists of the ``wordfreq`` package, and the words that only frame a question about a presentation
("what does the speaker say about ...") weigh nothing.
"""

from __future__ import annotations

import gzip
import math
import re
from functools import lru_cache

import msgpack
from wordfreq import get_frequency_dict, zipf_frequency
from wordfreq.util import data_path

from deckchat.index.tokens import STOPWORDS, cjk_bigrams, stem, token_matches

# Words about the talk itself, not its subject, in the deck languages we tokenise.
FRAME_WORDS = frozenset(
    """
    speaker speakers presenter presenters lecturer author authors talk talks lecture lectures deck
    decks presentation presentations slide slides say says said saying mention mentions mentioned
    describe describes described explain explains explained discuss discusses discussed present
    presents presented cover covers covered according tell tells told
    vortrag vortrags folie folien redner rednerin sprecher präsentation sagt erwähnt beschreibt
    charla ponente presentación diapositiva diapositivas dice menciona describe explica
    exposé diapositive orateur présentation dit mentionne explique
    """.split()  # noqa: SIM905
)
_LANGUAGES = ("en", "de", "es", "fr")
# Zipf frequency (log10 per billion words): 5.5 and up is everyday ("give", "three"); 3 and below
# is rare or technical ("workbook", "webauthn"). Specificity runs linearly from 0 to 1 between.
_COMMON, _RARE = 5.5, 3.0
NUMBER_SPECIFICITY = 0.5  # a number names something exact, but "two" columns are not a topic
CJK_SPECIFICITY = 0.3  # a bigram that is no word may span a word boundary: a missing one says less
_CJK_LANGUAGES = ("zh", "ja", "ko")
_LATIN = re.compile(r"[a-z0-9\u00c0-\u024f]+")


def question_terms(text: str) -> list[tuple[str, float]]:
    """The question's index terms (as BM25 stores them) with their specificity, frame words left out."""
    terms: dict[str, float] = {}
    for kind, token in token_matches(text):
        if kind == "cjk":
            for bigram in cjk_bigrams(token):
                terms.setdefault(bigram, cjk_specificity(bigram))
        elif kind == "num":
            terms.setdefault(token.replace(",", "."), NUMBER_SPECIFICITY)
        elif token not in STOPWORDS and token not in FRAME_WORDS:
            terms.setdefault(stem(token), specificity(token))
    return list(terms.items())


@lru_cache(maxsize=1)
def load_frequencies() -> None:
    """Read the frequency lists now (about half a second) rather than during the first question."""
    for language in _LANGUAGES:
        zipf_frequency("the", language)
    _cjk_words()


@lru_cache(maxsize=65536)
def specificity(word: str) -> float:
    """0 for everyday words, 1 for words rare in all of the languages we know."""
    if word.isdigit():
        return NUMBER_SPECIFICITY
    if not _LATIN.fullmatch(word):
        return 0.5  # scripts the frequency lists don't cover here (Cyrillic, Greek): no opinion
    return _rarity(max(zipf_frequency(word, language) for language in _LANGUAGES))


def cjk_specificity(bigram: str) -> float:
    """A CJK bigram that is a word weighs by its rarity like any word ("什麼", "무엇", "時候" ask; "手語"
    names); one that is no word (it spans two, or a Korean particle is attached) gets no opinion."""
    zipf = _cjk_words().get(_simplified(bigram), 0.0)
    if not zipf:
        return CJK_SPECIFICITY
    return _rarity(zipf)


def _rarity(zipf: float) -> float:
    return min(max((_COMMON - zipf) / (_COMMON - _RARE), 0.0), 1.0)


@lru_cache(maxsize=1)
def _cjk_words() -> dict[str, float]:
    """Zipf frequency of the two-character words of Chinese, Japanese and Korean, read straight from
    wordfreq's lists: its own lookup would segment the text first, which needs jieba and MeCab."""
    words: dict[str, float] = {}
    for language in _CJK_LANGUAGES:
        # The small lists stop at Zipf 3, where specificity would reach 1: a rarer bigram gets no opinion.
        for word, frequency in get_frequency_dict(language, wordlist="small").items():
            if len(word) == 2 and frequency > 0:
                zipf = math.log10(frequency) + 9.0
                words[word] = max(words.get(word, 0.0), zipf)
    return words


@lru_cache(maxsize=1)
def _simplifying_table() -> dict[int, str]:
    """wordfreq's traditional-to-simplified table: its Chinese list is keyed by simplified forms.
    (The module that exposes it imports jieba, so the file is read here.)"""
    with gzip.open(data_path("_chinese_mapping.msgpack.gz")) as packed:
        table: dict[int, str] = msgpack.load(packed, raw=False, strict_map_key=False)
    return table


def _simplified(text: str) -> str:
    return text.translate(_simplifying_table()).casefold()
