#!/usr/bin/env bash
# One command on a fresh machine: install, create and migrate the database, load the demo, serve.
# Serves http://127.0.0.1:5000 (set PORT to change it). Database: DATABASE_URL, or SQLite in instance/.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_setup.sh requirements.txt
flask db upgrade
flask demo load
flask search rebuild   # the index matches the data, whatever happened to its folder
echo "Serving on http://127.0.0.1:${PORT:-5000}  (Ctrl+C stops)"
START_WORKERS=true exec flask run --host 127.0.0.1 --port "${PORT:-5000}"
