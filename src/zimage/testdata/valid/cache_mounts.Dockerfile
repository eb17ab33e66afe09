FROM rust:1.80
WORKDIR /src
RUN --mount=type=cache,target=/usr/local/cargo/registry --mount=type=cache,target=/src/target,id=target-cache,sharing=private --mount=type=cache,target=/root/.cache,ro --mount=type=cache,target=/tmp/shared,sharing=shared cargo build --release
