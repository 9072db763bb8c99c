"""Score fusion, duplicate collapse and answerability: pure numpy logic on made-up scores."""

from __future__ import annotations

import numpy as np
import pytest

from deckchat.index import fusion


def arr(*values: float) -> np.ndarray:
    return np.array(values, dtype=np.float32)


ALL = np.ones(4, dtype=np.bool_)


def test_zscores_count_only_the_above_average_side_of_the_visible_chunks() -> None:
    z = fusion.zscores(arr(0, 0, 0, 4), ALL)
    assert z[:3].tolist() == [0, 0, 0] and z[3] == pytest.approx(np.sqrt(3))
    hidden = np.array([True, True, True, False])
    assert fusion.zscores(arr(0, 1, 2, 100), hidden).tolist() == pytest.approx([0, 0, np.sqrt(1.5), 0])


def test_a_flat_retriever_has_no_say() -> None:
    assert not fusion.zscores(arr(0.3, 0.3, 0.3, 0.3), ALL).any()
    assert not fusion.zscores(arr(0, 0, 0, 0), ALL).any()


def test_fusion_follows_scores_not_ranks() -> None:
    # BM25 barely prefers chunk 0; both embedders strongly prefer chunk 1. Rank fusion would tie.
    raw = {"bm25": arr(1.01, 1.0, 0, 0), "minilm": arr(0.30, 0.80, 0.2, 0.2), "use": arr(0.2, 0.6, 0.1, 0.1)}
    fused = fusion.fuse(raw, ALL, lexical_weight=1.0)
    assert int(np.argmax(fused)) == 1


def test_lexical_retrievers_fade_when_the_question_shares_no_words_with_the_deck() -> None:
    raw = {"bm25": arr(0, 0, 0, 3), "minilm": arr(0.1, 0.1, 0.1, 0.9), "use": arr(0.1, 0.1, 0.6, 0.1)}
    assert int(np.argmax(fusion.fuse(raw, ALL, lexical_weight=1.0))) == 3
    assert int(np.argmax(fusion.fuse(raw, ALL, lexical_weight=0.0))) == 2


def test_hidden_chunks_can_not_win() -> None:
    raw = {"bm25": arr(9, 0, 0, 0), "minilm": arr(1, 0, 0, 0), "use": arr(1, 0, 0, 0)}
    fused = fusion.fuse(raw, np.array([False, True, True, True]), 1.0)
    assert fused[0] == -np.inf


def test_near_duplicates_and_collapse_keep_the_best_of_each_group() -> None:
    agenda = frozenset({"agenda", "intro", "plan", "demo", "q", "a"})
    sets = [agenda, frozenset({"pricing", "tiers"}), agenda, agenda | {"recap"}, frozenset()]
    dups = fusion.near_duplicates(sets)
    assert dups[0] == {2, 3} and dups[1] == frozenset() and dups[3] == {0, 2}
    assert fusion.collapse([2, 1, 0, 3, 4], dups) == [(2, 2), (1, 0), (4, 0)]


def test_answerability_trusts_words_when_the_deck_speaks_the_question_s_language() -> None:
    covered = fusion.answerability(lexical=1.0, use=0.25, weight=1.0, missing=0.0)
    uncovered = fusion.answerability(lexical=0.1, use=0.45, weight=1.0, missing=0.0)
    assert covered == pytest.approx(1.0) and uncovered == pytest.approx(0.1)


def test_answerability_falls_back_to_meaning_across_languages() -> None:
    close = fusion.answerability(lexical=0.0, use=0.5, weight=0.0, missing=1.0)
    far = fusion.answerability(lexical=0.0, use=0.2, weight=0.0, missing=1.0)
    assert close == pytest.approx(1.0) and far == pytest.approx(0.0)


def test_a_specific_word_the_deck_never_uses_counts_against_answering() -> None:
    named = fusion.answerability(lexical=0.6, use=0.4, weight=1.0, missing=0.0)
    unnamed = fusion.answerability(lexical=0.6, use=0.4, weight=1.0, missing=1.0)
    assert named == pytest.approx(0.6) and unnamed == pytest.approx(0.6 - fusion.MISSING_PENALTY)
    assert unnamed < fusion.REFUSE_BELOW <= named
