#!/usr/bin/env bash
# The whole test suite: installs what it needs, then type-checks, runs the unit, simulation and
# compatibility tests (Node) and the browser tests (Debian Chromium against the built page).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
bash scripts/ensure-chromium.sh
bash scripts/ensure-etcd.sh
npx tsc -p tsconfig.json --noEmit
npx vitest run
npx vite build
npx playwright test
