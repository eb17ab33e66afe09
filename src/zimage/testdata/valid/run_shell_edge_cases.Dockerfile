FROM alpine
RUN [ -f /etc/alpine-release ] && echo alpine
RUN <<EOF
["echo", "a string, not a list"]
EOF
RUN <<EOF
echo trailing backslash \
EOF
RUN <<EOF
--version
EOF
RUN echo padded
