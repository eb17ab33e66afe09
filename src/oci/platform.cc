#include "oci/platform.h"

#include <sys/utsname.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace zlayer::oci {
namespace {

constexpr std::array<std::string_view, 17> kKnownOs = {
    "aix",     "android", "darwin",  "dragonfly", "freebsd", "hurd",
    "illumos", "ios",     "js",      "linux",     "nacl",    "netbsd",
    "openbsd", "plan9",   "solaris", "windows",   "zos"};

constexpr std::array<std::string_view, 24> kKnownArch = {
    "386",     "amd64",    "amd64p32",  "arm",         "armbe",   "arm64",
    "arm64be", "ppc64",    "ppc64le",   "loong64",     "mips",    "mipsle",
    "mips64",  "mips64le", "mips64p32", "mips64p32le", "ppc",     "riscv",
    "riscv64", "s390",     "s390x",     "sparc",       "sparc64", "wasm"};

template <size_t N>
bool Contains(const std::array<std::string_view, N>& list,
              std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string NormalizeOs(std::string os) {
  os = Lower(os);
  if (os == "macos") return "darwin";
  return os;
}

// containerd's normalizeArch.
void NormalizeArch(std::string arch, std::string variant, Platform& p) {
  arch = Lower(arch);
  variant = Lower(variant);
  if (arch == "i386") {
    arch = "386";
    variant.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    arch = "amd64";
    if (variant == "v1") variant.clear();
  } else if (arch == "aarch64" || arch == "arm64") {
    arch = "arm64";
    if (variant == "8" || variant == "v8" || variant == "v8.0") {
      variant.clear();
    } else if (variant == "9" || variant == "9.0" || variant == "v9.0") {
      variant = "v9";
    } else if (variant.size() == 3 && variant.starts_with("8.")) {
      variant = "v" + variant;
    }
  } else if (arch == "armhf") {
    arch = "arm";
    variant = "v7";
  } else if (arch == "armel") {
    arch = "arm";
    variant = "v6";
  } else if (arch == "arm") {
    if (variant.empty() || variant == "7") {
      variant = "v7";
    } else if (variant == "5" || variant == "6" || variant == "8") {
      variant = "v" + variant;
    }
  }
  p.architecture = std::move(arch);
  p.variant = std::move(variant);
}

bool ValidComponent(std::string_view part) {
  if (part.empty()) return false;
  for (char c : part) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' &&
        c != '.') {
      return false;
    }
  }
  return true;
}

std::unexpected<Error> Invalid(std::string_view specifier,
                               std::string_view why) {
  std::string message = "\"";
  message.append(specifier);
  message.append("\": ");
  message.append(why);
  message.append(": invalid argument");
  return Fail(std::move(message), ErrorKind::kInvalid);
}

}  // namespace

Platform HostPlatform() {
  Platform platform;
  platform.os = "linux";
  struct utsname uts {};
  std::string machine = ::uname(&uts) == 0 ? uts.machine : "x86_64";
  if (machine == "x86_64") {
    platform.architecture = "amd64";
  } else if (machine == "aarch64" || machine == "arm64") {
    platform.architecture = "arm64";
    platform.variant = "v8";
  } else if (machine.starts_with("armv7")) {
    platform.architecture = "arm";
    platform.variant = "v7";
  } else if (machine.starts_with("armv6")) {
    platform.architecture = "arm";
    platform.variant = "v6";
  } else if (machine == "i386" || machine == "i686") {
    platform.architecture = "386";
  } else {
    platform.architecture = machine;  // ppc64le, s390x, riscv64 match Go
  }
  return platform;
}

bool RunsOnHost(const Platform& platform) {
  static const Platform host = HostPlatform();
  if (platform.os != host.os || platform.architecture != host.architecture) {
    return false;
  }
  return platform.variant.empty() || host.variant.empty() ||
         platform.variant == host.variant;
}

Result<Platform> ParsePlatform(std::string_view specifier) {
  if (specifier.find('*') != std::string_view::npos) {
    return Invalid(specifier, "wildcards not yet supported");
  }
  std::vector<std::string> parts;
  size_t from = 0;
  while (true) {
    size_t slash = specifier.find('/', from);
    parts.emplace_back(specifier.substr(from, slash - from));
    if (slash == std::string_view::npos) break;
    from = slash + 1;
  }
  Platform p;
  // "windows(10.0.17763)": the OS version rides on the OS part.
  std::string& os_part = parts[0];
  size_t paren = os_part.find('(');
  if (paren != std::string::npos && os_part.back() == ')') {
    p.os_version = os_part.substr(paren + 1, os_part.size() - paren - 2);
    os_part.erase(paren);
  }
  for (const std::string& part : parts) {
    if (!ValidComponent(part))
      return Invalid(specifier, "invalid platform specifier");
  }
  Platform host = HostPlatform();
  switch (parts.size()) {
    case 1: {
      std::string os = NormalizeOs(parts[0]);
      if (Contains(kKnownOs, os)) {
        p.os = os;
        p.architecture = host.architecture;
        if (host.architecture == "arm" && host.variant != "v7") {
          p.variant = host.variant;
        }
        return p;
      }
      NormalizeArch(parts[0], "", p);
      if (p.architecture == "arm" && p.variant == "v7") p.variant.clear();
      if (Contains(kKnownArch, p.architecture)) {
        p.os = host.os;
        return p;
      }
      return Invalid(specifier, "unknown operating system or architecture");
    }
    case 2:
      p.os = NormalizeOs(parts[0]);
      NormalizeArch(parts[1], "", p);
      if (p.architecture == "arm" && p.variant == "v7") p.variant.clear();
      return p;
    case 3:
      p.os = NormalizeOs(parts[0]);
      NormalizeArch(parts[1], parts[2], p);
      if (p.architecture == "arm64" && p.variant.empty()) p.variant = "v8";
      return p;
    default:
      return Invalid(specifier, "cannot parse platform specifier");
  }
}

std::string FormatPlatform(const Platform& platform) {
  if (platform.os.empty()) return "unknown";
  std::string out = platform.os;
  if (!platform.architecture.empty()) out += "/" + platform.architecture;
  if (!platform.variant.empty()) out += "/" + platform.variant;
  return out;
}

std::string FormatPlatformAll(const Platform& platform) {
  if (platform.os.empty()) return "unknown";
  std::string out = platform.os;
  if (!platform.os_version.empty()) out += "(" + platform.os_version + ")";
  if (!platform.architecture.empty()) out += "/" + platform.architecture;
  if (!platform.variant.empty()) out += "/" + platform.variant;
  return out;
}

}  // namespace zlayer::oci
