#!/usr/bin/env bash
# Resolve pyproject.toml into requirements.lock (every package pinned, with hashes), and pin what setup
# installs without dependencies into requirements-nodeps.lock. scripts/setup.sh installs exactly these.
# Existing pins are kept unless pyproject.toml needs otherwise; extra arguments go to `uv pip compile`:
#   bash scripts/lock.sh                                  # after editing pyproject.toml
#   bash scripts/lock.sh --upgrade                        # everything to the newest allowed
#   bash scripts/lock.sh --upgrade-package transformers   # one package
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[lock]\033[0m %s\n' "$*" >&2; }

UV_VERSION=0.13.10
TORCH_INDEX=https://download.pytorch.org/whl/cpu
# The Python the lock is made for (setup makes .venv with it): markers and wheels differ between versions.
PYTHON_VERSION=$(cat .python-version)

# uv resolves (in seconds, with hashes from the index); it lives outside .venv so that .venv holds the lock
# and nothing else.
UV=.cache/lock-tools/uv-$UV_VERSION/bin/uv
if [ ! -x "$UV" ]; then
    say "installing uv $UV_VERSION into ${UV%/bin/uv}"
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install -q --no-deps --target "${UV%/bin/uv}" "uv==$UV_VERSION"
fi

# torch's CPU build: from a local wheel folder when pip is configured with one that holds it, else from
# the CPU index. torch from PyPI alone is the CUDA build (several GB of nvidia wheels).
sources=()
for dir in $(python3 -m pip config get global.find-links 2>/dev/null || true); do
    compgen -G "$dir/torch-*+cpu-*.whl" >/dev/null && sources+=(--find-links "$dir")
done
[ ${#sources[@]} -gt 0 ] || sources=(--extra-index-url "$TORCH_INDEX" --index-strategy unsafe-best-match)

compile() {
    "$UV" pip compile --quiet --native-tls --generate-hashes --python-version "$PYTHON_VERSION" \
        --custom-compile-command "make lock" "${sources[@]}" "$@"
}

say "resolving pyproject.toml (with the dev extra) into requirements.lock"
compile pyproject.toml --extra dev -o requirements.lock "$@"
say "pinning requirements-nodeps.in into requirements-nodeps.lock"
compile --no-deps requirements-nodeps.in -o requirements-nodeps.lock "$@"

torch=$(grep -m1 -oE '^torch==[^ ]+' requirements.lock)
[[ $torch == *+cpu ]] || { say "requirements.lock pins $torch, not a CPU build (+cpu): fix the torch source"; exit 1; }
say "done: review \`git diff requirements*.lock\` and commit it with the change that needed it"
