#include "oci/document_json.h"

#include "oci/media_types.h"

namespace zlayer::oci::internal {

Status ReadSchemaVersion(const ObjectReader& reader, int& out) {
  int64_t version = 0;
  ZL_RETURN_IF_ERROR(
      reader.Int64("schemaVersion", version, Presence::kRequired));
  if (version != 2) {
    return Invalid(
        reader.PathOf("schemaVersion"),
        "unsupported version " + std::to_string(version) + " (want 2)");
  }
  out = static_cast<int>(version);
  return Ok();
}

Status ReadDocumentMediaType(const ObjectReader& reader, std::string& out,
                             bool (*accept)(std::string_view),
                             std::string_view what) {
  std::string media_type;
  ZL_RETURN_IF_ERROR(reader.String("mediaType", media_type));
  if (!media_type.empty() && !accept(media_type)) {
    return Invalid(
        reader.PathOf("mediaType"),
        "\"" + media_type + "\" is not " + std::string(what) + " media type");
  }
  out = std::move(media_type);
  return Ok();
}

Result<std::vector<Descriptor>> ReadDescriptors(const ObjectReader& reader,
                                                std::string_view key) {
  ZL_RETURN_IF_ERROR(reader.Require(key));
  ZL_ASSIGN_OR_RETURN(auto elements, ArrayElements(reader, key));
  std::vector<Descriptor> descriptors;
  descriptors.reserve(elements.size());
  for (size_t i = 0; i < elements.size(); ++i) {
    ZL_ASSIGN_OR_RETURN(
        Descriptor descriptor,
        DescriptorFromJson(*elements[i], ElementPath(reader.PathOf(key), i)));
    descriptors.push_back(std::move(descriptor));
  }
  return descriptors;
}

Result<std::optional<Descriptor>> ReadOptionalDescriptor(
    const ObjectReader& reader, std::string_view key) {
  const Json* value = reader.Find(key);
  if (value == nullptr) return std::optional<Descriptor>();
  ZL_ASSIGN_OR_RETURN(Descriptor descriptor,
                      DescriptorFromJson(*value, reader.PathOf(key)));
  return std::optional<Descriptor>(std::move(descriptor));
}

OrderedJson DescriptorsToJson(const std::vector<Descriptor>& descriptors) {
  OrderedJson out = OrderedJson::array();
  for (const Descriptor& descriptor : descriptors) {
    out.push_back(DescriptorToJson(descriptor));
  }
  return out;
}

}  // namespace zlayer::oci::internal
