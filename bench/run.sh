#!/usr/bin/env bash
# `make bench`: run every benchmark in bench/ (quick sizes; BENCH_FULL=1 for the full ones).
# Each prints its figures and its ratio to a baseline measured in the same run. Nothing asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
export OMS_DATA_DIR=${OMS_BENCH_DATA_DIR:-$(mktemp -d)}
shopt -s nullglob
for bench in bench/*/__main__.py; do
  name=$(basename "$(dirname "$bench")")
  echo "== bench/$name"
  "$PY" "bench/$name" "$@"
done
