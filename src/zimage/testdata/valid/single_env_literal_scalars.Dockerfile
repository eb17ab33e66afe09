FROM debian:bookworm-slim
ENV PORT=3000 DEBUG=true RATIO=1.10 EMPTY="" NAME=app
