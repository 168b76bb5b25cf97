# One image for the three apps and the migration; the command chooses what runs:
#   node apps/ingest-api/dist/main.js        (HTTP API, PORT)
#   node apps/matcher-worker/dist/main.js    (MATCHER_PORT for health and metrics)
#   node apps/notifier-worker/dist/main.js   (NOTIFIER_PORT for health and metrics)
#   node libs/persistence/dist/migrate.js    (one-off, once per deploy)
ARG NODE_IMAGE=node:20-bookworm-slim

# The workspace manifests alone, so the install layer below is reused until a dependency changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /out && cp --parents -t /out package.json package-lock.json .npmrc apps/*/package.json libs/*/package.json

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY --from=manifests /out/ ./
# No install scripts: the build is plain tsc, and the few packages that have one either need
# it only for development tools (nx, @swc/core, @parcel/watcher), only send analytics
# (@scarf/scarf), or find their prebuilt add-on in an npm package anyway (msgpackr-extract,
# with a pure-JS fallback in BullMQ). So nothing is fetched beyond the npm packages.
# `npm install` rather than `npm ci`: the lock file was made where only linux-x64 builds of
# native optional packages exist, and npm ci refuses a lock without the other platforms.
RUN npm install --ignore-scripts --no-audit --no-fund
COPY . .
# Gather what runs: every workspace's package.json (the node_modules/@concilia/* symlinks
# resolve to them) and its compiled dist/, without sources, tests or build info.
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts \
 && for dir in apps/* libs/*; do \
      mkdir -p "/release/$dir" && cp "$dir/package.json" "/release/$dir/" \
      && if [ -d "$dir/dist" ]; then cp -r "$dir/dist" "/release/$dir/"; fi; \
    done \
 && find /release -name '*.tsbuildinfo' -delete

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
# Files stay owned by root: the app can read its code but not change it.
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /release/ ./
# The image's `node` user, by number so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 3000 3001 3002
CMD ["node", "apps/ingest-api/dist/main.js"]
