#!/usr/bin/env bash
# Run the whole platform on this machine (the embedded default): NATS JetStream and
# Postgres from wheels, blobs under .echo/, and the four services. Ctrl-C stops it all.
set -euo pipefail
source "$(dirname "$0")/_venv.sh"
exec python -m services.devstack "$@"
