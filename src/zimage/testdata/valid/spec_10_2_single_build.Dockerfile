ARG APP_VERSION=0.0.0-dev

FROM zlayer-build-dep-toplevel:golden
ARG APP_VERSION
ENV APP_HOME=/srv/api
WORKDIR /srv/api
RUN --mount=type=cache,target=/var/cache/apt,id=apt-bookworm apt-get update && apt-get install -y --no-install-recommends python3-venv
COPY requirements.txt ./
RUN --mount=type=cache,target=/root/.cache/pip export PIP_DISABLE_PIP_VERSION_CHECK="1"; python3 -m venv .venv && .venv/bin/pip install -r requirements.txt
COPY --chown=10001:10001 src ./src
ADD https://example.org/geo/countries.tar.gz /srv/data/
USER 10001
LABEL org.opencontainers.image.version=${APP_VERSION}
EXPOSE 8000/tcp
EXPOSE 8125/udp
VOLUME ["/srv/data"]
STOPSIGNAL SIGINT
ENTRYPOINT [".venv/bin/python", "-m", "api"]
CMD ["--port", "8000"]
