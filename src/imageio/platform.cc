#include "imageio/platform.h"

#include <sys/utsname.h>

#include <string>
#include <string_view>

namespace zlayer::imageio {
namespace {

struct ArchName {
  std::string_view machine;
  std::string_view architecture;
  std::string_view variant;
};

constexpr ArchName kArchNames[] = {
    {"x86_64", "amd64", ""},    {"aarch64", "arm64", "v8"},
    {"armv7l", "arm", "v7"},    {"armv6l", "arm", "v6"},
    {"i686", "386", ""},        {"i386", "386", ""},
    {"ppc64le", "ppc64le", ""}, {"s390x", "s390x", ""},
    {"riscv64", "riscv64", ""},
};

}  // namespace

oci::Platform HostPlatform() {
  oci::Platform platform;
  platform.os = "linux";
  struct utsname name;
  std::string machine = ::uname(&name) == 0 ? name.machine : "unknown";
  platform.architecture = machine;
  for (const ArchName& arch : kArchNames) {
    if (arch.machine == machine) {
      platform.architecture = std::string(arch.architecture);
      platform.variant = std::string(arch.variant);
    }
  }
  return platform;
}

bool RunsOnHost(const oci::Platform& platform) {
  static const oci::Platform host = HostPlatform();
  if (platform.os != host.os || platform.architecture != host.architecture) {
    return false;
  }
  return platform.variant.empty() || host.variant.empty() ||
         platform.variant == host.variant;
}

}  // namespace zlayer::imageio
