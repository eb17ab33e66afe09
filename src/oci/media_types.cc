#include "oci/media_types.h"

#include <string>

namespace zlayer::oci {
namespace {

std::string Quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

struct LayerType {
  std::string_view media_type;
  LayerKind kind;
};

constexpr LayerType kLayerTypes[] = {
    {kOciLayerTar, {Compression::kNone, false}},
    {kOciLayerGzip, {Compression::kGzip, false}},
    {kOciLayerZstd, {Compression::kZstd, false}},
    {kOciNondistributableLayerTar, {Compression::kNone, true}},
    {kOciNondistributableLayerGzip, {Compression::kGzip, true}},
    {kOciNondistributableLayerZstd, {Compression::kZstd, true}},
    {kDockerLayerTar, {Compression::kNone, false}},
    {kDockerLayerGzip, {Compression::kGzip, false}},
    {kDockerLayerZstd, {Compression::kZstd, false}},
    {kDockerForeignLayerGzip, {Compression::kGzip, true}},
};

bool IsMediaTypePart(std::string_view part) {
  static constexpr std::string_view kPunctuation = "!#$&^_.+-";
  if (part.empty() || part.size() > 127) return false;
  for (size_t i = 0; i < part.size(); ++i) {
    char c = part[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                 (c >= '0' && c <= '9');
    if (alnum) continue;
    if (i == 0 || kPunctuation.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace

Result<Format> ParseFormat(std::string_view text) {
  if (text == "oci") return Format::kOci;
  if (text == "docker") return Format::kDocker;
  return Fail("unknown image format " + Quote(text) + " (want oci or docker)",
              ErrorKind::kUsage);
}

std::string_view FormatName(Format format) {
  return format == Format::kOci ? "oci" : "docker";
}

Result<Compression> ParseCompression(std::string_view text) {
  if (text == "gzip") return Compression::kGzip;
  if (text == "zstd") return Compression::kZstd;
  if (text == "none" || text == "uncompressed") return Compression::kNone;
  return Fail(
      "unknown compression " + Quote(text) + " (want gzip, zstd or none)",
      ErrorKind::kUsage);
}

std::string_view CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
    case Compression::kNone:
      break;
  }
  return "none";
}

std::string_view ManifestMediaType(Format format) {
  return format == Format::kOci ? kOciManifest : kDockerManifest;
}

std::string_view IndexMediaType(Format format) {
  return format == Format::kOci ? kOciIndex : kDockerManifestList;
}

std::string_view ConfigMediaType(Format format) {
  return format == Format::kOci ? kOciConfig : kDockerConfig;
}

Result<std::string_view> LayerMediaType(Format format,
                                        Compression compression) {
  if (format == Format::kOci) {
    switch (compression) {
      case Compression::kGzip:
        return kOciLayerGzip;
      case Compression::kZstd:
        return kOciLayerZstd;
      case Compression::kNone:
        return kOciLayerTar;
    }
  }
  switch (compression) {
    case Compression::kGzip:
      return kDockerLayerGzip;
    case Compression::kNone:
      return kDockerLayerTar;
    case Compression::kZstd:
      break;
  }
  return Fail(
      "zstd compression is not supported with the docker image format "
      "(Docker schema 2 has no zstd layer type); use --format oci",
      ErrorKind::kUnsupported);
}

Result<LayerKind> ParseLayerMediaType(std::string_view media_type) {
  for (const LayerType& type : kLayerTypes) {
    if (type.media_type == media_type) return type.kind;
  }
  return Fail("unsupported layer media type " + Quote(media_type),
              ErrorKind::kUnsupported);
}

bool IsManifestMediaType(std::string_view media_type) {
  return media_type == kOciManifest || media_type == kDockerManifest;
}

bool IsIndexMediaType(std::string_view media_type) {
  return media_type == kOciIndex || media_type == kDockerManifestList;
}

std::optional<Format> FormatOfMediaType(std::string_view media_type) {
  if (media_type == kOciManifest || media_type == kOciIndex ||
      media_type == kOciConfig) {
    return Format::kOci;
  }
  if (media_type == kDockerManifest || media_type == kDockerManifestList ||
      media_type == kDockerConfig) {
    return Format::kDocker;
  }
  return std::nullopt;
}

bool IsValidMediaType(std::string_view media_type) {
  size_t slash = media_type.find('/');
  if (slash == std::string_view::npos) return false;
  return IsMediaTypePart(media_type.substr(0, slash)) &&
         IsMediaTypePart(media_type.substr(slash + 1));
}

}  // namespace zlayer::oci
