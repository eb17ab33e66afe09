// The build-cache side of ImageIndex: cache entries with their blob pins,
// pruning, and the step records --explain-cache compares against.
#include <map>

#include "store/image_index.h"
#include "store/store.h"

namespace zlayer::store {
namespace {

using Mode = Transaction::Mode;

constexpr char kCacheOwner[] = "cache";

constexpr char kEntryColumns[] =
    "SELECT key, empty_layer, diff_id, blob, media_type, size, created, "
    "last_used FROM build_cache";

// Blobs of layer-bearing entries that nothing but the cache references,
// with their size: what pruning the cache can give back.
constexpr char kCacheOnlyBlobs[] =
    "SELECT blob, MAX(size) AS bytes, COUNT(*) AS entries FROM build_cache "
    "WHERE empty_layer = 0 "
    "AND blob NOT IN (SELECT layer_digest FROM image_layers UNION SELECT id "
    "FROM images UNION SELECT manifest_digest FROM images UNION SELECT "
    "digest FROM blob_refs WHERE owner_kind != 'cache') GROUP BY blob";

// An empty column stands for "no layer"; anything else must parse.
Result<base::Digest> OptionalDigest(const Statement& row, int column,
                                    std::string_view what) {
  std::string text = row.ColumnText(column);
  if (text.empty()) return base::Digest();
  auto digest = base::Digest::Parse(text);
  if (!digest) {
    return std::unexpected(digest.error().AddContext(
        "index.db: corrupt build_cache." + std::string(what)));
  }
  return digest;
}

Result<CacheEntry> ReadEntryRow(const Statement& row) {
  CacheEntry entry;
  entry.key = row.ColumnText(0);
  entry.empty_layer = row.ColumnInt(1) != 0;
  ZL_ASSIGN_OR_RETURN(entry.diff_id, OptionalDigest(row, 2, "diff_id"));
  ZL_ASSIGN_OR_RETURN(entry.blob, OptionalDigest(row, 3, "blob"));
  entry.media_type = row.ColumnText(4);
  entry.size = row.ColumnInt(5);
  entry.created = row.ColumnInt(6);
  entry.last_used = row.ColumnInt(7);
  return entry;
}

Status DeleteEntry(Database& db, const std::string& key) {
  ZL_ASSIGN_OR_RETURN(
      Statement unpin,
      db.Prepare(
          "DELETE FROM blob_refs WHERE owner_kind = ? AND owner_id = ?"));
  ZL_RETURN_IF_ERROR(unpin.Bind(1, kCacheOwner).Bind(2, key).Run());
  ZL_ASSIGN_OR_RETURN(Statement remove,
                      db.Prepare("DELETE FROM build_cache WHERE key = ?"));
  return remove.Bind(1, key).Run();
}

}  // namespace

Status ImageIndex::PutCacheEntry(const CacheEntry& entry, int64_t now) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Mode::kImmediate));
  ZL_ASSIGN_OR_RETURN(
      Statement upsert,
      db_.Prepare("INSERT OR REPLACE INTO build_cache (key, empty_layer, "
                  "diff_id, blob, media_type, size, created, last_used, "
                  "stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  bool layer = !entry.empty_layer;
  ZL_RETURN_IF_ERROR(
      upsert.Bind(1, entry.key)
          .Bind(2, int64_t{entry.empty_layer ? 1 : 0})
          .Bind(3, layer ? entry.diff_id.ToString() : std::string())
          .Bind(4, layer ? entry.blob.ToString() : std::string())
          .Bind(5, layer ? entry.media_type : std::string())
          .Bind(6, layer ? entry.size : int64_t{0})
          .Bind(7, entry.created)
          .Bind(8, now)
          .Bind(9, now)
          .Run());
  ZL_ASSIGN_OR_RETURN(
      Statement unpin,
      db_.Prepare(
          "DELETE FROM blob_refs WHERE owner_kind = ? AND owner_id = ?"));
  ZL_RETURN_IF_ERROR(unpin.Bind(1, kCacheOwner).Bind(2, entry.key).Run());
  if (layer) {
    ZL_ASSIGN_OR_RETURN(
        Statement pin,
        db_.Prepare("INSERT INTO blob_refs (owner_kind, owner_id, digest) "
                    "VALUES (?, ?, ?)"));
    ZL_RETURN_IF_ERROR(pin.Bind(1, kCacheOwner)
                           .Bind(2, entry.key)
                           .Bind(3, entry.blob.ToString())
                           .Run());
  }
  return txn.Commit();
}

Result<std::optional<CacheEntry>> ImageIndex::LookupCacheEntry(
    const std::string& key, int64_t stored_after, int64_t now) {
  std::lock_guard lock(mutex_);
  // Immediate: the hit's last_used is written in the same snapshot, so a
  // concurrent prune cannot remove the entry in between and be undone.
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Mode::kImmediate));
  ZL_ASSIGN_OR_RETURN(Statement select,
                      db_.Prepare(std::string(kEntryColumns) +
                                  " WHERE key = ? AND stored_at >= ?"));
  ZL_ASSIGN_OR_RETURN(bool row,
                      select.Bind(1, key).Bind(2, stored_after).Step());
  if (!row) return std::optional<CacheEntry>();
  ZL_ASSIGN_OR_RETURN(CacheEntry entry, ReadEntryRow(select));
  ZL_ASSIGN_OR_RETURN(
      Statement touch,
      db_.Prepare("UPDATE build_cache SET last_used = ? WHERE key = ?"));
  ZL_RETURN_IF_ERROR(touch.Bind(1, now).Bind(2, key).Run());
  ZL_RETURN_IF_ERROR(txn.Commit());
  entry.last_used = now;
  return std::optional<CacheEntry>(std::move(entry));
}

Result<std::vector<CacheEntry>> ImageIndex::ListCacheEntries() {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(
      Statement select,
      db_.Prepare(std::string(kEntryColumns) + " ORDER BY last_used, key"));
  std::vector<CacheEntry> entries;
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return entries;
    ZL_ASSIGN_OR_RETURN(CacheEntry entry, ReadEntryRow(select));
    entries.push_back(std::move(entry));
  }
}

Result<int64_t> ImageIndex::PruneCache(const CachePrunePlan& plan) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Mode::kImmediate));
  int64_t removed = 0;
  if (plan.all) {
    ZL_RETURN_IF_ERROR(db_.Exec("DELETE FROM build_cache"));
    removed = db_.Changes();
    ZL_RETURN_IF_ERROR(
        db_.Exec("DELETE FROM blob_refs WHERE owner_kind = 'cache'"));
    ZL_RETURN_IF_ERROR(txn.Commit());
    return removed;
  }
  if (plan.used_before > 0) {
    ZL_ASSIGN_OR_RETURN(
        Statement unpin,
        db_.Prepare("DELETE FROM blob_refs WHERE owner_kind = 'cache' AND "
                    "owner_id IN (SELECT key FROM build_cache WHERE "
                    "last_used < ?)"));
    ZL_RETURN_IF_ERROR(unpin.Bind(1, plan.used_before).Run());
    ZL_ASSIGN_OR_RETURN(
        Statement remove,
        db_.Prepare("DELETE FROM build_cache WHERE last_used < ?"));
    ZL_RETURN_IF_ERROR(remove.Bind(1, plan.used_before).Run());
    removed += db_.Changes();
  }
  if (plan.keep_bytes) {
    struct Held {
      uint64_t size = 0;
      int64_t entries = 0;
    };
    std::map<std::string, Held> held;
    uint64_t total = 0;
    ZL_ASSIGN_OR_RETURN(Statement blobs, db_.Prepare(kCacheOnlyBlobs));
    for (;;) {
      ZL_ASSIGN_OR_RETURN(bool row, blobs.Step());
      if (!row) break;
      Held h{static_cast<uint64_t>(blobs.ColumnInt(1)), blobs.ColumnInt(2)};
      total += h.size;
      held.emplace(blobs.ColumnText(0), h);
    }
    // Only entries whose removal can free a blob are candidates; an entry
    // whose layer an image also uses costs nothing to keep.
    std::vector<std::pair<std::string, std::string>> lru;
    ZL_ASSIGN_OR_RETURN(
        Statement order,
        db_.Prepare("SELECT key, blob FROM build_cache WHERE empty_layer = 0 "
                    "ORDER BY last_used, key"));
    for (;;) {
      ZL_ASSIGN_OR_RETURN(bool row, order.Step());
      if (!row) break;
      std::string blob = order.ColumnText(1);
      if (held.contains(blob)) lru.emplace_back(order.ColumnText(0), blob);
    }
    for (const auto& [key, blob] : lru) {
      if (total <= *plan.keep_bytes) break;
      ZL_RETURN_IF_ERROR(DeleteEntry(db_, key));
      ++removed;
      Held& h = held[blob];
      if (--h.entries == 0) total -= h.size;
    }
  }
  ZL_RETURN_IF_ERROR(txn.Commit());
  return removed;
}

Result<CacheTotals> ImageIndex::CacheUsage() {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Mode::kDeferred));
  CacheTotals totals;
  ZL_ASSIGN_OR_RETURN(Statement count,
                      db_.Prepare("SELECT count(*) FROM build_cache"));
  ZL_RETURN_IF_ERROR(count.Step());
  totals.entries = count.ColumnInt(0);
  ZL_ASSIGN_OR_RETURN(Statement bytes,
                      db_.Prepare("SELECT COALESCE(SUM(bytes), 0) FROM (" +
                                  std::string(kCacheOnlyBlobs) + ")"));
  ZL_RETURN_IF_ERROR(bytes.Step());
  totals.layer_bytes = static_cast<uint64_t>(bytes.ColumnInt(0));
  return totals;
}

Status ImageIndex::PutStepRecord(const std::string& location,
                                 const std::string& record, int64_t now) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(
      Statement upsert,
      db_.Prepare("INSERT INTO step_records (location, record, updated) "
                  "VALUES (?1, ?2, ?3) ON CONFLICT (location) DO UPDATE SET "
                  "record = ?2, updated = ?3"));
  return upsert.Bind(1, location).Bind(2, record).Bind(3, now).Run();
}

Result<std::optional<std::string>> ImageIndex::GetStepRecord(
    const std::string& location) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(
      Statement select,
      db_.Prepare("SELECT record FROM step_records WHERE location = ?"));
  ZL_ASSIGN_OR_RETURN(bool row, select.Bind(1, location).Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(select.ColumnText(0));
}

Result<std::unordered_set<std::string>> ImageIndex::ReferencedDiffIds() {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(
      Statement select,
      db_.Prepare("SELECT diff_id FROM layers UNION SELECT diff_id FROM "
                  "build_cache WHERE empty_layer = 0"));
  std::unordered_set<std::string> diff_ids;
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return diff_ids;
    diff_ids.insert(select.ColumnText(0));
  }
}

}  // namespace zlayer::store
