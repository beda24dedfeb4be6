#!/usr/bin/env bash
# Install what the browser tests (tests/e2e) need, quietly and only what is missing:
#   - Debian's Chromium at /usr/bin/chromium (Playwright's own browser download does not
#     work here, so Playwright only drives this one; never run `playwright install`);
#   - axe-core from npm, into tests/e2e/node_modules (git-ignored);
#   - the Playwright driver from PyPI (the `e2e` extra of pyproject.toml).
# Idempotent: a second run installs nothing. Any failure stops the script with an error.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
    echo "install-e2e: $*" >&2
    exit 1
}

if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" -eq 0 ]; then
        echo "install-e2e: installing Debian's chromium"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null || fail "apt-get update failed"
        apt-get install -y -qq chromium >/dev/null || fail "apt-get install chromium failed"
        [ -x /usr/bin/chromium ] || fail "chromium installed but /usr/bin/chromium is missing"
    else
        fail "/usr/bin/chromium is missing; as root run: apt-get update && apt-get install -y chromium"
    fi
fi

if [ ! -f tests/e2e/node_modules/axe-core/axe.min.js ]; then
    if ! command -v npm >/dev/null; then
        if [ "$(id -u)" -eq 0 ]; then
            echo "install-e2e: installing Debian's npm"
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >/dev/null || fail "apt-get update failed"
            apt-get install -y -qq npm >/dev/null || fail "apt-get install npm failed"
        else
            fail "npm is missing; as root run: apt-get install -y npm"
        fi
    fi
    echo "install-e2e: installing axe-core into tests/e2e/node_modules"
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix tests/e2e axe-core@4 \
        >/dev/null || fail "npm install axe-core@4 failed"
    [ -f tests/e2e/node_modules/axe-core/axe.min.js ] || fail "axe.min.js missing after npm install"
fi

if ! python3 -c "import playwright.sync_api" 2>/dev/null; then
    echo "install-e2e: installing the Playwright driver (pip extra e2e)"
    python3 -m pip install -q -e '.[e2e]' || fail "pip install -e '.[e2e]' failed"
fi
