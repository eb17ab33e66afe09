// Image manifests: one platform's image as a config blob plus an ordered
// list of layer blobs. The same struct carries OCI manifests (including
// image-spec 1.1 artifacts with artifactType and subject) and Docker schema 2
// manifests; the media type says which.
#ifndef ZLAYER_OCI_MANIFEST_H_
#define ZLAYER_OCI_MANIFEST_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/descriptor.h"
#include "oci/media_types.h"
#include "zlayer/result.h"

namespace zlayer::oci {

struct Manifest {
  int schema_version = 2;
  // kOciManifest or kDockerManifest; empty is allowed for OCI (the spec
  // makes it optional) and then stays empty when serialized again.
  std::string media_type;
  std::string artifact_type;
  Descriptor config;
  std::vector<Descriptor> layers;  // base layer first
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;

  bool operator==(const Manifest&) const = default;
};

// A manifest of `format` with its media type set.
Manifest MakeManifest(Format format, Descriptor config,
                      std::vector<Descriptor> layers);

// The format the media type names; an empty media type means OCI.
Format ManifestFormat(const Manifest& manifest);

// Parses and validates: schemaVersion must be 2, mediaType (when present) a
// manifest type, every descriptor complete with a valid media type, digest
// and non-negative size. Errors are kInvalid (kUnsupported for a digest
// algorithm other than sha256) and read like
// `manifest: layers[2].digest: invalid digest "sha256:xyz": ...`.
Result<Manifest> ParseManifest(std::string_view json);

// Compact JSON in the key order of the OCI Go types; "layers" is always
// written, empty optional members never.
std::string SerializeManifest(const Manifest& manifest);

}  // namespace zlayer::oci

#endif  // ZLAYER_OCI_MANIFEST_H_
