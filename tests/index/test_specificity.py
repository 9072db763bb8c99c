"""Question words weighted by how specific they are in general language."""

from __future__ import annotations

from deckchat.index.specificity import CJK_SPECIFICITY, NUMBER_SPECIFICITY, question_terms, specificity
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


def test_cjk_bigrams_get_a_modest_fixed_weight() -> None:
    terms = dict(question_terms("認定エンジニア"))
    assert terms and set(terms.values()) == {CJK_SPECIFICITY}
