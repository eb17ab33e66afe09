#include "extract/extract.h"

#include <memory>
#include <optional>
#include <string>

#include "base/log.h"
#include "extract/entry_name.h"
#include "extract/entry_writer.h"
#include "extract/layer_reader.h"
#include "extract/layer_state.h"
#include "extract/overlay_whiteout.h"
#include "extract/removal.h"
#include "extract/root_resolver.h"

namespace zlayer::extract {
namespace {

bool IsDevice(EntryType type) {
  return type == EntryType::kCharDevice || type == EntryType::kBlockDevice;
}

// Applies the entries of one layer in archive order.
class LayerApplier {
 public:
  LayerApplier(const ExtractOptions& options, RootResolver resolver)
      : options_(options),
        resolver_(std::move(resolver)),
        state_(options.privileged),
        writer_(options_, resolver_, state_) {}

  Result<ApplyResult> Run(LayerReader& reader);

 private:
  Status ApplyEntry(const LayerEntry& entry, LayerReader& reader);
  // Checks the entry as a whole; false when it is to be skipped.
  Result<bool> Admit(const LayerEntry& entry);

  const ExtractOptions& options_;
  RootResolver resolver_;
  LayerState state_;
  EntryWriter writer_;
  ApplyResult result_;
};

Result<ApplyResult> LayerApplier::Run(LayerReader& reader) {
  while (true) {
    ZL_ASSIGN_OR_RETURN(std::optional<LayerEntry> entry, reader.Next());
    if (!entry) break;
    ++result_.entries;
    Status applied = ApplyEntry(*entry, reader);
    if (!applied) {
      return std::unexpected(
          applied.error().AddContext("layer entry " + Quote(entry->path)));
    }
  }
  if (options_.overlay_whiteouts) {
    ZL_RETURN_IF_ERROR(MarkOpaqueDirectories(resolver_, state_));
  }
  ZL_RETURN_IF_ERROR(writer_.FinishDirectories());
  ZL_RETURN_IF_ERROR(reader.Finish());
  result_.diff_id = reader.diff_id();
  result_.uncompressed_size = reader.uncompressed_size();
  return result_;
}

Result<bool> LayerApplier::Admit(const LayerEntry& entry) {
  if (static_cast<uint64_t>(entry.size) > options_.max_entry_size) {
    return Fail("size " + std::to_string(entry.size) +
                    " bytes exceeds the limit of " +
                    std::to_string(options_.max_entry_size),
                ErrorKind::kInvalid);
  }
  if (!IsDevice(entry.type) || options_.privileged) return true;
  if (options_.unprivileged_devices == DevicePolicy::kRefuse) {
    return Fail("refusing to create a " +
                    std::string(EntryTypeName(entry.type)) +
                    " without root privileges",
                ErrorKind::kInvalid);
  }
  base::LogWarn("layer entry {}: skipping {} {}:{} (not privileged)",
                Quote(entry.path), EntryTypeName(entry.type), entry.dev_major,
                entry.dev_minor);
  ++result_.skipped_devices;
  return false;
}

Status LayerApplier::ApplyEntry(const LayerEntry& entry, LayerReader& reader) {
  ZL_ASSIGN_OR_RETURN(EntryName name,
                      ParseEntryName(entry.path, options_.max_path_depth));
  ZL_ASSIGN_OR_RETURN(bool admitted, Admit(entry));
  if (!admitted) return Ok();
  switch (name.whiteout) {
    case WhiteoutKind::kNone:
      break;
    case WhiteoutKind::kAufsMeta:
      base::LogDebug("layer entry {}: ignoring AUFS metadata",
                     Quote(entry.path));
      return Ok();
    case WhiteoutKind::kRemove:
    case WhiteoutKind::kOpaque:
      ++result_.whiteouts;
      if (options_.overlay_whiteouts) {
        return WriteOverlayWhiteout(resolver_, state_, name);
      }
      return ApplyWhiteout(resolver_, state_, name);
  }
  if (name.is_root()) return writer_.WriteRoot(entry);
  ZL_ASSIGN_OR_RETURN(
      std::optional<ResolvedDir> parent,
      resolver_.Resolve(name.parent, ResolveMode::kCreate, &state_));
  if (!parent) return Fail("could not create the parent directory");
  ZL_RETURN_IF_ERROR(state_.NoteDirTouched(parent->fd.get(), parent->Key()));
  ZL_RETURN_IF_ERROR(writer_.Write(*parent, name.base, entry, reader));
  state_.NoteUpper(ChildKey(parent->Key(), name.base));
  return Ok();
}

}  // namespace

std::string LayerSource::Describe() const {
  return fd_ >= 0 ? "fd " + std::to_string(fd_) : path_;
}

std::string_view EntryTypeName(EntryType type) {
  switch (type) {
    case EntryType::kRegular:
      return "regular file";
    case EntryType::kDirectory:
      return "directory";
    case EntryType::kSymlink:
      return "symlink";
    case EntryType::kHardlink:
      return "hardlink";
    case EntryType::kCharDevice:
      return "character device";
    case EntryType::kBlockDevice:
      return "block device";
    case EntryType::kFifo:
      return "fifo";
  }
  return "unknown entry";
}

Result<ApplyResult> ApplyLayer(const LayerSource& source,
                               const std::string& root,
                               const ExtractOptions& options) {
  std::string context = "apply layer " + source.Describe() + " to " + root;
  if (options.overlay_whiteouts && !options.privileged) {
    // Whiteout devices need CAP_MKNOD and trusted.* xattrs CAP_SYS_ADMIN.
    return Fail(context +
                    ": overlay whiteouts need root privileges (mknod and "
                    "trusted.* xattrs)",
                ErrorKind::kUnsupported);
  }
  Result<RootResolver> resolver = RootResolver::Open(root, options.use_openat2);
  if (!resolver) return std::unexpected(resolver.error().AddContext(context));
  Result<std::unique_ptr<LayerReader>> reader = LayerReader::Open(source);
  if (!reader) return std::unexpected(reader.error().AddContext(context));
  LayerApplier applier(options, std::move(*resolver));
  return WithContext(applier.Run(**reader), context);
}

Result<LayerListing> ListLayer(const LayerSource& source) {
  std::string context = "list layer " + source.Describe();
  Result<std::unique_ptr<LayerReader>> opened = LayerReader::Open(source);
  if (!opened) return std::unexpected(opened.error().AddContext(context));
  LayerReader& reader = **opened;
  LayerListing listing;
  while (true) {
    Result<std::optional<LayerEntry>> entry = reader.Next();
    if (!entry) return std::unexpected(entry.error().AddContext(context));
    if (!*entry) break;
    listing.entries.push_back(std::move(**entry));
  }
  Status finished = reader.Finish();
  if (!finished) return std::unexpected(finished.error().AddContext(context));
  listing.diff_id = reader.diff_id();
  listing.uncompressed_size = reader.uncompressed_size();
  return listing;
}

}  // namespace zlayer::extract
