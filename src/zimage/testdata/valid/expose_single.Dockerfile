FROM alpine AS dns
EXPOSE 53/udp

FROM alpine AS web
EXPOSE 8080/tcp
