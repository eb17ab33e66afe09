FROM alpine:3.20
ENV MODE=production
WORKDIR /srv
RUN adduser -D app
LABEL tier=web
EXPOSE 443/tcp
USER app
VOLUME ["/data"]
HEALTHCHECK --interval=30s CMD ["app", "health"]
STOPSIGNAL SIGQUIT
ENTRYPOINT ["app"]
CMD ["serve"]
