// `zlayer cache`: today the cache is the store's blobs; build-cache entries
// join when the build engine records them.
#include <cstdio>
#include <string>

#include "base/units.h"
#include "cli/command.h"
#include "cli/store_access.h"

namespace zlayer::cli {
namespace {

struct PruneFlags {
  std::string older_than;
  std::string keep_storage;
  bool all = false;
};

Status DiskUsage(const GlobalOptions& global) {
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  ZL_ASSIGN_OR_RETURN(store::StoreUsage usage, store.DiskUsage());
  std::printf("%-14s %8s %10s\n", "TYPE", "ENTRIES", "SIZE");
  std::printf("%-14s %8lld %10s\n", "images",
              static_cast<long long>(usage.images), "");
  std::printf("%-14s %8lld %10s\n", "blobs",
              static_cast<long long>(usage.blobs),
              base::FormatSize(usage.bytes).c_str());
  std::printf("%-14s %8lld %10s\n", "reclaimable",
              static_cast<long long>(usage.unreferenced_blobs),
              base::FormatSize(usage.unreferenced_bytes).c_str());
  return Ok();
}

Status Prune(const GlobalOptions& global, const PruneFlags& flags) {
  // Age and size limits select among build-cache entries, which do not
  // exist yet; accepting them would silently do something else.
  if (!flags.older_than.empty()) {
    return Fail(
        "cache prune: --older-than is not supported yet: the store "
        "holds no build-cache entries to age out",
        ErrorKind::kUnsupported);
  }
  if (!flags.keep_storage.empty()) {
    return Fail(
        "cache prune: --keep-storage is not supported yet: the store "
        "holds no build-cache entries to trim",
        ErrorKind::kUnsupported);
  }
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  ZL_ASSIGN_OR_RETURN(store::GcStats stats, store.GarbageCollect());
  std::printf("Deleted %lld blobs, reclaimed %s\n",
              static_cast<long long>(stats.blobs_removed),
              base::FormatSize(stats.bytes_removed).c_str());
  return Ok();
}

}  // namespace

void RegisterCacheCommand(CLI::App& app, Invocation& invocation) {
  CLI::App* cache = app.add_subcommand("cache", "Cache usage and pruning");
  cache->require_subcommand(1);
  CLI::App* du = cache->add_subcommand("du", "Cache entries and bytes");
  du->callback([&invocation] {
    invocation.run = [&invocation] { return DiskUsage(invocation.global); };
  });
  CLI::App* prune = cache->add_subcommand(
      "prune", "Drop cache entries and unreferenced blobs");
  auto flags = std::make_shared<PruneFlags>();
  prune->add_option("--older-than", flags->older_than,
                    "Only entries unused for DURATION (not supported yet)");
  prune->add_option("--keep-storage", flags->keep_storage,
                    "Keep up to SIZE of cache (not supported yet)");
  prune->add_flag("--all", flags->all,
                  "Everything not referenced by an image (today the same as "
                  "without it: every unreferenced blob)");
  prune->callback([&invocation, flags] {
    invocation.run = [&invocation, flags] {
      return Prune(invocation.global, *flags);
    };
  });
}

}  // namespace zlayer::cli
