#!/usr/bin/env bash
# `npm run up`: from a fresh clone to the whole system running on the local PostgreSQL and
# Redis: install, build, create the database, migrate, then run the three apps (Ctrl-C stops them).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/local-services.sh
npm install --no-audit --no-fund
npm run build

export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/concilia}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
export ADMIN_TOKEN="${ADMIN_TOKEN:-dev-admin-token-change-me}"
export WEBHOOK_ALLOWED_CIDRS="${WEBHOOK_ALLOWED_CIDRS:-127.0.0.0/8,::1/128}"

database="${DATABASE_URL##*/}"
admin_url="${DATABASE_URL%/*}/postgres"
if [ "$(psql "$admin_url" -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" != "1" ]; then
  psql "$admin_url" -qc "CREATE DATABASE \"$database\""
fi
npm run db:migrate

cat <<INFO

Concilia is starting:
  API              http://127.0.0.1:${PORT:-3000}   (OpenAPI UI at /docs)
  matcher-worker   http://127.0.0.1:${MATCHER_PORT:-3001}/health/ready
  notifier-worker  http://127.0.0.1:${NOTIFIER_PORT:-3002}/health/ready
  ADMIN_TOKEN      ${ADMIN_TOKEN}   (set ADMIN_TOKEN to choose your own)

INFO
exec npm start
