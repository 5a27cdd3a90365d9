# syntax=docker/dockerfile:1
# Syntra's container image. It cannot be built on the development and CI machines (no container
# engine there); the build runs the same steps CI and `npm run test:pack` run: `npm ci` (which
# builds dist/ and the panel through `prepare`) and `npm pack`, then installs the packed tarball
# the way a user would (`npm install -g`), so the image holds exactly what the package ships.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: the clone's own scripts -----------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY . .
# Exactly what CI runs: npm ci (its `prepare` is `npm run build`: the server into dist/, the panel
# into web/dist/), then npm pack. The npm cache persists between builds, not in the image.
RUN --mount=type=cache,target=/root/.npm \
    npm ci --no-audit --no-fund && mkdir /pkg && npm pack --pack-destination /pkg

# ---- runtime: the installed package, non-root, read-only root filesystem ----------------------
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /pkg/ /tmp/pkg/
RUN --mount=type=cache,target=/root/.npm \
    npm install -g --omit=dev --no-audit --no-fund /tmp/pkg/syntra-*.tgz \
 && rm -rf /tmp/pkg \
 && groupadd --system --gid 10001 syntra \
 && useradd --system --uid 10001 --gid syntra --home-dir /var/lib/syntra --shell /usr/sbin/nologin syntra \
 && mkdir -p /var/lib/syntra && chown syntra:syntra /var/lib/syntra

# Nothing is written outside these at run time, so the root filesystem can be mounted read-only:
# the embedded database and local artifacts in SYNTRA_DATA_DIR (a volume), the CLI config and
# temporary files under /tmp (an emptyDir in Kubernetes).
ENV NODE_ENV=production \
    HOME=/tmp \
    SYNTRA_DATA_DIR=/var/lib/syntra \
    SYNTRA_HOST=0.0.0.0 \
    SYNTRA_PORT=7070
VOLUME ["/var/lib/syntra"]
USER 10001:10001
WORKDIR /var/lib/syntra
EXPOSE 7070
# tini is PID 1: it forwards SIGTERM to Node (which drains the worker and closes the database,
# src/runtime/signals.ts) and reaps any child process.
ENTRYPOINT ["/usr/bin/tini", "--", "syntra"]
CMD ["up"]
