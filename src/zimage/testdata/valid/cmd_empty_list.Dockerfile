FROM alpine
ENTRYPOINT ["/bin/app"]
CMD []
