// containerd's platforms package as far as zlayer needs it: the host's
// platform (the default build platform, and the one picked out of a
// multi-platform index), parsing a `--platform` value, and formatting one.
#ifndef ZLAYER_OCI_PLATFORM_H_
#define ZLAYER_OCI_PLATFORM_H_

#include <string>
#include <string_view>

#include "oci/descriptor.h"
#include "zlayer/result.h"

namespace zlayer::oci {

// os "linux" and the architecture (and variant) of uname(2), Go-named:
// x86_64 -> amd64, aarch64 -> arm64 (v8), armv7l -> arm (v7).
Platform HostPlatform();

// Whether an image for `platform` runs here: os and architecture equal,
// and the variant equal when both name one.
bool RunsOnHost(const Platform& platform);

// platforms.Parse: "linux/arm64", "linux/arm/v7", "arm64" (os: linux),
// "linux" (architecture: the host's), normalized ("aarch64" -> "arm64",
// "x86_64" -> "amd64", "arm" -> variant "v7").
Result<Platform> ParsePlatform(std::string_view specifier);

// platforms.Format ("os/arch[/variant]", "unknown" without an os) and
// FormatAll, which also shows the OS version: "windows(10.0.17763)/amd64".
std::string FormatPlatform(const Platform& platform);
std::string FormatPlatformAll(const Platform& platform);

}  // namespace zlayer::oci

#endif  // ZLAYER_OCI_PLATFORM_H_
