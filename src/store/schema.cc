#include "store/schema.h"

#include <array>
#include <string>

namespace zlayer::store {
namespace {

// Version 1. Every digest column holds "sha256:<hex>". A blob is referenced
// when it is an image's config (the image id) or manifest, a layer of an
// image, or pinned in blob_refs by another owner (build cache entries,
// issue 5); blob_refcounts derives the counts, so there is no counter to
// drift out of step with the rows. A layer's media type lives with the
// image that uses it: one gzip blob can be a Docker layer in one manifest
// and an OCI layer in another.
constexpr char kSchemaV1[] = R"sql(
CREATE TABLE images (
  id TEXT PRIMARY KEY NOT NULL,
  manifest_digest TEXT NOT NULL,
  manifest_media_type TEXT NOT NULL,
  manifest_size INTEGER NOT NULL,
  config_size INTEGER NOT NULL,
  created TEXT NOT NULL,
  stored_at INTEGER NOT NULL,
  total_size INTEGER NOT NULL
) STRICT;
CREATE INDEX images_by_manifest ON images(manifest_digest);
CREATE TABLE layers (
  digest TEXT PRIMARY KEY NOT NULL,
  diff_id TEXT NOT NULL,
  size INTEGER NOT NULL
) STRICT;
CREATE TABLE image_layers (
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  layer_digest TEXT NOT NULL REFERENCES layers(digest),
  media_type TEXT NOT NULL,
  PRIMARY KEY (image_id, position)
) STRICT, WITHOUT ROWID;
CREATE INDEX image_layers_by_layer ON image_layers(layer_digest);
CREATE TABLE tags (
  name TEXT PRIMARY KEY NOT NULL,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  tagged_at INTEGER NOT NULL
) STRICT;
CREATE INDEX tags_by_image ON tags(image_id);
CREATE TABLE blob_refs (
  owner_kind TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  PRIMARY KEY (owner_kind, owner_id, digest)
) STRICT, WITHOUT ROWID;
CREATE INDEX blob_refs_by_digest ON blob_refs(digest);
CREATE VIEW blob_refcounts(digest, refs) AS
  SELECT digest, COUNT(*) FROM (
    SELECT id AS digest FROM images
    UNION ALL SELECT manifest_digest FROM images
    UNION ALL SELECT layer_digest FROM image_layers
    UNION ALL SELECT digest FROM blob_refs)
  GROUP BY digest;
)sql";

// Version 2: the build cache. An entry's layer blob is pinned in blob_refs
// as ("cache", key) in the same transaction that writes the row, so GC
// keeps it; diff_id and blob are '' for a step without a layer. stored_at
// (when the row was written) decides --cache-ttl expiry: `created` may be
// a fixed SOURCE_DATE_EPOCH. step_records hold --explain-cache's last
// inputs per step location.
constexpr char kSchemaV2[] = R"sql(
CREATE TABLE build_cache (
  key TEXT PRIMARY KEY NOT NULL,
  empty_layer INTEGER NOT NULL,
  diff_id TEXT NOT NULL,
  blob TEXT NOT NULL,
  media_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  created INTEGER NOT NULL,
  last_used INTEGER NOT NULL,
  stored_at INTEGER NOT NULL
) STRICT;
CREATE INDEX build_cache_by_last_used ON build_cache(last_used);
CREATE INDEX build_cache_by_blob ON build_cache(blob);
CREATE INDEX build_cache_by_diff_id ON build_cache(diff_id);
CREATE TABLE step_records (
  location TEXT PRIMARY KEY NOT NULL,
  record TEXT NOT NULL,
  updated INTEGER NOT NULL
) STRICT;
)sql";

// Version 3: registry bookkeeping. image_origins remembers, per local
// name, which reference an image was pulled as and the digest the registry
// served for it then (an index's when it served one), so --pull=newer can
// ask whether the registry changed since; a row whose image_id no longer
// matches the name's tag is stale and ignored. manifest_lists holds the
// lists `zlayer manifest` edits; the list body is a blob pinned in
// blob_refs as ("manifest-list", name).
constexpr char kSchemaV3[] = R"sql(
CREATE TABLE image_origins (
  name TEXT PRIMARY KEY NOT NULL,
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  reference TEXT NOT NULL,
  served_digest TEXT NOT NULL,
  pulled_at INTEGER NOT NULL
) STRICT;
CREATE INDEX image_origins_by_image ON image_origins(image_id);
CREATE TABLE manifest_lists (
  name TEXT PRIMARY KEY NOT NULL,
  digest TEXT NOT NULL,
  media_type TEXT NOT NULL,
  updated INTEGER NOT NULL
) STRICT;
)sql";

// kMigrations[i] takes the schema from version i to i + 1. A released
// step is never edited: files at its version exist.
constexpr std::array<const char*, kSchemaVersion> kMigrations = {
    kSchemaV1, kSchemaV2, kSchemaV3};

// 0 when the file has no schema_version table yet.
Result<int> ReadVersion(Database& db) {
  ZL_ASSIGN_OR_RETURN(
      Statement exists,
      db.Prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                 "name = 'schema_version'"));
  ZL_ASSIGN_OR_RETURN(bool found, exists.Step());
  if (!found) return 0;
  ZL_ASSIGN_OR_RETURN(Statement select,
                      db.Prepare("SELECT max(version) FROM schema_version"));
  ZL_ASSIGN_OR_RETURN(bool row, select.Step());
  return row ? static_cast<int>(select.ColumnInt(0)) : 0;
}

Status CheckNotNewer(int version) {
  if (version <= kSchemaVersion) return Ok();
  return Fail("index.db has schema version " + std::to_string(version) +
                  ", newer than this zlayer understands (" +
                  std::to_string(kSchemaVersion) + ")",
              ErrorKind::kUnsupported);
}

}  // namespace

Result<int> SchemaVersion(Database& db) {
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db, Transaction::Mode::kDeferred));
  return ReadVersion(db);
}

Status MigrateSchema(Database& db) {
  return MigrateSchemaTo(db, kSchemaVersion);
}

Status MigrateSchemaTo(Database& db, int target) {
  if (target < 1 || target > kSchemaVersion) {
    return Fail("no schema version " + std::to_string(target),
                ErrorKind::kInvalid);
  }
  // The common case, an up-to-date file, needs no write lock.
  ZL_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  ZL_RETURN_IF_ERROR(CheckNotNewer(current));
  if (current >= target) return Ok();

  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db, Transaction::Mode::kImmediate));
  // Another process may have migrated between the check and the lock.
  ZL_ASSIGN_OR_RETURN(int version, ReadVersion(db));
  ZL_RETURN_IF_ERROR(CheckNotNewer(version));
  if (version >= target) return Ok();
  if (version == 0) {
    ZL_RETURN_IF_ERROR(
        db.Exec("CREATE TABLE schema_version (version INTEGER NOT NULL)"));
  }
  for (int step = version; step < target; ++step) {
    ZL_RETURN_IF_ERROR(db.Exec(kMigrations[step]));
  }
  ZL_RETURN_IF_ERROR(db.Exec("DELETE FROM schema_version"));
  ZL_ASSIGN_OR_RETURN(Statement insert,
                      db.Prepare("INSERT INTO schema_version VALUES (?)"));
  ZL_RETURN_IF_ERROR(insert.Bind(1, int64_t{target}).Run());
  return txn.Commit();
}

}  // namespace zlayer::store
