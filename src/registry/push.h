// `zlayer push`: one image from the local store to a registry. Each blob
// the registry lacks is mounted from another repository of the same
// registry when the image came from one, and uploaded otherwise; then the
// manifest is put with the exact bytes stored locally, so the pushed image
// has the same digest as the local one.
#ifndef ZLAYER_REGISTRY_PUSH_H_
#define ZLAYER_REGISTRY_PUSH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "progress/events.h"
#include "registry/client.h"
#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::registry {

struct PushOptions {
  ClientOptions client;
  std::string default_registry = "docker.io";
  int parallel = 4;  // blob uploads at once
  progress::EventSink* events = nullptr;  // transfer progress; may be null
};

struct PushResult {
  std::string manifest_digest;
  uint64_t bytes_uploaded = 0;
  int blobs_skipped = 0;  // already in the destination repository
  int blobs_mounted = 0;  // linked from another repository
};

// Pushes the image `image_ref` denotes in `store` (a name, an id or an id
// prefix) to `dest_ref`. A digest in `dest_ref` must be the image's
// manifest digest.
Result<PushResult> Push(store::Store& store, std::string_view image_ref,
                        std::string_view dest_ref, const PushOptions& options);

}  // namespace zlayer::registry

#endif  // ZLAYER_REGISTRY_PUSH_H_
