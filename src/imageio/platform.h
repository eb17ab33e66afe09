// The platform this process runs on, in OCI terms, for choosing one image
// out of a multi-platform index and for describing imported root
// filesystems.
#ifndef ZLAYER_IMAGEIO_PLATFORM_H_
#define ZLAYER_IMAGEIO_PLATFORM_H_

#include "oci/descriptor.h"

namespace zlayer::imageio {

// os "linux", architecture and variant mapped from uname(2) the way Go
// names them: x86_64 -> amd64, aarch64 -> arm64 (v8), armv7l -> arm (v7).
oci::Platform HostPlatform();

// Whether an index entry for `platform` runs here: os and architecture
// equal, and the variant equal when both name one.
bool RunsOnHost(const oci::Platform& platform);

}  // namespace zlayer::imageio

#endif  // ZLAYER_IMAGEIO_PLATFORM_H_
