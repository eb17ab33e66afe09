// `zlayer manifest push`: a manifest list from the local store to a
// registry. Every entry's image is pushed by digest into the destination's
// repository, then the list is put under the destination's tag with the
// exact bytes stored locally, so its digest is the local one.
#ifndef ZLAYER_REGISTRY_PUSH_LIST_H_
#define ZLAYER_REGISTRY_PUSH_LIST_H_

#include <string>
#include <string_view>
#include <vector>

#include "registry/push.h"
#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::registry {

struct PushListResult {
  std::string digest;              // of the list
  std::vector<PushResult> images;  // one per entry pushed, in list order
};

// Pushes the list `list_name` of `store` to `dest_ref`, a tag or
// "repo@<the list's digest>". With `images` false only the list body is
// put (the registry must have the entries already, as with podman's
// --all=false). Before anything is sent, every entry's image must be in
// the store; an entry whose image was removed is an error naming it.
Result<PushListResult> PushList(store::Store& store, std::string_view list_name,
                                std::string_view dest_ref,
                                const PushOptions& options, bool images = true);

}  // namespace zlayer::registry

#endif  // ZLAYER_REGISTRY_PUSH_LIST_H_
