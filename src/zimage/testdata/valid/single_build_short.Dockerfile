FROM zlayer-build-dep-toplevel:golden
RUN echo on top of a locally built base
