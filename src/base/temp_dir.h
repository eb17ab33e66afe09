// Scratch directories that clean up after themselves. A build unpacks layers
// and container root filesystems into them, so removal must cope with trees
// written by untrusted code: read-only directories, symlinks pointing out of
// the tree, and mounts a crashed sandbox left behind.
#ifndef ZLAYER_BASE_TEMP_DIR_H_
#define ZLAYER_BASE_TEMP_DIR_H_

#include <string>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::base {

class TempDir {
 public:
  // Creates "<parent>/<prefix>XXXXXX" with mode 0700. An empty `parent` means
  // $TMPDIR, or /tmp when that is unset. The path is made absolute so that a
  // later chdir cannot redirect the cleanup.
  static Result<TempDir> Create(const std::string& parent = "",
                                std::string_view prefix = "zlayer-");

  TempDir() = default;  // owns nothing
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Empty when nothing is owned.
  const std::string& path() const { return path_; }

  // Stops owning the directory, which then outlives this object.
  std::string Release();

  // Removes the tree now, reporting what could not be removed; the
  // destructor does the same but can only log a failure.
  Status Remove();

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}

  std::string path_;
};

// Removes `path` and everything below it. Symlinks are removed, never
// followed; directories without write or search permission are chmod-ed so
// their contents can go; a mount point inside the tree stops the removal with
// an error instead of deleting another filesystem's files. A missing `path`
// is not an error. One descriptor stays open per directory level descended.
Status RemoveTree(const std::string& path);

}  // namespace zlayer::base

#endif  // ZLAYER_BASE_TEMP_DIR_H_
