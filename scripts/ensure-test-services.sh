#!/usr/bin/env bash
# Makes sure what the test suite talks to is there: a PostgreSQL server on 127.0.0.1:5432
# (trust auth, database `test`), the npm packages of the test OpenID provider, xmlsec1
# for the test SAML IdP, Chromium plus the built web app for the browser test, and wrk for
# the benchmark harness's tests. What is missing is installed from Debian's packages (apt,
# which needs root) and the npm registry, and each install says so on stderr first.
set -euo pipefail
cd "$(dirname "$0")/.."

ensure_test_database() {
  # A running server may still lack the `test` database: create it (as the server's owner).
  psql -h 127.0.0.1 -U postgres -qtAc "SELECT 1 FROM pg_database WHERE datname='test'" \
    2>/dev/null | grep -q 1 && return
  echo "creating the PostgreSQL database 'test' for the test suite" >&2
  createdb -h 127.0.0.1 -U postgres test 2>/dev/null || su postgres -c "createdb test"
}

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then ensure_test_database; return; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "installing PostgreSQL from Debian's packages" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  fi
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  conf=/etc/postgresql/$version/main
  if ! grep -q "dynafed-test" "$conf/pg_hba.conf" 2>/dev/null; then
    # Trust auth on loopback only, for the throwaway test database.
    sed -i '1i host all all 127.0.0.1/32 trust # dynafed-test\nhost all all ::1/128 trust # dynafed-test' "$conf/pg_hba.conf"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p 5432 && break
    sleep 1
  done
  ensure_test_database
}

ensure_node_packages() {
  local dir
  # The test OpenID provider, and the AWS SDK for JavaScript v3 and Amplify the e2e tests drive.
  for dir in tests/fixtures/oidc tests/e2e/js tests/e2e/amplify; do
    [ -f "$dir/package.json" ] || continue
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
      echo "installing the npm packages of $dir" >&2
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}

ensure_xmlsec1() {
  # pysaml2's test IdP signs SAML responses by running Debian's xmlsec1.
  command -v xmlsec1 >/dev/null 2>&1 && return
  echo "installing xmlsec1 from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq xmlsec1 >/dev/null
}

ensure_chromium() {
  # The GameScores web app is tested in Debian's Chromium, driven by playwright-core.
  command -v chromium >/dev/null 2>&1 && return
  echo "installing chromium from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null
}

ensure_wrk() {
  # The benchmark harness's own tests run replay.lua inside the real wrk.
  command -v wrk >/dev/null 2>&1 && return
  echo "installing wrk from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
}

ensure_web_app() {
  # The demo's web page: npm packages (AWS SDK v3, esbuild, playwright-core), then the bundle
  # `dynafed serve --demo` serves at /app/.
  if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules ]; then
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  fi
  if [ ! -f src/dynafed/web/app.js ] || [ -n "$(find web/src web/static web/build.mjs -newer src/dynafed/web/app.js)" ]; then
    (cd web && npm run --silent build)
  fi
}

ensure_postgres
ensure_node_packages
ensure_xmlsec1
ensure_chromium
ensure_wrk
ensure_web_app
