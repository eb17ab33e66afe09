// The target OS of a build (ZIMAGEFILE.md section 8): an explicit pin (the
// OS part of --platform) > the ZImagefile's top-level `os:` > the OS part of
// its top-level `platform:` > Linux.
#ifndef ZLAYER_ZIMAGE_TARGET_OS_H_
#define ZLAYER_ZIMAGE_TARGET_OS_H_

#include <optional>
#include <string_view>

#include "zimage/model.h"
#include "zlayer/result.h"

namespace zlayer::zimage {

// The OS named before the first '/' of a platform string ("linux/arm64",
// "Windows/amd64"), case-insensitive; nullopt when it names neither Linux
// nor Windows ("amd64", "darwin/arm64").
std::optional<TargetOs> OsOfPlatform(std::string_view platform);

// The command line's OS (`--platform`, the original's ImageOs): "linux",
// "windows" or a platform string whose OS part is one of them, any case.
// Anything else is kUsage: `unknown OS darwin (expected linux or windows)`,
// with a note for darwin that macOS images do not exist.
Result<TargetOs> ParseTargetOs(std::string_view text);

// `image` may be null (Dockerfile builds).
TargetOs ResolveTargetOs(std::optional<TargetOs> pinned, const ZImage* image);

std::string_view TargetOsName(TargetOs os);  // "linux" / "windows"

}  // namespace zlayer::zimage

#endif  // ZLAYER_ZIMAGE_TARGET_OS_H_
