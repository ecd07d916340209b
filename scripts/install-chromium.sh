#!/usr/bin/env bash
# Installs Debian's Chromium for the Next example's end-to-end test (examples/next-app), which drives it through
# playwright-core: Playwright's own browser downloads are not reachable here, the distribution package is.
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (or sudo) for apt-get.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi

if ! command -v apt-get >/dev/null; then
  echo "install-chromium: apt-get not found; install Chromium so that /usr/bin/chromium exists." >&2
  exit 1
fi

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "install-chromium: run as root (apt-get needs it), or install sudo." >&2
    exit 1
  fi
  SUDO=(sudo)
fi

# fonts-dejavu-core: without recommends nothing else brings a font, and the test's screenshots would show boxes.
echo "install-chromium: apt-get install chromium"
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null

if [ ! -x /usr/bin/chromium ]; then
  echo "install-chromium: the chromium package installed, but /usr/bin/chromium is missing." >&2
  exit 1
fi
echo "chromium: installed ($(/usr/bin/chromium --version 2>/dev/null || echo 'version unknown'))"
