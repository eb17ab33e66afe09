#include "store/image_index.h"

namespace zlayer::store {
namespace {

constexpr char kListPinKind[] = "manifest-list";

Result<std::optional<ManifestListRecord>> SelectList(Database& db,
                                                     const std::string& name) {
  ZL_ASSIGN_OR_RETURN(
      Statement select,
      db.Prepare("SELECT digest, media_type, updated FROM manifest_lists "
                 "WHERE name = ?"));
  ZL_ASSIGN_OR_RETURN(bool row, select.Bind(1, name).Step());
  if (!row) return std::optional<ManifestListRecord>();
  ManifestListRecord list;
  list.name = name;
  ZL_ASSIGN_OR_RETURN(list.digest, base::Digest::Parse(select.ColumnText(0)));
  list.media_type = select.ColumnText(1);
  list.updated = select.ColumnInt(2);
  return std::optional<ManifestListRecord>(std::move(list));
}

Status DeleteListPins(Database& db, const std::string& name) {
  ZL_ASSIGN_OR_RETURN(
      Statement clear,
      db.Prepare(
          "DELETE FROM blob_refs WHERE owner_kind = ? AND owner_id = ?"));
  return clear.Bind(1, kListPinKind).Bind(2, name).Run();
}

}  // namespace

Status ImageIndex::PutManifestList(const ManifestListRecord& list,
                                   const std::optional<base::Digest>& expected,
                                   int64_t now) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Transaction::Mode::kImmediate));
  ZL_ASSIGN_OR_RETURN(auto current, SelectList(db_, list.name));
  if (!expected && current) {
    return Fail("manifest list " + list.name + " already exists",
                ErrorKind::kFailed);
  }
  if (expected && (!current || current->digest != *expected)) {
    return Fail("manifest list " + list.name +
                    (current ? " was changed" : " was removed") +
                    " by another process meanwhile; try again",
                ErrorKind::kFailed);
  }
  ZL_ASSIGN_OR_RETURN(
      Statement upsert,
      db_.Prepare("INSERT INTO manifest_lists (name, digest, media_type, "
                  "updated) VALUES (?1, ?2, ?3, ?4) ON CONFLICT (name) DO "
                  "UPDATE SET digest = ?2, media_type = ?3, updated = ?4"));
  ZL_RETURN_IF_ERROR(upsert.Bind(1, list.name)
                         .Bind(2, list.digest.ToString())
                         .Bind(3, list.media_type)
                         .Bind(4, now)
                         .Run());
  ZL_RETURN_IF_ERROR(DeleteListPins(db_, list.name));
  ZL_ASSIGN_OR_RETURN(
      Statement pin,
      db_.Prepare("INSERT INTO blob_refs (owner_kind, owner_id, digest) "
                  "VALUES (?, ?, ?)"));
  ZL_RETURN_IF_ERROR(pin.Bind(1, kListPinKind)
                         .Bind(2, list.name)
                         .Bind(3, list.digest.ToString())
                         .Run());
  return txn.Commit();
}

Result<std::optional<ManifestListRecord>> ImageIndex::GetManifestList(
    const std::string& name) {
  std::lock_guard lock(mutex_);
  return SelectList(db_, name);
}

Status ImageIndex::DeleteManifestList(const std::string& name) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(Transaction txn,
                      Transaction::Begin(db_, Transaction::Mode::kImmediate));
  ZL_ASSIGN_OR_RETURN(Statement remove,
                      db_.Prepare("DELETE FROM manifest_lists WHERE name = ?"));
  ZL_RETURN_IF_ERROR(remove.Bind(1, name).Run());
  if (db_.Changes() == 0) {
    return Fail("no such manifest list: " + name, ErrorKind::kNotFound);
  }
  ZL_RETURN_IF_ERROR(DeleteListPins(db_, name));
  return txn.Commit();
}

}  // namespace zlayer::store
