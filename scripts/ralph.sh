#!/usr/bin/env bash
# A throw-away Ralph LRS (openfun/ralph, PyPI "ralph-malph") for the tests: file-system backend,
# HTTP Basic auth, loopback only. The LRS tests (tests/integration/lrs/) run it; so can you.
#
#   bash scripts/ralph.sh install              # its own venv (idempotent; kept between runs)
#   bash scripts/ralph.sh start PORT STATE_DIR # install, then run in the background
#   bash scripts/ralph.sh stop STATE_DIR       # stop the one started with that STATE_DIR
#
# RALPH_VENV      the venv (default: .ralph-venv in the repo; git ignores it)
# RALPH_USER      Basic-auth user created in STATE_DIR/auth.json (default ralph-test)
# RALPH_PASSWORD  its password (default ralph-test-secret)
#
# STATE_DIR holds auth.json, the statements (data/fs_lrs.jsonl, one per line), ralph.log and
# ralph.pid. Stopping keeps the data: start again with the same STATE_DIR to carry on.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${RALPH_VENV:-$ROOT/.ralph-venv}"
USER_NAME="${RALPH_USER:-ralph-test}"
PASSWORD="${RALPH_PASSWORD:-ralph-test-secret}"
# The version issue 3 measured against. 5.1.0 forgets `requests` (its OIDC module imports it,
# only the backend-ldp extra installs it), so it is named here.
PACKAGES=("ralph-malph[cli,lrs]==5.1.0" "requests")

usage() {
  sed -n '2,15p' "$0" >&2
  exit 2
}

install() {
  local ready="$VENV/.learnloop-ready-5.1.0"
  [ -f "$ready" ] && return 0
  local python
  python="$(command -v python3.11 || command -v python3)"
  [ -x "$VENV/bin/python" ] || "$python" -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check "${PACKAGES[@]}"
  # ralph.api picks its backend at import time: name ours, or it looks for Elasticsearch.
  RALPH_RUNSERVER_BACKEND=fs "$VENV/bin/python" -c "import ralph.api, requests, bcrypt"
  touch "$ready"  # importing Ralph takes seconds: check once, not at every start
}

start() {
  local port="$1" state
  state="$(mkdir -p "$2" && cd "$2" && pwd)"
  install
  if [ -f "$state/ralph.pid" ] && kill -0 "$(cat "$state/ralph.pid")" 2>/dev/null; then
    echo "Ralph is already running from $state (pid $(cat "$state/ralph.pid"))" >&2
    exit 1
  fi
  mkdir -p "$state/data"
  export RALPH_APP_DIR="$state"
  export RALPH_AUTH_FILE="$state/auth.json"
  export RALPH_RUNSERVER_BACKEND=fs
  export RALPH_RUNSERVER_AUTH_BACKENDS=basic
  export RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH="$state/data"
  export RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH="$state/data"

  # The test user, in the format `ralph auth --write-to-disk` writes, but with bcrypt's lowest
  # cost: Ralph checks the hash on every request, and this user guards nothing.
  if ! grep -qs "\"$USER_NAME\"" "$state/auth.json"; then
    "$VENV/bin/python" - "$state/auth.json" "$USER_NAME" "$PASSWORD" <<'PY'
import json, sys
import bcrypt
path, user, password = sys.argv[1:]
hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=4)).decode()
agent = {"mbox": f"mailto:{user}@example.com", "objectType": "Agent", "name": "LearnLoop tests"}
entry = {"agent": agent, "scopes": ["all"], "hash": hashed, "username": user}
with open(path, "w") as f:
    json.dump([entry], f, indent=2)
PY
  fi

  # Ralph 5.1.0's file backend writes with the CREATE operation, so every write after the first
  # fails ("fs_lrs.jsonl already exists and overwrite is not allowed", a 500). Appending is
  # what it means to do; this module makes it so, then serves Ralph's app.
  cat >"$state/ralph_append.py" <<'PY'
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402  (after the fix above)
PY

  cd "$state"
  "$VENV/bin/python" -m uvicorn ralph_append:app --app-dir "$state" --host 127.0.0.1 \
    --port "$port" --workers 1 --log-level warning >"$state/ralph.log" 2>&1 &
  echo $! >"$state/ralph.pid"
  for _ in $(seq 1 300); do  # up to a minute: importing Ralph takes seconds
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then  # uvicorn listens once Ralph is loaded
      echo "Ralph is up: http://127.0.0.1:$port/xAPI/ (user $USER_NAME, pid $(cat "$state/ralph.pid"))"
      return 0
    fi
    if ! kill -0 "$(cat "$state/ralph.pid")" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  echo "Ralph did not come up; its log:" >&2
  cat "$state/ralph.log" >&2
  stop "$state"
  exit 1
}

stop() {
  local pidfile="$1/ralph.pid" pid
  [ -f "$pidfile" ] || return 0
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      kill -9 "$pid"
    fi
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  install) install ;;
  start) [ $# -eq 3 ] || usage; start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || usage; stop "$2" ;;
  *) usage ;;
esac
