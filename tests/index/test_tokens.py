"""Tokens for BM25 and coverage: scripts, numbers, stopwords, plurals."""

from __future__ import annotations

from deckchat.index.tokens import cjk_bigrams, content_tokens, stem, tokenize


def test_words_are_normalised_and_case_folded() -> None:
    assert tokenize("Ｆｕｌｌwidth KUBERNETES Straße") == tokenize("fullwidth kubernetes strasse")
    assert tokenize("Ｆｕｌｌwidth") == ["fullwidth"]


def test_numbers_stay_whole_and_decimal_commas_match_points() -> None:
    assert tokenize("MSE 9.79, RMSE √9.79 = 3.13 in 2013") == ["mse", "9.79", "rms", "9.79", "3.13", "2013"]
    assert tokenize("f(x) = 20 + 1,7x") == tokenize("f(x) = 20 + 1.7x")
    assert tokenize("29,790,918 downloads") == ["29.790.918", "download"]


def test_identifiers_split_on_punctuation_but_keep_letter_digit_runs() -> None:
    assert tokenize("linear_reg() fit_xy A9 L1-norm") == ["linear", "reg", "fit", "xy", "a9", "l1", "norm"]


def test_cjk_runs_become_bigrams() -> None:
    assert tokenize("性能指标") == ["性能", "能指", "指标"]
    assert tokenize("RocksDB 有多少参数") == ["rocksdb", "有多", "多少", "少参", "参数"]
    assert tokenize("認定エンジニア") == ["認定", "定エ", "エン", "ンジ", "ジニ", "ニア"]
    assert tokenize("인공지능") == ["인공", "공지", "지능"]


def test_a_lone_cjk_character_is_its_own_token() -> None:
    assert cjk_bigrams("人") == ["人"]
    assert tokenize("AI 与 系统") == ["ai", "与", "系统"]


def test_japanese_particle_pairs_are_dropped() -> None:
    assert tokenize("必要ですか") == ["必要", "要で"]  # です and すか are grammar, not content


def test_stopwords_of_each_language_go() -> None:
    assert tokenize("What is the default index of a Series?") == tokenize("default index series")
    assert tokenize("Wie hoch ist die Quote für Computer?") == tokenize("hoch Quote Computer")
    assert tokenize("¿Cuáles son el MSE y el RMSE?") == tokenize("MSE RMSE")
    assert tokenize("Quelle est la pente de la droite ?") == tokenize("pente droite")
    assert len(tokenize("pente droite")) == 2


def test_english_suffixes_fold_so_word_forms_meet() -> None:
    forms = [("elects", "elected", "electing"), ("base", "based", "bases"), ("stop", "stopped", "stopping")]
    for group in forms:
        assert len({stem(w) for w in group}) == 1, group
    assert stem("policies") == stem("policy") and stem("classes") == stem("class")
    assert stem("status") == "status" and stem("glass") == "glass"  # not plurals


def test_stemming_leaves_short_words_names_and_other_scripts_alone() -> None:
    assert [stem(w) for w in ("gas", "string", "need", "red", "a9", "ümlauts")] == [
        "gas",
        "string",  # "str" has no vowel: not a root
        "need",
        "red",
        "a9",
        "ümlauts",
    ]


def test_contraction_fragments_are_stopwords() -> None:
    assert tokenize("What is CNCF's plan? Don't guess.") == ["cncf", "plan", "guess"]


def test_content_tokens_are_distinct_and_ordered() -> None:
    assert content_tokens("Data, data and more data sources") == ["data", "sourc"]
