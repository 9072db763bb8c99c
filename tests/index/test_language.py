"""Which languages a deck is written in, when screenshots bring another language's words."""

from __future__ import annotations

from deckchat.index.language import deck_languages, languages

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
