FROM alpine
COPY ["My Documents/report.txt", "plain.txt", "/data/with space/"]
ADD ["archive v2.tar.gz", "/opt/"]
