#ifndef ZLAYER_SANDBOX_MOUNT_FLAGS_H_
#define ZLAYER_SANDBOX_MOUNT_FLAGS_H_

#include <string>

namespace zlayer::sandbox {

// The mount flags (nosuid, nodev, ...) of the filesystem holding `path`,
// which a read-only bind remount must repeat: the kernel refuses to clear
// locked ones and would otherwise silently drop the rest. 0 when `path`
// cannot be examined.
unsigned long InheritedMountFlags(const std::string& path);

}  // namespace zlayer::sandbox

#endif  // ZLAYER_SANDBOX_MOUNT_FLAGS_H_
