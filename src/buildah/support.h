// What buildah 1.28 cannot do, found before anything runs: each such
// instruction is refused with "<file:line>: <what> is not supported by the
// buildah backend", never left out of the image silently.
#ifndef ZLAYER_BUILDAH_SUPPORT_H_
#define ZLAYER_BUILDAH_SUPPORT_H_

#include <string>
#include <vector>

#include "engine/engine.h"
#include "plan/plan.h"
#include "zlayer/result.h"

namespace zlayer::buildah {

// kUnsupported for the first instruction or option buildah cannot carry
// out as the native engine does.
Status CheckSupported(const plan::Plan& plan,
                      const engine::BuildOptions& options);

// True for an octal --chmod ("755", "0644"): the only form buildah 1.28
// parses.
bool IsOctalMode(const std::string& mode);

// Parts of the target's config an OCI-format image cannot hold in buildah
// (HEALTHCHECK, SHELL, ONBUILD), as warnings; none for --format docker.
std::vector<std::string> FormatWarnings(const oci::ContainerConfig& config,
                                        oci::Format format);

}  // namespace zlayer::buildah

#endif  // ZLAYER_BUILDAH_SUPPORT_H_
