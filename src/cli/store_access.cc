#include "cli/store_access.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

namespace zlayer::cli {

std::string DefaultRoot() {
  if (::geteuid() == 0) return "/var/lib/zlayer";
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg != nullptr && *xdg == '/') return std::string(xdg) + "/zlayer";
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') {
    const struct passwd* entry = ::getpwuid(::geteuid());
    home = entry != nullptr ? entry->pw_dir : "/";
  }
  return std::string(home) + "/.local/share/zlayer";
}

Result<store::Store> OpenStore(const GlobalOptions& global) {
  return store::Store::Open(global.root.empty() ? DefaultRoot() : global.root);
}

}  // namespace zlayer::cli
