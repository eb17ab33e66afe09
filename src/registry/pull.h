// `zlayer pull`: one image from a registry into the local store. The
// reference is resolved like Docker's, an index (or manifest list) is
// narrowed to one platform's manifest, and the config and every layer blob
// the store lacks are fetched in parallel, each verified against its digest
// before it is committed. The image is recorded only once all of its blobs
// are in place, so a failed pull leaves no image; the blobs it did commit
// stay unreferenced until the store's garbage collection.
#ifndef ZLAYER_REGISTRY_PULL_H_
#define ZLAYER_REGISTRY_PULL_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/descriptor.h"
#include "oci/index.h"
#include "progress/events.h"
#include "registry/client.h"
#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::registry {

struct PullOptions {
  // The platform to pick from an index; an empty architecture means the
  // host's (linux/amd64 on x86-64), an empty os "linux".
  oci::Platform platform;
  ClientOptions client;
  std::string default_registry = "docker.io";
  int parallel = 4;  // blob downloads at once
  progress::EventSink* events = nullptr;  // transfer progress; may be null
};

Result<store::ImageRecord> Pull(store::Store& store, std::string_view ref,
                                const PullOptions& options);

// The entry of `index` that serves `wanted` (os and architecture equal; the
// variant equal when both name one, an exact variant preferred). Entries
// without a platform never match. kNotFound lists the platforms on offer.
Result<oci::Descriptor> SelectPlatform(const oci::Index& index,
                                       const oci::Platform& wanted);

namespace internal {

// Runs task(0) .. task(count - 1) on at most `parallel` threads. After the
// first failure no new task starts; that failure is returned.
Status RunParallel(size_t count, int parallel,
                   const std::function<Status(size_t)>& task);

}  // namespace internal

}  // namespace zlayer::registry

#endif  // ZLAYER_REGISTRY_PULL_H_
