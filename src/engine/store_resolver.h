// Resolves FROM and --from images against the local store.
#ifndef ZLAYER_ENGINE_STORE_RESOLVER_H_
#define ZLAYER_ENGINE_STORE_RESOLVER_H_

#include <string>

#include "plan/plan.h"
#include "store/store.h"

namespace zlayer::engine {

class StoreResolver final : public plan::ImageResolver {
 public:
  explicit StoreResolver(store::Store& store) : store_(store) {}
  // kNotFound names the image and says how to get it into the store; an
  // image for another platform is an error naming both platforms.
  Result<plan::ImageInfo> Resolve(const std::string& ref,
                                  const oci::Platform& platform) override;

 private:
  store::Store& store_;
};

}  // namespace zlayer::engine

#endif  // ZLAYER_ENGINE_STORE_RESOLVER_H_
