// Directory helpers for the store's directory-shaped contents (snapshots,
// cache mounts, builds' scratch space), which unlike blobs are trees.
#ifndef ZLAYER_STORE_TREE_USAGE_H_
#define ZLAYER_STORE_TREE_USAGE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::store {

// What `du -s` reports, in bytes: blocks allocated to the tree at `path`,
// each inode counted once, symlinks not followed and other filesystems
// not entered. A missing `path` is 0; directories the caller cannot read
// are counted without their contents.
Result<uint64_t> MeasureTree(const std::string& path);

// The names in `dir` but "." and ".."; empty when `dir` does not exist.
Result<std::vector<std::string>> ListDirectory(const std::string& dir);

}  // namespace zlayer::store

#endif  // ZLAYER_STORE_TREE_USAGE_H_
