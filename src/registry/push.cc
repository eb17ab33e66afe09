#include "registry/push.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "base/unique_fd.h"
#include "oci/manifest.h"
#include "oci/media_types.h"
#include "progress/transfer_throttle.h"
#include "registry/pull.h"
#include "registry/reference.h"

namespace zlayer::registry {
namespace {

using progress::TransferReporter;
using progress::TransferState;

struct PushBlobSpec {
  base::Digest digest;
  uint64_t size = 0;
  const char* what = "layer";  // or "config"
};

struct Counters {
  std::atomic<uint64_t> bytes_uploaded{0};
  std::atomic<int> skipped{0};
  std::atomic<int> mounted{0};
};

// Repositories of `dest`'s registry the image is known to come from: its
// own names there, other than the destination itself.
std::vector<std::string> MountSources(const store::ImageRecord& image,
                                      std::string_view image_ref,
                                      const Reference& dest,
                                      const std::string& default_registry) {
  std::vector<std::string> names = image.tags;
  names.emplace_back(image_ref);
  std::set<std::string> sources;
  for (const std::string& name : names) {
    auto ref = ParseReference(name, default_registry);
    if (!ref || ref->registry != dest.registry ||
        ref->repository == dest.repository) {
      continue;
    }
    sources.insert(ref->repository);
  }
  return {sources.begin(), sources.end()};
}

// Repositories of `dest`'s registry each blob is known to be in: pulled
// images (store origins) hold their layers there. A build's base layers
// are then mounted from the base image's repository, as Docker does.
Result<std::map<base::Digest, std::vector<std::string>>> BlobSources(
    store::Store& store, const Reference& dest) {
  std::map<base::Digest, std::vector<std::string>> sources;
  ZL_ASSIGN_OR_RETURN(std::vector<store::ImageOrigin> origins,
                      store.ListImageOrigins());
  for (const store::ImageOrigin& origin : origins) {
    auto ref = ParseReference(origin.reference);
    if (!ref || ref->registry != dest.registry ||
        ref->repository == dest.repository) {
      continue;
    }
    auto image = store.GetImage(origin.image_id.ToString());
    if (!image) continue;  // removed meanwhile
    for (const store::LayerRecord& layer : image->layers) {
      std::vector<std::string>& repos = sources[layer.digest];
      if (std::find(repos.begin(), repos.end(), ref->repository) ==
          repos.end()) {
        repos.push_back(ref->repository);
      }
    }
  }
  return sources;
}

Status UploadFromStore(const store::Store& store, Client& client,
                       const std::string& repo, const PushBlobSpec& blob,
                       const TransferReporter::OnBytes& on_bytes) {
  ZL_ASSIGN_OR_RETURN(base::UniqueFd fd, store.blobs().Open(blob.digest));
  int raw = fd.get();
  BlobReader read = [raw](std::span<uint8_t> out) -> Result<size_t> {
    for (;;) {
      ssize_t n = ::read(raw, out.data(), out.size());
      if (n >= 0) return static_cast<size_t>(n);
      if (errno != EINTR) return FailErrno("read blob", errno);
    }
  };
  return client.PushBlob(repo, blob.digest, blob.size, read,
                         [&](uint64_t done, uint64_t) { on_bytes(done); });
}

// How a blob got to the registry.
enum class Outcome { kUploaded, kExisted, kMounted };

// A registry declining a mount costs two requests; a few tries is plenty.
constexpr size_t kMaxMountTries = 3;

Result<Outcome> PushOne(const store::Store& store, Client& client,
                        const Reference& dest,
                        const std::vector<std::string>& sources,
                        const PushBlobSpec& blob,
                        const TransferReporter::OnBytes& on_bytes) {
  ZL_ASSIGN_OR_RETURN(bool present,
                      client.HasBlob(dest.repository, blob.digest));
  if (present) return Outcome::kExisted;
  for (size_t i = 0; i < sources.size() && i < kMaxMountTries; ++i) {
    const std::string& source = sources[i];
    ZL_ASSIGN_OR_RETURN(bool mounted,
                        client.MountBlob(dest.repository, blob.digest, source));
    if (mounted) return Outcome::kMounted;
  }
  ZL_RETURN_IF_ERROR(
      UploadFromStore(store, client, dest.repository, blob, on_bytes));
  return Outcome::kUploaded;
}

// PushOne between the blob's started and final events.
Status PushReported(const store::Store& store, Client& client,
                    const Reference& dest,
                    const std::vector<std::string>& sources,
                    const PushBlobSpec& blob, Counters& counters,
                    TransferReporter& events) {
  std::string digest = blob.digest.ToString();
  events.Started(digest, blob.what, blob.size);
  uint64_t moved = 0;
  auto outcome =
      PushOne(store, client, dest, sources, blob, [&](uint64_t done) {
        moved = done;
        events.Running(digest, blob.what, done, blob.size);
      });
  if (!outcome) {
    events.Finished(digest, blob.what, TransferState::kFailed, moved,
                    blob.size);
    return std::unexpected(std::move(outcome).error());
  }
  TransferState state = TransferState::kDone;
  switch (*outcome) {
    case Outcome::kExisted:
      counters.skipped.fetch_add(1);
      state = TransferState::kExists;
      break;
    case Outcome::kMounted:
      counters.mounted.fetch_add(1);
      state = TransferState::kMounted;
      break;
    case Outcome::kUploaded:
      counters.bytes_uploaded.fetch_add(blob.size);
      break;
  }
  events.Finished(digest, blob.what, state, blob.size, blob.size);
  return Ok();
}

Result<PushResult> PushImage(store::Store& store, std::string_view image_ref,
                             const Reference& dest,
                             const PushOptions& options) {
  ZL_ASSIGN_OR_RETURN(store::ImageRecord image, store.GetImage(image_ref));
  if (!dest.digest.empty() && dest.digest != image.manifest_digest.ToString()) {
    return Fail("the destination names digest " + dest.digest +
                    ", but the image's manifest is " +
                    image.manifest_digest.ToString(),
                ErrorKind::kInvalid);
  }
  // Keeps garbage collection from the image's blobs while they are read.
  ZL_ASSIGN_OR_RETURN(store::Lease lease, store.AcquireLease());
  ZL_ASSIGN_OR_RETURN(std::string manifest_bytes,
                      store.blobs().Read(image.manifest_digest));
  ZL_ASSIGN_OR_RETURN(oci::Manifest manifest,
                      oci::ParseManifest(manifest_bytes));

  std::vector<PushBlobSpec> blobs;
  std::set<base::Digest> seen;
  for (const oci::Descriptor& layer : manifest.layers) {
    auto kind = oci::ParseLayerMediaType(layer.media_type);
    // Foreign layers are served from their URLs; registries refuse or
    // must not receive them, as Docker never pushes them.
    if (kind && kind->foreign) continue;
    if (seen.insert(layer.digest).second) {
      blobs.push_back({layer.digest, static_cast<uint64_t>(layer.size)});
    }
  }
  if (seen.insert(manifest.config.digest).second) {
    blobs.push_back({manifest.config.digest,
                     static_cast<uint64_t>(manifest.config.size), "config"});
  }

  ZL_ASSIGN_OR_RETURN(std::unique_ptr<Client> client,
                      Client::Create(dest.ApiHost(), options.client));
  std::vector<std::string> named =
      MountSources(image, image_ref, dest, options.default_registry);
  ZL_ASSIGN_OR_RETURN(auto known, BlobSources(store, dest));
  // Per blob: the repositories known to hold it, then the image's own.
  auto sources_of = [&](const base::Digest& digest) {
    std::vector<std::string> sources;
    if (auto it = known.find(digest); it != known.end()) sources = it->second;
    for (const std::string& repo : named) {
      if (std::find(sources.begin(), sources.end(), repo) == sources.end()) {
        sources.push_back(repo);
      }
    }
    return sources;
  };
  TransferReporter events(options.events, progress::TransferKind::kPush,
                          dest.String());
  Counters counters;
  ZL_RETURN_IF_ERROR(internal::RunParallel(
      blobs.size(), options.parallel, [&](size_t i) -> Status {
        return PushReported(store, *client, dest, sources_of(blobs[i].digest),
                            blobs[i], counters, events);
      }));

  // Put every time, even when the registry has it: the tag may point
  // elsewhere, and the put is what moves it.
  const std::string& ref = dest.digest.empty() ? dest.tag : dest.digest;
  base::Digest pushed;
  ZL_RETURN_IF_ERROR(events.Track(
      image.manifest_digest.ToString(), "manifest", manifest_bytes.size(),
      [&](const TransferReporter::OnBytes&) -> Status {
        ZL_ASSIGN_OR_RETURN(
            pushed,
            client->PutManifest(dest.repository, ref, image.manifest_media_type,
                                manifest_bytes));
        if (pushed != image.manifest_digest) {
          return Fail("the registry stored the manifest as " +
                          pushed.ToString() + ", not as " +
                          image.manifest_digest.ToString(),
                      ErrorKind::kInvalid);
        }
        return Ok();
      }));
  PushResult result;
  result.manifest_digest = pushed.ToString();
  result.bytes_uploaded = counters.bytes_uploaded.load();
  result.blobs_skipped = counters.skipped.load();
  result.blobs_mounted = counters.mounted.load();
  return result;
}

}  // namespace

Result<PushResult> Push(store::Store& store, std::string_view image_ref,
                        std::string_view dest_ref, const PushOptions& options) {
  ZL_ASSIGN_OR_RETURN(Reference dest,
                      ParseReference(dest_ref, options.default_registry));
  auto pushed = PushImage(store, image_ref, dest, options);
  // The client's errors already name the destination; once is enough.
  std::string name = dest.Familiar();
  if (!pushed && pushed.error().message().find(name) == std::string::npos) {
    pushed.error().AddContext("push " + name);
  }
  return pushed;
}

}  // namespace zlayer::registry
