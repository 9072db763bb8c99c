# The two commands of the README: `make demo` and `make test`. Both set everything up first.
.PHONY: setup lock demo serve test lint bench clean

setup:
	@bash scripts/setup.sh

# Re-resolve requirements*.lock after editing pyproject.toml; a deliberate step, committed with its change.
# LOCK_ARGS=--upgrade (or --upgrade-package NAME) moves pins forward.
lock:
	@bash scripts/lock.sh $(LOCK_ARGS)

demo: setup
	@.venv/bin/deckchat serve --demo

serve: setup
	@.venv/bin/deckchat serve

test: setup
	@bash scripts/test.sh

lint: setup
	@.venv/bin/ruff format deckchat tests bench && .venv/bin/ruff check --fix deckchat tests bench

bench: setup
	@.venv/bin/python bench/ingest.py; .venv/bin/python bench/chat.py; .venv/bin/python bench/offload.py
	@.venv/bin/python bench/quality.py

clean:
	rm -rf .venv .cache/lock-tools web/node_modules deckchat/web_dist
