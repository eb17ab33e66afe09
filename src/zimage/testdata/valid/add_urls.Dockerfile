FROM debian:bookworm-slim
ADD --chown=1000:1000 --chmod=755 https://example.org/a.tar.gz https://example.org/b.txt /opt/downloads/
ADD vendor.tar.xz /usr/src/
