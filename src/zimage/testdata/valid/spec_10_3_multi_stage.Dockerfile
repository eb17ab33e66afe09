ARG GO_VERSION=1.23

FROM golang:${GO_VERSION}-alpine AS deps
ARG GO_VERSION
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod,id=gomod,sharing=shared go mod download

FROM deps AS compile
ARG GO_VERSION
ENV CGO_ENABLED=0
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod,id=gomod,sharing=shared,ro --mount=type=cache,target=/root/.cache/go-build,id=gobuild ["go", "build", "-trimpath", "-o", "/out/app", "./cmd/app"]

FROM --platform=linux/arm64 gcr.io/distroless/static-debian12 AS final
ARG GO_VERSION
COPY --from=compile --chmod=0755 /out/app /usr/local/bin/app
USER 65532:65532
LABEL org.opencontainers.image.source=https://example.org/app
EXPOSE 9090/tcp
ENTRYPOINT ["/usr/local/bin/app"]
