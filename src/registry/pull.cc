#include "registry/pull.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "oci/manifest.h"
#include "oci/media_types.h"
#include "oci/platform.h"
#include "progress/transfer_throttle.h"
#include "registry/reference.h"

namespace zlayer::registry {
namespace {

// Configs are small; one this large is hostile (the store's own limit).
constexpr int64_t kMaxConfigSize = 16 << 20;
// An index pointing at an index is legal; a chain longer than this is not
// an image anyone built.
constexpr int kMaxIndexDepth = 4;

oci::Platform Wanted(const oci::Platform& requested) {
  if (requested.architecture.empty()) return oci::HostPlatform();
  oci::Platform wanted = requested;
  if (wanted.os.empty()) wanted.os = "linux";
  return wanted;
}

using progress::TransferReporter;
using progress::TransferState;

uint64_t Size(const oci::Descriptor& blob) {
  return blob.size > 0 ? static_cast<uint64_t>(blob.size) : 0;
}

Result<std::string> FetchConfig(Client& client, const std::string& repo,
                                const oci::Descriptor& config,
                                const TransferReporter::OnBytes& on_bytes) {
  if (config.size > kMaxConfigSize) {
    return Fail("config " + config.digest.ToString() + " is " +
                    std::to_string(config.size) +
                    " bytes, more than a config "
                    "can sensibly be",
                ErrorKind::kInvalid);
  }
  std::string bytes;
  Status fetched = client.GetBlob(
      repo, config.digest,
      [&](std::string_view data) -> Status {
        if (bytes.size() + data.size() > static_cast<size_t>(config.size)) {
          return Fail("config " + config.digest.ToString() +
                          " is larger than the manifest says (" +
                          std::to_string(config.size) + " bytes)",
                      ErrorKind::kInvalid);
        }
        bytes.append(data);
        return Ok();
      },
      [&](uint64_t done, uint64_t) { on_bytes(done); });
  ZL_RETURN_IF_ERROR(fetched);
  return bytes;
}

Status FetchLayer(const store::Store& store, const store::Lease& lease,
                  Client& client, const std::string& repo,
                  const oci::Descriptor& layer,
                  const TransferReporter::OnBytes& on_bytes) {
  ZL_ASSIGN_OR_RETURN(store::BlobWriter writer, store.blobs().NewWriter(lease));
  // The writer discards its temporary file unless committed, so any early
  // return below leaves nothing behind.
  ZL_RETURN_IF_ERROR(client.GetBlob(
      repo, layer.digest,
      [&](std::string_view data) -> Status {
        if (writer.size() + data.size() > static_cast<uint64_t>(layer.size)) {
          return Fail("layer " + layer.digest.ToString() +
                          ": the registry sent more than the " +
                          std::to_string(layer.size) +
                          " bytes the manifest says",
                      ErrorKind::kInvalid);
        }
        return writer.Write(data);
      },
      [&](uint64_t done, uint64_t) { on_bytes(done); }));
  if (writer.size() != static_cast<uint64_t>(layer.size)) {
    return Fail("layer " + layer.digest.ToString() + ": the registry sent " +
                    std::to_string(writer.size()) +
                    " bytes, the manifest says " + std::to_string(layer.size),
                ErrorKind::kInvalid);
  }
  ZL_RETURN_IF_ERROR(writer.Commit(layer.digest));
  return Ok();
}

// The platform manifest `ref` names: the manifest itself, or the entry of
// an index (followed through nested indexes) for `wanted`. `served` gets
// the digest of what the registry answered for `ref` itself.
Result<ManifestResponse> ResolveManifest(Client& client, const Reference& ref,
                                         const oci::Platform& wanted,
                                         base::Digest& served,
                                         TransferReporter& events) {
  std::string repo = ref.repository;
  auto first =
      client.GetManifest(repo, ref.digest.empty() ? ref.tag : ref.digest);
  // Fetched by tag, the digest and kind are only known from the answer;
  // manifests are small, so started and done go out together.
  if (!first) {
    if (!ref.digest.empty()) {
      events.Started(ref.digest, "manifest", 0);
      events.Finished(ref.digest, "manifest", TransferState::kFailed, 0, 0);
    }
    return std::unexpected(std::move(first).error());
  }
  ManifestResponse response = std::move(*first);
  served = response.digest;
  auto report_fetched = [&](const ManifestResponse& fetched) {
    std::string what =
        oci::IsIndexMediaType(fetched.media_type) ? "index" : "manifest";
    events.Started(fetched.digest.ToString(), what, fetched.body.size());
    events.Finished(fetched.digest.ToString(), what, TransferState::kDone,
                    fetched.body.size(), fetched.body.size());
  };
  report_fetched(response);
  for (int depth = 0;; ++depth) {
    if (oci::IsManifestMediaType(response.media_type)) return response;
    if (!oci::IsIndexMediaType(response.media_type)) {
      return Fail("manifest " + response.digest.ToString() +
                      " has media type \"" + response.media_type +
                      "\", which is neither an image manifest nor an index",
                  ErrorKind::kUnsupported);
    }
    if (depth == kMaxIndexDepth) {
      return Fail("indexes nested more than " + std::to_string(kMaxIndexDepth) +
                      " deep",
                  ErrorKind::kInvalid);
    }
    ZL_ASSIGN_OR_RETURN(oci::Index index, oci::ParseIndex(response.body));
    ZL_ASSIGN_OR_RETURN(oci::Descriptor entry, SelectPlatform(index, wanted));
    std::string what =
        oci::IsIndexMediaType(entry.media_type) ? "index" : "manifest";
    std::string digest = entry.digest.ToString();
    events.Started(digest, what, Size(entry));
    auto next = client.GetManifest(repo, digest);
    if (!next) {
      events.Finished(digest, what, TransferState::kFailed, 0, Size(entry));
      return std::unexpected(std::move(next).error());
    }
    response = std::move(*next);
    events.Finished(digest, what, TransferState::kDone, response.body.size(),
                    response.body.size());
  }
}

Result<store::ImageRecord> PullReference(store::Store& store,
                                         const Reference& ref,
                                         const PullOptions& options) {
  ZL_ASSIGN_OR_RETURN(std::unique_ptr<Client> client,
                      Client::Create(ref.ApiHost(), options.client));
  TransferReporter events(options.events, progress::TransferKind::kPull,
                          ref.String());
  base::Digest served;
  ZL_ASSIGN_OR_RETURN(
      ManifestResponse response,
      ResolveManifest(*client, ref, Wanted(options.platform), served, events));
  ZL_ASSIGN_OR_RETURN(oci::Manifest manifest,
                      oci::ParseManifest(response.body));
  if (!manifest.artifact_type.empty()) {
    return Fail("manifest " + response.digest.ToString() + " is an artifact (" +
                    manifest.artifact_type + "), not an image",
                ErrorKind::kUnsupported);
  }

  // Held until PutImage has referenced every blob committed here, so that
  // a concurrent garbage collection cannot take them.
  ZL_ASSIGN_OR_RETURN(store::Lease lease, store.AcquireLease());
  std::vector<oci::Descriptor> missing;
  std::set<base::Digest> seen;
  for (const oci::Descriptor& layer : manifest.layers) {
    if (!seen.insert(layer.digest).second) continue;
    ZL_ASSIGN_OR_RETURN(bool present, store.blobs().Has(layer.digest));
    if (!present) {
      missing.push_back(layer);
      continue;
    }
    std::string digest = layer.digest.ToString();
    events.Started(digest, "layer", Size(layer));
    events.Finished(digest, "layer", TransferState::kExists, Size(layer),
                    Size(layer));
  }

  std::string config;
  std::mutex config_mutex;
  // Task 0 is the config, the rest the missing layers: all share the pool.
  ZL_RETURN_IF_ERROR(internal::RunParallel(
      missing.size() + 1, options.parallel, [&](size_t i) -> Status {
        if (i == 0) {
          const oci::Descriptor& blob = manifest.config;
          return events.Track(
              blob.digest.ToString(), "config", Size(blob),
              [&](const TransferReporter::OnBytes& on_bytes) -> Status {
                ZL_ASSIGN_OR_RETURN(
                    std::string bytes,
                    FetchConfig(*client, ref.repository, blob, on_bytes));
                std::lock_guard lock(config_mutex);
                config = std::move(bytes);
                return Ok();
              });
        }
        const oci::Descriptor& layer = missing[i - 1];
        return events.Track(layer.digest.ToString(), "layer", Size(layer),
                            [&](const TransferReporter::OnBytes& on_bytes) {
                              return FetchLayer(store, lease, *client,
                                                ref.repository, layer,
                                                on_bytes);
                            });
      }));

  std::vector<std::string> names;
  if (!ref.tag.empty()) {
    Reference tagged = ref;
    tagged.digest.clear();
    names.push_back(tagged.Familiar());
  }
  ZL_ASSIGN_OR_RETURN(store::ImageRecord image,
                      store.PutImage(response.body, config, names));
  // --pull=newer compares against what the tag served (schema v3).
  for (const std::string& name : names) {
    ZL_RETURN_IF_ERROR(store.PutImageOrigin({.name = name,
                                             .image_id = image.id,
                                             .reference = ref.String(),
                                             .served_digest = served}));
  }
  return image;
}

bool VariantFits(const oci::Platform& entry, const oci::Platform& wanted) {
  return entry.variant.empty() || wanted.variant.empty() ||
         entry.variant == wanted.variant;
}

}  // namespace

Result<oci::Descriptor> SelectPlatform(const oci::Index& index,
                                       const oci::Platform& wanted) {
  const oci::Descriptor* loose = nullptr;
  std::vector<std::string> offered;
  for (const oci::Descriptor& entry : index.manifests) {
    if (!entry.platform) continue;
    const oci::Platform& platform = *entry.platform;
    offered.push_back(oci::PlatformString(platform));
    if (platform.os != wanted.os ||
        platform.architecture != wanted.architecture ||
        !VariantFits(platform, wanted)) {
      continue;
    }
    if (platform.variant == wanted.variant) return entry;
    if (loose == nullptr) loose = &entry;
  }
  if (loose != nullptr) return *loose;
  std::string message =
      "no image for platform " + oci::PlatformString(wanted) + " in the index";
  if (offered.empty()) {
    message += ", whose entries name no platform";
  } else {
    std::string list;
    for (const std::string& p : offered) {
      list += (list.empty() ? "" : ", ") + p;
    }
    message += " (available: " + list + ")";
  }
  return Fail(message, ErrorKind::kNotFound);
}

Result<store::ImageRecord> Pull(store::Store& store, std::string_view ref_text,
                                const PullOptions& options) {
  ZL_ASSIGN_OR_RETURN(Reference ref,
                      ParseReference(ref_text, options.default_registry));
  auto pulled = PullReference(store, ref, options);
  // The client's errors already name the reference ("REF: manifest
  // unknown"); saying it twice reads badly.
  std::string name = ref.Familiar();
  if (!pulled && pulled.error().message().find(name) == std::string::npos) {
    pulled.error().AddContext("pull " + name);
  }
  return pulled;
}

namespace internal {

Status RunParallel(size_t count, int parallel,
                   const std::function<Status(size_t)>& task) {
  if (count == 0) return Ok();
  size_t workers = std::clamp<size_t>(
      static_cast<size_t>(std::max(parallel, 1)), size_t{1}, count);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mutex;
  std::optional<Error> first_error;
  auto work = [&] {
    while (!failed.load()) {
      size_t i = next.fetch_add(1);
      if (i >= count) return;
      Status status = task(i);
      if (!status) {
        std::lock_guard lock(mutex);
        if (!first_error) first_error = std::move(status).error();
        failed.store(true);
      }
    }
  };
  {
    std::vector<std::jthread> threads;
    for (size_t t = 1; t < workers; ++t) threads.emplace_back(work);
    work();
  }
  if (first_error) return std::unexpected(std::move(*first_error));
  return Ok();
}

}  // namespace internal

}  // namespace zlayer::registry
