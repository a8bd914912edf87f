#!/usr/bin/env bash
# Installs Debian's Chromium when it is missing. Browser tests never download a browser of their own.
set -euo pipefail
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then echo "chromium is missing: run 'sudo apt-get install -y chromium'" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq chromium >/dev/null
