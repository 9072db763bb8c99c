"""Chat speed on a generated 100-slide deck, with llama.cpp on the same model as the baseline.

Prints: retrieval p50/p95; end-to-end time of an extractive answer; time to first token and tokens/s
of the `default` generator; llama.cpp's tokens/s on the same GGUF and prompt, measured in the same
run; and what indexing adds to ingest time per slide.
Targets on a 2-core machine: retrieval p95 < 15 ms; extractive answer < 150 ms; first token < 1 s;
>= 25 tokens/s and >= half of llama.cpp's rate. Exit status 1 when a target is missed.
"""

from __future__ import annotations

import importlib.util
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

from deckchat.bootstrap import bootstrap
from deckchat.chat.prompt import build_messages
from deckchat.core.chat import NotesMode
from deckchat.core.chunking import chunk_deck
from deckchat.index.deck_index import DeckIndex
from deckchat.jobs.in_process import ingest_now
from deckchat.llm.registry import make_generator
from deckchat.llm.smollm2 import gguf_path
from deckchat.services.app_services import Services, open_services
from deckchat.services.chat import ChatService
from deckchat.settings import Settings
from deckchat.store import decks as deck_rows


def _ingest_bench() -> ModuleType:
    """The ingest benchmark's module, for its deck generator (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_ingest", Path(__file__).with_name("ingest.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


QUESTIONS = [
    "What happened to revenue in region 42?",
    "Which risks are listed?",
    "What does the table on quarter 7 show?",
    "Is hiring continuing?",
    "What were the costs like?",
    "Who is the CEO?",
    "What is the outlook for quarter 90?",
    "Welche Risiken gibt es?",
]
GEN_TOKENS = 64


def pct(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="deckchat-bench-chat-") as tmp:
        settings = Settings(home=Path(tmp) / "home", llm="extractive", _env_file=None)  # type: ignore[call-arg]
        services = open_services(bootstrap(settings).settings)
        deck = _ingest_bench().make_pptx(Path(tmp), 100)
        deck_id = ingest_now(services, deck)
        with services.db.session() as session:
            slides = deck_rows.load_slides(session, deck_id)
        service = services.chat
        index_s = _index_cost(services, deck_id)
        retrieval = _retrieval_ms(service, deck_id)
        extractive = _extractive_ms(service, deck_id)
        ttft, rate, prompt = _default_speed(service, deck_id, settings)
        llama_rate = _llama_rate(prompt)
        services.close()
    checks = [
        ("retrieval p95 < 15 ms", pct(retrieval, 0.95) < 15),
        ("extractive answer p50 < 150 ms", statistics.median(extractive) < 150),
        ("first token < 1 s", ttft < 1.0),
        ("default >= 25 tokens/s", rate >= 25),
        ("default >= 0.5x llama.cpp", rate >= 0.5 * llama_rate),
    ]
    print(f"deckchat chat benchmark: {len(slides)} slides\n")
    print(f"index build (chunks + embeddings)        {index_s * 1000 / len(slides):8.1f} ms per slide")
    print(
        f"retrieval p50 / p95                      {pct(retrieval, 0.5):8.1f} / {pct(retrieval, 0.95):.1f} ms"
    )
    print(
        f"extractive answer p50 / p95              {pct(extractive, 0.5):8.1f} / "
        f"{pct(extractive, 0.95):.1f} ms"
    )
    print(f"default: time to first token             {ttft * 1000:8.0f} ms")
    print(f"default: tokens/s                        {rate:8.1f}")
    print(f"llama.cpp (same GGUF, same prompt)       {llama_rate:8.1f} tokens/s")
    print(f"default / llama.cpp                      {rate / llama_rate:8.2f}x\n")
    for label, ok in checks:
        print(f"{label:<40} {'PASS' if ok else 'FAIL'}")
    return 0 if all(ok for _, ok in checks) else 1


def _index_cost(services: Services, deck_id: str) -> float:
    with services.db.session() as session:
        slides = deck_rows.load_slides(session, deck_id)
    plain = [row.slide() for row in slides]
    DeckIndex.build(chunk_deck(plain[:2], []))  # load the embedders outside the timing
    start = time.perf_counter()
    DeckIndex.build(chunk_deck(plain, []))
    return time.perf_counter() - start


def _retrieval_ms(service: ChatService, deck_id: str) -> list[float]:
    index = service.index_for(deck_id)
    index.search("warm up", mode=NotesMode.PRIVATE)
    times = []
    for _ in range(10):
        for question in QUESTIONS:
            start = time.perf_counter()
            index.search(question, mode=NotesMode.PRIVATE)
            times.append((time.perf_counter() - start) * 1000)
    return times


def _extractive_ms(service: ChatService, deck_id: str) -> list[float]:
    times = []
    for question in QUESTIONS * 3:
        start = time.perf_counter()
        for _ in service.ask(deck_id, question):
            pass
        times.append((time.perf_counter() - start) * 1000)
    return times


def _default_speed(
    service: ChatService, deck_id: str, settings: Settings
) -> tuple[float, float, list[object]]:
    generator = make_generator("default", settings.llm_options)
    index = service.index_for(deck_id)
    hits = index.search(QUESTIONS[0], mode=NotesMode.PRIVATE)
    messages = build_messages(QUESTIONS[0], hits)
    list(generator.stream(messages, max_tokens=4))  # warm up
    start = time.perf_counter()
    first = None
    count = 0
    for _ in generator.stream(messages, max_tokens=GEN_TOKENS):
        count += 1
        first = first or time.perf_counter()
    end = time.perf_counter()
    assert first is not None
    return first - start, (count - 1) / max(end - first, 1e-9), list(messages)


def _llama_rate(messages: list[object]) -> float:
    from llama_cpp import Llama

    llm = Llama(model_path=str(gguf_path()), n_ctx=4096, n_threads=2, verbose=False)
    chat = [{"role": m.role, "content": m.content} for m in messages]  # type: ignore[attr-defined]
    llm.create_chat_completion(chat, max_tokens=4, temperature=0)
    first = None
    count = 0
    for _ in llm.create_chat_completion(chat, max_tokens=GEN_TOKENS, temperature=0, stream=True):
        count += 1
        first = first or time.perf_counter()
    end = time.perf_counter()
    assert first is not None
    return (count - 1) / max(end - first, 1e-9)


if __name__ == "__main__":
    sys.exit(main())
