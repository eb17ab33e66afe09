// containerd's platforms package as far as the planner needs it: parsing a
// `--platform` value, formatting one, and the host's platform (the default
// build platform; imageio has its own, but plan may not depend on imageio).
#ifndef ZLAYER_PLAN_PLATFORMS_H_
#define ZLAYER_PLAN_PLATFORMS_H_

#include <string>
#include <string_view>

#include "oci/descriptor.h"
#include "zlayer/result.h"

namespace zlayer::plan {

// os "linux" and the architecture (and variant) of uname(2), Go-named.
oci::Platform HostPlatform();

// platforms.Parse: "linux/arm64", "linux/arm/v7", "arm64" (os: linux),
// "linux" (architecture: the host's), normalized ("aarch64" -> "arm64",
// "x86_64" -> "amd64", "arm" -> variant "v7").
Result<oci::Platform> ParsePlatform(std::string_view specifier);

// platforms.Format ("os/arch[/variant]") and FormatAll, which also shows
// the OS version: "windows(10.0.17763)/amd64".
std::string FormatPlatform(const oci::Platform& platform);
std::string FormatPlatformAll(const oci::Platform& platform);

}  // namespace zlayer::plan

#endif  // ZLAYER_PLAN_PLATFORMS_H_
