"""Which languages a text is in, from its function words and its script."""

from __future__ import annotations

from deckchat.index.language import CJK, languages, question_language


def test_prose_is_known_by_its_function_words() -> None:
    assert languages("The cat is on the table and it is not happy") == {"en"}
    assert "de" in languages("Der Hund und die Katze sind in dem Haus")
    assert languages("El perro y el gato están en la casa") == {"es"}


def test_a_few_english_terms_do_not_make_a_chinese_deck_english() -> None:
    chinese = "机器学习系统的性能取决于数据的质量和模型的规模。" * 3 + " GPU with the CUDA"
    assert languages(chinese) == {CJK}
    assert languages("机器学习系统的性能 with the GPU") == {CJK, "en"}  # a short mixed line is both


def test_text_without_function_words_or_cjk_has_no_language() -> None:
    assert languages("") == languages("123 456") == languages("Kubernetes GPU scheduling") == frozenset()


def test_a_question_has_one_language() -> None:
    assert question_language("How is the cluster scheduled?") == "en"
    assert question_language("Wie wird der Cluster geplant und wer macht das?") == "de"
    assert question_language("Pourquoi est-ce plus rapide avec ce modèle?") == "fr"
    assert question_language("集群如何调度 the jobs?") == CJK  # any CJK makes it a CJK question
    assert question_language("GPU scheduling?") is None
