#!/usr/bin/env bash
# Installs Debian's chromium for the HTML report's browser test (tests/test_formats.py).
# Idempotent: does nothing when chromium is already on PATH. Needs root (CI runs as root)
# and Debian's package repositories; no other download.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install_browser.sh: chromium is missing and installing it needs root (apt-get)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null
