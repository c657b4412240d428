#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests when it is missing.
# The tests drive /usr/bin/chromium through Playwright's executable_path, so Playwright never
# downloads a browser of its own (CI machines and this project's sandboxes have no route to
# Playwright's CDN). CI runs as root on a fresh Debian machine; elsewhere sudo is used if present.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
if [[ -x "$CHROMIUM" ]]; then
    exit 0
fi

if [[ "$(id -u)" -eq 0 ]]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
else
    echo "ensure_chromium: $CHROMIUM is missing and this user cannot install packages;" >&2
    echo "ensure_chromium: install Debian's 'chromium' package, then run the tests again." >&2
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: $CHROMIUM is missing and apt-get is not available;" >&2
    echo "ensure_chromium: install Chromium so that $CHROMIUM exists, then run the tests again." >&2
    exit 1
fi

echo "ensure_chromium: installing Debian's chromium package (first run only)" >&2
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
"$CHROMIUM" --version >&2
