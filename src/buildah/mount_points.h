// Mount points a RUN needs where the root filesystem has nothing (its
// --mount targets, and /dev, /proc, /sys, /etc/hosts... that buildah
// mounts into every container): buildah 1.28's `run` creates them and
// keeps them. As BuildKit's executor does for mounts, they are
// removed after the RUN while still empty, so a mount leaves no trace in
// the image and the result matches the native engine's.
#ifndef ZLAYER_BUILDAH_MOUNT_POINTS_H_
#define ZLAYER_BUILDAH_MOUNT_POINTS_H_

#include <string>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::buildah {

class MountPoints {
 public:
  // For each absolute target, the paths from its first missing component
  // down to itself, resolved inside `root` (symlinks cannot lead out).
  static Result<MountPoints> Record(const std::string& root,
                                    const std::vector<std::string>& targets);

  // Removes, deepest first, each recorded path that is now an empty
  // directory or an empty file; anything else stays.
  Status Remove() const;

  const std::vector<std::string>& paths() const { return paths_; }

 private:
  std::string root_;
  std::vector<std::string> paths_;
};

}  // namespace zlayer::buildah

#endif  // ZLAYER_BUILDAH_MOUNT_POINTS_H_
