// Finds directories inside the extraction root without ever leaving it.
//
// The fast path is one openat2(2) with RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS
// | RESOLVE_NO_MAGICLINKS, which succeeds whenever the path is made of plain
// directories (nearly always). Anything else (an older kernel, a symlink, a
// missing or non-directory component) takes the portable walk: one openat
// per component with O_PATH | O_NOFOLLOW, so the kernel never follows a
// link on our behalf. A symlink met on the way is resolved by hand as if
// the root were "/" (an absolute target restarts at the root, ".." stops
// there), exactly like openat2's RESOLVE_IN_ROOT or umoci's SecureJoin,
// unless the layer being extracted created it: then the entry is refused.
#ifndef ZLAYER_EXTRACT_ROOT_RESOLVER_H_
#define ZLAYER_EXTRACT_ROOT_RESOLVER_H_

#include <optional>
#include <string>

#include "base/unique_fd.h"
#include "extract/entry_name.h"
#include "extract/layer_state.h"
#include "zlayer/result.h"

namespace zlayer::extract {

enum class ResolveMode {
  // Creates missing directories (mode 0755) and replaces a non-directory
  // in the way by a directory, as umoci does for (arguably broken) layers.
  kCreate,
  // Reports a missing or non-directory component as nullopt.
  kExisting,
  // Like kExisting, and also nullopt at any symlink.
  kNoSymlinks,
};

struct ResolvedDir {
  base::UniqueFd fd;    // the directory, opened O_PATH
  PathComponents path;  // where it really is, free of symlinks
  std::string Key() const { return JoinComponents(path); }
};

class RootResolver {
 public:
  // Opens `root`, which must be an existing directory.
  static Result<RootResolver> Open(const std::string& root, bool use_openat2);

  // The root's canonical absolute path and an O_PATH descriptor for it.
  const std::string& root_path() const { return root_path_; }
  int root_fd() const { return root_fd_.get(); }

  // Resolves `components` as a directory. `state` (may be null) supplies the
  // symlinks that must not be crossed and is told about every directory
  // that kCreate modifies.
  Result<std::optional<ResolvedDir>> Resolve(const PathComponents& components,
                                             ResolveMode mode,
                                             LayerState* state) const;

  // Whether this kernel offers openat2(2); probed once per process.
  static bool KernelHasOpenat2();

 private:
  RootResolver(std::string root_path, base::UniqueFd root_fd, bool openat2)
      : root_path_(std::move(root_path)),
        root_fd_(std::move(root_fd)),
        use_openat2_(openat2) {}

  std::optional<ResolvedDir> ResolveFast(
      const PathComponents& components) const;
  Result<std::optional<ResolvedDir>> Walk(const PathComponents& components,
                                          ResolveMode mode,
                                          LayerState* state) const;

  std::string root_path_;
  base::UniqueFd root_fd_;
  bool use_openat2_;
};

// The target of the symlink `name` in `dir_fd`; errors name `shown`.
Result<std::string> ReadLinkAt(int dir_fd, const std::string& name,
                               const std::string& shown);

}  // namespace zlayer::extract

#endif  // ZLAYER_EXTRACT_ROOT_RESOLVER_H_
