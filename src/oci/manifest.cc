#include "oci/manifest.h"

#include "oci/document_json.h"
#include "oci/json_fields.h"

namespace zlayer::oci {
namespace {

using internal::Invalid;
using internal::Json;
using internal::ObjectReader;
using internal::OrderedJson;

Result<Manifest> ManifestFromJson(const Json& value) {
  ZL_ASSIGN_OR_RETURN(ObjectReader reader, ObjectReader::Open(value, ""));
  // Without a mediaType an index and a manifest differ only by members;
  // say which one this is instead of "layers: required field is missing".
  if (reader.Find("manifests") != nullptr) {
    return Invalid("", "this is an image index, not a manifest");
  }
  Manifest manifest;
  ZL_RETURN_IF_ERROR(
      internal::ReadSchemaVersion(reader, manifest.schema_version));
  ZL_RETURN_IF_ERROR(internal::ReadDocumentMediaType(
      reader, manifest.media_type, IsManifestMediaType, "a manifest"));
  ZL_RETURN_IF_ERROR(reader.String("artifactType", manifest.artifact_type));
  ZL_ASSIGN_OR_RETURN(const Json* config, reader.Require("config"));
  ZL_ASSIGN_OR_RETURN(manifest.config, internal::DescriptorFromJson(
                                           *config, reader.PathOf("config")));
  ZL_ASSIGN_OR_RETURN(manifest.layers,
                      internal::ReadDescriptors(reader, "layers"));
  ZL_ASSIGN_OR_RETURN(manifest.subject,
                      internal::ReadOptionalDescriptor(reader, "subject"));
  ZL_RETURN_IF_ERROR(reader.StringMap("annotations", manifest.annotations));
  return manifest;
}

}  // namespace

Manifest MakeManifest(Format format, Descriptor config,
                      std::vector<Descriptor> layers) {
  Manifest manifest;
  manifest.media_type = std::string(ManifestMediaType(format));
  manifest.config = std::move(config);
  manifest.layers = std::move(layers);
  return manifest;
}

Format ManifestFormat(const Manifest& manifest) {
  return manifest.media_type == kDockerManifest ? Format::kDocker
                                                : Format::kOci;
}

Result<Manifest> ParseManifest(std::string_view json) {
  auto document = internal::ParseJson(json);
  if (!document) {
    return std::unexpected(document.error().AddContext("manifest"));
  }
  return WithContext(ManifestFromJson(*document), "manifest");
}

std::string SerializeManifest(const Manifest& manifest) {
  OrderedJson out = OrderedJson::object();
  out["schemaVersion"] = manifest.schema_version;
  internal::PutString(out, "mediaType", manifest.media_type);
  internal::PutString(out, "artifactType", manifest.artifact_type);
  out["config"] = internal::DescriptorToJson(manifest.config);
  out["layers"] = internal::DescriptorsToJson(manifest.layers);
  if (manifest.subject) {
    out["subject"] = internal::DescriptorToJson(*manifest.subject);
  }
  internal::PutStringMap(out, "annotations", manifest.annotations);
  return internal::Dump(out);
}

}  // namespace zlayer::oci
