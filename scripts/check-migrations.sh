#!/usr/bin/env bash
# Fails when the TypeORM entities and the committed migrations drift apart:
# applies every migration to a scratch database, then asks TypeORM whether the
# entities would need another migration.
set -euo pipefail
cd "$(dirname "$0")/.."
base="${DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
db="concilia_drift_$$_$RANDOM"
psql "$base" -qc "CREATE DATABASE $db" >/dev/null
trap 'psql "$base" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT
url="${base%/*}/$db"
DATABASE_URL="$url" node libs/persistence/dist/migrate.js >/dev/null
cd libs/persistence
if DATABASE_URL="$url" node ../../node_modules/typeorm/cli.js migration:generate --check -d dist/cli-data-source.js src/migrations/drift >/tmp/concilia-drift.log 2>&1; then
  echo "migrations: entities and migrations agree"
else
  cat /tmp/concilia-drift.log
  echo "migrations: DRIFT - generate a migration (npm run db:generate -- <name>) and commit it" >&2
  exit 1
fi
