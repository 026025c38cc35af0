#!/usr/bin/env bash
# The whole suite: lint, then pytest on SQLite, then pytest on PostgreSQL when it is reachable
# (in CI always: a missing service fails instead of skipping).
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
export OMS_TEST_ARTIFACTS=${OMS_TEST_ARTIFACTS:-$PWD/test-artifacts}
mkdir -p "$OMS_TEST_ARTIFACTS"

echo "== lint (ruff, mypy)"
"$VENV/bin/ruff" check src bench conftest.py
"$VENV/bin/mypy" src/oms

pg_url=${OMS_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
pg_up() { "$PY" -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(s.connect_ex(('127.0.0.1',5432)))"; }

echo "== tests on SQLite"
"$PY" -m pytest "$@"

if [ "${CI:-}" = "true" ] || [ "${OMS_REQUIRE_SERVICES:-}" = "1" ] || pg_up; then
  echo "== tests on PostgreSQL ($pg_url; browser tests ran above)"
  OMS_TEST_DATABASE_URL="$pg_url" "$PY" -m pytest -m "not browser" "$@"
else
  echo "== PostgreSQL not reachable on 127.0.0.1:5432: the PostgreSQL run was skipped"
fi
