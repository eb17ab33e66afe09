// The template texts (dockerfiles_*.cc). Private to the module: callers go
// through render.h.
#ifndef ZLAYER_TEMPLATES_DOCKERFILES_H_
#define ZLAYER_TEMPLATES_DOCKERFILES_H_

#include <string>
#include <string_view>

namespace zlayer::templates::internal {

std::string NodeDockerfile(std::string_view major);      // "20", "22"
std::string PythonDockerfile(std::string_view version);  // "3.12", "3.13"
std::string_view RustDockerfile();
std::string_view GoDockerfile();
std::string_view DenoDockerfile();
std::string_view BunDockerfile();
std::string_view WindowsNanoserverDockerfile();
std::string_view WindowsServercoreDockerfile();

}  // namespace zlayer::templates::internal

#endif  // ZLAYER_TEMPLATES_DOCKERFILES_H_
