#!/usr/bin/env bash
# `npm run db:generate -- <name>`: writes a migration for the difference between the entities
# and a scratch database migrated to the current head. Review it, then commit it.
set -euo pipefail
cd "$(dirname "$0")/.."
name="${1:?usage: npm run db:generate -- <kebab-case-name>}"
npm run build >/dev/null
base="${DATABASE_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
db="concilia_generate_$$"
psql "$base" -qc "CREATE DATABASE $db"
trap 'psql "$base" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null' EXIT
url="${base%/*}/$db"
DATABASE_URL="$url" node libs/persistence/dist/migrate.js >/dev/null
cd libs/persistence
DATABASE_URL="$url" node ../../node_modules/typeorm/cli.js migration:generate -p -d dist/cli-data-source.js "src/migrations/$name"
