#!/usr/bin/env bash
# Every check: lint, format, types, and the whole test suite against real
# NATS JetStream, real Postgres and real media. Extra arguments go to pytest.
set -euo pipefail
source "$(dirname "$0")/_venv.sh"

echo "== ruff check";  ruff check .
echo "== ruff format"; ruff format --check .
echo "== mypy";        mypy
echo "== pytest";      python -m pytest "$@"
