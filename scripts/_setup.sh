# Sourced by serve.sh and test.sh: make .venv, install the pinned requirements, compile the catalogues.
# Usage: source scripts/_setup.sh [requirements files...]
set -euo pipefail
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "Creating the virtual environment in .venv ..."
  "$PYTHON" -m venv .venv
fi
# Reinstall only when a requirements file changed since the last install.
stamp=".venv/.requirements-$(cat "$@" | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "Installing $* ..."
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
  args=()
  for file in "$@"; do args+=(-r "$file"); done
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "${args[@]}"
  rm -f .venv/.requirements-*
  touch "$stamp"
fi
.venv/bin/pybabel compile --use-fuzzy -d translations 2>&1 | grep -v "^compiling" || true
export PATH="$PWD/.venv/bin:$PATH"
export FLASK_APP=app
