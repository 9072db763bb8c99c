"""Okapi BM25 over one deck's chunks: postings in numpy arrays, built in milliseconds."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]


class BM25:
    """Scores documents (token lists) against a query's tokens.

    Each posting stores the term's saturated, length-normalised frequency, so scoring a query is one
    scatter-add per query term.
    """

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.size = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        average = float(lengths.mean()) if self.size and lengths.sum() else 1.0
        norm = k1 * (1.0 - b + b * lengths / average)
        postings: dict[str, tuple[list[int], list[float]]] = {}
        for i, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                ids, weights = postings.setdefault(term, ([], []))
                ids.append(i)
                weights.append(tf * (k1 + 1.0) / (tf + float(norm[i])))
        self._postings = {
            term: (np.array(ids, dtype=np.intp), np.array(w, dtype=np.float32))
            for term, (ids, w) in postings.items()
        }

    def idf(self, term: str) -> float:
        """Lucene's non-negative IDF; a term the deck never uses gets the highest value."""
        df = len(self._postings[term][0]) if term in self._postings else 0
        return math.log(1.0 + (self.size - df + 0.5) / (df + 0.5))

    def df(self, term: str) -> int:
        return len(self._postings[term][0]) if term in self._postings else 0

    def scores(self, query: Sequence[str]) -> FloatArray:
        """BM25 of every document; each distinct query term counts once."""
        out = np.zeros(self.size, dtype=np.float32)
        for term in dict.fromkeys(query):
            if term in self._postings:
                ids, weights = self._postings[term]
                out[ids] += self.idf(term) * weights
        return out

    def presence(self, terms: Sequence[str]) -> npt.NDArray[np.bool_]:
        """A (len(terms), documents) matrix: does document j contain term i."""
        out = np.zeros((len(terms), self.size), dtype=np.bool_)
        for i, term in enumerate(terms):
            if term in self._postings:
                out[i, self._postings[term][0]] = True
        return out
