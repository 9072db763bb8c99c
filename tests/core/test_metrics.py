from __future__ import annotations

from deckchat.core.metrics import answer_recall, content_tokens, percentile, recall_at, reciprocal_rank


def test_answer_recall_counts_reference_content_tokens() -> None:
    assert answer_recall("About 80 percent.", "The presenter says about 80 percent [7].") == 1.0
    assert answer_recall("MSE = 9.79; RMSE ≈ 3.13", "The MSE is 9,79.") == 2 / 4
    assert content_tokens("人工智能系统 AI") == ["人", "工", "智", "能", "系", "统", "ai"]


def test_ranking_metrics() -> None:
    assert reciprocal_rank([4, 9, 2], {2}) == 1 / 3
    assert reciprocal_rank([4, 9], {2}) == 0.0
    assert (recall_at([4, 9, 2], {2}, 1), recall_at([4, 9, 2], {2}, 3)) == (0.0, 1.0)
    assert percentile([5, 1, 3, 2, 4], 0.5) == 3 and percentile([5, 1, 3, 2, 4], 0.95) == 5
