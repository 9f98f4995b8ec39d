#!/usr/bin/env bash
# Every check: lint, format, types, and the whole test suite against real
# NATS JetStream, real Postgres and real media. Extra arguments go to pytest.
#
#   ./scripts/test.sh          everything (what .ci/run runs)
#   ./scripts/test.sh --fast   the inner loop: lint, format, and only the tests that start
#                              no server (no nats-server, Postgres or service process),
#                              leaving out the real-media corpus too; skips mypy
set -euo pipefail
source "$(dirname "$0")/_venv.sh"

fast=false
if [ "${1:-}" = "--fast" ]; then
  fast=true
  shift
fi

echo "== ruff check";  ruff check .
echo "== ruff format"; ruff format --check .
# The TypeScript client and the web app type-check wherever Node is installed (CI has it).
if command -v node >/dev/null && command -v npm >/dev/null; then
  echo "== tsc (clients/typescript, web)"
  for dir in clients/typescript web; do
    [ -d "$dir/node_modules" ] || (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  done
  (cd clients/typescript && npx tsc -p tsconfig.json --noEmit && npx tsc -p tsconfig.test.json --noEmit)
  (cd web && npx tsc --noEmit)
else
  echo "== tsc skipped: node and npm not found (the TypeScript checks and tests need Node 20+)"
fi
if [ "$fast" = true ]; then
  echo "== pytest (fast tier: no server, no corpus)"
  python -m pytest -m "not servers and not corpus" "$@"
else
  echo "== mypy";      mypy
  echo "== pytest";    python -m pytest "$@"
fi
