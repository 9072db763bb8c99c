"""Slide browsing and a chat flood against one real `deckchat serve`, with a static-file baseline.

Ingests a few real decks with `deckchat add --visibility public` into a temporary DECKCHAT_HOME,
starts `deckchat serve` (DECKCHAT_LLM=extractive) as a subprocess on a free port, and for --seconds
(after a 5 s ramp-up, not counted) runs, from this process, over loopback:
  50 viewers  - open a deck (GET /api/decks/{slug} and its /slides), load the thumbnails in view,
                then page through the slide images with short think times. An image the viewer has
                fetched before is asked for again with If-None-Match, as a browser revalidates.
  20 chatters - POST /api/decks/{slug}/chat with the deck's real questions from qa.jsonl every
                0.5-2 s, ignoring Retry-After: the flood the rate limits exist for.
Every client connects from 127.0.0.1 and none fakes another address. Each chatter asks about twice
its session's limit (DECKCHAT_CHAT_RATE_PER_SESSION, 20/minute), and together they pass the address's
(DECKCHAT_CHAT_RATE_PER_IP, 300/minute), so many questions are answered 429; each must carry
Retry-After.
Baseline, in the same run: the same viewers, without the API calls and without the chat, fetching
the same image files from a bare Starlette StaticFiles app under uvicorn (the server stack minus
deckchat); half of it runs before the load and half after, so a drift in the machine's load hits both.
Two ratios come of it: slide image p95, and the server's CPU time per request (steadier than a tail
latency on a machine other jobs share).
Target on a 2-core machine: slide image p95 < 20 ms. Exit status 1 on any 5xx, any connection error,
any 429 without Retry-After, or when the target is missed.

--nodes N runs the same load against N web nodes sharing PostgreSQL, an S3 bucket and Redis, and
against one of them in the same run (see load_nodes.py): no 5xx, and the image p95 against one node's.

--audience N runs a different load instead (see load_audience.py): a talk's room of N viewers on one
address asking at a realistic pace (--pace), a client flooding with one session and one dropping its
cookie with every question (--flood a second each), against the first deck. Baseline, in the same
run: the same load against a server with the limits deckchat had before (30/minute per address, no
limit on new sessions). Targets: >= 99% of the room's questions answered (at most one retry, after
Retry-After), >= 90% of the one-session flooder's questions refused. Exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from load_audience import checks, figures, print_audience, run_audience  # beside this script
from load_clients import TIMEOUT_S, Deck, Phase, Sample, run_phase  # beside this script, on sys.path
from load_nodes import engines, nodes_phases  # beside this script

REPO = Path(__file__).resolve().parents[1]
DECKS_DIR = Path(os.environ.get("DECKCHAT_TEST_DECKS", REPO.parent / "shared" / "decks"))
DEFAULT_DECKS = [
    "bsides-2016-sms-otp-not-secure-beamer.pdf",
    "cncf-what-is-cloud-native-2016.pdf",
    "ms-python-pandas-series-dataframe.pptx",
]
IMAGE_TARGET_MS = 20.0
# The chat limits before the audience defaults: every question of a room on one address shared 30.
LIMITS_BEFORE = {
    "DECKCHAT_CHAT_RATE_PER_IP": "30/minute",
    "DECKCHAT_VIEWER_SESSIONS_PER_IP": "1000000/minute",
}


# ---- the servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def deckchat_env(home: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "DECKCHAT_HOME": str(home), **extra}


def add_deck(path: Path, home: Path, extra: dict[str, str] | None = None) -> str:
    """`deckchat add` in its own process, as a presenter would; returns the deck's slug."""
    command = [
        sys.executable,
        "-m",
        "deckchat.cli.main",
        "add",
        str(path),
        "--visibility",
        "public",
        "--json",
    ]
    # cwd=home: a developer's .env in the checkout must not reach the benchmark.
    env = deckchat_env(home, **(extra or {}))
    done = subprocess.run(command, env=env, cwd=home, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"deckchat add {path.name} failed: {done.stderr.strip()[-800:]}")
    return str(json.loads(done.stdout)["slug"])


@contextmanager
def running(command: list[str], env: dict[str, str], cwd: Path, ready_url: str) -> Iterator[int]:
    """Run a server until the block ends; yields its pid once ``ready_url`` answers 200."""
    log = cwd / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_ready(process, ready_url, log)
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}: {log.read_text()[-2000:]}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server did not answer {url} within {timeout:.0f} s")


def serve_static(root: Path, port: int) -> None:
    """The baseline server: Starlette's StaticFiles under uvicorn, as `deckchat serve` runs uvicorn."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.routing import Mount
    from starlette.staticfiles import StaticFiles

    app = Starlette(routes=[Mount("/media", StaticFiles(directory=root))])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


# ---- the decks ------------------------------------------------------------------------------------


def load_decks(base_url: str, slugs: dict[str, str], qa_file: Path) -> list[Deck]:
    """Each deck's image URLs (from the API) and its questions (from the QA file)."""
    questions: dict[str, list[str]] = {}
    for line in qa_file.read_text().splitlines():
        if line.strip():
            row = json.loads(line)
            questions.setdefault(row["deck"], []).append(row["question"])
    decks = []
    for file_name, slug in slugs.items():
        slides = httpx.get(f"{base_url}/api/decks/{slug}/slides", timeout=TIMEOUT_S).json()["slides"]
        images = tuple(s["image"] for s in slides)
        thumbnails = tuple(s["thumbnail"] for s in slides)
        decks.append(Deck(slug, images, thumbnails, tuple(questions[file_name])))
    return decks


def mirror_media(base_url: str, decks: list[Deck], root: Path) -> None:
    """Copy every image the viewers will ask for into the baseline's folder, under the same names."""
    root.mkdir(parents=True, exist_ok=True)
    with httpx.Client(base_url=base_url, timeout=TIMEOUT_S) as client:
        for url in {u for deck in decks for u in (*deck.images, *deck.thumbnails)}:
            response = client.get(url)
            response.raise_for_status()
            (root / url.rsplit("/", 1)[1]).write_bytes(response.content)


def warm_up_chat(base_url: str, decks: list[Deck]) -> None:
    """One question per deck before the clock starts: the first loads the embedder and the deck's index,
    seconds of work no later question repeats. These count against the address's chat limit too."""
    for deck in decks:
        response = httpx.post(
            f"{base_url}/api/decks/{deck.slug}/chat", json={"question": deck.questions[0]}, timeout=120
        )
        response.raise_for_status()


# ---- the figures ----------------------------------------------------------------------------------

ROUTES = ("deck", "slides", "thumbnail", "image", "chat")


def pct(values: list[float], share: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def latency(samples: list[Sample], route: str, status: int) -> list[float]:
    return [s.ms for s in samples if s.route == route and s.status == status]


def route_rows(samples: list[Sample]) -> list[dict[str, Any]]:
    """Requests and p50/p95/p99 by route and status; status 0 is a connection error."""
    counts = Counter((s.route, s.status) for s in samples)
    rows = []
    for route, status in sorted(counts, key=lambda key: (ROUTES.index(key[0]), key[1])):
        times = latency(samples, route, status)
        rows.append(
            {"route": route, "status": status, "requests": counts[route, status]}
            | {f"p{q}_ms": round(pct(times, q / 100), 2) for q in (50, 95, 99)}
        )
    return rows


def phase_figures(phase: Phase) -> dict[str, Any]:
    return {
        "seconds": round(phase.seconds, 1),
        "requests_per_s": round(len(phase.samples) / phase.seconds, 1),
        "routes": route_rows(phase.samples),
        # Shares of one core: the load generator near 1.0 would mean it, not the server, set the pace.
        "load_generator_cpu": round(phase.client_cpu_s / phase.seconds, 2),
        "server_cpu": round(phase.server_cpu_s / phase.seconds, 2),
        # Less at the mercy of other processes than latency is: what a request costs the server.
        "server_cpu_ms_per_request": round(phase.server_cpu_s * 1000 / max(1, len(phase.samples)), 2),
        "load_generator_loop_lag_p99_ms": round(pct(phase.loop_lag_ms, 0.99), 2),
    }


def error_counts(load: Phase, baseline: Phase) -> dict[str, int]:
    throttled = [s for s in load.samples + baseline.samples if s.status == 429]
    return {
        "5xx": sum(s.status >= 500 for s in load.samples + baseline.samples),
        "connection": sum(s.status == 0 for s in load.samples + baseline.samples),
        "429": len(throttled),
        "429_without_retry_after": sum(not s.retry_after for s in throttled),
    }


def summarize(load: Phase, baseline: Phase, slugs: list[str], args: argparse.Namespace) -> dict[str, Any]:
    image_p95 = pct(latency(load.samples, "image", 200), 0.95)
    baseline_p95 = pct(latency(baseline.samples, "image", 200), 0.95)
    errors = error_counts(load, baseline)
    load_figures, baseline_figures = phase_figures(load), phase_figures(baseline)
    baseline_cpu = baseline_figures["server_cpu_ms_per_request"]
    cpu_ratio = load_figures["server_cpu_ms_per_request"] / baseline_cpu if baseline_cpu else math.nan
    return {
        "decks": slugs,
        "viewers": args.viewers,
        "chatters": args.chatters,
        "load": load_figures,
        "baseline": baseline_figures,
        "image_p95_ms": round(image_p95, 2),
        "baseline_image_p95_ms": round(baseline_p95, 2),
        "image_p95_ratio": round(image_p95 / baseline_p95, 2),
        "server_cpu_per_request_ratio": round(cpu_ratio, 2),
        "errors": errors,
        "checks": {
            "no 5xx": errors["5xx"] == 0,
            "no connection errors": errors["connection"] == 0,
            "every 429 has Retry-After": errors["429_without_retry_after"] == 0,
            f"image p95 < {IMAGE_TARGET_MS:.0f} ms": image_p95 < IMAGE_TARGET_MS,
        },
    }


def print_phase(title: str, figures: dict[str, Any]) -> None:
    print(f"{title}: {figures['seconds']:.0f} s, {figures['requests_per_s']:.0f} requests/s")
    print(f"  {'route':<10}{'status':>7}{'requests':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for row in figures["routes"]:
        status = row["status"] or "error"
        print(
            f"  {row['route']:<10}{status:>7}{row['requests']:>10}"
            f"{row['p50_ms']:>9.1f}{row['p95_ms']:>9.1f}{row['p99_ms']:>9.1f}"
        )
    print(
        f"  CPU, in shares of one core: load generator {figures['load_generator_cpu']:.2f}, "
        f"server {figures['server_cpu']:.2f} ({figures['server_cpu_ms_per_request']:.1f} ms a request); "
        f"load generator's event-loop lag p99 {figures['load_generator_loop_lag_p99_ms']:.1f} ms\n"
    )


def print_report(result: dict[str, Any]) -> None:
    print(
        f"deckchat load benchmark: {result['viewers']} viewers + {result['chatters']} chatters, "
        f"decks {', '.join(result['decks'])}, one server process\n"
    )
    print_phase("deckchat serve (extractive chat)", result["load"])
    print_phase("baseline: StaticFiles under uvicorn, the same viewers, no API, no chat", result["baseline"])
    errors = result["errors"]
    print(
        f"5xx: {errors['5xx']}   connection errors: {errors['connection']}   429s: {errors['429']}, "
        f"{errors['429'] - errors['429_without_retry_after']} with Retry-After"
    )
    print(
        f"image p95 {result['image_p95_ms']:.1f} ms (target < {IMAGE_TARGET_MS:.0f} ms), "
        f"{result['image_p95_ratio']:.2f}x the static-file baseline "
        f"({result['baseline_image_p95_ms']:.1f} ms)"
    )
    print(
        f"server CPU per request {result['load']['server_cpu_ms_per_request']:.1f} ms (every route, chat "
        f"too), {result['server_cpu_per_request_ratio']:.2f}x the baseline's\n"
    )
    for label, ok in result["checks"].items():
        print(f"{label:<40} {'PASS' if ok else 'FAIL'}")


# ---- the run --------------------------------------------------------------------------------------


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def add_decks(
    names: list[str], decks_dir: Path, home: Path, extra: dict[str, str] | None = None
) -> dict[str, str]:
    home.mkdir()
    slugs = {}
    for name in names:
        say(f"deckchat add {name} ...")
        slugs[name] = add_deck(decks_dir / name, home, extra)
    return slugs


def audience_benchmark(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """The room and the floods against the server's limits, then against the limits before them."""
    talk = add_decks(args.deck[:1], args.decks_dir, tmp / "home")[args.deck[0]]
    home = tmp / "home"
    serve = [sys.executable, "-m", "deckchat.cli.main", "serve"]
    runs = {}
    for label, limits in (("defaults", {}), ("before", LIMITS_BEFORE)):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = deckchat_env(home, DECKCHAT_LLM="extractive", DECKCHAT_PORT=str(port), **limits)
        with running(serve, env, home, f"{url}/api/decks/{talk}"):
            deck = load_decks(url, {args.deck[0]: talk}, args.decks_dir / "qa.jsonl")[0]
            warm_up_chat(url, [deck])
            say(f"audience, {label} limits: {args.seconds:.0f} s ...")
            room = run_audience(
                url,
                deck,
                viewers=args.audience,
                pace=args.pace,
                flood=args.flood,
                seconds=args.seconds,
                seed=args.seed,
            )
        runs[label] = figures(room)
    return {
        "deck": talk,
        "viewers": args.audience,
        "pace_per_10_minutes": args.pace,
        "flood_per_second": args.flood,
        "seconds": args.seconds,
        "runs": runs,
        "checks": checks(runs["defaults"]),
    }


def print_audience_report(result: dict[str, Any]) -> None:
    print(
        f"deckchat audience benchmark: {result['viewers']} viewers on one address asking "
        f"{result['pace_per_10_minutes']:g} questions per 10 minutes each, plus two clients flooding at "
        f"{result['flood_per_second']:g} questions a second; deck {result['deck']}, "
        f"{result['seconds']:.0f} s\n"
    )
    print_audience("the server's limits (defaults)", result["runs"]["defaults"])
    print_audience(
        "baseline: the limits before (30/minute per address, new sessions unlimited)",
        result["runs"]["before"],
    )
    for label, ok in result["checks"].items():
        print(f"{label:<40} {'PASS' if ok else 'FAIL'}")


def benchmark(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    home = tmp / "home"
    slugs = add_decks(args.deck, args.decks_dir, home)
    port, static_port = free_port(), free_port()
    url, static_url = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{static_port}"
    env = deckchat_env(home, DECKCHAT_LLM="extractive", DECKCHAT_PORT=str(port))
    if args.chat_rate_per_ip:
        env["DECKCHAT_CHAT_RATE_PER_IP"] = args.chat_rate_per_ip
    serve = [sys.executable, "-m", "deckchat.cli.main", "serve"]
    static = [sys.executable, __file__, "--serve-static", str(tmp / "static"), "--port", str(static_port)]
    phase = {"viewers": args.viewers, "seed": args.seed}
    half = args.baseline_seconds / 2
    first = next(iter(slugs.values()))
    with running(serve, env, home, f"{url}/api/decks/{first}") as server_pid:
        decks = load_decks(url, slugs, args.decks_dir / "qa.jsonl")
        mirror_media(url, decks, tmp / "static")
        warm_up_chat(url, decks)
        with running(static, dict(os.environ), tmp, static_url + decks[0].images[0]) as static_pid:
            say(f"baseline, first half: {half:.0f} s ...")
            before = run_phase(static_url, decks, static_pid, chatters=0, api=False, seconds=half, **phase)
            say(f"deckchat serve: {args.seconds:.0f} s ...")
            load = run_phase(
                url, decks, server_pid, chatters=args.chatters, api=True, seconds=args.seconds, **phase
            )
            say(f"baseline, second half: {half:.0f} s ...")
            after = run_phase(static_url, decks, static_pid, chatters=0, api=False, seconds=half, **phase)
    return summarize(load, before.merge(after), list(slugs.values()), args)


def nodes_benchmark(args: argparse.Namespace, tmp: Path) -> dict[str, Any]:
    """The load against --nodes web nodes sharing PostgreSQL, a bucket and Redis, and against one."""
    with engines(tmp, free_port) as shared:
        slugs = add_decks(args.deck, args.decks_dir, tmp / "home", shared)
        first = next(iter(slugs.values()))
        serve = [sys.executable, "-m", "deckchat.cli.main", "serve", "--no-jobs"]
        with ExitStack() as stack:
            urls, pids = [], []
            for n in range(args.nodes):
                home, port = tmp / f"node-{n}", free_port()
                home.mkdir()
                env = deckchat_env(home, DECKCHAT_LLM="extractive", DECKCHAT_PORT=str(port), **shared)
                urls.append(f"http://127.0.0.1:{port}")
                pids.append(stack.enter_context(running(serve, env, home, f"{urls[-1]}/api/decks/{first}")))
            decks = load_decks(urls[0], slugs, args.decks_dir / "qa.jsonl")
            for url in urls:
                warm_up_chat(url, decks)
            one, spread = nodes_phases(urls, pids, decks, args, say)
    one_p95 = pct(latency(one.samples, "image", 200), 0.95)
    spread_p95 = pct(latency(spread.samples, "image", 200), 0.95)
    errors = error_counts(spread, one)
    return {
        "decks": list(slugs.values()),
        "nodes": args.nodes,
        "viewers": args.viewers,
        "chatters": args.chatters,
        "spread": phase_figures(spread),
        "one_node": phase_figures(one),
        "image_p95_ms": round(spread_p95, 2),
        "one_node_image_p95_ms": round(one_p95, 2),
        "image_p95_ratio": round(spread_p95 / one_p95, 2),
        "errors": errors,
        "checks": {
            "no 5xx": errors["5xx"] == 0,
            "no connection errors": errors["connection"] == 0,
            "every 429 has Retry-After": errors["429_without_retry_after"] == 0,
        },
    }


def print_nodes_report(result: dict[str, Any]) -> None:
    print(
        f"deckchat load benchmark: {result['viewers']} viewers + {result['chatters']} chatters, "
        f"decks {', '.join(result['decks'])}, {result['nodes']} web nodes (PostgreSQL, S3, Redis)\n"
    )
    print_phase(f"{result['nodes']} nodes, clients dealt out between them", result["spread"])
    print_phase("one node, the same load (half before, half after)", result["one_node"])
    errors = result["errors"]
    print(
        f"5xx: {errors['5xx']}   connection errors: {errors['connection']}   429s: {errors['429']}, "
        f"{errors['429'] - errors['429_without_retry_after']} with Retry-After"
    )
    print(
        f"image p95 {result['image_p95_ms']:.1f} ms on {result['nodes']} nodes, "
        f"{result['image_p95_ratio']:.2f}x one node's ({result['one_node_image_p95_ms']:.1f} ms)\n"
    )
    for label, ok in result["checks"].items():
        print(f"{label:<40} {'PASS' if ok else 'FAIL'}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=60, help="length of the load (default 60)")
    parser.add_argument(
        "--baseline-seconds",
        type=float,
        help="length of the baseline, in two halves (default: --seconds / 2)",
    )
    parser.add_argument("--viewers", type=int, default=50, help="simulated viewers browsing (default 50)")
    parser.add_argument("--chatters", type=int, default=20, help="simulated viewers chatting (default 20)")
    parser.add_argument(
        "--deck",
        action="append",
        help=f"a deck file in --decks-dir; repeatable (default: {', '.join(DEFAULT_DECKS)})",
    )
    parser.add_argument(
        "--decks-dir", type=Path, default=DECKS_DIR, help=f"real decks and qa.jsonl (default {DECKS_DIR})"
    )
    parser.add_argument(
        "--chat-rate-per-ip",
        help="DECKCHAT_CHAT_RATE_PER_IP for the server, e.g. 1000/minute to time answers, not refusals "
        "(default: the server's own, 300/minute)",
    )
    parser.add_argument(
        "--audience",
        type=int,
        default=0,
        metavar="N",
        help="instead: a room of N viewers on one address, and two flooding clients (see above)",
    )
    parser.add_argument(
        "--pace", type=float, default=3, help="--audience: questions per viewer per 10 minutes (default 3)"
    )
    parser.add_argument(
        "--flood", type=float, default=10, help="--audience: each flooder's questions a second (default 10)"
    )
    parser.add_argument(
        "--nodes",
        type=int,
        default=0,
        metavar="N",
        help="instead: the load on N web nodes sharing PostgreSQL, an S3 bucket and Redis, against one node "
        "(see load_nodes.py)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the simulated clients' choices")
    parser.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    # The baseline server is this script run again in a child process.
    parser.add_argument("--serve-static", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.deck = args.deck or DEFAULT_DECKS
    if args.baseline_seconds is None:
        args.baseline_seconds = args.seconds / 2
    return args


def main() -> int:
    args = parse_args()
    if args.serve_static:
        serve_static(args.serve_static, args.port)
        return 0
    with tempfile.TemporaryDirectory(prefix="deckchat-bench-load-") as tmp:
        run = audience_benchmark if args.audience else nodes_benchmark if args.nodes else benchmark
        result = run(args, Path(tmp))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        (print_audience_report if args.audience else print_nodes_report if args.nodes else print_report)(
            result
        )
    return 0 if all(result["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
