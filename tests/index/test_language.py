"""Which languages a text, a question and a deck are in: function words, script, and slide by slide."""

from __future__ import annotations

from deckchat.index.language import CJK, deck_languages, languages, question_language


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


FRENCH = [
    "Qu'est-ce qu'une issue ?\nUne issue sert à signaler un bug ou à proposer une idée pour le projet.",
    "Une bonne issue\nElle dit ce qui se passe, ce qui était attendu et comment le reproduire.",
    "Les pull requests\nOn propose ses changements dans une branche, puis on demande une revue.",
]
# A screenshot of an English web page, read by OCR: many words, in another language.
SCREENSHOT = (
    "Issues Pull requests Actions Projects Wiki Security Insights Settings Filters is:issue is:open "
    "Labels Milestones New issue 59 Open 412 Closed Author Label Projects Milestones Assignee Sort "
    "the frontend of the portal for the archives is not loading the search page when you click on it "
)


def test_a_deck_is_in_the_language_of_its_slides_even_when_screenshots_outweigh_them() -> None:
    texts = FRENCH + [SCREENSHOT * 3] * 2
    assert "fr" not in languages("\n".join(texts))  # pooled, the screenshots' English drowns it
    assert {"fr", "en"} <= deck_languages(texts)


def test_a_language_on_a_single_slide_of_many_is_not_the_decks() -> None:
    english = [f"Slide {n}\nThe results of the survey show that most of the teams use it." for n in range(9)]
    assert deck_languages([*english, FRENCH[0]]) == {"en"}
