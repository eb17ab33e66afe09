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

Result<plan::ImageInfo> StoreResolver::Resolve(const std::string& ref,
                                               const oci::Platform& platform) {
  auto image = store_.GetImage(ref);
  if (!image) {
    if (image.error().kind() == ErrorKind::kNotFound) {
      return Fail("base image " + ref +
                      " is not in the local store (pull it, or `zlayer "
                      "import -t " +
                      ref + " FILE`)",
                  ErrorKind::kNotFound);
    }
    return std::unexpected(std::move(image).error());
  }
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
  std::string name = ref;
  if (!image->tags.empty()) {
    for (const std::string& tag : image->tags) {
      if (tag == ref || tag.starts_with(ref + ":")) name = tag;
    }
  }
  return plan::ImageInfo{
      .ref = name, .id = image->id.ToString(), .config = std::move(config)};
}

}  // namespace zlayer::engine
