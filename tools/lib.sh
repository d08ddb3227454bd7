# Shared steps of tools/serve and tools/test. Each step is idempotent and installs only what is
# missing, so both commands work on a fresh Debian machine that has just Rust, Node and npm.
# shellcheck shell=bash

set -euo pipefail
# Nothing here reads input; a real /dev/null keeps any child from reading a stray one.
exec </dev/null

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$REPO/.local"            # git-ignored: private PostgreSQL cluster, logs
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$REPO/target}"
export PATH="$HOME/.cargo/bin:$REPO/node_modules/.bin:$PATH"
# The server runs from its own copy of the binary, hash.txt and site files (see build_release).
DIST="$REPO/target/dist"
SERVER_BIN="$DIST/server"

# Database roles the migrations grant to; see migrations/*_roles_and_privileges.sql.
OWNER_ROLE=workdesk_owner
APP_ROLE=workdesk_app
WORKER_ROLE=workdesk_worker
DB_PASSWORD="${WORKDESK_DB_PASSWORD:-workdesk}"
PRIVATE_PG_PORT="${WORKDESK_PRIVATE_PG_PORT:-54329}"
PRIVATE_REDIS_PORT="${WORKDESK_PRIVATE_REDIS_PORT:-63791}"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
note() { printf '    %s\n' "$*"; }
die() { printf '\033[31merror:\033[0m %s\n' "$*" >&2; exit 1; }
have() { command -v "$1" >/dev/null 2>&1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif have sudo; then sudo "$@"
  else die "need root to run: $* (install it by hand, or run as root)"; fi
}

APT_UPDATED=""
apt_install() {
  have apt-get || die "apt-get not found: install $* by hand"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# Installs a folder's npm packages as its lock file pins them. Not `npm ci`: npm 11 leaves other
# platforms' optional packages out of lock files it writes here, and `npm ci` then refuses them.
# `--no-save` resolves from the lock file and never rewrites it.
npm_install() {
  (cd "$1" && npm install --no-save --no-audit --no-fund --loglevel=error)
}

# --- build tools -----------------------------------------------------------------------------

ensure_build_tools() {
  step "Build tools"
  have cargo || die "cargo not found: install the Rust toolchain (rustup) first"
  have npm || die "npm not found: install Node.js and npm first"
  rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown

  if ! cargo leptos --version >/dev/null 2>&1; then
    # cargo-leptos's lock file needs a newer rustc than stable here; nightly has it.
    local tc=""; rustup toolchain list | grep -q '^nightly' && tc="+nightly"
    note "installing cargo-leptos (takes ~15 minutes on 2 cores, once)"
    cargo $tc install cargo-leptos --version 0.3.11 --locked
  fi
  note "$(cargo leptos --version)"

  # cargo-leptos uses the wasm-bindgen CLI on PATH; it must match the library version exactly.
  local want; want="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' "$REPO/Cargo.lock")"
  if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    note "installing wasm-bindgen-cli $want"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
  note "wasm-bindgen $want"

  # tailwindcss and wasm-opt (binaryen) come from npm; cargo-leptos finds them on PATH.
  if [ ! -x "$REPO/node_modules/.bin/tailwindcss" ] || [ ! -x "$REPO/node_modules/.bin/wasm-opt" ] \
     || [ "$REPO/package-lock.json" -nt "$REPO/node_modules/.package-lock.json" ]; then
    npm_install "$REPO"
  fi
  note "tailwindcss and wasm-opt ready"
}

ensure_browser_tools() {
  step "Browser test tools"
  if ! [ -x /usr/bin/chromium ]; then
    note "installing Debian's chromium (Playwright cannot download its own browser here)"
    apt_install chromium
  fi
  note "$(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
  if [ ! -d "$REPO/end2end/node_modules/@playwright/test" ] \
     || [ "$REPO/end2end/package-lock.json" -nt "$REPO/end2end/node_modules/.package-lock.json" ]; then
    npm_install "$REPO/end2end"
  fi
  note "playwright ready"
}

# schemathesis, for tools/api-fuzz: from PyPI into a private virtualenv, pinned.
SCHEMATHESIS_VERSION=4.32.5
ensure_schemathesis() {
  step "schemathesis"
  have curl || apt_install curl
  have python3 || apt_install python3 python3-venv
  if ! "$LOCAL/venv/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    mkdir -p "$LOCAL"
    python3 -m venv "$LOCAL/venv" || { apt_install python3-venv && python3 -m venv "$LOCAL/venv"; }
    "$LOCAL/venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
  fi
  note "$("$LOCAL/venv/bin/schemathesis" --version)"
}

# --- PostgreSQL ------------------------------------------------------------------------------

# ADMIN_URL: a connection with the right to create roles and databases, found in this order:
# the DATABASE_URL given by the caller, a server answering on 127.0.0.1:5432, or a private
# cluster under .local/pg (created on first use).
ensure_postgres() {
  step "PostgreSQL"
  have psql || apt_install postgresql-client
  if [ -n "${WORKDESK_ADMIN_URL:-}" ]; then
    ADMIN_URL="$WORKDESK_ADMIN_URL"
  elif [ -n "${DATABASE_URL:-}" ]; then
    ADMIN_URL="$DATABASE_URL"; note "using DATABASE_URL"
  elif psql "postgres://postgres@127.0.0.1:5432/postgres" -qAtc 'select 1' >/dev/null 2>&1; then
    ADMIN_URL="postgres://postgres@127.0.0.1:5432/postgres"; note "using the server on 127.0.0.1:5432"
  else
    start_private_cluster
    ADMIN_URL="postgres://postgres@127.0.0.1:$PRIVATE_PG_PORT/postgres"
  fi
  psql "$ADMIN_URL" -qAtc 'select 1' >/dev/null || die "cannot connect to PostgreSQL at $(redact "$ADMIN_URL")"
  export WORKDESK_ADMIN_URL="$ADMIN_URL"
  note "$(psql "$ADMIN_URL" -qAtc 'show server_version') at $(redact "$ADMIN_URL")"

  psql "$ADMIN_URL" -q -v ON_ERROR_STOP=1 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$OWNER_ROLE') THEN
    CREATE ROLE $OWNER_ROLE LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP_ROLE') THEN
    CREATE ROLE $APP_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '$DB_PASSWORD';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$WORKER_ROLE') THEN
    CREATE ROLE $WORKER_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS PASSWORD '$DB_PASSWORD';
  END IF;
END \$\$;
SQL
}

# A Redis for the shared rate limits' test: the machine's own on 6379 when it answers, else
# one started on a private port (installed from Debian's packages when missing). It keeps
# nothing on disk: rate-limit counts live a minute.
ensure_redis() {
  step "Redis"
  have redis-cli || apt_install redis-tools
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    WORKDESK_TEST_REDIS_URL="redis://127.0.0.1:6379"; note "using the server on 127.0.0.1:6379"
  else
    have redis-server || apt_install redis-server
    if ! redis-cli -h 127.0.0.1 -p "$PRIVATE_REDIS_PORT" ping >/dev/null 2>&1; then
      note "starting a private Redis on 127.0.0.1:$PRIVATE_REDIS_PORT"
      mkdir -p "$LOCAL"
      redis-server --daemonize yes --bind 127.0.0.1 --port "$PRIVATE_REDIS_PORT" \
        --save "" --appendonly no --logfile "$LOCAL/redis.log" >/dev/null
      for _ in $(seq 50); do
        redis-cli -h 127.0.0.1 -p "$PRIVATE_REDIS_PORT" ping >/dev/null 2>&1 && break
        sleep 0.1
      done
    fi
    WORKDESK_TEST_REDIS_URL="redis://127.0.0.1:$PRIVATE_REDIS_PORT"
  fi
  redis-cli -u "$WORKDESK_TEST_REDIS_URL" ping >/dev/null || die "cannot reach Redis at $WORKDESK_TEST_REDIS_URL"
  export WORKDESK_TEST_REDIS_URL
}

# PostgreSQL's server programs (initdb, pg_ctl): the reliability tests crash and restore scratch
# clusters of their own, whichever server the rest of the tests use.
ensure_pg_binaries() {
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { note "installing PostgreSQL's programs"; apt_install postgresql; }
}

# Caddy, the reverse proxy the multi-process test puts in front of two servers (and the
# documented production front, tools/Caddyfile). Debian's package; its service is not needed.
ensure_caddy() {
  step "Caddy"
  have caddy || { note "installing caddy"; apt_install caddy; }
  WORKDESK_TEST_CADDY="$(command -v caddy)"
  export WORKDESK_TEST_CADDY
  note "$(caddy version | head -1)"
}

start_private_cluster() {
  local bindir; bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
    note "installing PostgreSQL"
    apt_install postgresql
    bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  local data="$LOCAL/pg/data" run_as=()
  mkdir -p "$LOCAL/pg"
  # initdb refuses to run as root; the postgres system user owns the private cluster then.
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$LOCAL/pg" postgres
    chown -R postgres "$LOCAL/pg"; chmod 700 "$LOCAL/pg"
    run_as=(runuser -u postgres --)
  fi
  if [ ! -s "$data/PG_VERSION" ]; then
    note "initialising a private cluster in .local/pg"
    "${run_as[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >/dev/null
  fi
  if ! "${run_as[@]}" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    note "starting the private cluster on 127.0.0.1:$PRIVATE_PG_PORT"
    "${run_as[@]}" "$bindir/pg_ctl" -D "$data" -l "$LOCAL/pg/server.log" -w start \
      -o "-p $PRIVATE_PG_PORT -c listen_addresses=127.0.0.1 -k $LOCAL/pg" >/dev/null
  fi
}

redact() { printf '%s' "$1" | sed -E 's#(://[^:/@]+):[^@]*@#\1:***@#'; }

# Builds a URL to database $2 on the admin server as role $1.
role_url() {
  node -e '
    const u = new URL(process.argv[1]);
    u.username = process.argv[2]; u.password = process.argv[4]; u.pathname = "/" + process.argv[3];
    console.log(u.toString());' "$ADMIN_URL" "$1" "$2" "$DB_PASSWORD"
}

# Creates database $1 (owned by the owner role) if missing; with "fresh", recreates it.
ensure_database() {
  local name="$1" mode="${2:-}"
  if [ "$mode" = fresh ]; then
    psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)"
  fi
  if [ -z "$(psql "$ADMIN_URL" -qAtc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
    psql "$ADMIN_URL" -qc "CREATE DATABASE $name OWNER $OWNER_ROLE"
  fi
  export DATABASE_URL MIGRATION_DATABASE_URL WORKER_DATABASE_URL TEST_DATABASE_URL
  DATABASE_URL="$(role_url "$APP_ROLE" "$name")"
  WORKER_DATABASE_URL="$(role_url "$WORKER_ROLE" "$name")"
  MIGRATION_DATABASE_URL="$(role_url "$OWNER_ROLE" "$name")"
  # Integration tests create a database per test from a migrated template, as the owner.
  TEST_DATABASE_URL="$(role_url "$OWNER_ROLE" postgres)"
  note "database $name ready"
}

# --- compile-checked SQL -----------------------------------------------------------------------

# The `query!` macros read the committed .sqlx/ data, never a database: builds need none, and
# the DATABASE_URL exported for the server is not mistaken for one to compile against.
export SQLX_OFFLINE=true

# Writes the query data of every `query!` in the backend to $1, from a scratch database with
# the migrations applied: the macros describe each query there and save what they found. The
# backend is checked in a target directory of its own, cleaned first, so every macro runs.
prepare_query_data() {
  local out="$1" db="wd_sqlx_prepare_$$"
  PGOPTIONS="-c client_min_messages=warning" psql "$ADMIN_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"
  psql "$ADMIN_URL" -qc "CREATE DATABASE $db OWNER $OWNER_ROLE"
  local url; url="$(role_url "$OWNER_ROLE" "$db")"
  for f in "$REPO"/migrations/*.sql; do
    psql "$url" -q -v ON_ERROR_STOP=1 -f "$f" >/dev/null
  done
  rm -rf "$out" && mkdir -p "$out"
  local target="${CARGO_TARGET_DIR:-$REPO/target}/sqlx-prepare"
  cargo clean -q -p backend --target-dir "$target" 2>/dev/null || true
  SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$out" DATABASE_URL="$url" \
    cargo check -q -p backend --features model/ssr --target-dir "$target"
  psql "$ADMIN_URL" -qc "DROP DATABASE $db WITH (FORCE)"
}

# --- the application -------------------------------------------------------------------------

# CARGO_TARGET_DIR may be shared by several checkouts (.ci/run keeps it in ~/.cache). Leptos
# reads hash.txt beside the binary on every page, so a server started from the shared directory
# would name another checkout's assets as soon as that checkout builds. Hence one build at a
# time per target directory, and a private copy of what was built.
build_release() {
  step "Release build (server + hydrate wasm + CSS)"
  mkdir -p "$CARGO_TARGET_DIR"
  # Chained with && because `set -e` is ignored when a caller writes `build_release && ...`.
  # LEPTOS_SITE_ROOT (exported below for serving) would redirect cargo-leptos's output too.
  (
    flock 9 \
      && cd "$REPO" \
      && LEPTOS_SITE_ROOT="$REPO/target/site" cargo leptos build --release --split \
      && rm -rf "$DIST.new" && mkdir -p "$DIST.new" \
      && cp "$CARGO_TARGET_DIR/release/server" "$CARGO_TARGET_DIR/release/hash.txt" "$DIST.new/" \
      && cp -r "$REPO/target/site" "$DIST.new/site" \
      && precompress "$DIST.new/site/pkg" \
      && rm -rf "$DIST" && mv "$DIST.new" "$DIST"
  ) 9>"$CARGO_TARGET_DIR/.workdesk-build.lock"
}

# Brotli (quality 11) and gzip (level 9) copies beside each bundle file, made once here rather
# than on every request: the server sends them to browsers that accept them (ServeDir).
precompress() {
  node -e '
    const fs = require("fs"), path = require("path"), zlib = require("zlib");
    for (const name of fs.readdirSync(process.argv[1])) {
      if (!/\.(wasm|js|css)$/.test(name)) continue;
      const file = path.join(process.argv[1], name), data = fs.readFileSync(file);
      fs.writeFileSync(file + ".br", zlib.brotliCompressSync(data, { params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length } }));
      fs.writeFileSync(file + ".gz", zlib.gzipSync(data, { level: 9 }));
    }' "$1"
}

migrate_and_seed() {
  step "Migrations and demo data"
  "$SERVER_BIN" migrate
  "$SERVER_BIN" seed
}

# Site files as cargo-leptos lays them out; hash.txt beside the binary names the hashed assets.
export LEPTOS_SITE_ROOT="$DIST/site"

# The freeze hunt (tools/stress.mjs) against a database of its own with the demo data; the
# per-test database cleanup drops it (wd_test_ prefix).
run_freeze_hunt() {
  (
    ensure_database wd_test_stress fresh >/dev/null
    "$SERVER_BIN" migrate >/dev/null
    "$SERVER_BIN" seed >/dev/null
    SERVER_BIN="$SERVER_BIN" node "$REPO/tools/stress.mjs" "$@"
  )
}
