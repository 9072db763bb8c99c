"""Tokens for BM25 and coverage: alphabetic words, whole numbers, and CJK character bigrams."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CJK = "\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u1100-\u11ff"
# One alternation, tried left to right at each position: CJK runs first (\w would swallow them),
# then numbers with their inner separators (3.13, 29,790,918), then runs of letters and digits.
_TOKEN = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<num>\d+(?:[.,]\d+)+)|(?P<word>(?:(?![{_CJK}])[^\W_])+)")

_HIRAGANA = re.compile("[\u3040-\u309f]+")
_VOWEL = re.compile("[aeiouy]")

# Function words of the deck languages we see most; content words are left to BM25's IDF.
_EN = """
a about above according after again all also am an and any are as at be because been before being below
between both but by can could did do does doing done down during each either else ever few for from further
had has have having he her here hers him his how however i if in into is it its itself just may me might
many more most much must my no nor not now of off on once only or other our ours out over own per same she
should so some such than that the their theirs them then there these they this those through to too
under until up upon us very via was we were what when where whether which while who whom whose why will
with within without would yet you your yours s t d ll m re ve
aren couldn didn doesn don hadn hasn haven isn mightn mustn needn shan shouldn wasn weren won wouldn
"""
_DE = """
aber alle allem allen aller alles als also am an auch auf aus bei beim bin bis bist da damit dann das
dass dem den denn der des die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem
einen einer eines er es etwa euch für hat hatte hier ich ihm ihn ihr ihre im in ins ist ja jede jedem
jeden jeder jedes kann kein keine man mit muss nach nicht noch nur ob oder ohne sein seine sich sie sind
so soll über um und uns unter vom von vor war waren was welche welcher welches wenn werden wie wir wird
wo zu zum zur wann warum wieso welchem welchen wer wem wen wieviel wieviele
"""
_ES = """
al algo como con cual cuales cuando de del donde el ella ellas ellos en entre era es esa ese eso esta
este esto estos fue ha han hay la las le les lo los más mas me mi muy ni no nos o para pero por porque
que qué se ser si sin sobre son su sus también te tiene todo tu un una uno unos y ya cómo cuál cuáles
cuándo cuánto cuánta cuántos cuántas dónde quién quiénes
"""
_FR = """
au aux avec ce ces cet cette dans des du elle est et il ils je leur leurs mais même ne nous ou par pas
plus pour qu qui sa se ses son sont sur ta tes ton très une vous quel quelle quels quelles comment
pourquoi quand où combien
"""
STOPWORDS_BY_LANGUAGE = {
    name: frozenset(words.split()) for name, words in (("en", _EN), ("de", _DE), ("es", _ES), ("fr", _FR))
}
STOPWORDS = frozenset().union(*STOPWORDS_BY_LANGUAGE.values())


def tokenize(text: str) -> list[str]:
    """NFKC-normalised, case-folded tokens, stopwords removed, English plurals folded."""
    return _tokens(text)


def content_tokens(text: str) -> list[str]:
    """Distinct tokens of a question, in order: what a chunk has to contain to cover it."""
    return list(dict.fromkeys(_tokens(text)))


@lru_cache(maxsize=4096)
def _tokens_cached(text: str) -> tuple[str, ...]:
    return tuple(_scan(_normalise(text)))


def _tokens(text: str) -> list[str]:
    # Queries repeat (history, eval, refusal checks); long chunk texts are tokenized once per build.
    return list(_tokens_cached(text)) if len(text) < 512 else _scan(_normalise(text))


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def token_matches(text: str) -> list[tuple[str, str]]:
    """Normalised raw tokens with their kind ("cjk", "num" or "word"), before stopwords and stemming."""
    return [(str(m.lastgroup), m.group()) for m in _TOKEN.finditer(_normalise(text))]


def _scan(text: str) -> list[str]:
    out: list[str] = []
    for match in _TOKEN.finditer(text):
        kind, token = match.lastgroup, match.group()
        if kind == "cjk":
            out.extend(cjk_bigrams(token))
        elif kind == "num":
            out.append(token.replace(",", "."))  # 1,7 and 1.7; 29,790,918 and 29.790.918
        elif token not in STOPWORDS:
            out.append(stem(token))
    return out


def cjk_bigrams(run: str) -> list[str]:
    """Overlapping character pairs of a CJK run; a lone character stands for itself.

    Pairs of two hiragana are dropped: in Japanese they are mostly particles and endings (には, です),
    the stopwords of that script; content words are written in kanji or katakana.
    """
    if len(run) == 1:
        return [run]
    pairs = (run[i : i + 2] for i in range(len(run) - 1))
    return [p for p in pairs if not _HIRAGANA.fullmatch(p)]


def stem(word: str) -> str:
    """A light English suffix folder: plurals (Harman's S-stemmer), then -ed and -ing, then a final e.

    Both sides of a match go through it, so it only has to be consistent, not linguistic: "elects",
    "elected" and "electing" meet at "elect"; "base", "based" and "basing" at "bas". Names, numbers
    and non-ASCII words are left alone.
    """
    if len(word) <= 3 or not word.isalpha() or not word.isascii():
        return word
    word = _plural(word)
    for suffix in ("ing", "ed"):
        root = word.removesuffix(suffix)
        # The root must stay a word: "string", "red" and "need" keep their endings.
        if root != word and len(root) >= 3 and _VOWEL.search(root):
            word = root[:-1] if root[-1] == root[-2] and root[-1] not in "lsz" else root  # stopp -> stop
            break
    return word[:-1] if len(word) > 3 and word.endswith("e") else word


def _plural(word: str) -> str:
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word
