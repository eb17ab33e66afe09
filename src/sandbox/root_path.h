// Paths inside a container root filesystem, resolved the way the container
// will see them: symlinks are followed as if the root were "/" (an absolute
// target restarts at the root, ".." stops there), so an image cannot point
// a mount point or a passwd lookup at a host file.
#ifndef ZLAYER_SANDBOX_ROOT_PATH_H_
#define ZLAYER_SANDBOX_ROOT_PATH_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/unique_fd.h"
#include "zlayer/result.h"

namespace zlayer::sandbox {

struct InRootPath {
  // Components that exist, free of symlinks (each one was checked not to be
  // a symlink when walked).
  std::vector<std::string> existing;
  // What is left once a component is missing: to be created in order.
  std::vector<std::string> missing;

  // "/a/b" for existing + missing, "/" for the root itself.
  std::string ContainerPath() const;
  // `root` + ContainerPath(); `root` itself for the root.
  std::string HostPath(const std::string& root) const;
  // The host path of the deepest existing component.
  std::string ExistingHostPath(const std::string& root) const;
};

// Splits "/a//b/./c/" into {"a", "b", "c"}; ".." is kept.
std::vector<std::string> SplitPath(std::string_view path);

// Lexically cleaned absolute form: "a/../b/" -> "/b", ".." above / -> "/".
std::string CleanPath(std::string_view path);

// Walks `path` under `root` (an absolute host directory) component by
// component with lstat, following symlinks inside the root. A component
// that exists but is not a directory while more follow is an error
// ("<path>: Not a directory"), as are symlink loops.
Result<InRootPath> ResolveInRoot(const std::string& root,
                                 std::string_view path);

// Opens `path` for reading inside `root`: openat2(RESOLVE_IN_ROOT) where the
// kernel has it, else ResolveInRoot and an O_NOFOLLOW open. Errors keep the
// errno (ENOENT for a missing file) and name the container path.
Result<base::UniqueFd> OpenInRoot(const std::string& root,
                                  std::string_view path);

}  // namespace zlayer::sandbox

#endif  // ZLAYER_SANDBOX_ROOT_PATH_H_
