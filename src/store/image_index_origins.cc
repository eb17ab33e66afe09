#include "store/image_index.h"

namespace zlayer::store {

Status ImageIndex::PutImageOrigin(const ImageOrigin& origin, int64_t now) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(
      Statement upsert,
      db_.Prepare("INSERT INTO image_origins (name, image_id, reference, "
                  "served_digest, pulled_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                  "ON CONFLICT (name) DO UPDATE SET image_id = ?2, "
                  "reference = ?3, served_digest = ?4, pulled_at = ?5"));
  return upsert.Bind(1, origin.name)
      .Bind(2, origin.image_id.ToString())
      .Bind(3, origin.reference)
      .Bind(4, origin.served_digest.ToString())
      .Bind(5, now)
      .Run();
}

namespace {

// Rows whose name still names the image they were pulled as.
constexpr char kCurrentOrigins[] =
    "SELECT o.name, o.image_id, o.reference, o.served_digest, o.pulled_at "
    "FROM image_origins o JOIN tags t ON t.name = o.name AND "
    "t.image_id = o.image_id";

Result<ImageOrigin> ReadOrigin(Statement& select) {
  ImageOrigin origin;
  origin.name = select.ColumnText(0);
  ZL_ASSIGN_OR_RETURN(origin.image_id,
                      base::Digest::Parse(select.ColumnText(1)));
  origin.reference = select.ColumnText(2);
  ZL_ASSIGN_OR_RETURN(origin.served_digest,
                      base::Digest::Parse(select.ColumnText(3)));
  origin.pulled_at = select.ColumnInt(4);
  return origin;
}

}  // namespace

Result<std::optional<ImageOrigin>> ImageIndex::GetImageOrigin(
    const std::string& name) {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(
      Statement select,
      db_.Prepare(std::string(kCurrentOrigins) + " WHERE o.name = ?"));
  ZL_ASSIGN_OR_RETURN(bool row, select.Bind(1, name).Step());
  if (!row) return std::optional<ImageOrigin>();
  ZL_ASSIGN_OR_RETURN(ImageOrigin origin, ReadOrigin(select));
  return std::optional<ImageOrigin>(std::move(origin));
}

Result<std::vector<ImageOrigin>> ImageIndex::ListImageOrigins() {
  std::lock_guard lock(mutex_);
  ZL_ASSIGN_OR_RETURN(
      Statement select,
      db_.Prepare(std::string(kCurrentOrigins) + " ORDER BY o.name"));
  std::vector<ImageOrigin> origins;
  for (;;) {
    ZL_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return origins;
    ZL_ASSIGN_OR_RETURN(ImageOrigin origin, ReadOrigin(select));
    origins.push_back(std::move(origin));
  }
}

}  // namespace zlayer::store
