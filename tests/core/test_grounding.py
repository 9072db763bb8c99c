from __future__ import annotations

import pytest

from deckchat.core.grounding import Unsupported, check, names, numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MSE = 9.79; RMSE ≈ 3.13", {"9.79", "3.13"}),
        ("12,000 users and 12 000 more, 29 MILLION downloads", {"12000", "29"}),
        ("In 2013, 26% were vulnerable", {"2013", "26"}),
        ("RMSE = √9,79 ≈ 3,13", {"9.79", "3.13"}),
        ("Version v2 and A10", set()),
    ],
)
def test_numbers_are_normalised(text: str, expected: set[str]) -> None:
    assert numbers(text) == expected


def test_names_skip_sentence_starts_and_common_words() -> None:
    found = names("The report by John Smith. According to OWASP, injection leads. Slides show Kubernetes.")
    assert found == {"John", "Smith", "OWASP", "Kubernetes"}


def test_invented_numbers_names_and_quotes_are_caught() -> None:
    evidence = "Revenue reached 12 000 euros in 2013. OWASP publishes the Top 10."
    assert check("Revenue reached 12,000 euros in 2013 [1].", evidence) == []
    assert check("OWASP publishes a list.", evidence) == []
    assert check("Revenue reached 15,000 euros, said CEO Jane Doe.", evidence) == [
        Unsupported("number", "15000"),
        Unsupported("name", "CEO"),
        Unsupported("name", "Doe"),
        Unsupported("name", "Jane"),
    ]
    assert check('It is called "the big picture".', evidence) == [Unsupported("quote", "the big picture")]
