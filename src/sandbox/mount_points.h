// Mount points the sandbox has to create in a rootfs (/proc on a scratch
// image, /etc/hosts, RUN --mount targets). They are removed again after the
// run, deepest first, and the timestamps of the directories that held them
// are put back, so that they never show up in the layer (the rootfs is an
// overlay whose upper dir becomes the layer), as BuildKit's cleanup of
// created mount targets does.
#ifndef ZLAYER_SANDBOX_MOUNT_POINTS_H_
#define ZLAYER_SANDBOX_MOUNT_POINTS_H_

#include <sys/stat.h>

#include <string>
#include <vector>

#include "sandbox/root_path.h"
#include "zlayer/result.h"

namespace zlayer::sandbox {

class CreatedMountPoints {
 public:
  explicit CreatedMountPoints(std::string root) : root_(std::move(root)) {}
  ~CreatedMountPoints() { Remove(); }
  CreatedMountPoints(const CreatedMountPoints&) = delete;
  CreatedMountPoints& operator=(const CreatedMountPoints&) = delete;

  // Creates what is missing of `path` (0755 directories, and the last
  // component as a directory or an empty 0644 file) and returns its host
  // path.
  Result<std::string> Ensure(const InRootPath& path, bool directory);

  // Notes the timestamps of the directories touched; call once every mount
  // point exists.
  void Sealed();

  // Removes the mount_points (a directory only when empty, a file only when
  // empty) and restores their parents' timestamps. Idempotent.
  void Remove();

 private:
  struct Created {
    std::string path;
    bool directory;
  };
  struct Parent {
    std::string path;
    struct timespec before[2];  // atime, mtime before the first mount point
    struct timespec sealed_mtime;
  };

  void TouchParent(const std::string& path);

  std::string root_;
  std::vector<Created> created_;
  std::vector<Parent> parents_;
};

// Creates the missing part of `path` as 0755 directories owned by the
// caller (WORKDIR semantics: these stay).
Status MakeDirectories(const std::string& root, const InRootPath& path);

}  // namespace zlayer::sandbox

#endif  // ZLAYER_SANDBOX_MOUNT_POINTS_H_
