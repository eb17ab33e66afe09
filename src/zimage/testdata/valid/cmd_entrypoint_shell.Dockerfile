FROM alpine
ENTRYPOINT /docker-entrypoint.sh --verbose
CMD exec "$APP" --port $PORT
