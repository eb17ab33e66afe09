FROM alpine
RUN <<EOF
export CC="gcc"
./configure
make
EOF
