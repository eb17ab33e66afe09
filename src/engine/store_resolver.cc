#include "engine/store_resolver.h"

#include "oci/image_config.h"

namespace zlayer::engine {
namespace {

std::string PlatformText(const std::string& os, const std::string& arch,
                         const std::string& variant) {
  std::string text = os + "/" + arch;
  if (!variant.empty()) text += "/" + variant;
  return text;
}

}  // namespace

Result<registry::EnsuredImage> StoreResolver::Ensure(
    const std::string& ref, const oci::Platform& platform) {
  if (local_images_.contains(ref)) {
    registry::EnsuredImage local{.name = ref};
    ZL_ASSIGN_OR_RETURN(local.image,
                        WithContext(store_.GetImage(ref), "local image"));
    return local;
  }
  registry::PullOptions options = pull_;
  options.platform = platform;
  return registry::EnsureImage(store_, ref, policy_, options);
}

Result<plan::ImageInfo> StoreResolver::Resolve(const std::string& ref,
                                               const oci::Platform& platform) {
  ZL_ASSIGN_OR_RETURN(registry::EnsuredImage ensured, Ensure(ref, platform));
  if (!ensured.warning.empty()) {
    std::lock_guard lock(mutex_);
    warnings_.push_back(ensured.warning);
  }
  const store::ImageRecord* image = &ensured.image;
  ZL_ASSIGN_OR_RETURN(std::string config_text, store_.blobs().Read(image->id));
  ZL_ASSIGN_OR_RETURN(
      oci::ImageConfig config,
      WithContext(oci::ParseImageConfig(config_text), "image " + ref));
  if (!platform.architecture.empty() &&
      (config.architecture != platform.architecture ||
       (!platform.os.empty() && config.os != platform.os) ||
       (!platform.variant.empty() && !config.variant.empty() &&
        config.variant != platform.variant))) {
    return Fail(
        "image " + ref + " is for " +
            PlatformText(config.os, config.architecture, config.variant) +
            ", not " +
            PlatformText(platform.os, platform.architecture, platform.variant),
        ErrorKind::kUnsupported);
  }
  return plan::ImageInfo{.ref = ensured.name,
                         .id = image->id.ToString(),
                         .config = std::move(config)};
}

std::vector<std::string> StoreResolver::TakeWarnings() {
  std::lock_guard lock(mutex_);
  return std::move(warnings_);
}

}  // namespace zlayer::engine
