FROM alpine
RUN ["env", "CC=clang", "CFLAGS=-O2 -g", "make", "-j4", "all"]
