// Media types of the two image formats zlayer reads and writes: OCI image
// spec v1.1 and Docker image manifest v2 schema 2. `--format oci|docker`
// picks the family for a build; reading accepts both, since registries and
// `docker save` hand out either.
#ifndef ZLAYER_OCI_MEDIA_TYPES_H_
#define ZLAYER_OCI_MEDIA_TYPES_H_

#include <optional>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::oci {

inline constexpr std::string_view kOciManifest =
    "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kOciIndex =
    "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kOciConfig =
    "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view kOciLayerTar =
    "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view kOciLayerGzip =
    "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view kOciLayerZstd =
    "application/vnd.oci.image.layer.v1.tar+zstd";
// Deprecated in image-spec 1.1 but still found in older Windows images.
inline constexpr std::string_view kOciNondistributableLayerTar =
    "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr std::string_view kOciNondistributableLayerGzip =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view kOciNondistributableLayerZstd =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
// The `{}` blob that artifacts use as config or layer.
inline constexpr std::string_view kOciEmpty =
    "application/vnd.oci.empty.v1+json";

inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kDockerManifestList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view kDockerConfig =
    "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view kDockerLayerGzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
// Not in the Docker spec, but written by containers/image and containerd.
inline constexpr std::string_view kDockerLayerTar =
    "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view kDockerLayerZstd =
    "application/vnd.docker.image.rootfs.diff.tar.zstd";
inline constexpr std::string_view kDockerForeignLayerGzip =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

enum class Format { kOci, kDocker };

// "oci" or "docker"; anything else is a kUsage error naming the value.
Result<Format> ParseFormat(std::string_view text);
std::string_view FormatName(Format format);

enum class Compression { kNone, kGzip, kZstd };

// "gzip", "zstd" or "none" (also "uncompressed"), as `--compression` takes.
Result<Compression> ParseCompression(std::string_view text);
std::string_view CompressionName(Compression compression);

std::string_view ManifestMediaType(Format format);
std::string_view IndexMediaType(Format format);
std::string_view ConfigMediaType(Format format);

// The media type for a layer written in `format` with `compression`. Docker
// schema 2 has no zstd layer type that Docker itself pulls, so that pairing
// is kUnsupported (BuildKit also refuses it and switches to OCI types).
Result<std::string_view> LayerMediaType(Format format, Compression compression);

// What a layer media type says about its blob.
struct LayerKind {
  Compression compression = Compression::kNone;
  // Docker foreign or OCI non-distributable: the blob may live only at the
  // descriptor's urls and must not be pushed.
  bool foreign = false;
  bool operator==(const LayerKind&) const = default;
};

// Understands every layer type above; anything else (an artifact's custom
// layer type, say) is kUnsupported, naming the type.
Result<LayerKind> ParseLayerMediaType(std::string_view media_type);

bool IsManifestMediaType(std::string_view media_type);
bool IsIndexMediaType(std::string_view media_type);

// The format a manifest, index or config media type belongs to, or nullopt
// for layer and unknown types.
std::optional<Format> FormatOfMediaType(std::string_view media_type);

// RFC 6838 "type/subtype" as the OCI descriptor spec restricts it: each
// part starts with a letter or digit and has at most 127 characters of
// [A-Za-z0-9!#$&^_.+-]; parameters (";charset=...") are not allowed.
bool IsValidMediaType(std::string_view media_type);

}  // namespace zlayer::oci

#endif  // ZLAYER_OCI_MEDIA_TYPES_H_
