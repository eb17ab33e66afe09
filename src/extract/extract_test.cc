// Entry types and their metadata, applied as root (the tests run as root
// locally and in CI) and, in a forked child, as an unprivileged user.
#include "extract/extract.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <string>

#include "extract/tar_testing.h"

namespace zlayer::extract {
namespace {

using testing::ExtractFixture;
using ::testing::HasSubstr;
using testing::TarBuilder;
using testing::TarEntry;

class ExtractTest : public ExtractFixture {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root (CI runs as root)";
    ExtractFixture::SetUp();
  }

  std::string Xattr(const std::string& relative, const std::string& name) {
    char value[256];
    ssize_t n = ::lgetxattr((root_ + "/" + relative).c_str(), name.c_str(),
                            value, sizeof(value));
    return n < 0 ? "<none>" : std::string(value, n);
  }
};

TEST_F(ExtractTest, PreservesModesOwnersAndTimes) {
  std::string tar =
      TarBuilder()
          .Add({.name = "./bin/", .type = '5', .mode = 0755, .mtime = 1000})
          .Add({.name = "./bin/su",
                .mode = 04755,
                .uid = 7,
                .gid = 8,
                .mtime = 2000,
                .data = "su"})
          .Add({.name = "./bin/wall", .mode = 02755, .gid = 5, .data = "w"})
          .Add({.name = "./tmp/", .type = '5', .mode = 01777, .mtime = 3000})
          .Add({.name = "./secret/", .type = '5', .mode = 0500, .uid = 9})
          .Add({.name = "./secret/key", .mode = 0400, .uid = 9, .data = "k"})
          .Finish();
  ASSERT_TRUE(Apply(tar));
  struct stat su = Lstat("bin/su");
  EXPECT_EQ(su.st_mode & 07777, 04755u);
  EXPECT_EQ(su.st_uid, 7u);
  EXPECT_EQ(su.st_gid, 8u);
  EXPECT_EQ(su.st_mtim.tv_sec, 2000);
  EXPECT_EQ(Lstat("bin/wall").st_mode & 07777, 02755u);
  EXPECT_EQ(Lstat("tmp").st_mode & 07777, 01777u);
  // Directory times and read-only modes are set after their contents.
  EXPECT_EQ(Lstat("bin").st_mtim.tv_sec, 1000);
  EXPECT_EQ(Lstat("tmp").st_mtim.tv_sec, 3000);
  EXPECT_EQ(Lstat("secret").st_mode & 07777, 0500u);
  EXPECT_EQ(Read("secret/key"), "k");
}

TEST_F(ExtractTest, SetsXattrsAfterChown) {
  // chown(2) drops security.capability, so the order matters.
  const std::string& cap = testing::kCapNetRaw;
  std::string tar =
      TarBuilder()
          .Add({.name = "ping",
                .mode = 0755,
                .uid = 3,
                .data = "p",
                .pax = {{"SCHILY.xattr.security.capability", cap},
                        {"SCHILY.xattr.user.note", "hello"},
                        {"SCHILY.xattr.security.selinux", "host_t"}}})
          .Add({.name = "dir",
                .type = '5',
                .pax = {{"SCHILY.xattr.user.dir", "1"}}})
          .Finish();
  ASSERT_TRUE(Apply(tar));
  EXPECT_EQ(Xattr("ping", "security.capability"), cap);
  EXPECT_EQ(Xattr("ping", "user.note"), "hello");
  EXPECT_EQ(Xattr("dir", "user.dir"), "1");
  EXPECT_EQ(Lstat("ping").st_uid, 3u);
}

TEST_F(ExtractTest, CreatesLinksWithoutFollowingThem) {
  std::string tar = TarBuilder()
                        .File("etc/os-release", "debian\n")
                        .Add({.name = "etc/alt",
                              .type = '2',
                              .uid = 4,
                              .mtime = 500,
                              .linkname = "/usr/bin/nowhere"})
                        .Hardlink("etc/os-release2", "etc/os-release")
                        .Symlink("etc/rel", "os-release")
                        .Hardlink("etc/rel2", "./etc/rel")
                        .Finish();
  Result<ApplyResult> applied = Apply(tar);
  ASSERT_TRUE(applied) << applied.error().message();
  struct stat link = Lstat("etc/alt");
  EXPECT_TRUE(S_ISLNK(link.st_mode));
  EXPECT_EQ(link.st_uid, 4u);
  EXPECT_EQ(link.st_mtim.tv_sec, 500);
  EXPECT_EQ(Lstat("etc/os-release").st_ino, Lstat("etc/os-release2").st_ino);
  EXPECT_EQ(Lstat("etc/os-release").st_nlink, 2u);
  EXPECT_EQ(Lstat("etc/rel").st_ino, Lstat("etc/rel2").st_ino);
  EXPECT_TRUE(S_ISLNK(Lstat("etc/rel2").st_mode));
}

TEST_F(ExtractTest, CreatesDevicesAndFifos) {
  std::string tar = TarBuilder()
                        .Add({.name = "dev/null",
                              .type = '3',
                              .mode = 0666,
                              .dev_major = 1,
                              .dev_minor = 3})
                        .Add({.name = "dev/loop0",
                              .type = '4',
                              .mode = 0660,
                              .dev_major = 7,
                              .dev_minor = 0})
                        .Add({.name = "run/fifo", .type = '6', .mode = 0620})
                        .Finish();
  ASSERT_TRUE(Apply(tar));
  struct stat null = Lstat("dev/null");
  EXPECT_TRUE(S_ISCHR(null.st_mode));
  EXPECT_EQ(null.st_rdev, makedev(1, 3));
  EXPECT_EQ(null.st_mode & 07777, 0666u);
  EXPECT_TRUE(S_ISBLK(Lstat("dev/loop0").st_mode));
  EXPECT_TRUE(S_ISFIFO(Lstat("run/fifo").st_mode));
  EXPECT_EQ(Lstat("run/fifo").st_mode & 07777, 0620u);
  // Parents without entries of their own are created 0755.
  EXPECT_EQ(Lstat("dev").st_mode & 07777, 0755u);
}

TEST_F(ExtractTest, LaterEntriesWinLikeTar) {
  std::string tar = TarBuilder()
                        .File("a", "one")
                        .File("a", "two", 0600)
                        .Dir("d/")
                        .File("d/x", "x")
                        .File("d", "now a file")
                        .Symlink("s", "a")
                        .Dir("s/")
                        .Finish();
  ASSERT_TRUE(Apply(tar));
  EXPECT_EQ(Read("a"), "two");
  EXPECT_EQ(Lstat("a").st_mode & 07777, 0600u);
  EXPECT_EQ(Read("d"), "now a file");
  EXPECT_TRUE(S_ISDIR(Lstat("s").st_mode));
}

TEST_F(ExtractTest, AppliesTheRootEntryAndLargeFiles) {
  std::string big(3 << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
  std::string tar =
      TarBuilder()
          .Add({.name = "./", .type = '5', .mode = 0750, .mtime = 4000})
          .File("big", big)
          .Finish();
  ASSERT_TRUE(Apply(tar));
  EXPECT_EQ(Read("big"), big);
  struct stat root;
  ASSERT_EQ(::stat(root_.c_str(), &root), 0);
  EXPECT_EQ(root.st_mode & 07777, 0750u);
  EXPECT_EQ(root.st_mtim.tv_sec, 4000);
}

TEST_F(ExtractTest, WritesThroughLowerLayerSymlinksInsideTheRoot) {
  // Like umoci and containerd: a symlink from a lower layer is resolved as
  // if the root were "/", so usr-merged images keep working.
  ASSERT_TRUE(Apply(TarBuilder()
                        .Dir("usr/")
                        .Dir("usr/bin/")
                        .Symlink("bin", "/usr/bin")
                        .Symlink("etc", outside_)
                        .Finish()));
  auto before = Outside();
  ASSERT_TRUE(Apply(
      TarBuilder().File("bin/sh", "shell").File("etc/passwd", "x").Finish()));
  EXPECT_EQ(Read("usr/bin/sh"), "shell");
  EXPECT_EQ(Read(outside_.substr(1) + "/passwd"), "x");
  EXPECT_EQ(Outside(), before);
}

TEST_F(ExtractTest, UnprivilegedKeepsOwnUidAndRefusesDevices) {
  ASSERT_EQ(::chmod(base_.path().c_str(), 0755), 0);
  ASSERT_EQ(::chmod(layers_.path().c_str(), 0755), 0);
  ASSERT_EQ(::chown(root_.c_str(), 65534, 65534), 0);
  std::string ok = TarBuilder()
                       .Add({.name = "ro/", .type = '5', .mode = 0555})
                       .Add({.name = "ro/f", .uid = 0, .data = "f"})
                       .Add({.name = "fifo", .type = '6'})
                       .Finish();
  std::string device =
      TarBuilder().Add({.name = "null", .type = '3', .dev_major = 1}).Finish();
  // The second layer writes into the directory the first made read-only.
  std::string into_read_only =
      TarBuilder().File("ro/g", "g").Whiteout("ro/.wh.f").Finish();
  std::string ok_path = WriteLayer(ok);
  std::string second_path = WriteLayer(into_read_only);
  std::string device_path = WriteLayer(device);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    if (::setresgid(65534, 65534, 65534) != 0 ||
        ::setresuid(65534, 65534, 65534) != 0) {
      ::_exit(10);
    }
    ExtractOptions options;  // privileged now defaults to false
    if (options.privileged) ::_exit(11);
    if (!ApplyLayer(LayerSource::Path(ok_path), root_, options) ||
        !ApplyLayer(LayerSource::Path(second_path), root_, options)) {
      ::_exit(12);
    }
    auto refused = ApplyLayer(LayerSource::Path(device_path), root_, options);
    if (refused ||
        refused.error().message().find(
            "refusing to create a character device") == std::string::npos) {
      ::_exit(13);
    }
    options.unprivileged_devices = DevicePolicy::kSkipWithWarning;
    auto skipped = ApplyLayer(LayerSource::Path(device_path), root_, options);
    ::_exit(skipped && skipped->skipped_devices == 1 ? 0 : 14);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(Lstat("ro/g").st_uid, 65534u);
  EXPECT_FALSE(Exists("ro/f"));
  EXPECT_EQ(Lstat("ro").st_mode & 07777, 0555u);
  EXPECT_TRUE(S_ISFIFO(Lstat("fifo").st_mode));
  EXPECT_FALSE(Exists("null"));
}

}  // namespace
}  // namespace zlayer::extract
