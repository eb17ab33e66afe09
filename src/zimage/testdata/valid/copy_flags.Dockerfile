FROM nginx:1.27
COPY --chown=nginx:nginx --chmod=0644 nginx.conf /etc/nginx/nginx.conf
COPY --from=debian:bookworm /usr/share/zoneinfo/UTC /etc/localtime
COPY --from=alpine:3.20 etc/ssl /etc/ssl
