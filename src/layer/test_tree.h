// Test support: source trees built file by file in a temporary directory,
// layers written to memory or to files, and shell commands for checking
// them with the real tools (gzip, zstd, tar, sha256sum).
#ifndef ZLAYER_LAYER_TEST_TREE_H_
#define ZLAYER_LAYER_TEST_TREE_H_

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/subprocess.h"
#include "base/temp_dir.h"
#include "base/unique_fd.h"
#include "layer/layer_writer.h"

namespace zlayer::layer::testing {

// A fixed, round mtime so trees built at different times compare equal.
inline constexpr int64_t kTestMtime = 1700000000;

class TestTree {
 public:
  TestTree() {
    auto dir = base::TempDir::Create("", "zlayer-layer-test-");
    EXPECT_TRUE(dir.has_value()) << dir.error().message();
    if (dir) dir_ = std::move(*dir);
  }

  const std::string& root() const { return dir_.path(); }
  std::string Path(const std::string& rel) const { return root() + "/" + rel; }

  void File(const std::string& rel, const std::string& content,
            mode_t mode = 0644) {
    // Not WriteFileAtomic: its fsyncs would dominate the tests' time.
    auto fd = base::OpenFile(Path(rel), O_WRONLY | O_CREAT | O_EXCL, mode);
    ASSERT_TRUE(fd.has_value()) << fd.error().message();
    auto written = base::WriteAll(fd->get(), content, Path(rel));
    ASSERT_TRUE(written.has_value()) << written.error().message();
    Chmod(rel, mode);
    SetMtime(rel, kTestMtime);
  }
  void Dir(const std::string& rel, mode_t mode = 0755) {
    ASSERT_EQ(::mkdir(Path(rel).c_str(), mode), 0) << rel;
    ASSERT_EQ(::chmod(Path(rel).c_str(), mode), 0) << rel;
  }
  void Symlink(const std::string& rel, const std::string& target) {
    ASSERT_EQ(::symlink(target.c_str(), Path(rel).c_str()), 0) << rel;
    SetMtime(rel, kTestMtime);
  }
  void Hardlink(const std::string& rel, const std::string& existing) {
    ASSERT_EQ(::link(Path(existing).c_str(), Path(rel).c_str()), 0) << rel;
  }
  void Node(const std::string& rel, mode_t mode, dev_t dev = 0) {
    ASSERT_EQ(::mknod(Path(rel).c_str(), mode, dev), 0)
        << rel << ": " << std::strerror(errno);
    Chmod(rel, mode & 07777);  // past the umask
    SetMtime(rel, kTestMtime);
  }
  void Chown(const std::string& rel, uid_t uid, gid_t gid) {
    ASSERT_EQ(::lchown(Path(rel).c_str(), uid, gid), 0) << rel;
  }
  // chown clears setuid and setgid, so modes go on after owners.
  void Chmod(const std::string& rel, mode_t mode) {
    ASSERT_EQ(::chmod(Path(rel).c_str(), mode), 0) << rel;
  }
  void SetMtime(const std::string& rel, int64_t seconds) {
    struct timespec times[2] = {{static_cast<time_t>(seconds), 0},
                                {static_cast<time_t>(seconds), 0}};
    ASSERT_EQ(
        ::utimensat(AT_FDCWD, Path(rel).c_str(), times, AT_SYMLINK_NOFOLLOW), 0)
        << rel;
  }
  // Returns errno (0 on success) so tests can skip where the filesystem
  // refuses an attribute.
  int SetXattr(const std::string& rel, const std::string& name,
               const std::string& value) {
    int rc = ::lsetxattr(Path(rel).c_str(), name.c_str(), value.data(),
                         value.size(), 0);
    return rc == 0 ? 0 : errno;
  }
  // Directories get their mtimes last, once nothing more is added to them.
  void SetAllDirMtimes(const std::vector<std::string>& dirs) {
    for (const std::string& dir : dirs) SetMtime(dir, kTestMtime);
  }

 private:
  base::TempDir dir_;
};

// A layer written to memory.
struct WrittenLayer {
  LayerResult result;
  std::string blob;
};

inline Result<WrittenLayer> WriteToString(const ChangeSet& changes,
                                          const LayerOptions& options) {
  WrittenLayer layer;
  Sink sink = [&layer](std::span<const uint8_t> data) {
    layer.blob.append(reinterpret_cast<const char*>(data.data()), data.size());
    return Ok();
  };
  ZL_ASSIGN_OR_RETURN(layer.result, WriteLayer(changes, options, sink));
  return layer;
}

inline ChangeSet TreeOf(const TestTree& tree,
                        SourceKind kind = SourceKind::kDirectory) {
  ChangeSet changes;
  changes.root = tree.root();
  changes.kind = kind;
  return changes;
}

// Runs `script` with sh -c and returns its stdout, failing the test on a
// non-zero exit.
inline std::string Shell(const std::string& script) {
  auto run = base::RunChecked({"sh", "-c", script});
  EXPECT_TRUE(run.has_value()) << script << ": " << run.error().message();
  return run ? run->stdout_data : std::string();
}

inline bool HaveTool(const std::string& tool) {
  auto run = base::Run({"sh", "-c", "command -v " + tool});
  return run && run->status.success();
}

}  // namespace zlayer::layer::testing

#endif  // ZLAYER_LAYER_TEST_TREE_H_
