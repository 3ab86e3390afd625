#!/usr/bin/env bash
# After changing interface text: extract the messages and merge them into the catalogues.
# Then translate the new entries of translations/zh_Hans_CN/LC_MESSAGES/messages.po
# (tests/core/test_i18n.py fails while one is missing).
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
  --project reform-platform -o translations/messages.pot .
.venv/bin/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete
