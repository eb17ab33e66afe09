#include "zimage/target_os.h"

#include <string>

namespace zlayer::zimage {

std::optional<TargetOs> OsOfPlatform(std::string_view platform) {
  const size_t slash = platform.find('/');
  const std::string_view os =
      slash == std::string_view::npos ? platform : platform.substr(0, slash);
  std::string lower(os);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == "linux") return TargetOs::kLinux;
  if (lower == "windows") return TargetOs::kWindows;
  return std::nullopt;
}

Result<TargetOs> ParseTargetOs(std::string_view text) {
  if (std::optional<TargetOs> os = OsOfPlatform(text)) return *os;
  std::string os(text.substr(0, text.find('/')));
  std::string message = "unknown OS " + (os.empty() ? "\"\"" : os) +
                        " (expected linux or windows)";
  std::string lower = os;
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (lower == "darwin" || lower == "macos") {
    message +=
        "; there are no macOS container images: on a Mac, build linux "
        "images";
  }
  return Fail(message, ErrorKind::kUsage);
}

TargetOs ResolveTargetOs(std::optional<TargetOs> pinned, const ZImage* image) {
  if (pinned) return *pinned;
  if (image != nullptr) {
    if (image->os) return *image->os;
    if (image->platform) {
      if (std::optional<TargetOs> os = OsOfPlatform(image->platform->value)) {
        return *os;
      }
    }
  }
  return TargetOs::kLinux;
}

std::string_view TargetOsName(TargetOs os) {
  return os == TargetOs::kWindows ? "windows" : "linux";
}

}  // namespace zlayer::zimage
