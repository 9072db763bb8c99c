"""BM25 ranking sanity on small hand-made corpora."""

from __future__ import annotations

import numpy as np

from deckchat.index.bm25 import BM25
from deckchat.index.tokens import tokenize

DOCS = [
    "Kubernetes steering committee has seven members elected by contributors",
    "SIG Network owns the gateway API and ingress",
    "The steering committee meets every two weeks",
    "Release team schedule and release cadence",
    "性能指标 和 参数 调优",
]


def index() -> BM25:
    return BM25([tokenize(d) for d in DOCS])


def test_the_document_with_the_rare_terms_ranks_first() -> None:
    scores = index().scores(tokenize("Who elects the steering committee members?"))
    assert int(np.argmax(scores)) == 0
    assert scores[2] > 0 and scores[1] == scores[3] == 0


def test_rarer_terms_weigh_more() -> None:
    bm25 = index()
    (gateway,), (steering,) = tokenize("gateway"), tokenize("steering")
    assert bm25.idf(gateway) > bm25.idf(steering) > 0
    assert bm25.idf("never-seen") > bm25.idf(gateway)
    assert bm25.df(steering) == 2 and bm25.df("never-seen") == 0


def test_repeated_query_terms_count_once() -> None:
    bm25 = index()
    release = tokenize("release")
    assert np.array_equal(bm25.scores(release), bm25.scores(release * 2))


def test_term_frequency_saturates_and_long_documents_are_normalised() -> None:
    bm25 = BM25([["cat"], ["cat", "cat"], ["cat"] * 20, ["cat", *["dog"] * 19]])
    one, two, many, diluted = bm25.scores(["cat"])
    assert one < two < many < 2.2 * bm25.idf("cat")  # bounded by (k1 + 1) * idf
    assert diluted < one  # same count, longer document


def test_cjk_bigrams_match_across_spacing() -> None:
    scores = index().scores(tokenize("有哪些性能指标？"))
    assert int(np.argmax(scores)) == 4


def test_presence_matrix() -> None:
    presence = index().presence([*tokenize("steering gateway"), "absent"])
    assert presence.tolist() == [
        [True, False, True, False, False],
        [False, True, False, False, False],
        [False] * 5,
    ]


def test_empty_corpus_and_empty_query() -> None:
    assert BM25([]).scores(["x"]).shape == (0,)
    assert not index().scores([]).any()
    assert not BM25([[], []]).scores(["x"]).any()
