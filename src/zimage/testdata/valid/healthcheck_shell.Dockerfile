FROM nginx
HEALTHCHECK --interval=1m30s --timeout=500ms --start-period=1h5m0s --retries=0 CMD curl -fsS http://localhost/ || exit 1
