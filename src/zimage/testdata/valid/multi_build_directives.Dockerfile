FROM zlayer-build-dep-toolchain:golden AS toolchain

FROM zlayer-build-dep-sdk:golden AS sdk

FROM toolchain AS app
COPY --from=sdk /opt/sdk /opt/sdk
