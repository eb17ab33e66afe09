// Resolves FROM and --from images against the local store, pulling them
// from their registry as the build's --pull policy says.
#ifndef ZLAYER_ENGINE_STORE_RESOLVER_H_
#define ZLAYER_ENGINE_STORE_RESOLVER_H_

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "registry/pull_policy.h"
#include "store/store.h"

namespace zlayer::engine {

class StoreResolver final : public plan::ImageResolver {
 public:
  // `local_images` are used from the store as named, whatever the policy.
  StoreResolver(store::Store& store, registry::PullPolicy policy,
                registry::PullOptions pull,
                std::set<std::string, std::less<>> local_images = {})
      : store_(store),
        policy_(policy),
        pull_(std::move(pull)),
        local_images_(std::move(local_images)) {}
  // kNotFound names the image; an image for another platform is an error
  // naming both platforms.
  Result<plan::ImageInfo> Resolve(const std::string& ref,
                                  const oci::Platform& platform) override;

  // Registry checks that failed and fell back to the local image.
  std::vector<std::string> TakeWarnings();

 private:
  Result<registry::EnsuredImage> Ensure(const std::string& ref,
                                        const oci::Platform& platform);

  store::Store& store_;
  registry::PullPolicy policy_;
  registry::PullOptions pull_;
  std::set<std::string, std::less<>> local_images_;
  std::mutex mutex_;
  std::vector<std::string> warnings_;
};

}  // namespace zlayer::engine

#endif  // ZLAYER_ENGINE_STORE_RESOLVER_H_
