FROM --platform=linux/amd64 alpine AS tools

FROM tools AS cross

FROM --platform=linux/arm64/v8 alpine AS arm

FROM --platform=linux/amd64 tools AS final
