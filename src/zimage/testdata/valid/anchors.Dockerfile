FROM golang:1.23 AS a
ENV GOFLAGS="-mod=mod" CGO_ENABLED=0
RUN --mount=type=cache,target=/go/pkg/mod,id=gomod go mod download

FROM a AS b
ENV GOFLAGS="-mod=mod" CGO_ENABLED=0
RUN --mount=type=cache,target=/go/pkg/mod,id=gomod go build ./...
