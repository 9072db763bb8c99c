"""Configs of tiny models with real architectures: random weights are built from them in the tests."""

from __future__ import annotations

from typing import Any


def gptj(**changes: Any) -> Any:
    from transformers import GPTJConfig

    shape = {"vocab_size": 512, "n_positions": 128, "n_embd": 128, "n_layer": 6, "n_head": 4, "rotary_dim": 8}
    return GPTJConfig(**{**shape, "bos_token_id": 0, "eos_token_id": 1, **changes})


def llama(**changes: Any) -> Any:
    from transformers import LlamaConfig

    shape = {
        "vocab_size": 512,
        "hidden_size": 128,
        "intermediate_size": 512,
        "num_hidden_layers": 6,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
        "max_position_embeddings": 128,
    }
    return LlamaConfig(
        **{**shape, "tie_word_embeddings": False, "bos_token_id": 0, "eos_token_id": 1, **changes}
    )


def word_tokenizer(out: Any, words: list[str]) -> Any:
    """Save a word-level tokenizer of ``words`` (after ``[UNK]``) at ``out``: a vocabulary of its own."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {word: i for i, word in enumerate(["[UNK]", *words])}
    tokenizer = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]").save_pretrained(out)
    return out
