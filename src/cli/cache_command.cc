// `zlayer cache`: the store's blobs and the build cache (entries with their
// layer blobs, RUN --mount=type=cache directories, unpacked snapshots).
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

void PrintRow(const char* type, int64_t entries, const std::string& size) {
  std::printf("%-14s %8lld %10s\n", type, static_cast<long long>(entries),
              size.c_str());
}

Status DiskUsage(const GlobalOptions& global) {
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  ZL_ASSIGN_OR_RETURN(store::StoreUsage usage, store.DiskUsage());
  ZL_ASSIGN_OR_RETURN(store::BuildCacheUsage cache, store.GetBuildCacheUsage());
  std::printf("%-14s %8s %10s\n", "TYPE", "ENTRIES", "SIZE");
  PrintRow("images", usage.images, "");
  PrintRow("blobs", usage.blobs, base::FormatSize(usage.bytes));
  PrintRow("reclaimable", usage.unreferenced_blobs,
           base::FormatSize(usage.unreferenced_bytes));
  // Layer bytes count the blobs only the cache keeps (a part of "blobs").
  PrintRow("build cache", cache.entries, base::FormatSize(cache.layer_bytes));
  PrintRow("cache mounts", cache.cache_mounts,
           base::FormatSize(cache.cache_mount_bytes));
  PrintRow("snapshots", cache.snapshots,
           base::FormatSize(cache.snapshot_bytes));
  return Ok();
}

Result<store::CachePruneOptions> ParsePruneFlags(const PruneFlags& flags) {
  store::CachePruneOptions options;
  options.all = flags.all;
  if (!flags.older_than.empty()) {
    auto age = base::ParseDuration(flags.older_than);
    if (!age) {
      return Fail("cache prune: --older-than: " + age.error().message(),
                  ErrorKind::kUsage);
    }
    if (age->count() == 0) {
      return Fail("cache prune: --older-than: the duration must be positive",
                  ErrorKind::kUsage);
    }
    options.older_than_seconds = age->count();
  }
  if (!flags.keep_storage.empty()) {
    auto size = base::ParseSize(flags.keep_storage);
    if (!size) {
      return Fail("cache prune: --keep-storage: " + size.error().message(),
                  ErrorKind::kUsage);
    }
    if (*size == 0) {
      // 0 would mean "no target" to the store; say what to use instead.
      return Fail(
          "cache prune: --keep-storage: the size must be positive (use --all "
          "to drop every entry)",
          ErrorKind::kUsage);
    }
    options.keep_storage = *size;
  }
  return options;
}

Status Prune(const GlobalOptions& global, const PruneFlags& flags) {
  ZL_ASSIGN_OR_RETURN(store::CachePruneOptions options, ParsePruneFlags(flags));
  ZL_ASSIGN_OR_RETURN(store::Store store, OpenStore(global));
  ZL_ASSIGN_OR_RETURN(store::CachePruneStats stats,
                      store.PruneBuildCache(options));
  std::printf(
      "Deleted %lld cache entries, %lld cache mounts, %lld blobs, %lld "
      "snapshots, reclaimed %s\n",
      static_cast<long long>(stats.entries_removed),
      static_cast<long long>(stats.cache_mounts_removed),
      static_cast<long long>(stats.gc.blobs_removed),
      static_cast<long long>(stats.gc.snapshots_removed),
      base::FormatSize(stats.gc.bytes_removed + stats.gc.snapshot_bytes_removed)
          .c_str());
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
                    "Drop entries unused for DURATION (30m, 12h, 7d)");
  prune->add_option("--keep-storage", flags->keep_storage,
                    "Then drop least recently used entries until the cache's "
                    "layers take at most SIZE (500MB, 2g)");
  prune->add_flag("--all", flags->all,
                  "Drop every cache entry and cache mount");
  prune->callback([&invocation, flags] {
    invocation.run = [&invocation, flags] {
      return Prune(invocation.global, *flags);
    };
  });
}

}  // namespace zlayer::cli
