FROM alpine AS build
RUN echo build

FROM alpine AS final
ENV STAGE=final
WORKDIR /stage
RUN echo final
LABEL from=stage
USER stageuser
CMD ["stage"]
ENV TOP=level
WORKDIR /top
LABEL from=top
USER topuser
VOLUME ["/v"]
HEALTHCHECK CMD ["true"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/entry"]
CMD ["top"]
