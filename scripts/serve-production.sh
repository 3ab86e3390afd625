#!/usr/bin/env bash
# Production: install the pinned requirements, migrate the database, serve with gunicorn (gunicorn.conf.py).
# Configure it by environment (README, "Production"): DATABASE_URL, SECRET_KEY, BIND, WEB_WORKERS, WEB_THREADS, WEB_TIMEOUT …
# --demo also loads the demo data. MIGRATE=false skips the migration (another machine already ran it).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_setup.sh requirements.txt
if [ -z "${SECRET_KEY:-}" ]; then
  echo "warning: SECRET_KEY is not set; this machine's own key (instance/secret_key) signs its sessions," \
    "so a login made here is not valid on another server." >&2
fi
if [ "${MIGRATE:-true}" != "false" ]; then
  flask db upgrade
fi
if [ "${1:-}" = "--demo" ]; then
  flask demo load
  flask search rebuild
fi
exec gunicorn -c gunicorn.conf.py
