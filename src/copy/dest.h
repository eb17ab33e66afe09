// The write side of COPY/ADD: paths inside the step's root filesystem,
// resolved the way BuildKit's fs.RootPath does (symlinks in the image are
// followed but cannot lead outside the root), and file data copied with
// reflinks or copy_file_range where the filesystems allow.
#ifndef ZLAYER_COPY_DEST_H_
#define ZLAYER_COPY_DEST_H_

#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "extract/root_resolver.h"
#include "zlayer/result.h"

namespace zlayer::copy::internal {

struct DestLocation {
  std::vector<std::string> path;  // real components (a missing tail as given)
  bool exists = false;
  struct stat st {};  // when it exists
};

class DestRoot {
 public:
  static Result<DestRoot> Open(const std::string& root);

  int root_fd() const { return resolver_.root_fd(); }

  // Resolves an absolute path inside the root, symlinks followed through
  // every component including the last.
  Result<DestLocation> Resolve(const std::string& path) const;

  // The directory at `path` (real components), created with its missing
  // parents (0755, owned by `uid`:`gid`); opened O_PATH. A non-directory
  // in the way is an error.
  Result<base::UniqueFd> EnsureDir(const std::vector<std::string>& path,
                                   uid_t uid, gid_t gid) const;

 private:
  explicit DestRoot(extract::RootResolver resolver)
      : resolver_(std::move(resolver)) {}

  extract::RootResolver resolver_;
};

// "/a/b" for display.
std::string ShowPath(const std::vector<std::string>& path);

// Copies all of `src` into `dst` (both regular files, dst empty): FICLONE,
// then copy_file_range, then sendfile, then read/write.
Status CopyFileData(int src, int dst, off_t size, const std::string& shown);

// Copies extended attributes between two open files; failures to set one
// are ignored as BuildKit ignores them (logged there).
void CopyXattrs(int src, int dst);

}  // namespace zlayer::copy::internal

#endif  // ZLAYER_COPY_DEST_H_
