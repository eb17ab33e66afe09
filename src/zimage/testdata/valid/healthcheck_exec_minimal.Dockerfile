FROM redis:7
HEALTHCHECK CMD ["redis-cli", "ping"]
