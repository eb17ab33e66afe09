FROM --platform=windows/amd64 mcr.microsoft.com/windows/nanoserver:ltsc2022
WORKDIR "C:\\app"
COPY "bin\\app.exe" "C:\\app\\app.exe"
RUN dir C:\app
CMD ["C:\\app\\app.exe"]
