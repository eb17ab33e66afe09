#include "oci/index.h"

#include "oci/document_json.h"
#include "oci/json_fields.h"

namespace zlayer::oci {
namespace {

using internal::ElementPath;
using internal::Invalid;
using internal::Json;
using internal::ObjectReader;
using internal::OrderedJson;

Result<Index> IndexFromJson(const Json& value) {
  ZL_ASSIGN_OR_RETURN(ObjectReader reader, ObjectReader::Open(value, ""));
  if (reader.Find("layers") != nullptr) {
    return Invalid("", "this is an image manifest, not an index");
  }
  Index index;
  ZL_RETURN_IF_ERROR(internal::ReadSchemaVersion(reader, index.schema_version));
  ZL_RETURN_IF_ERROR(internal::ReadDocumentMediaType(
      reader, index.media_type, IsIndexMediaType, "an index"));
  ZL_RETURN_IF_ERROR(reader.String("artifactType", index.artifact_type));
  ZL_ASSIGN_OR_RETURN(index.manifests,
                      internal::ReadDescriptors(reader, "manifests"));
  if (index.media_type == kDockerManifestList) {
    for (size_t i = 0; i < index.manifests.size(); ++i) {
      if (!index.manifests[i].platform) {
        return Invalid(ElementPath(reader.PathOf("manifests"), i) + ".platform",
                       "required field is missing");
      }
    }
  }
  ZL_ASSIGN_OR_RETURN(index.subject,
                      internal::ReadOptionalDescriptor(reader, "subject"));
  ZL_RETURN_IF_ERROR(reader.StringMap("annotations", index.annotations));
  return index;
}

}  // namespace

Index MakeIndex(Format format) {
  Index index;
  index.media_type = std::string(IndexMediaType(format));
  return index;
}

Format IndexFormat(const Index& index) {
  return index.media_type == kDockerManifestList ? Format::kDocker
                                                 : Format::kOci;
}

Result<Index> ParseIndex(std::string_view json) {
  auto document = internal::ParseJson(json);
  if (!document) return std::unexpected(document.error().AddContext("index"));
  return WithContext(IndexFromJson(*document), "index");
}

std::string SerializeIndex(const Index& index) {
  OrderedJson out = OrderedJson::object();
  out["schemaVersion"] = index.schema_version;
  internal::PutString(out, "mediaType", index.media_type);
  internal::PutString(out, "artifactType", index.artifact_type);
  out["manifests"] = internal::DescriptorsToJson(index.manifests);
  if (index.subject) {
    out["subject"] = internal::DescriptorToJson(*index.subject);
  }
  internal::PutStringMap(out, "annotations", index.annotations);
  return internal::Dump(out);
}

}  // namespace zlayer::oci
