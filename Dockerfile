# syntax=docker/dockerfile:1
# Build and run on Node.js 24, an LTS line ("Krypton", supported until April 2028). Node.js
# 26's changelog still calls its releases "Current" (through 26.12.1): a deployed service
# follows an LTS line. tagrelay supports Node >= 22; moving the image to 26 once its
# changelog says LTS is this one argument (`--build-arg NODE_VERSION=26` tries it now).
# The build steps are the same commands the README and CI use: `npm ci`, `npm run build`.
ARG NODE_VERSION=24

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches the Node ABI (or
# GitHub, where the prebuilt binaries live, cannot be reached)
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
# Compile against the headers the base image carries (/usr/local/include/node) rather than
# downloading them from nodejs.org. node-gyp itself reads npm_config_* variables from its
# environment; npm 11 warns that it does not know `nodedir` ("Unknown env config") but
# passes the variable on to install scripts like any other.
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci
# esbuild reads tsconfig.json's compile settings (scripts/build.mjs)
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
# Only the compiled addon of better-sqlite3 is needed at run time: its C sources (deps/,
# src/) and the compiler's intermediates in build/ (26 MB in all) stay in this stage.
RUN npm run build && npm prune --omit=dev \
 && cd node_modules/better-sqlite3 \
 && find build -mindepth 1 -maxdepth 1 ! -name Release -exec rm -rf {} + \
 && find build/Release -mindepth 1 -maxdepth 1 ! -name better_sqlite3.node -exec rm -rf {} + \
 && rm -rf deps src \
 && cd /app \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

FROM node:${NODE_VERSION}-bookworm-slim
# TAGRELAY_ENV_FILE: an optional KEY=value file next to the config (docker-compose.yml
# mounts the folder), read at start; variables set in the container's environment win.
# The process runs as `node` (uid 1000, gid 1000): it must be able to read the config and
# the .env (owned by 1000, or group-readable by gid 1000) and write to /data.
ENV NODE_ENV=production \
    TAGRELAY_CONFIG=/etc/tagrelay/tagrelay.yaml \
    TAGRELAY_ENV_FILE=/etc/tagrelay/.env \
    TAGRELAY_STORE_URL=sqlite:/data/tagrelay.db
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /data /etc/tagrelay && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
STOPSIGNAL SIGTERM
# reads the config like `serve` does, so a port set in the YAML (or TAGRELAY_PORT) moves the check with it
HEALTHCHECK --interval=15s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "dist/cli.js", "healthcheck"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["serve"]
