// Manifest lists: the OCI indexes and Docker manifest lists that
// `zlayer manifest` assembles from local images before pushing them.
#include <algorithm>

#include "oci/image_config.h"
#include "store/image_name.h"
#include "store/store.h"

namespace zlayer::store {
namespace {

std::unexpected<Error> NoSuchList(const std::string& name) {
  return Fail("no such manifest list: " + name, ErrorKind::kNotFound);
}

// Entries for the same platform replace each other. os.features are left
// out: they refine a platform rather than name another one.
bool SamePlatform(const oci::Descriptor& a, const oci::Descriptor& b) {
  if (!a.platform || !b.platform) return false;
  const oci::Platform& x = *a.platform;
  const oci::Platform& y = *b.platform;
  return x.os == y.os && x.architecture == y.architecture &&
         x.variant == y.variant && x.os_version == y.os_version;
}

std::string PlatformText(const oci::Descriptor& entry) {
  if (!entry.platform) return "no platform";
  std::string text = oci::PlatformString(*entry.platform);
  if (!entry.platform->os_version.empty()) {
    text += " (os.version " + entry.platform->os_version + ")";
  }
  return text;
}

}  // namespace

Result<ManifestListRecord> Store::PutManifestList(
    std::string_view name, std::string_view body,
    const std::optional<base::Digest>& expected) {
  ZL_ASSIGN_OR_RETURN(std::string normalized, NormalizeTagName(name));
  auto index = oci::ParseIndex(body);
  if (!index) {
    return std::unexpected(
        index.error().AddContext("manifest list " + normalized));
  }
  ManifestListRecord record;
  record.name = normalized;
  record.digest = base::Digest::Of(body);
  record.media_type = index->media_type.empty() ? std::string(oci::kOciIndex)
                                                : index->media_type;
  // Shared until the row commits, so GC cannot take the new body first.
  ZL_ASSIGN_OR_RETURN(Lease lease, AcquireLease());
  ZL_RETURN_IF_ERROR(InStore(blobs_.Put(lease, body, record.digest)));
  record.updated = Now();
  ZL_RETURN_IF_ERROR(
      InStore(index_->PutManifestList(record, expected, record.updated)));
  return record;
}

Result<std::optional<ManifestList>> Store::FindManifestList(
    std::string_view name) {
  ZL_ASSIGN_OR_RETURN(std::string normalized, NormalizeTagName(name));
  // Another process may replace the list, and GC take the old body,
  // between reading the row and the blob: then read the new row.
  for (int attempt = 0;; ++attempt) {
    ZL_ASSIGN_OR_RETURN(auto record,
                        InStore(index_->GetManifestList(normalized)));
    if (!record) return std::optional<ManifestList>();
    auto body = blobs_.Read(record->digest);
    if (!body && body.error().kind() == ErrorKind::kNotFound && attempt < 3) {
      continue;
    }
    if (!body) {
      return InStore<std::optional<ManifestList>>(std::unexpected(
          body.error().AddContext("manifest list " + normalized)));
    }
    auto index = oci::ParseIndex(*body);
    if (!index) {
      return std::unexpected(
          index.error().AddContext("manifest list " + normalized));
    }
    return std::optional<ManifestList>(
        ManifestList{std::move(*record), std::move(*body), std::move(*index)});
  }
}

Result<ManifestList> Store::GetManifestList(std::string_view name) {
  ZL_ASSIGN_OR_RETURN(auto list, FindManifestList(name));
  if (!list) return NoSuchList(*NormalizeTagName(name));
  return std::move(*list);
}

Result<ManifestListRecord> Store::RemoveManifestList(std::string_view name) {
  ZL_ASSIGN_OR_RETURN(std::string normalized, NormalizeTagName(name));
  ZL_ASSIGN_OR_RETURN(auto record,
                      InStore(index_->GetManifestList(normalized)));
  if (!record) return NoSuchList(normalized);
  ZL_RETURN_IF_ERROR(InStore(index_->DeleteManifestList(normalized)));
  return std::move(*record);
}

Result<oci::Descriptor> Store::DescribeForList(std::string_view image_ref) {
  ZL_ASSIGN_OR_RETURN(ImageRecord image, GetImage(image_ref));
  auto context = [&](Error error) {
    return std::unexpected(error.AddContext("image " + std::string(image_ref)));
  };
  auto config_bytes = blobs_.Read(image.id);
  if (!config_bytes) return context(config_bytes.error());
  auto config = oci::ParseImageConfig(*config_bytes);
  if (!config) return context(config.error());
  oci::Descriptor entry;
  entry.media_type = image.manifest_media_type;
  entry.digest = image.manifest_digest;
  entry.size = image.manifest_size;
  oci::Platform platform;
  platform.os = config->os;
  platform.architecture = config->architecture;
  platform.variant = config->variant;
  platform.os_version = config->os_version;
  platform.os_features = config->os_features;
  entry.platform = std::move(platform);
  return entry;
}

Result<ManifestListEditResult> Store::EditManifestList(
    const ManifestListEdit& edit) {
  ZL_ASSIGN_OR_RETURN(std::string name, NormalizeTagName(edit.name));
  ZL_ASSIGN_OR_RETURN(std::optional<ManifestList> existing,
                      FindManifestList(name));
  if (existing && edit.mode == ListEditMode::kCreate) {
    return Fail("manifest list " + name + " already exists",
                ErrorKind::kFailed);
  }
  if (!existing && edit.mode == ListEditMode::kAdd) return NoSuchList(name);

  oci::Index index;
  std::optional<base::Digest> expected;
  if (existing) {
    index = std::move(existing->index);
    expected = existing->record.digest;
    oci::Format format = oci::IndexFormat(index);
    if (edit.format && *edit.format != format) {
      return Fail("manifest list " + name + " is in " +
                      std::string(oci::FormatName(format)) + " format, not " +
                      std::string(oci::FormatName(*edit.format)),
                  ErrorKind::kFailed);
    }
  } else {
    index = oci::MakeIndex(edit.format.value_or(oci::Format::kOci));
  }
  const bool docker = oci::IndexFormat(index) == oci::Format::kDocker;

  ManifestListEditResult result;
  for (const std::string& ref : edit.images) {
    ZL_ASSIGN_OR_RETURN(oci::Descriptor entry, DescribeForList(ref));
    if (docker && entry.media_type != oci::kDockerManifest) {
      return Fail("image " + ref + " is in OCI format; a Docker manifest " +
                      "list (" + name +
                      ") can only hold Docker-format images: build it with " +
                      "--format docker",
                  ErrorKind::kFailed);
    }
    auto same = std::find_if(
        index.manifests.begin(), index.manifests.end(),
        [&](const oci::Descriptor& old) { return SamePlatform(old, entry); });
    if (same == index.manifests.end()) {
      index.manifests.push_back(std::move(entry));
      continue;
    }
    if (same->digest != entry.digest) {
      result.replaced.push_back(
          PlatformText(*same) + ": " + same->digest.ToString() +
          " replaced by " + entry.digest.ToString() + " (image " + ref + ")");
    }
    *same = std::move(entry);
  }
  std::string body = oci::SerializeIndex(index);
  ZL_ASSIGN_OR_RETURN(result.list, PutManifestList(name, body, expected));
  return result;
}

}  // namespace zlayer::store
