// The buildah build backend: the plan run through the `buildah` CLI
// (1.28): a working container per stage (`from`), RUN through `run`,
// COPY/ADD through `copy`/`add`, WORKDIR on the `mount`ed root filesystem,
// the stage's config through `config`, and `commit`. Intermediate stages
// are committed as zlayer-build-<build id>-stage-<name or index> and
// removed, with every container, when the build ends however it ends. The
// image is committed into buildah's storage under the build's tags and
// copied into the zlayer store, so `zlayer images/export/push` see it; the
// build's outputs (--output, --push, --iidfile) are the native engine's.
//
// Base images never come from a registry through buildah: the planner has
// resolved them into the zlayer store (under --pull), and they are copied
// to buildah's storage from there, so no credential ever reaches buildah.
// Steps are not cached: every step runs.
#ifndef ZLAYER_BUILDAH_BUILDAH_H_
#define ZLAYER_BUILDAH_BUILDAH_H_

#include <memory>

#include "engine/engine.h"
#include "zlayer/result.h"

namespace zlayer::buildah {

// Finds `buildah` on PATH; without it the error is "backend buildah:
// buildah not found (apt-get install buildah)" (kNotFound).
Result<std::unique_ptr<engine::Backend>> OpenBackend();

}  // namespace zlayer::buildah

#endif  // ZLAYER_BUILDAH_BUILDAH_H_
