#!/usr/bin/env bash
# One command on a fresh machine: install everything, lint, build the documentation and run every test.
# SQLite by default; TEST_DATABASE_URL=postgresql+psycopg://... runs the same tests on PostgreSQL.
# Extra arguments go to pytest, e.g. scripts/test.sh -k rounds -x
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_setup.sh requirements.txt requirements-dev.txt
ruff check .
ruff format --check .
mkdocs build --strict --site-dir "$(mktemp -d)"  # the documentation: a broken link, anchor or missing page fails
python -m pytest --cov --cov-report= --durations=15 "$@"
[ $# -gt 0 ] || python scripts/coverage_gate.py  # each package's coverage against its floor, after a full run
