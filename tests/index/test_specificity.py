"""Question words weighted by how specific they are in general language."""

from __future__ import annotations

from deckchat.index.specificity import (
    CJK_SPECIFICITY,
    NUMBER_SPECIFICITY,
    cjk_specificity,
    question_terms,
    specificity,
)
from deckchat.index.tokens import content_tokens


def test_rare_words_outweigh_everyday_words() -> None:
    assert specificity("webauthn") == 1.0 and specificity("workbook") > 0.9
    assert specificity("give") == 0.0 and specificity("three") == 0.0
    assert specificity("give") < specificity("merge") < specificity("webauthn")


def test_every_language_we_tokenise_is_consulted() -> None:
    # An everyday German or Spanish word is not "rare" just because English doesn't use it.
    assert specificity("wiederverwertet") > specificity("werden") == 0.0
    assert specificity("modelo") < 0.3 and specificity("función") < 0.3


def test_frame_words_stopwords_and_stems_follow_the_index() -> None:
    terms = dict(question_terms("What does the speaker say about FIDO2 keys in 2016?"))
    assert set(terms) == {"fido2", "key", "2016"}  # stems as BM25 stores them; no frame words
    assert terms["fido2"] == 1.0 and terms["2016"] == NUMBER_SPECIFICITY
    assert set(terms) <= set(content_tokens("What does the speaker say about FIDO2 keys in 2016?"))


def test_cjk_bigrams_that_are_words_weigh_by_rarity_and_the_rest_get_no_opinion() -> None:
    terms = dict(question_terms("2.0 版是什麼時候發布的？"))
    # "什麼" (what) and "時候" (when) only ask; traditional characters are looked up as simplified.
    assert terms["什麼"] == 0.0 and terms["時候"] == 0.0
    assert terms["是什"] == CJK_SPECIFICITY  # spans two words: a missing one says little
    assert cjk_specificity("무엇") < 0.2 < CJK_SPECIFICITY  # Korean "what"
    assert cjk_specificity("手語") > 0.5  # sign language names a subject


def test_contractions_are_not_rare_words() -> None:
    terms = dict(question_terms("How long does Event Grid keep retrying an event that wasn't delivered?"))
    assert "wasn" not in terms and "retry" in terms
