#!/usr/bin/env bash
# The whole test suite: lint, types, the Python tests (real LibreOffice, PostgreSQL, Chromium), the web tests.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "ruff"
ruff format --check deckchat tests bench
ruff check deckchat tests bench
step "mypy"
mypy deckchat
step "web: type check and unit tests"
(cd web && npm run --silent check && npm run --silent test)
step "pytest"
# Two workers (DECKCHAT_TEST_WORKERS); the tests that share the ingested real decks stay in one of them.
workers="${DECKCHAT_TEST_WORKERS:-2}"
# Each worker, and every server it starts, gets its share of the cores (deckchat/cpu.py): torch and
# onnxruntime otherwise run a thread per core in each, and OpenMP threads that outnumber the cores
# spin-wait on each other.
share=$(( $(nproc) / (workers > 0 ? workers : 1) ))
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-$(( share > 0 ? share : 1 ))}"
pytest -n "$workers" --dist loadgroup "$@"
