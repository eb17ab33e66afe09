FROM alpine
LABEL org.opencontainers.image.title="My App" org.opencontainers.image.version=2.0 com.example.empty="" com.example.quote="a \"quoted\" word"
