# caseops container image. Not built or run in caseops' own CI (no Docker engine there): kept minimal and
# conventional so it is easy to check by eye.
#
#   docker build -t caseops .
#   docker run --env-file .env -p 3000:3000 -v caseops-data:/data caseops

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: all dependencies, bundle src/ into dist/ with esbuild (scripts/build.mjs) ---------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 13 ships Node-API binaries for linux x64/arm64 inside its package: no compiler needed.
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN npm run build

# --- production dependencies only ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# --- runtime: no compilers, no dev dependencies, not root ---------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# CASEOPS_PLAYGROUND=false: a container started without Slack credentials stops with a clear message instead of
# serving the local playground.
ENV NODE_ENV=production \
    CASEOPS_PLAYGROUND=false \
    PORT=3000 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
# glibc's allocator: two arenas instead of one per thread, freed memory handed back (bench/config.ts,
# CASEOPS_MALLOC_ENV: resident memory after a 10,000-case sweep, measured with and without).
ENV MALLOC_ARENA_MAX=2 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    MALLOC_MMAP_THRESHOLD_=131072
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY examples ./examples
# The embedded SQLite database lives in /data (mount a volume); with DATABASE_URL it stays empty.
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# Liveness through node itself: slim images have no curl or wget.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Straight to node: no npm process between the container's signals and the app. dist/main.js turns on Node's
# compile cache (in /tmp unless NODE_COMPILE_CACHE says otherwise): a container's restarts skip compiling.
# A small young generation, and V8's collector callable so memory goes back after each poll (bench/config.ts,
# CASEOPS_NODE_FLAGS).
CMD ["node", "--max-semi-space-size=16", "--expose-gc", "dist/main.js"]
