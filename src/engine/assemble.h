// Turns the target stage's result into an image in the store, and writes
// the requested outputs.
#ifndef ZLAYER_ENGINE_ASSEMBLE_H_
#define ZLAYER_ENGINE_ASSEMBLE_H_

#include <string>
#include <vector>

#include "engine/session.h"
#include "store/image_index.h"

namespace zlayer::engine {

// --squash, --format, the manifest and PutImage under the build's tags.
// Warnings (a HEALTHCHECK dropped from an OCI image) are appended.
Result<store::ImageRecord> CommitImage(Session& session,
                                       const StageResult& result,
                                       std::vector<std::string>& warnings);

// --output destinations other than the store; pushes are added to
// `pushed`.
Status WriteOutputs(Session& session, const store::ImageRecord& image,
                    const std::vector<LayerRef>& layers,
                    std::vector<PushedImage>& pushed);

}  // namespace zlayer::engine

#endif  // ZLAYER_ENGINE_ASSEMBLE_H_
