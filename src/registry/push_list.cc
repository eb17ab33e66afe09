#include "registry/push_list.h"

#include <memory>
#include <utility>

#include "oci/descriptor.h"
#include "registry/client.h"
#include "registry/reference.h"

namespace zlayer::registry {
namespace {

std::string EntryName(size_t i, const oci::Descriptor& entry) {
  std::string name = "entry " + std::to_string(i);
  if (entry.platform) name += " (" + oci::PlatformString(*entry.platform) + ")";
  return name + " " + entry.digest.ToString();
}

// Every entry's image must still be local: found out before the first
// byte goes out, so a failed push leaves the registry untouched.
Status CheckEntries(store::Store& store, const store::ManifestList& list) {
  for (size_t i = 0; i < list.index.manifests.size(); ++i) {
    const oci::Descriptor& entry = list.index.manifests[i];
    auto found = store.ResolveImage("list@" + entry.digest.ToString());
    if (found) continue;
    if (found.error().kind() != ErrorKind::kNotFound) {
      return std::unexpected(found.error());
    }
    return Fail(EntryName(i, entry) +
                    ": the image is no longer in the store; add it again or "
                    "remove the entry",
                ErrorKind::kNotFound);
  }
  return Ok();
}

Result<PushListResult> PushListTo(store::Store& store,
                                  const store::ManifestList& list,
                                  const Reference& dest,
                                  const PushOptions& options, bool images) {
  if (!dest.digest.empty() && dest.digest != list.record.digest.ToString()) {
    return Fail("the destination names digest " + dest.digest +
                    ", but the list is " + list.record.digest.ToString(),
                ErrorKind::kInvalid);
  }
  if (images) ZL_RETURN_IF_ERROR(CheckEntries(store, list));

  PushListResult result;
  if (images) {
    for (size_t i = 0; i < list.index.manifests.size(); ++i) {
      const oci::Descriptor& entry = list.index.manifests[i];
      std::string by_digest = dest.Name() + "@" + entry.digest.ToString();
      auto pushed = Push(store, by_digest, by_digest, options);
      if (!pushed) {
        return std::unexpected(
            pushed.error().AddContext(EntryName(i, list.index.manifests[i])));
      }
      result.images.push_back(std::move(*pushed));
    }
  }

  ZL_ASSIGN_OR_RETURN(std::unique_ptr<Client> client,
                      Client::Create(dest.ApiHost(), options.client));
  const std::string& ref = dest.digest.empty() ? dest.tag : dest.digest;
  ZL_ASSIGN_OR_RETURN(base::Digest pushed,
                      client->PutManifest(dest.repository, ref,
                                          list.record.media_type, list.body));
  if (pushed != list.record.digest) {
    return Fail("the registry stored the list as " + pushed.ToString() +
                    ", not as " + list.record.digest.ToString(),
                ErrorKind::kInvalid);
  }
  result.digest = pushed.ToString();
  return result;
}

}  // namespace

Result<PushListResult> PushList(store::Store& store, std::string_view list_name,
                                std::string_view dest_ref,
                                const PushOptions& options, bool images) {
  ZL_ASSIGN_OR_RETURN(store::ManifestList list,
                      store.GetManifestList(list_name));
  ZL_ASSIGN_OR_RETURN(Reference dest,
                      ParseReference(dest_ref, options.default_registry));
  return WithContext(
      PushListTo(store, list, dest, options, images),
      "push manifest list " + list.record.name + " to " + dest.Familiar());
}

}  // namespace zlayer::registry
