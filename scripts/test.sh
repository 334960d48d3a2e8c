#!/usr/bin/env bash
# Installs what the tests need and runs the whole suite (README's second command; .ci/run calls it).
#   bash scripts/test.sh [pytest args...]
# PostgreSQL: set LEARNLOOP_TEST_DATABASE_URL (otherwise a throw-away SQLite file is used).
# Redis:      set LEARNLOOP_TEST_REDIS_URL for the Celery worker tests (skipped without it).
# Chromium:   Debian's chromium is installed when missing and we are root (browser tests).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing Debian's chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  else
    echo "note: /usr/bin/chromium is missing; browser tests will be skipped (apt-get install chromium)"
  fi
fi

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python scripts/translations.py --check
exec .venv/bin/python -m pytest "$@"
