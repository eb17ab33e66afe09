// Store-wide maintenance: garbage collection, disk usage and verification.
#include <map>

#include "base/temp_dir.h"
#include "store/store.h"
#include "store/tree_usage.h"

namespace zlayer::store {

Result<int64_t> Store::SweepScratch() const {
  ZL_ASSIGN_OR_RETURN(auto swept, blobs_.SweepTemp());
  // Builds' upper and work directories: overlay whiteout devices and
  // read-only directories are common there, which RemoveTree copes with.
  std::string work = WorkDir();
  ZL_ASSIGN_OR_RETURN(auto names, ListDirectory(work));
  for (const std::string& name : names) {
    ZL_RETURN_IF_ERROR(base::RemoveTree(work + "/" + name));
  }
  return swept.first + static_cast<int64_t>(names.size());
}

Status Store::CollectSnapshots(GcStats& stats) {
  std::string dir = root_ + "/snapshots";
  ZL_ASSIGN_OR_RETURN(auto names, InStore(ListDirectory(dir)));
  if (names.empty()) return Ok();
  ZL_ASSIGN_OR_RETURN(auto referenced, InStore(index_->ReferencedDiffIds()));
  for (const std::string& name : names) {
    // Unpacks and adoptions in progress use such names; with the lock held
    // exclusively none is in progress.
    bool partial = name.starts_with('.') || name.starts_with("tmp-");
    if (!partial) {
      auto diff_id = base::Digest::FromHex(name);
      // A name that is no diff_id is not ours to judge.
      if (!diff_id || referenced.contains(diff_id->ToString())) continue;
    }
    std::string path = dir + "/" + name;
    ZL_ASSIGN_OR_RETURN(uint64_t bytes, InStore(MeasureTree(path)));
    ZL_RETURN_IF_ERROR(InStore(base::RemoveTree(path)));
    ++stats.snapshots_removed;
    stats.snapshot_bytes_removed += bytes;
  }
  return Ok();
}

Status Store::CollectUnderLock(GcStats& stats) {
  // No writer holds the lock now, so no blob can gain a reference until we
  // release it: whatever the index does not reference is garbage.
  ZL_ASSIGN_OR_RETURN(auto referenced, InStore(index_->ReferencedDigests()));
  ZL_ASSIGN_OR_RETURN(BlobListing listing, InStore(blobs_.List()));
  for (const BlobEntry& blob : listing.blobs) {
    if (referenced.contains(blob.digest.ToString())) continue;
    ZL_RETURN_IF_ERROR(InStore(blobs_.Remove(blob.digest)));
    ++stats.blobs_removed;
    stats.bytes_removed += blob.size;
  }
  if (stats.blobs_removed > 0) {
    ZL_RETURN_IF_ERROR(InStore(SyncDirectory(root_ + "/blobs/sha256")));
  }
  ZL_ASSIGN_OR_RETURN(stats.temp_files_removed, InStore(SweepScratch()));
  // Builds hold a Lease while they use snapshots, so none is in use now.
  return CollectSnapshots(stats);
}

Result<GcStats> Store::GarbageCollect(GcOptions options) {
  GcStats stats;
  RootLock lock;
  if (options.wait) {
    ZL_ASSIGN_OR_RETURN(
        lock, InStore(RootLock::Acquire(LockPath(), LockMode::kExclusive)));
  } else {
    ZL_ASSIGN_OR_RETURN(auto attempt, InStore(RootLock::TryAcquire(
                                          LockPath(), LockMode::kExclusive)));
    if (!attempt) {
      stats.skipped = true;
      return stats;
    }
    lock = std::move(*attempt);
  }
  ZL_RETURN_IF_ERROR(CollectUnderLock(stats));
  return stats;
}

Result<StoreUsage> Store::DiskUsage() {
  StoreUsage usage;
  ZL_ASSIGN_OR_RETURN(usage.images, InStore(index_->CountImages()));
  // The listing comes second: a blob written in between is then counted
  // as unreferenced, never a referenced one as missing.
  ZL_ASSIGN_OR_RETURN(auto referenced, InStore(index_->ReferencedDigests()));
  ZL_ASSIGN_OR_RETURN(BlobListing listing, InStore(blobs_.List()));
  for (const BlobEntry& blob : listing.blobs) {
    ++usage.blobs;
    usage.bytes += blob.size;
    if (!referenced.contains(blob.digest.ToString())) {
      ++usage.unreferenced_blobs;
      usage.unreferenced_bytes += blob.size;
    }
  }
  return usage;
}

namespace {

// Each image's manifest, config and layer blobs must exist with the sizes
// the index recorded.
void CheckImageBlobs(const ImageRecord& image,
                     const std::map<base::Digest, uint64_t>& sizes,
                     std::vector<std::string>& problems) {
  auto check = [&](const base::Digest& digest, int64_t size,
                   std::string_view role) {
    auto it = sizes.find(digest);
    std::string where = "image " + image.id.ToString() + ": " +
                        std::string(role) + " " + digest.ToString();
    if (it == sizes.end()) {
      problems.push_back(where + " is missing");
    } else if (it->second != static_cast<uint64_t>(size)) {
      problems.push_back(where + " has " + std::to_string(it->second) +
                         " bytes, the index says " + std::to_string(size));
    }
  };
  check(image.manifest_digest, image.manifest_size, "manifest");
  check(image.id, image.config_size, "config");
  for (const LayerRecord& layer : image.layers) {
    check(layer.digest, layer.size, "layer");
  }
}

void CheckCacheBlob(const CacheEntry& entry,
                    const std::map<base::Digest, uint64_t>& sizes,
                    std::vector<std::string>& problems) {
  if (entry.empty_layer) return;
  std::string where =
      "cache entry " + entry.key + ": layer " + entry.blob.ToString();
  auto it = sizes.find(entry.blob);
  if (it == sizes.end()) {
    problems.push_back(where + " is missing");
  } else if (it->second != static_cast<uint64_t>(entry.size)) {
    problems.push_back(where + " has " + std::to_string(it->second) +
                       " bytes, the index says " + std::to_string(entry.size));
  }
}

}  // namespace

Result<VerifyReport> Store::VerifyAll() {
  // Shared: GC must not delete blobs while they are being checked.
  ZL_ASSIGN_OR_RETURN(Lease lease, AcquireLease());
  VerifyReport report;
  ZL_ASSIGN_OR_RETURN(report.problems, InStore(index_->CheckIntegrity()));
  ZL_ASSIGN_OR_RETURN(auto images, InStore(index_->ListImages()));
  ZL_ASSIGN_OR_RETURN(auto entries, InStore(index_->ListCacheEntries()));
  ZL_ASSIGN_OR_RETURN(auto referenced, InStore(index_->ReferencedDigests()));
  ZL_ASSIGN_OR_RETURN(BlobListing listing, InStore(blobs_.List()));
  std::map<base::Digest, uint64_t> sizes;
  for (const BlobEntry& blob : listing.blobs) {
    sizes.emplace(blob.digest, blob.size);
    auto verified = blobs_.Verify(blob.digest);
    if (!verified) {
      report.problems.push_back(verified.error().message());
      continue;
    }
    ++report.blobs_checked;
    report.bytes_checked += blob.size;
  }
  for (const std::string& stray : listing.strays) {
    report.problems.push_back("unexpected file " + stray);
  }
  for (const ImageRecord& image : images) {
    CheckImageBlobs(image, sizes, report.problems);
  }
  for (const CacheEntry& entry : entries) {
    CheckCacheBlob(entry, sizes, report.problems);
  }
  for (const std::string& text : referenced) {
    auto digest = base::Digest::Parse(text);
    if (!digest) {
      report.problems.push_back("index.db: invalid referenced digest \"" +
                                text + "\"");
    } else if (!sizes.contains(*digest)) {
      report.problems.push_back("blob " + text +
                                " is referenced by the index but missing");
    }
  }
  return report;
}

}  // namespace zlayer::store
