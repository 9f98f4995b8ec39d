# Sourced by the scripts: make sure .venv exists with the project installed, then activate it.
# Re-installs only when pyproject.toml changed since the last install.
set -euo pipefail
ECHO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ECHO_VENV:-$ECHO_ROOT/.venv}"
PYTHON_BIN="${PYTHON:-python3}"

if ! "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Echo needs Python 3.11 or newer (found: $("$PYTHON_BIN" --version 2>&1))." >&2
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "Creating virtualenv in $VENV ..."
  "$PYTHON_BIN" -m venv "$VENV"
fi
STAMP="$VENV/.echo-installed"
if [ ! -f "$STAMP" ] || [ "$ECHO_ROOT/pyproject.toml" -nt "$STAMP" ]; then
  echo "Installing Echo and its tools into $VENV ..."
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  "$VENV/bin/python" -m pip install --quiet -e "$ECHO_ROOT[dev]"
  touch "$STAMP"
fi
# shellcheck disable=SC1091
source "$VENV/bin/activate"
cd "$ECHO_ROOT"
