// Helpers the Client's tests share: deterministic blob bytes, a reader
// that returns short reads, whole-blob fetches and a tiny image.
#ifndef ZLAYER_REGISTRY_CLIENT_TESTING_H_
#define ZLAYER_REGISTRY_CLIENT_TESTING_H_

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/sha256.h"
#include "oci/media_types.h"
#include "registry/client.h"
#include "zlayer/result.h"

namespace zlayer::registry::testing {

inline std::string Pattern(size_t size, uint8_t seed) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (char& c : out) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

inline BlobReader ReaderOf(const std::string& data) {
  auto offset = std::make_shared<size_t>(0);
  return [&data, offset](std::span<uint8_t> out) -> Result<size_t> {
    // Short reads on purpose: the client must keep reading.
    size_t n = std::min({out.size(), data.size() - *offset, size_t{7000}});
    std::memcpy(out.data(), data.data() + *offset, n);
    *offset += n;
    return n;
  };
}

struct Progress {
  uint64_t done = 0;
  uint64_t total = 0;
};

// The whole blob; with `progress`, the last progress report is kept there.
inline Result<std::string> Fetch(Client& client, std::string_view repo,
                                 const base::Digest& digest,
                                 Progress* progress = nullptr) {
  std::string out;
  TransferProgress report;
  if (progress != nullptr) {
    report = [progress](uint64_t done, uint64_t total) {
      progress->done = done;
      progress->total = total;
    };
  }
  ZL_RETURN_IF_ERROR(client.GetBlob(
      repo, digest,
      [&](std::string_view d) {
        out.append(d);
        return Ok();
      },
      report));
  return out;
}

inline ClientOptions Fast() {
  ClientOptions options;
  options.retry_base = std::chrono::milliseconds(1);
  return options;
}

inline std::string ManifestFor(const std::string& config,
                               const std::string& layer) {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
         base::Digest::Of(config).ToString() + R"(","size":)" +
         std::to_string(config.size()) +
         R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
         base::Digest::Of(layer).ToString() + R"(","size":)" +
         std::to_string(layer.size()) + "}]}";
}

// Pushes a config and a layer and a manifest tagged `tag`; returns the
// manifest digest.
inline Result<base::Digest> PushImage(Client& client, const std::string& repo,
                                      const std::string& tag) {
  std::string config =
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  std::string layer = Pattern(3000, 9);
  for (const std::string* blob : {&config, &layer}) {
    ZL_RETURN_IF_ERROR(client.PushBlob(repo, base::Digest::Of(*blob),
                                       blob->size(), ReaderOf(*blob)));
  }
  return client.PutManifest(repo, tag, oci::kOciManifest,
                            ManifestFor(config, layer));
}

}  // namespace zlayer::registry::testing

#endif  // ZLAYER_REGISTRY_CLIENT_TESTING_H_
