// The Dockerfiles of the Linux templates. They keep the original's bases,
// stages, WORKDIRs, users, commands and cache mount targets, so its users get
// the same image, with the flaws TEMPLATES.md section 2 lists fixed.
#include "templates/dockerfiles.h"

namespace zlayer::templates::internal {
namespace {

// node20 and node22 differ only in the base tag, so one text serves both.
constexpr std::string_view kNodeHead = "# Node.js ";

constexpr std::string_view kNodeBody =
    R"DF( - multi-stage, production dependencies only
# Uses a cache mount for npm's download cache.

ARG NODE_ENV=production

FROM node:@TAG@ AS builder
WORKDIR /app

# Dependencies first so that source edits reuse this layer. npm ci needs a
# lockfile; without one, npm install resolves the ranges in package.json.
COPY package*.json ./
RUN --mount=type=cache,target=/root/.npm \
    if [ -f package-lock.json ] || [ -f npm-shrinkwrap.json ]; then \
      npm ci --omit=dev; \
    else \
      npm install --omit=dev; \
    fi && \
    mkdir -p node_modules

FROM node:@TAG@
# A global ARG is only visible in a stage that declares it again.
ARG NODE_ENV
WORKDIR /app

COPY --from=builder /app/node_modules ./node_modules
COPY . .

ENV NODE_ENV=${NODE_ENV}

USER node

# Override with your entry point.
CMD ["node", "index.js"]
)DF";

constexpr std::string_view kPythonBody =
    R"DF( - multi-stage, packages installed with pip --user
# Uses a cache mount for pip's download cache.

FROM python:@TAG@-slim AS builder
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends \
    build-essential \
    && rm -rf /var/lib/apt/lists/*

# requirements.txt first so that source edits reuse this layer.
COPY requirements.txt* ./
RUN --mount=type=cache,target=/root/.cache/pip \
    if [ -f requirements.txt ]; then \
      pip install --user -r requirements.txt; \
    fi

# Without requirements.txt, install the project itself when it is a package
# (pyproject.toml or setup.py).
COPY . .
RUN --mount=type=cache,target=/root/.cache/pip \
    if [ ! -f requirements.txt ] && \
       { [ -f pyproject.toml ] || [ -f setup.py ]; }; then \
      pip install --user .; \
    fi && \
    mkdir -p /root/.local

FROM python:@TAG@-slim
WORKDIR /app

COPY --from=builder /root/.local /root/.local

# Scripts installed by pip --user.
ENV PATH=/root/.local/bin:$PATH

COPY . .

# Override with your entry point.
CMD ["python", "main.py"]
)DF";

std::string Substitute(std::string_view text, std::string_view tag) {
  std::string out(text);
  constexpr std::string_view kMarker = "@TAG@";
  for (size_t at = out.find(kMarker); at != std::string::npos;
       at = out.find(kMarker, at + tag.size())) {
    out.replace(at, kMarker.size(), tag);
  }
  return out;
}

}  // namespace

std::string NodeDockerfile(std::string_view major) {
  return std::string(kNodeHead) + std::string(major) +
         Substitute(kNodeBody, std::string(major) + "-alpine");
}

std::string PythonDockerfile(std::string_view version) {
  return "# Python " + std::string(version) + Substitute(kPythonBody, version);
}

std::string_view RustDockerfile() {
  return R"DF(# Rust - a static musl binary on a minimal Alpine runtime
# Uses cache mounts for the cargo registry, git checkouts and target/.

FROM rust:alpine AS builder
WORKDIR /app

RUN apk add --no-cache musl-dev

# Cargo.lock is optional: without it cargo resolves the dependencies.
COPY Cargo.toml Cargo.lock* ./
COPY src ./src

# target/ is a cache mount, so the binary is copied out in the same step.
# Cargo names the executable it built, which also covers [[bin]] names that
# differ from the package name.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/usr/local/cargo/git \
    --mount=type=cache,target=/app/target \
    cargo build --release --message-format=json-render-diagnostics \
      > /tmp/cargo-build.json && \
    bin="$(sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' /tmp/cargo-build.json \
      | tail -n 1)" && \
    if [ -z "$bin" ]; then \
      echo "rust template: cargo built no executable" >&2; exit 1; \
    fi && \
    cp "$bin" /app/app

FROM alpine:latest
WORKDIR /app

COPY --from=builder /app/app ./app

CMD ["./app"]
)DF";
}

std::string_view GoDockerfile() {
  return R"DF(# Go - a static binary on a minimal Alpine runtime
# Uses cache mounts for the module and build caches.

FROM golang:alpine AS builder
WORKDIR /app

# git fetches modules that are not on a proxy.
RUN apk add --no-cache git

# go.sum is absent in modules without dependencies.
COPY go.mod go.sum* ./
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go mod download

COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=linux go build -ldflags="-w -s" -o app .

FROM alpine:latest
WORKDIR /app

# Root certificates for outgoing HTTPS.
RUN apk add --no-cache ca-certificates

COPY --from=builder /app/app ./

CMD ["./app"]
)DF";
}

std::string_view DenoDockerfile() {
  return R"DF(# Deno - the official runtime, TypeScript included

FROM denoland/deno:latest
WORKDIR /app

# Any of these may be absent; a wildcard that matches nothing copies nothing.
COPY deno.json* deno.lock* deps.ts* ./
RUN if [ -f deps.ts ]; then deno cache deps.ts; fi

COPY . .
RUN deno cache main.ts

USER deno

# The image's entrypoint is deno.
CMD ["run", "--allow-net", "--allow-read", "--allow-env", "main.ts"]
)DF";
}

std::string_view BunDockerfile() {
  return R"DF(# Bun - multi-stage, production dependencies only

FROM oven/bun:latest AS builder
WORKDIR /app

# bun.lock is the text lockfile of current Bun, bun.lockb the older binary one.
COPY package.json bun.lockb* bun.lock* ./
RUN bun install --frozen-lockfile --production && mkdir -p node_modules

FROM oven/bun:latest
WORKDIR /app

COPY --from=builder /app/node_modules ./node_modules
COPY . .

USER bun

# Override with your entry point.
CMD ["bun", "run", "index.ts"]
)DF";
}

}  // namespace zlayer::templates::internal
