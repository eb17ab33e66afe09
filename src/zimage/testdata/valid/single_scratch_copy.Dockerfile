FROM scratch
COPY bin/app etc/app.conf /app/
CMD ["/app/app"]
