#!/usr/bin/env bash
# `npm test`: every test tier against the local PostgreSQL and Redis. Each run creates its own
# database and Redis key prefix and removes them afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/local-services.sh
npm run build
bash scripts/check-migrations.sh
npx jest --selectProjects unit
npx jest --selectProjects int e2e --runInBand
