# syntax=docker/dockerfile:1
# Build and run on the current Node.js LTS. The build steps are the same commands the
# README and CI use: `npm ci`, then `npm run build`.
ARG NODE_VERSION=26

FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches the Node ABI
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-console-assets.mjs ./scripts/
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:${NODE_VERSION}-bookworm-slim
# TAGRELAY_ENV_FILE: an optional KEY=value file next to the config (docker-compose.yml
# mounts the folder), read at start; variables set in the container's environment win
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
