// The read side of ImageIndex: lookups, listings and the views GC and
// verification use. Multi-query reads run in one deferred transaction so
// they see a single snapshot even while other processes write.
#include <algorithm>

#include "oci/timestamp.h"
#include "store/image_index.h"

namespace zlayer::store {
namespace {

using Mode = Transaction::Mode;

constexpr char kImageColumns[] =
    "SELECT id, manifest_digest, manifest_media_type, manifest_size, "
    "config_size, created, stored_at, total_size FROM images";

// Index rows were written from parsed digests, so a bad one means the file
// was edited or damaged; say which column of which table.
Result<base::Digest> DigestColumn(const Statement& stmt, int column,
                                  std::string_view what) {
  auto digest = base::Digest::Parse(stmt.ColumnText(column));
  if (!digest) {
    return std::unexpected(
        digest.error().AddContext("index.db: corrupt " + std::string(what)));
  }
  return digest;
}

Result<ImageRecord> ReadImageRow(const Statement& row) {
  ImageRecord image;
  ZL_ASSIGN_OR_RETURN(image.id, DigestColumn(row, 0, "images.id"));
  ZL_ASSIGN_OR_RETURN(image.manifest_digest,
                      DigestColumn(row, 1, "images.manifest_digest"));
  image.manifest_media_type = row.ColumnText(2);
  image.manifest_size = row.ColumnInt(3);
  image.config_size = row.ColumnInt(4);
  image.created = row.ColumnText(5);
  image.stored_at = row.ColumnInt(6);
  image.total_size = row.ColumnInt(7);
  return image;
}

// Sort key: the config's creation time, else the time it was stored.
int64_t CreatedNanos(const ImageRecord& image) {
  if (auto created = oci::ParseTimestamp(image.created)) {
    return created->time_since_epoch().count();
  }
  return image.stored_at * 1'000'000'000;
}

}  // namespace

Result<std::vector<std::string>> ImageIndex::TagsOf(const base::Digest& id) {
  ZL_ASSIGN_OR_RETURN(
      Statement select,
      db_.Prepare("SELECT name FROM tags WHERE image_id = ? ORDER BY name"));
  select.Bind(1, id.ToString());
  std::vector<std::string> tags;
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return tags;
    tags.push_back(select.ColumnText(0));
  }
}

Result<std::vector<LayerRecord>> ImageIndex::LayersOf(const base::Digest& id) {
  ZL_ASSIGN_OR_RETURN(
      Statement select,
      db_.Prepare("SELECT l.digest, l.diff_id, l.size, il.media_type FROM "
                  "image_layers il JOIN layers l ON l.digest = "
                  "il.layer_digest WHERE il.image_id = ? ORDER BY "
                  "il.position"));
  select.Bind(1, id.ToString());
  std::vector<LayerRecord> layers;
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return layers;
    LayerRecord layer;
    ZL_ASSIGN_OR_RETURN(layer.digest, DigestColumn(select, 0, "layers.digest"));
    ZL_ASSIGN_OR_RETURN(layer.diff_id,
                        DigestColumn(select, 1, "layers.diff_id"));
    layer.size = select.ColumnInt(2);
    layer.media_type = select.ColumnText(3);
    layers.push_back(std::move(layer));
  }
}

Result<std::optional<base::Digest>> ImageIndex::LookupTag(
    const std::string& name) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Statement select,
                      db_.Prepare("SELECT image_id FROM tags WHERE name = ?"));
  ZL_ASSIGN_OR_RETURN(bool row, select.Bind(1, name).Step());
  if (!row) return std::optional<base::Digest>();
  ZL_ASSIGN_OR_RETURN(base::Digest id,
                      DigestColumn(select, 0, "tags.image_id"));
  return std::optional<base::Digest>(std::move(id));
}

Result<std::vector<base::Digest>> ImageIndex::IdsWithPrefix(
    const std::string& hex_prefix, int limit) {
  std::lock_guard lock(mutex_);
  // Hex digits are not GLOB metacharacters, so the prefix needs no escaping.
  ZL_ASSIGN_OR_RETURN(
      Statement select,
      db_.Prepare("SELECT id FROM images WHERE id GLOB ? ORDER BY id LIMIT ?"));
  select.Bind(1, "sha256:" + hex_prefix + "*").Bind(2, int64_t{limit});
  std::vector<base::Digest> ids;
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return ids;
    ZL_ASSIGN_OR_RETURN(base::Digest id, DigestColumn(select, 0, "images.id"));
    ids.push_back(std::move(id));
  }
}

Result<std::vector<base::Digest>> ImageIndex::IdsWithManifest(
    const base::Digest& digest) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(
      Statement select,
      db_.Prepare(
          "SELECT id FROM images WHERE manifest_digest = ? ORDER BY id"));
  select.Bind(1, digest.ToString());
  std::vector<base::Digest> ids;
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return ids;
    ZL_ASSIGN_OR_RETURN(base::Digest id, DigestColumn(select, 0, "images.id"));
    ids.push_back(std::move(id));
  }
}

Result<std::optional<ImageRecord>> ImageIndex::GetImage(
    const base::Digest& id) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Mode::kDeferred));
  ZL_ASSIGN_OR_RETURN(Statement select, db_.Prepare(std::string(kImageColumns) +
                                                    " WHERE id = ?"));
  ZL_ASSIGN_OR_RETURN(bool row, select.Bind(1, id.ToString()).Step());
  if (!row) return std::optional<ImageRecord>();
  ZL_ASSIGN_OR_RETURN(ImageRecord image, ReadImageRow(select));
  ZL_ASSIGN_OR_RETURN(image.layers, LayersOf(id));
  ZL_ASSIGN_OR_RETURN(image.tags, TagsOf(id));
  return std::optional<ImageRecord>(std::move(image));
}

Result<std::vector<ImageRecord>> ImageIndex::ListImages() {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Mode::kDeferred));
  ZL_ASSIGN_OR_RETURN(Statement select, db_.Prepare(kImageColumns));
  std::vector<ImageRecord> images;
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    ZL_ASSIGN_OR_RETURN(ImageRecord image, ReadImageRow(select));
    images.push_back(std::move(image));
  }
  for (ImageRecord& image : images) {
    ZL_ASSIGN_OR_RETURN(image.layers, LayersOf(image.id));
    ZL_ASSIGN_OR_RETURN(image.tags, TagsOf(image.id));
  }
  std::ranges::sort(images, [](const ImageRecord& a, const ImageRecord& b) {
    int64_t ta = CreatedNanos(a);
    int64_t tb = CreatedNanos(b);
    if (ta != tb) return ta > tb;
    return a.id < b.id;
  });
  return images;
}

Result<std::unordered_set<std::string>> ImageIndex::ReferencedDigests() {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Statement select,
                      db_.Prepare("SELECT digest FROM blob_refcounts"));
  std::unordered_set<std::string> digests;
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return digests;
    digests.insert(select.ColumnText(0));
  }
}

Result<int64_t> ImageIndex::CountImages() {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Statement select,
                      db_.Prepare("SELECT count(*) FROM images"));
  ZL_RETURN_IF_ERROR(select.Step());
  return select.ColumnInt(0);
}

Result<std::vector<std::string>> ImageIndex::CheckIntegrity() {
  std::lock_guard lock(mutex_);
  std::vector<std::string> problems;
  ZL_ASSIGN_OR_RETURN(Statement quick, db_.Prepare("PRAGMA quick_check"));
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, quick.Step());
    if (!row) break;
    if (quick.ColumnText(0) != "ok") {
      problems.push_back("index.db: " + quick.ColumnText(0));
    }
  }
  ZL_ASSIGN_OR_RETURN(Statement keys, db_.Prepare("PRAGMA foreign_key_check"));
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, keys.Step());
    if (!row) break;
    problems.push_back("index.db: table " + keys.ColumnText(0) + " row " +
                       std::to_string(keys.ColumnInt(1)) +
                       " references a missing row of " + keys.ColumnText(2));
  }
  return problems;
}

}  // namespace zlayer::store
