// The build cache on the Store: entries with their pinned layer blobs,
// pruning, usage, step records, and the directories builds keep in the
// store root (snapshots, cache mounts).
#include <ctime>

#include "base/temp_dir.h"
#include "store/store.h"
#include "store/tree_usage.h"

namespace zlayer::store {
namespace {

Status CheckEntry(const CacheEntry& entry) {
  if (entry.key.empty()) {
    return Fail("cache entry: the key is empty", ErrorKind::kInvalid);
  }
  if (entry.empty_layer) return Ok();
  if (entry.blob.empty() || entry.diff_id.empty()) {
    return Fail("cache entry " + entry.key +
                    ": a layer entry needs its blob and diff_id",
                ErrorKind::kInvalid);
  }
  if (entry.size < 0) {
    return Fail("cache entry " + entry.key + ": negative size " +
                    std::to_string(entry.size),
                ErrorKind::kInvalid);
  }
  return Ok();
}

}  // namespace

int64_t Store::Now() const {
  return clock_ ? clock_() : static_cast<int64_t>(std::time(nullptr));
}

std::string Store::SnapshotDir(const base::Digest& diff_id) const {
  return root_ + "/snapshots/" + std::string(diff_id.hex());
}

Status Store::PutCacheEntry(const CacheEntry& entry) {
  ZL_RETURN_IF_ERROR(CheckEntry(entry));
  if (entry.empty_layer) return InStore(index_->PutCacheEntry(entry, Now()));
  // Shared, so that GC cannot take the blob between the check and the pin.
  ZL_ASSIGN_OR_RETURN(Lease lease, AcquireLease());
  auto size = blobs_.Size(entry.blob);
  if (!size) {
    return InStore<void>(
        std::unexpected(size.error().AddContext("cache entry " + entry.key)));
  }
  if (*size != static_cast<uint64_t>(entry.size)) {
    return Fail("cache entry " + entry.key + ": blob " + entry.blob.ToString() +
                    " has " + std::to_string(*size) +
                    " bytes, the entry says " + std::to_string(entry.size),
                ErrorKind::kInvalid);
  }
  return InStore(index_->PutCacheEntry(entry, Now()));
}

Result<std::optional<CacheEntry>> Store::LookupCacheEntry(
    std::string_view key, int64_t max_age_seconds) {
  if (max_age_seconds < 0) {
    return Fail(
        "cache lookup: negative maximum age " + std::to_string(max_age_seconds),
        ErrorKind::kInvalid);
  }
  int64_t now = Now();
  int64_t stored_after = max_age_seconds > 0 ? now - max_age_seconds : 0;
  return InStore(index_->LookupCacheEntry(std::string(key), stored_after, now));
}

Result<int64_t> Store::RemoveCacheMounts() {
  std::string dir = CacheMountsDir();
  ZL_ASSIGN_OR_RETURN(auto names, InStore(ListDirectory(dir)));
  for (const std::string& name : names) {
    ZL_RETURN_IF_ERROR(InStore(base::RemoveTree(dir + "/" + name)));
  }
  return static_cast<int64_t>(names.size());
}

Result<CachePruneStats> Store::PruneBuildCache(
    const CachePruneOptions& options) {
  if (options.older_than_seconds < 0) {
    return Fail("cache prune: negative age " +
                    std::to_string(options.older_than_seconds),
                ErrorKind::kInvalid);
  }
  CachePruneStats stats;
  CachePrunePlan plan;
  plan.all = options.all;
  if (options.older_than_seconds > 0) {
    plan.used_before = Now() - options.older_than_seconds;
  }
  if (options.keep_storage > 0) plan.keep_bytes = options.keep_storage;
  // Index rows need no root lock; removing them first means a build that
  // starts meanwhile already misses them.
  ZL_ASSIGN_OR_RETURN(stats.entries_removed, InStore(index_->PruneCache(plan)));
  // Exclusive: no build is using a cache mount or a snapshot now. The
  // caller holds no Lease (see store.h), so this cannot wait for itself.
  ZL_ASSIGN_OR_RETURN(RootLock lock, InStore(RootLock::Acquire(
                                         LockPath(), LockMode::kExclusive)));
  if (options.all) {
    ZL_ASSIGN_OR_RETURN(stats.cache_mounts_removed, RemoveCacheMounts());
  }
  ZL_RETURN_IF_ERROR(CollectUnderLock(stats.gc));
  return stats;
}

Result<BuildCacheUsage> Store::GetBuildCacheUsage() {
  BuildCacheUsage usage;
  ZL_ASSIGN_OR_RETURN(CacheTotals totals, InStore(index_->CacheUsage()));
  usage.entries = totals.entries;
  usage.layer_bytes = totals.layer_bytes;
  std::string mounts = CacheMountsDir();
  ZL_ASSIGN_OR_RETURN(auto names, InStore(ListDirectory(mounts)));
  for (const std::string& name : names) {
    ZL_ASSIGN_OR_RETURN(uint64_t bytes,
                        InStore(MeasureTree(mounts + "/" + name)));
    ++usage.cache_mounts;
    usage.cache_mount_bytes += bytes;
  }
  std::string snapshots = root_ + "/snapshots";
  ZL_ASSIGN_OR_RETURN(names, InStore(ListDirectory(snapshots)));
  for (const std::string& name : names) {
    // Partially written ones are not snapshots yet.
    if (!base::Digest::FromHex(name)) continue;
    ZL_ASSIGN_OR_RETURN(uint64_t bytes,
                        InStore(MeasureTree(snapshots + "/" + name)));
    ++usage.snapshots;
    usage.snapshot_bytes += bytes;
  }
  return usage;
}

Status Store::PutStepRecord(std::string_view location,
                            std::string_view record) {
  if (location.empty()) {
    return Fail("step record: the location is empty", ErrorKind::kInvalid);
  }
  return InStore(
      index_->PutStepRecord(std::string(location), std::string(record), Now()));
}

Result<std::optional<std::string>> Store::GetStepRecord(
    std::string_view location) {
  return InStore(index_->GetStepRecord(std::string(location)));
}

}  // namespace zlayer::store
