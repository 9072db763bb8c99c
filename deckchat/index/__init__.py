"""Making a deck searchable: chunks, tokens, BM25, embeddings, hybrid search.

``DeckIndex.build(chunk_deck(slides, notes))`` at ingest, ``to_bytes`` into the blob store;
``DeckIndex.from_bytes`` then ``search`` / ``slide_hits`` at question time, and ``answerability``
on the hits to decide whether to refuse.
"""

from deckchat.index.deck_index import FORMAT_VERSION, DeckIndex, IndexFormatError
from deckchat.index.fusion import REFUSE_BELOW, answerability

__all__ = ["FORMAT_VERSION", "REFUSE_BELOW", "DeckIndex", "IndexFormatError", "answerability"]
