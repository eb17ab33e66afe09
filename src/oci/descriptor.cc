#include "oci/descriptor.h"

#include "oci/json_fields.h"
#include "oci/media_types.h"

namespace zlayer::oci {

using internal::Invalid;
using internal::Json;
using internal::ObjectReader;
using internal::OrderedJson;
using internal::Presence;

std::string PlatformString(const Platform& platform) {
  std::string text = platform.os + "/" + platform.architecture;
  if (!platform.variant.empty()) text += "/" + platform.variant;
  return text;
}

Descriptor DescribeContent(std::string_view media_type,
                           std::string_view content) {
  Descriptor descriptor;
  descriptor.media_type = std::string(media_type);
  descriptor.digest = base::Digest::Of(content);
  descriptor.size = static_cast<int64_t>(content.size());
  return descriptor;
}

namespace internal {

Result<Platform> PlatformFromJson(const Json& value, const std::string& path) {
  ZL_ASSIGN_OR_RETURN(ObjectReader reader, ObjectReader::Open(value, path));
  Platform platform;
  ZL_RETURN_IF_ERROR(reader.String("architecture", platform.architecture,
                                   Presence::kRequired));
  ZL_RETURN_IF_ERROR(reader.String("os", platform.os, Presence::kRequired));
  ZL_RETURN_IF_ERROR(reader.String("os.version", platform.os_version));
  ZL_RETURN_IF_ERROR(reader.StringList("os.features", platform.os_features));
  ZL_RETURN_IF_ERROR(reader.String("variant", platform.variant));
  if (platform.architecture.empty()) {
    return Invalid(reader.PathOf("architecture"), "must not be empty");
  }
  if (platform.os.empty())
    return Invalid(reader.PathOf("os"), "must not be empty");
  return platform;
}

OrderedJson PlatformToJson(const Platform& platform) {
  OrderedJson out = OrderedJson::object();
  out["architecture"] = platform.architecture;
  out["os"] = platform.os;
  PutString(out, "os.version", platform.os_version);
  PutStringList(out, "os.features", platform.os_features);
  PutString(out, "variant", platform.variant);
  return out;
}

Result<Descriptor> DescriptorFromJson(const Json& value,
                                      const std::string& path) {
  ZL_ASSIGN_OR_RETURN(ObjectReader reader, ObjectReader::Open(value, path));
  Descriptor descriptor;
  ZL_RETURN_IF_ERROR(
      reader.String("mediaType", descriptor.media_type, Presence::kRequired));
  if (!IsValidMediaType(descriptor.media_type)) {
    return Invalid(reader.PathOf("mediaType"),
                   "invalid media type \"" + descriptor.media_type + "\"");
  }
  ZL_RETURN_IF_ERROR(
      reader.Digest("digest", descriptor.digest, Presence::kRequired));
  ZL_RETURN_IF_ERROR(
      reader.Int64("size", descriptor.size, Presence::kRequired));
  if (descriptor.size < 0) {
    return Invalid(reader.PathOf("size"),
                   "negative size " + std::to_string(descriptor.size));
  }
  ZL_RETURN_IF_ERROR(reader.StringList("urls", descriptor.urls));
  ZL_RETURN_IF_ERROR(reader.StringMap("annotations", descriptor.annotations));
  if (const Json* platform = reader.Find("platform")) {
    ZL_ASSIGN_OR_RETURN(descriptor.platform,
                        PlatformFromJson(*platform, reader.PathOf("platform")));
  }
  ZL_RETURN_IF_ERROR(reader.String("artifactType", descriptor.artifact_type));
  return descriptor;
}

OrderedJson DescriptorToJson(const Descriptor& descriptor) {
  OrderedJson out = OrderedJson::object();
  out["mediaType"] = descriptor.media_type;
  out["digest"] = descriptor.digest.ToString();
  out["size"] = descriptor.size;
  PutStringList(out, "urls", descriptor.urls);
  PutStringMap(out, "annotations", descriptor.annotations);
  if (descriptor.platform) {
    out["platform"] = PlatformToJson(*descriptor.platform);
  }
  PutString(out, "artifactType", descriptor.artifact_type);
  return out;
}

}  // namespace internal

Result<Descriptor> ParseDescriptor(std::string_view json) {
  auto document = internal::ParseJson(json);
  if (!document)
    return std::unexpected(document.error().AddContext("descriptor"));
  return WithContext(internal::DescriptorFromJson(*document, ""), "descriptor");
}

std::string SerializeDescriptor(const Descriptor& descriptor) {
  return internal::Dump(internal::DescriptorToJson(descriptor));
}

}  // namespace zlayer::oci
