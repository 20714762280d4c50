# The flowwatch app: `docker run IMAGE produce|consume|verify|top|dashboard ...`. Node 24 runs the
# TypeScript sources directly, so the image holds the sources and the production dependencies, no build.
# NODE_IMAGE: any Node 24 image on Debian with a `node` user (the official slim one by default;
# infra/build-images.sh builds a stand-in where no registry is reachable).
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS dependencies
WORKDIR /app
COPY package.json package-lock.json ./
COPY patches ./patches
# No install scripts: the production dependencies are pure JavaScript and need none. The project's
# fix to kafkajs (patches/) is applied by name instead, as `npm ci`'s postinstall does in a checkout.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
  && npx --no-install patch-package --error-on-fail \
  && npm cache clean --force

FROM ${NODE_IMAGE}
# tini as PID 1 forwards SIGTERM to Node (which then stops gracefully) and reaps children.
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production
COPY --from=dependencies /app/node_modules ./node_modules
# Every source folder, the bundled sample and package.json (.dockerignore keeps out the rest).
COPY . .
USER node
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--max-old-space-size=128", "--max-semi-space-size=8", "--initial-old-space-size=64", "bin/flowwatch.js"]
CMD ["--help"]
