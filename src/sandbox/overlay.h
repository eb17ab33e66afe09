// How ScopedMount builds overlay mounts; exposed for tests.
#ifndef ZLAYER_SANDBOX_OVERLAY_H_
#define ZLAYER_SANDBOX_OVERLAY_H_

#include <string>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::sandbox {

// The mount(2) data string for an overlay (`upper` empty: read-only, lowers
// only), with ',', ':' and '\' escaped as the kernel expects. Fails when it
// would not fit in the page the kernel copies mount options into.
Result<std::string> OverlayOptions(const std::vector<std::string>& lowers,
                                   const std::string& upper,
                                   const std::string& work);

// Mounts an overlay at `target`. With the new mount API (fsopen, kernel
// 6.8+ for "lowerdir+") each layer is passed separately, so the page-size
// limit does not apply; older kernels get mount(2) with OverlayOptions.
Status MountOverlay(const std::vector<std::string>& lowers,
                    const std::string& upper, const std::string& work,
                    const std::string& target, bool readonly);

// Tests force the mount(2) path with false.
void SetOverlayMountApiForTesting(bool use_new_api);

}  // namespace zlayer::sandbox

#endif  // ZLAYER_SANDBOX_OVERLAY_H_
