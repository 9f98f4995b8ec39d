#!/usr/bin/env bash
# Run the whole platform on this machine (the embedded default): NATS JetStream and
# Postgres from wheels, the migrate step, blobs under .echo/, and the four services.
# Ctrl-C stops the services, then NATS and Postgres.
#
#   ./scripts/dev.sh                                   ports 8000-8003, NATS 4222, data in .echo/
#   ./scripts/dev.sh --port-base 9000 --data-dir .echo2  a second platform beside the first
#   ./scripts/dev.sh --ports auto --data-dir /tmp/echo   free ports
set -euo pipefail
source "$(dirname "$0")/_venv.sh"
exec python -m services.devstack "$@"
