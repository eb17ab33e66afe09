FROM alpine
RUN <<EOF_1
cat <<EOF > /etc/motd
EOF_1
RUN <<EOF
echo $((1 << 2))
EOF
