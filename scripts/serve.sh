#!/usr/bin/env bash
# Serve Minga on 127.0.0.1:$PORT with one background worker beside it, as in production.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8000}"
# Mailed links (invitations, notices) point at this server unless set otherwise.
export MINGA_BASE_URL="${MINGA_BASE_URL:-http://127.0.0.1:${port}}"
.venv/bin/minga worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Minga: http://127.0.0.1:${port}/  (log in as coordinadora / minga-demo)"
.venv/bin/minga runserver "127.0.0.1:${port}"
