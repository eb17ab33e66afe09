// Content descriptors and platforms: the references by which manifests name
// their config and layers and indexes name their manifests. Field meanings
// follow the OCI image spec (descriptor.md, image-index.md); Docker schema 2
// uses the same JSON shape.
#ifndef ZLAYER_OCI_DESCRIPTOR_H_
#define ZLAYER_OCI_DESCRIPTOR_H_

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/sha256.h"
#include "zlayer/result.h"

namespace zlayer::oci {

struct Platform {
  std::string architecture;              // required: "amd64", "arm64", ...
  std::string os;                        // required: "linux", "windows", ...
  std::string os_version;                // "os.version"
  std::vector<std::string> os_features;  // "os.features"
  std::string variant;                   // "v8", "v7", ...

  bool operator==(const Platform&) const = default;
};

// "os/arch[/variant]" as `--platform` writes it.
std::string PlatformString(const Platform& platform);

struct Descriptor {
  std::string media_type;  // required
  base::Digest digest;     // required
  int64_t size = 0;        // required, in bytes, never negative
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
  std::optional<Platform> platform;  // only meaningful inside an index
  std::string artifact_type;

  bool operator==(const Descriptor&) const = default;
};

// A descriptor for `content` (digest and size computed from it).
Descriptor DescribeContent(std::string_view media_type,
                           std::string_view content);

namespace internal {

// JSON codecs for documents that embed descriptors. `path` prefixes error
// messages ("layers[2]").
Result<Descriptor> DescriptorFromJson(const nlohmann::json& value,
                                      const std::string& path);
nlohmann::ordered_json DescriptorToJson(const Descriptor& descriptor);

Result<Platform> PlatformFromJson(const nlohmann::json& value,
                                  const std::string& path);
nlohmann::ordered_json PlatformToJson(const Platform& platform);

}  // namespace internal

// A standalone descriptor document (as `skopeo inspect --raw` of a layout's
// index entry), with the same validation as inside a manifest.
Result<Descriptor> ParseDescriptor(std::string_view json);
std::string SerializeDescriptor(const Descriptor& descriptor);

}  // namespace zlayer::oci

#endif  // ZLAYER_OCI_DESCRIPTOR_H_
