FROM debian:bookworm
RUN <<EOF
set -eux
if [ -f /etc/os-release ]; then
  cat /etc/os-release
fi
EOF
