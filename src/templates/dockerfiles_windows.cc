// The Windows templates are placeholders the user customises: they expect a
// ready-built app.exe in the context. Backslashes are doubled because `\` is
// the Dockerfile's escape character: `C:\\app` is the path C:\app.
#include "templates/dockerfiles.h"

namespace zlayer::templates::internal {

std::string_view WindowsNanoserverDockerfile() {
  return R"DF(# Windows Nanoserver - the minimal Windows base
# No package managers and no PowerShell: RUN can only use cmd and what the
# image ships. Replace app.exe with your program.

FROM mcr.microsoft.com/windows/nanoserver:ltsc2022

# The built-in administrator of the image.
USER ContainerAdministrator

WORKDIR C:\\app

COPY ./app.exe C:\\app\\app.exe

CMD ["C:\\app\\app.exe"]
)DF";
}

std::string_view WindowsServercoreDockerfile() {
  return R"DF(# Windows Server Core - the Windows base with PowerShell
# Compatible with chocolatey and winget. Replace app.exe with your program.

FROM mcr.microsoft.com/windows/servercore:ltsc2022

# RUN lines below take PowerShell syntax.
SHELL ["powershell", "-Command"]

# The built-in administrator of the image.
USER ContainerAdministrator

WORKDIR C:\\app

COPY ./app.exe C:\\app\\app.exe

CMD ["C:\\app\\app.exe"]
)DF";
}

}  // namespace zlayer::templates::internal
