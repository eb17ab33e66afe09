// Image indexes (OCI) and manifest lists (Docker schema 2): one entry per
// platform-specific manifest. An OCI image layout's index.json is an Index
// too, its entries named by the org.opencontainers.image.ref.name
// annotation.
#ifndef ZLAYER_OCI_INDEX_H_
#define ZLAYER_OCI_INDEX_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oci/descriptor.h"
#include "oci/media_types.h"
#include "zlayer/result.h"

namespace zlayer::oci {

// The annotation naming a manifest in an OCI layout's index.json.
inline constexpr std::string_view kRefNameAnnotation =
    "org.opencontainers.image.ref.name";

struct Index {
  int schema_version = 2;
  // kOciIndex or kDockerManifestList; empty is allowed for OCI.
  std::string media_type;
  std::string artifact_type;
  std::vector<Descriptor> manifests;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;

  bool operator==(const Index&) const = default;
};

// An empty index of `format` with its media type set.
Index MakeIndex(Format format);

// The format the media type names; an empty media type means OCI.
Format IndexFormat(const Index& index);

// Parses and validates like ParseManifest; in addition every entry of a
// Docker manifest list must carry a platform, as Docker requires.
// Errors read `index: manifests[1].platform: required field is missing`.
Result<Index> ParseIndex(std::string_view json);

// Compact JSON; "manifests" is always written, empty optional members never.
std::string SerializeIndex(const Index& index);

}  // namespace zlayer::oci

#endif  // ZLAYER_OCI_INDEX_H_
