# The connector image: built from source in one stage, shipped with production dependencies only in the next.
# Layout: /airbyte/integration_code holds exactly what `npm pack` puts in the package ("files" in
# package.json: the esbuild bundle dist/bundle, schemas and entrypoint.sh) plus node_modules from the lockfile.
# test/packaging/image.test.ts stages the same layout without Docker and runs the ENTRYPOINT below against the emulator.
# Image name: <your-registry>/source-azure-client-credentials (the same in metadata.yaml); tag it with your registry's name.

# Base image of both stages: the official Node 22 image on Debian 12 (bookworm), slim variant. The tag moves with
# Node 22 patch releases; for a reproducible build pin it by digest, e.g.
#   docker buildx imagetools inspect node:22-bookworm-slim          # prints the index digest (sha256:...)
#   docker build --build-arg NODE_IMAGE=node:22-bookworm-slim@sha256:<digest> -t <image>:<tag> .
ARG NODE_IMAGE=node:22-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /build
COPY package.json package-lock.json tsconfig.json ./
# Dev dependencies (TypeScript) are needed to compile; no install scripts are needed for that.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY schemas ./schemas
COPY source-azure-client-credentials ./source-azure-client-credentials
COPY scripts/build.mjs ./scripts/
# The image's ENTRYPOINT script is part of the package (package.json "files"): npm pack below must find it here.
COPY entrypoint.sh ./
# npm pack applies package.json "files", so the image holds the same set of files a published package would.
RUN npm run build \
 && npm pack --pack-destination /tmp --silent \
 && mkdir /package \
 && tar -xzf /tmp/source-azure-client-credentials-*.tgz -C /package --strip-components=1 \
 && cp package-lock.json /package/

FROM ${NODE_IMAGE}
# The base image's `node` user already has uid 1000; Airbyte expects that uid to be `airbyte`.
RUN userdel --remove node \
 && groupadd --gid 1000 airbyte \
 && useradd --uid 1000 --gid 1000 --home-dir /airbyte --no-create-home --shell /usr/sbin/nologin airbyte
ENV NODE_ENV=production
WORKDIR /airbyte/integration_code
COPY --from=build /package/ ./
# The lockfile pins every production dependency; dev dependencies (TypeScript, DuckDB, ...) stay out.
# Then the package managers the base image ships (npm, npx, corepack, yarn) go: the connector runs with node alone,
# and image scanners flag build tooling in a runtime image.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /opt/yarn-* \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack /usr/local/bin/yarn /usr/local/bin/yarnpkg /root/.npm \
 && chown airbyte:airbyte /airbyte
WORKDIR /airbyte
# entrypoint.sh (shipped in the package) execs node on the bundle, the package bin, with the V8 heap setting of the
# command: read gets a small young generation, spec, check and discover start without any V8 flag. The benchmark runs
# the same script (scripts/bench-run.ts), so it measures what the image runs.
ENV AIRBYTE_ENTRYPOINT="/airbyte/integration_code/entrypoint.sh"
ENTRYPOINT ["/airbyte/integration_code/entrypoint.sh"]
LABEL io.airbyte.name=<your-registry>/source-azure-client-credentials
LABEL io.airbyte.version=0.1.0
USER airbyte
