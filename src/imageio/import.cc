#include "imageio/import.h"

#include <sys/stat.h>

#include <cerrno>

#include "base/temp_dir.h"
#include "extract/extract.h"
#include "imageio/oci_layout_import.h"
#include "imageio/tree_import.h"
#include "store/image_name.h"

namespace zlayer::imageio {
namespace {

Result<store::ImageRecord> ImportArchive(store::Store& store,
                                         const store::Lease& lease,
                                         const std::string& path,
                                         const std::string& name) {
  // Under ROOT/tmp, where a crash leaves nothing that the next garbage
  // collection would not sweep.
  ZL_ASSIGN_OR_RETURN(base::TempDir scratch,
                      base::TempDir::Create(store.root() + "/tmp", "import-"));
  std::string tree = scratch.path() + "/tree";
  if (::mkdir(tree.c_str(), 0755) != 0) {
    return FailErrno("create " + tree, errno);
  }
  ZL_RETURN_IF_ERROR(
      extract::ApplyLayer(extract::LayerSource::Path(path), tree));
  struct stat st;
  Result<store::ImageRecord> record;
  if (::lstat((tree + "/oci-layout").c_str(), &st) == 0 &&
      S_ISREG(st.st_mode)) {
    record = ImportOciLayout(store, lease, tree, name);
  } else if (IsDockerArchiveTree(tree)) {
    record = ImportDockerArchiveTree(store, lease, tree, name);
  } else {
    record = ImportRootfsTree(store, lease, tree, path, name);
  }
  // Report a cleanup failure rather than leave files behind silently.
  Status removed = scratch.Remove();
  if (record && !removed) return std::unexpected(removed.error());
  return record;
}

Result<store::ImageRecord> ImportLeased(store::Store& store,
                                        const std::string& path,
                                        const std::string& name) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return FailErrno("open " + path, errno);
  ZL_ASSIGN_OR_RETURN(store::Lease lease, store.AcquireLease());
  if (S_ISDIR(st.st_mode)) return ImportOciLayout(store, lease, path, name);
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode)) {
    return Fail(path + " is neither a directory nor a file",
                ErrorKind::kInvalid);
  }
  return ImportArchive(store, lease, path, name);
}

}  // namespace

Result<store::ImageRecord> ImportImage(store::Store& store,
                                       const std::string& path,
                                       const ImportOptions& options) {
  if (!options.name.empty()) {
    ZL_RETURN_IF_ERROR(store::NormalizeTagName(options.name));
  }
  Result<store::ImageRecord> record = ImportLeased(store, path, options.name);
  if (!record) {
    // The blobs written so far are referenced by nothing; collect them now
    // that the lease is gone, unless another process is busy writing (its
    // own collection, or the next one, will get them).
    (void)store.GarbageCollect({.wait = false});
    record.error().AddContext("import " + path);
  }
  return record;
}

}  // namespace zlayer::imageio
