#!/usr/bin/env bash
# HTTP-stack benchmark (ADR 0005). Needs wrk (Debian package) and the separate venv below.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${STACK_VENV:-/tmp/stackvenv}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q fastapi 'uvicorn[standard]' litestar granian msgspec pydantic 'sqlalchemy>=2' -e "$HERE/../.."
fi
"$VENV/bin/python" "$HERE/smoke.py"
"$VENV/bin/python" "$HERE/run.py" "$@"
"$VENV/bin/python" "$HERE/report.py"
