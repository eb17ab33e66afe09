// When a local image is good enough and when to pull: the --pull policy of
// `zlayer build` (and what FROM uses), shared by the engine and the CLI.
#ifndef ZLAYER_REGISTRY_PULL_POLICY_H_
#define ZLAYER_REGISTRY_PULL_POLICY_H_

#include <string>
#include <string_view>

#include "registry/pull.h"
#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::registry {

enum class PullPolicy {
  // Use the local image unless the registry now serves a different digest
  // for the tag it was pulled as. Images built, imported or re-tagged
  // locally have no registry copy to compare with and are used as they
  // are; so is a pulled image whose registry cannot be asked (with a
  // warning).
  kNewer,
  kAlways,  // pull every time (unchanged blobs are not downloaded again)
  kNever,   // the local store only
};

// "newer", "always", "never"; anything else is kUsage naming the values.
Result<PullPolicy> ParsePullPolicy(std::string_view text);

struct EnsuredImage {
  store::ImageRecord image;
  std::string name;     // the local name: the reference's familiar form
  bool pulled = false;  // the registry was read
  std::string warning;  // non-empty when the registry could not be asked
};

// The local image `ref` denotes under `policy`, pulling it when needed.
// `ref` is qualified with options.default_registry. A local image for
// another platform than an explicit options.platform is pulled again
// unless the policy is kNever.
Result<EnsuredImage> EnsureImage(store::Store& store, std::string_view ref,
                                 PullPolicy policy, const PullOptions& options);

}  // namespace zlayer::registry

#endif  // ZLAYER_REGISTRY_PULL_POLICY_H_
