#include "store/image_index.h"

#include <set>

#include "store/schema.h"

namespace zlayer::store {
namespace {

constexpr std::chrono::milliseconds kBusyTimeout(60'000);

using Mode = Transaction::Mode;

std::string Repository(const std::string& name) {
  size_t colon = name.rfind(':');
  return colon == std::string::npos ? name : name.substr(0, colon);
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<ImageIndex>> ImageIndex::Open(const std::string& path) {
  ZL_ASSIGN_OR_RETURN(Database db, Database::Open(path, kBusyTimeout));
  ZL_RETURN_IF_ERROR(MigrateSchema(db));
  return std::unique_ptr<ImageIndex>(new ImageIndex(std::move(db)));
}

Status ImageIndex::PutImage(const ImageRecord& image, int64_t now) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Mode::kImmediate));
  ZL_ASSIGN_OR_RETURN(
      Statement upsert,
      db_.Prepare("INSERT INTO images (id, manifest_digest, "
                  "manifest_media_type, manifest_size, config_size, created, "
                  "stored_at, total_size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
                  "?8) ON CONFLICT (id) DO UPDATE SET manifest_digest = ?2, "
                  "manifest_media_type = ?3, manifest_size = ?4, "
                  "config_size = ?5, created = ?6, total_size = ?8"));
  ZL_RETURN_IF_ERROR(upsert.Bind(1, image.id.ToString())
                         .Bind(2, image.manifest_digest.ToString())
                         .Bind(3, image.manifest_media_type)
                         .Bind(4, image.manifest_size)
                         .Bind(5, image.config_size)
                         .Bind(6, image.created)
                         .Bind(7, now)
                         .Bind(8, image.total_size)
                         .Run());
  ZL_RETURN_IF_ERROR(InsertLayers(image));
  for (const std::string& name : image.tags) {
    ZL_ASSIGN_OR_RETURN(
        Statement tag,
        db_.Prepare("INSERT INTO tags (name, image_id, tagged_at) "
                    "VALUES (?1, ?2, ?3) ON CONFLICT (name) DO UPDATE SET "
                    "image_id = ?2, tagged_at = ?3"));
    ZL_RETURN_IF_ERROR(
        tag.Bind(1, name).Bind(2, image.id.ToString()).Bind(3, now).Run());
  }
  return txn.Commit();
}

Status ImageIndex::InsertLayers(const ImageRecord& image) {
  ZL_ASSIGN_OR_RETURN(
      Statement clear,
      db_.Prepare("DELETE FROM image_layers WHERE image_id = ?"));
  ZL_RETURN_IF_ERROR(clear.Bind(1, image.id.ToString()).Run());
  for (size_t i = 0; i < image.layers.size(); ++i) {
    const LayerRecord& layer = image.layers[i];
    ZL_ASSIGN_OR_RETURN(
        Statement insert,
        db_.Prepare("INSERT INTO layers (digest, diff_id, size) VALUES (?, ?, "
                    "?) ON CONFLICT (digest) DO NOTHING"));
    ZL_RETURN_IF_ERROR(insert.Bind(1, layer.digest.ToString())
                           .Bind(2, layer.diff_id.ToString())
                           .Bind(3, layer.size)
                           .Run());
    // One blob has one uncompressed content; a different diff_id for a
    // known blob means the caller paired the wrong digests.
    ZL_ASSIGN_OR_RETURN(
        Statement check,
        db_.Prepare("SELECT diff_id FROM layers WHERE digest = ?"));
    ZL_ASSIGN_OR_RETURN(bool row,
                        check.Bind(1, layer.digest.ToString()).Step());
    if (row && check.ColumnText(0) != layer.diff_id.ToString()) {
      return Fail("layer " + layer.digest.ToString() + ": diff_id " +
                      layer.diff_id.ToString() + " contradicts the stored " +
                      check.ColumnText(0),
                  ErrorKind::kInvalid);
    }
    ZL_ASSIGN_OR_RETURN(
        Statement link,
        db_.Prepare("INSERT INTO image_layers (image_id, position, "
                    "layer_digest, media_type) VALUES (?, ?, ?, ?)"));
    ZL_RETURN_IF_ERROR(link.Bind(1, image.id.ToString())
                           .Bind(2, static_cast<int64_t>(i))
                           .Bind(3, layer.digest.ToString())
                           .Bind(4, layer.media_type)
                           .Run());
  }
  // A replaced manifest may have dropped layers nothing else uses.
  return db_.Exec(
      "DELETE FROM layers WHERE digest NOT IN "
      "(SELECT layer_digest FROM image_layers)");
}

Status ImageIndex::SetTag(const std::string& name, const base::Digest& id,
                          int64_t now) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Mode::kImmediate));
  ZL_ASSIGN_OR_RETURN(Statement exists,
                      db_.Prepare("SELECT 1 FROM images WHERE id = ?"));
  ZL_ASSIGN_OR_RETURN(bool found, exists.Bind(1, id.ToString()).Step());
  if (!found) {
    return Fail("image " + id.ToString() + " not found", ErrorKind::kNotFound);
  }
  ZL_ASSIGN_OR_RETURN(
      Statement tag,
      db_.Prepare("INSERT INTO tags (name, image_id, tagged_at) VALUES (?1, "
                  "?2, ?3) ON CONFLICT (name) DO UPDATE SET image_id = ?2, "
                  "tagged_at = ?3"));
  ZL_RETURN_IF_ERROR(
      tag.Bind(1, name).Bind(2, id.ToString()).Bind(3, now).Run());
  return txn.Commit();
}

Status ImageIndex::DeleteTag(const std::string& name) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Statement remove,
                      db_.Prepare("DELETE FROM tags WHERE name = ?"));
  ZL_RETURN_IF_ERROR(remove.Bind(1, name).Run());
  if (db_.Changes() == 0) {
    return Fail("no such tag: " + name, ErrorKind::kNotFound);
  }
  return Ok();
}

Result<Removal> ImageIndex::RemoveByTag(const std::string& name) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Mode::kImmediate));
  ZL_ASSIGN_OR_RETURN(Statement lookup,
                      db_.Prepare("SELECT image_id FROM tags WHERE name = ?"));
  ZL_ASSIGN_OR_RETURN(bool found, lookup.Bind(1, name).Step());
  if (!found) return Fail("no such image: " + name, ErrorKind::kNotFound);
  ZL_ASSIGN_OR_RETURN(base::Digest id,
                      base::Digest::Parse(lookup.ColumnText(0)));
  ZL_ASSIGN_OR_RETURN(Statement remove,
                      db_.Prepare("DELETE FROM tags WHERE name = ?"));
  ZL_RETURN_IF_ERROR(remove.Bind(1, name).Run());
  Removal removal;
  removal.untagged.push_back(name);
  ZL_ASSIGN_OR_RETURN(std::vector<std::string> left, TagsOf(id));
  if (left.empty()) {
    ZL_RETURN_IF_ERROR(DeleteImageRow(id));
    removal.deleted = id;
  }
  ZL_RETURN_IF_ERROR(txn.Commit());
  return removal;
}

Result<Removal> ImageIndex::RemoveById(const base::Digest& id, bool force) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Mode::kImmediate));
  ZL_ASSIGN_OR_RETURN(Statement exists,
                      db_.Prepare("SELECT 1 FROM images WHERE id = ?"));
  ZL_ASSIGN_OR_RETURN(bool found, exists.Bind(1, id.ToString()).Step());
  if (!found) {
    return Fail("no such image: " + id.ToString(), ErrorKind::kNotFound);
  }
  ZL_ASSIGN_OR_RETURN(std::vector<std::string> tags, TagsOf(id));
  std::set<std::string> repositories;
  for (const std::string& tag : tags) repositories.insert(Repository(tag));
  if (repositories.size() > 1 && !force) {
    return Fail("image " + id.ToString() +
                    " is referenced in multiple repositories (" +
                    JoinNames(tags) + "); remove it by name, or force",
                ErrorKind::kFailed);
  }
  ZL_RETURN_IF_ERROR(DeleteImageRow(id));
  ZL_RETURN_IF_ERROR(txn.Commit());
  return Removal{std::move(tags), id};
}

Status ImageIndex::DeleteImageRow(const base::Digest& id) {
  // Tags and image_layers rows go by ON DELETE CASCADE.
  ZL_ASSIGN_OR_RETURN(Statement remove,
                      db_.Prepare("DELETE FROM images WHERE id = ?"));
  ZL_RETURN_IF_ERROR(remove.Bind(1, id.ToString()).Run());
  return db_.Exec(
      "DELETE FROM layers WHERE digest NOT IN "
      "(SELECT layer_digest FROM image_layers)");
}

Status ImageIndex::SetPins(const std::string& owner_kind,
                           const std::string& owner_id,
                           std::span<const base::Digest> digests) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Mode::kImmediate));
  ZL_ASSIGN_OR_RETURN(
      Statement clear,
      db_.Prepare(
          "DELETE FROM blob_refs WHERE owner_kind = ? AND owner_id = ?"));
  ZL_RETURN_IF_ERROR(clear.Bind(1, owner_kind).Bind(2, owner_id).Run());
  for (const base::Digest& digest : digests) {
    ZL_ASSIGN_OR_RETURN(
        Statement pin,
        db_.Prepare("INSERT OR IGNORE INTO blob_refs (owner_kind, owner_id, "
                    "digest) VALUES (?, ?, ?)"));
    ZL_RETURN_IF_ERROR(pin.Bind(1, owner_kind)
                           .Bind(2, owner_id)
                           .Bind(3, digest.ToString())
                           .Run());
  }
  return txn.Commit();
}

Result<int64_t> ImageIndex::DeletePins(const std::string& owner_kind,
                                       const std::string& owner_id) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(
      Statement remove,
      db_.Prepare(
          "DELETE FROM blob_refs WHERE owner_kind = ? AND owner_id = ?"));
  ZL_RETURN_IF_ERROR(remove.Bind(1, owner_kind).Bind(2, owner_id).Run());
  return db_.Changes();
}

}  // namespace zlayer::store
