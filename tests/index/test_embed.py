"""The embedders with their real weights: shapes, languages, concurrent calls, the query cache (the
encoder under MiniLM is checked against its reference in test_bert.py)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from deckchat.index.embed import Embedder, MiniLM, MultilingualUSE, QueryCache
from tests.index.conftest import TEXTS

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("embedder", [MiniLM(), MultilingualUSE()], ids=lambda e: e.name)
def test_rows_are_unit_float32(embedder: MiniLM | MultilingualUSE) -> None:
    matrix = embedder.embed(TEXTS)
    assert matrix.shape == (len(TEXTS), embedder.dim) and matrix.dtype == np.float32
    assert np.allclose(np.linalg.norm(matrix, axis=1), 1.0, atol=1e-5)
    assert embedder.embed([]).shape == (0, embedder.dim)


def test_use_matches_questions_to_answers_across_languages() -> None:
    question = "How often are mobile phones replaced on average?"
    passages = [
        "Mobiltelefone werden im Durchschnitt alle 18 Monate ersetzt.",  # German answer
        "手机平均每18个月更换一次。",  # Chinese answer
        "Die Kantine ist montags geschlossen.",  # German, unrelated
    ]
    q, *p = MultilingualUSE().embed([question, *passages])
    german, chinese, unrelated = (float(q @ v) for v in p)
    assert german > unrelated + 0.2 and chinese > unrelated + 0.2


def test_concurrent_calls_give_the_same_vectors() -> None:
    embedders: list[Embedder] = [MiniLM(), MultilingualUSE()]
    expected = [e.embed(TEXTS[:2]) for e in embedders]
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: embedders[i % 2].embed(TEXTS[:2]), range(8)))
    for i, result in enumerate(results):
        assert np.allclose(result, expected[i % 2], atol=1e-6)


def test_query_cache_embeds_once_and_forgets_the_oldest() -> None:
    calls: list[list[str]] = []

    class Counting:
        name, dim = "counting", 2

        def embed(self, texts: list[str]) -> np.ndarray:
            calls.append(texts)
            return np.ones((len(texts), 2), dtype=np.float32)

    cache = QueryCache(size=2)
    for text in ("a", "a", "b", "c", "a"):
        cache.embed(Counting(), text)
    assert calls == [["a"], ["b"], ["c"], ["a"]]
