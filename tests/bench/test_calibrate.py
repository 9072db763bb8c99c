"""The out-of-fold threshold choice of bench/calibrate.py, on made-up scores."""

from __future__ import annotations

from typing import Any

from bench.calibrate import best_threshold, figures, out_of_fold


def _row(
    deck: str, score: float, *, answerable: bool, hit: bool = True, kind: str = "question"
) -> dict[str, Any]:
    return {"deck": deck, "kind": kind, "slides": [3] if answerable else [], "score": score, "hit": hit}


def _deck(name: str, shift: float = 0.0) -> list[dict[str, Any]]:
    """Answerable questions score high, unanswerable ones low; ``shift`` moves the whole deck."""
    return [
        _row(name, 0.8 + shift, answerable=True),
        _row(name, 0.6 + shift, answerable=True),
        _row(name, 0.3 + shift, answerable=False),
        _row(name, 0.7 + shift, answerable=True, kind="follow-up"),
    ]


def test_figures_count_a_refused_answerable_question_as_a_miss() -> None:
    rows = _deck("a")
    assert figures(rows, {"a": 0.5}) == {
        "cited_slide_hit": 1.0,
        "refusal_recall": 1.0,
        "refusal_precision": 1.0,
        "follow_up_hit": 1.0,
    }
    strict = figures(rows, {"a": 0.65})
    assert strict["cited_slide_hit"] == 0.5 and strict["refusal_precision"] == 0.5


def test_the_threshold_falls_between_the_classes() -> None:
    assert 0.3 < best_threshold(_deck("a") + _deck("b")) <= 0.6


def test_each_deck_gets_the_threshold_the_other_decks_choose() -> None:
    # Deck c scores everything 0.35 lower: a threshold fitted with it in view would bend toward it.
    rows = _deck("a") + _deck("b") + _deck("c", shift=-0.35)
    folds = out_of_fold(rows)
    assert folds["c"] == best_threshold(_deck("a") + _deck("b"))
    assert figures(rows, folds)["cited_slide_hit"] < 1.0  # deck c's answerable questions fall below it
