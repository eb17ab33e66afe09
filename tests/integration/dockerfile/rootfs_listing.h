// A canonical text listing of a root filesystem, so that two builders'
// results (and an expected file) compare as plain text. mtimes are left out:
// they differ between builders and runs by design.
#ifndef ZLAYER_TESTS_INTEGRATION_DOCKERFILE_ROOTFS_LISTING_H_
#define ZLAYER_TESTS_INTEGRATION_DOCKERFILE_ROOTFS_LISTING_H_

#include <map>
#include <string>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::integration {

// path -> "path type mode uid:gid size target sha256", one entry per file,
// for example
//   /etc/passwd f 0644 0:0 120 - 9f86d0...
//   /bin/sh l 0777 0:0 - busybox -
//   /out/b f 0644 0:0 3 h=/out/a 2c26b4...
//   /dev/null c 0666 0:0 1,3 - -
// type is f/d/l/c/b/p/s; mode is the four octal permission digits including
// setuid/setgid/sticky; size is for regular files (major,minor for devices);
// target is the symlink target, or h=<first path in sort order> for the
// second and later names of a hardlinked file; sha256 is of a file's content.
// Bytes outside printable ASCII, spaces and backslashes in paths and targets
// are written as \xNN. The root directory itself is "/".
using Listing = std::map<std::string, std::string>;

Result<Listing> ListRootfs(const std::string& dir);

// The entries of `image` that are new or differ from `base`, plus "-path"
// for each base path missing from `image`, sorted by path. With `only`
// non-empty, just the paths equal to or below one of those prefixes. The
// root directory itself is never part of a diff.
std::vector<std::string> DiffListings(const Listing& base, const Listing& image,
                                      const std::vector<std::string>& only);

// Joins lines with '\n' after each.
std::string JoinLines(const std::vector<std::string>& lines);

}  // namespace zlayer::integration

#endif  // ZLAYER_TESTS_INTEGRATION_DOCKERFILE_ROOTFS_LISTING_H_
