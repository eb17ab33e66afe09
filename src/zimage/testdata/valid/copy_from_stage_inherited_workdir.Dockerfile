FROM golang:1.23 AS base
WORKDIR /go/src/app

FROM base AS build
RUN go build -o out/app .

FROM alpine AS none
RUN touch marker

FROM scratch AS final
COPY --from=build /go/src/app/out/app /app
COPY --from=none /marker /marker
