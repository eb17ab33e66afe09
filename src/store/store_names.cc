// Store operations on names: tagging, removal and resolving references.
#include "store/image_name.h"
#include "store/store.h"

namespace zlayer::store {
namespace {

std::unexpected<Error> NoSuchImage(std::string_view ref) {
  return Fail("no such image: " + std::string(ref), ErrorKind::kNotFound);
}

}  // namespace

Result<base::Digest> Store::Resolve(std::string_view ref) {
  if (auto digest_text = DigestPart(ref)) {
    ZL_ASSIGN_OR_RETURN(base::Digest digest, base::Digest::Parse(*digest_text));
    ZL_ASSIGN_OR_RETURN(auto ids, index_->IdsWithManifest(digest));
    if (!ids.empty()) return ids.front();
    ZL_ASSIGN_OR_RETURN(auto image, index_->GetImage(digest));
    if (image) return digest;
    return NoSuchImage(ref);
  }
  auto name = NormalizeTagName(ref);
  if (name) {
    ZL_ASSIGN_OR_RETURN(auto id, index_->LookupTag(*name));
    if (id) return *id;
  }
  auto prefix = IdHexPrefix(ref);
  if (!prefix) {
    if (!name) return std::unexpected(name.error());
    return NoSuchImage(*name);
  }
  ZL_ASSIGN_OR_RETURN(auto ids, index_->IdsWithPrefix(*prefix, 2));
  if (ids.size() > 1) {
    return Fail("image id prefix \"" + std::string(ref) +
                    "\" is ambiguous: it matches " + ids[0].ToString() + ", " +
                    ids[1].ToString() + ", ...",
                ErrorKind::kFailed);
  }
  if (ids.empty()) return NoSuchImage(name ? *name : std::string(ref));
  return ids.front();
}

Result<base::Digest> Store::ResolveImage(std::string_view ref) {
  return InStore(Resolve(ref));
}

Result<ImageRecord> Store::GetImage(std::string_view ref) {
  ZL_ASSIGN_OR_RETURN(base::Digest id, ResolveImage(ref));
  ZL_ASSIGN_OR_RETURN(auto image, InStore(index_->GetImage(id)));
  if (!image) return NoSuchImage(ref);
  return std::move(*image);
}

Result<std::vector<ImageRecord>> Store::ListImages() {
  return InStore(index_->ListImages());
}

Status Store::Tag(std::string_view image_ref, std::string_view name) {
  ZL_ASSIGN_OR_RETURN(std::string tag, NormalizeTagName(name));
  ZL_ASSIGN_OR_RETURN(base::Digest id, ResolveImage(image_ref));
  return InStore(index_->SetTag(tag, id, Now()));
}

Status Store::Untag(std::string_view name) {
  ZL_ASSIGN_OR_RETURN(std::string tag, NormalizeTagName(name));
  return InStore(index_->DeleteTag(tag));
}

Result<Removal> Store::RemoveImage(std::string_view ref, bool force) {
  // A name wins over an id prefix that happens to look the same, as in
  // Docker ("rmi abcd" removes the image named abcd:latest).
  if (auto name = NormalizeTagName(ref)) {
    auto removal = index_->RemoveByTag(*name);
    if (removal || removal.error().kind() != ErrorKind::kNotFound) {
      return InStore(std::move(removal));
    }
  }
  ZL_ASSIGN_OR_RETURN(base::Digest id, ResolveImage(ref));
  return InStore(index_->RemoveById(id, force));
}

Status Store::PinBlobs(std::string_view owner_kind, std::string_view owner_id,
                       std::span<const base::Digest> digests) {
  // Shared, so that GC cannot take a blob between the check and the pin.
  ZL_ASSIGN_OR_RETURN(Lease lease, AcquireLease());
  for (const base::Digest& digest : digests) {
    auto present = blobs_.Size(digest);
    if (!present) {
      return InStore<void>(std::unexpected(present.error().AddContext(
          "pin blobs for " + std::string(owner_kind) + " " +
          std::string(owner_id))));
    }
  }
  return InStore(
      index_->SetPins(std::string(owner_kind), std::string(owner_id), digests));
}

Result<int64_t> Store::UnpinBlobs(std::string_view owner_kind,
                                  std::string_view owner_id) {
  return InStore(
      index_->DeletePins(std::string(owner_kind), std::string(owner_id)));
}

Status Store::PutImageOrigin(ImageOrigin origin) {
  ZL_ASSIGN_OR_RETURN(origin.name, NormalizeTagName(origin.name));
  return InStore(index_->PutImageOrigin(origin, Now()));
}

Result<std::optional<ImageOrigin>> Store::GetImageOrigin(
    std::string_view name) {
  ZL_ASSIGN_OR_RETURN(std::string normalized, NormalizeTagName(name));
  return InStore(index_->GetImageOrigin(normalized));
}

Result<std::vector<ImageOrigin>> Store::ListImageOrigins() {
  return InStore(index_->ListImageOrigins());
}

}  // namespace zlayer::store
