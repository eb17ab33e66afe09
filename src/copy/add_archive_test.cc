#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "base/file_io.h"
#include "copy/add.h"
#include "extract/tar_testing.h"

namespace zlayer::copy {
namespace {

using extract::testing::Compress;
using extract::testing::TarBuilder;
using extract::testing::TarEntry;

class AddArchiveTest : public extract::testing::ExtractFixture {
 protected:
  Status Add(const std::string& bytes, const std::string& dest,
             std::optional<ExtractOwner> owner = std::nullopt) {
    return ExtractArchive(WriteLayer(bytes), root_, dest, owner);
  }
  bool IsArchiveBytes(const std::string& bytes) {
    Result<bool> got = IsArchive(WriteLayer(bytes));
    EXPECT_TRUE(got) << got.error().message();
    return got.value_or(false);
  }
  static void RequireRoot() {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to chown";
  }
};

std::string SimpleTar() {
  return TarBuilder().Dir("dir").File("dir/a.txt", "alpha").Finish();
}

// --- IsArchive ---------------------------------------------------------

TEST_F(AddArchiveTest, PlainTarIsAnArchive) {
  EXPECT_TRUE(IsArchiveBytes(SimpleTar()));
}

TEST_F(AddArchiveTest, GzipOfNonTarIsNotAnArchive) {
  EXPECT_FALSE(IsArchiveBytes(Compress("just some text\n", "gzip")));
}

TEST_F(AddArchiveTest, RandomBytesAreNotAnArchive) {
  std::string bytes;
  for (int i = 0; i < 4096; ++i) bytes += static_cast<char>((i * 7919) % 251);
  EXPECT_FALSE(IsArchiveBytes(bytes));
}

TEST_F(AddArchiveTest, EmptyFileIsNotAnArchive) {
  EXPECT_FALSE(IsArchiveBytes(""));
}

TEST_F(AddArchiveTest, TarWithoutEntriesIsNotAnArchive) {
  // Go's tar reader reports io.EOF at once, so BuildKit copies it as is.
  EXPECT_FALSE(IsArchiveBytes(std::string(1024, '\0')));
}

TEST_F(AddArchiveTest, BadHeaderChecksumIsNotAnArchive) {
  std::string tar = SimpleTar();
  tar[0] = 'X';  // the name changes, the stored checksum does not
  EXPECT_FALSE(IsArchiveBytes(tar));
}

TEST_F(AddArchiveTest, DoublyCompressedTarIsNotAnArchive) {
  EXPECT_FALSE(IsArchiveBytes(Compress(Compress(SimpleTar(), "gzip"), "gzip")));
}

TEST_F(AddArchiveTest, ShortFileIsNotAnArchive) {
  EXPECT_FALSE(IsArchiveBytes(SimpleTar().substr(0, 300)));
}

TEST_F(AddArchiveTest, DirectoryIsNotAnArchiveAndMissingFileIsAnError) {
  Result<bool> dir = IsArchive(root_);
  ASSERT_TRUE(dir) << dir.error().message();
  EXPECT_FALSE(*dir);
  Result<bool> missing = IsArchive(root_ + "/nope.tar");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("nope.tar"), std::string::npos);
}

TEST_F(AddArchiveTest, ArchivesMadeByTheCommandLineToolsAreDetected) {
  std::string src = layers_.path() + "/tree";
  ASSERT_EQ(::mkdir(src.c_str(), 0755), 0);
  ASSERT_TRUE(base::WriteFileAtomic(src + "/f", "cli"));
  const std::string out = layers_.path() + "/cli";
  const std::string tar = "tar -C " + src + " -cf - . ";
  for (const std::string& command :
       {tar + "> " + out + ".tar", tar + "| gzip > " + out + ".tgz",
        tar + "| bzip2 > " + out + ".tbz", tar + "| xz > " + out + ".txz",
        tar + "| zstd -q > " + out + ".tzst"}) {
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }
  for (const char* ext : {".tar", ".tgz", ".tbz", ".txz", ".tzst"}) {
    Result<bool> got = IsArchive(out + ext);
    ASSERT_TRUE(got) << got.error().message();
    EXPECT_TRUE(*got) << ext;
    ASSERT_TRUE(ExtractArchive(out + ext, root_, std::string("/x") + ext,
                               std::nullopt));
    EXPECT_EQ(Read(std::string("x") + ext + "/f"), "cli");
  }
}

// --- compression, parameterised ----------------------------------------

class AddCompressionTest : public AddArchiveTest,
                           public ::testing::WithParamInterface<std::string> {};

TEST_P(AddCompressionTest, IsDetectedAndExtracted) {
  std::string bytes = Compress(SimpleTar(), GetParam());
  ASSERT_FALSE(bytes.empty());
  EXPECT_TRUE(IsArchiveBytes(bytes));
  Status added = Add(bytes, "/app");
  ASSERT_TRUE(added) << added.error().message();
  EXPECT_EQ(Read("app/dir/a.txt"), "alpha");
}

INSTANTIATE_TEST_SUITE_P(Filters, AddCompressionTest,
                         ::testing::Values("gzip", "bzip2", "xz", "zstd"));

// --- ExtractArchive ----------------------------------------------------

TEST_F(AddArchiveTest, KeepsModesTimesAndOwners) {
  RequireRoot();
  std::string tar = TarBuilder()
                        .Add({.name = "d/",
                              .type = '5',
                              .mode = 0750,
                              .uid = 7,
                              .gid = 8,
                              .mtime = 1400000000})
                        .Add({.name = "d/run",
                              .mode = 04755,
                              .uid = 1234,
                              .gid = 5678,
                              .mtime = 1500000000,
                              .data = "#!/bin/sh\n"})
                        .Finish();
  ASSERT_TRUE(Add(tar, "/"));
  struct stat file = Lstat("d/run");
  EXPECT_EQ(file.st_mode & 07777, 04755u);
  EXPECT_EQ(file.st_uid, 1234u);
  EXPECT_EQ(file.st_gid, 5678u);
  EXPECT_EQ(file.st_mtim.tv_sec, 1500000000);
  struct stat dir = Lstat("d");
  EXPECT_EQ(dir.st_mode & 07777, 0750u);
  EXPECT_EQ(dir.st_uid, 7u);
  EXPECT_EQ(dir.st_mtim.tv_sec, 1400000000);
}

TEST_F(AddArchiveTest, OwnerOverrideAppliesToEntriesAndCreatedDestination) {
  RequireRoot();
  std::string tar = TarBuilder()
                        .Add({.name = "f", .uid = 1, .gid = 2, .data = "x"})
                        .Add({.name = "implied/g", .uid = 3, .data = "y"})
                        .Symlink("l", "f")
                        .Finish();
  ASSERT_TRUE(Add(tar, "/new/dest", ExtractOwner{4000, 4001}));
  EXPECT_EQ(Lstat("new/dest/f").st_uid, 4000u);
  EXPECT_EQ(Lstat("new/dest/f").st_gid, 4001u);
  EXPECT_EQ(Lstat("new/dest/implied/g").st_uid, 4000u);
  EXPECT_EQ(Lstat("new/dest/l").st_uid, 4000u);
  EXPECT_EQ(Lstat("new").st_uid, 4000u);
  EXPECT_EQ(Lstat("new/dest").st_gid, 4001u);
  // A directory the archive only implies is root's, as in BuildKit.
  EXPECT_EQ(Lstat("new/dest/implied").st_uid, 0u);
}

TEST_F(AddArchiveTest, DestinationIsCreatedWithMode0755) {
  ASSERT_TRUE(Add(SimpleTar(), "/a/b/c"));
  EXPECT_EQ(Lstat("a").st_mode & 07777, 0755u);
  EXPECT_EQ(Lstat("a/b/c").st_mode & 07777, 0755u);
  EXPECT_EQ(Read("a/b/c/dir/a.txt"), "alpha");
}

TEST_F(AddArchiveTest, SymlinksAndHardlinksAreKept) {
  std::string tar = TarBuilder()
                        .File("bin/tool", "binary", 0755)
                        .Symlink("bin/alias", "tool")
                        .Symlink("abs", "/etc/passwd")
                        .Hardlink("bin/same", "bin/tool")
                        .Finish();
  ASSERT_TRUE(Add(tar, "/opt"));
  EXPECT_EQ(std::filesystem::read_symlink(root_ + "/opt/bin/alias"), "tool");
  EXPECT_EQ(std::filesystem::read_symlink(root_ + "/opt/abs"), "/etc/passwd");
  struct stat tool = Lstat("opt/bin/tool");
  struct stat same = Lstat("opt/bin/same");
  EXPECT_EQ(tool.st_ino, same.st_ino);
  EXPECT_EQ(tool.st_nlink, 2u);
}

TEST_F(AddArchiveTest, FifosAreCreated) {
  std::string tar = TarBuilder().Add({.name = "pipe", .type = '6'}).Finish();
  ASSERT_TRUE(Add(tar, "/"));
  EXPECT_TRUE(S_ISFIFO(Lstat("pipe").st_mode));
}

TEST_F(AddArchiveTest, DotDotEntryIsRefusedByName) {
  auto before = Outside();
  std::string tar =
      TarBuilder().File("ok", "fine").File("../../evil", "pwned").Finish();
  Status added = Add(tar, "/app");
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message().find("archive entry \"../../evil\""),
            std::string::npos)
      << added.error().message();
  EXPECT_EQ(added.error().kind(), ErrorKind::kInvalid);
  EXPECT_EQ(Outside(), before);
  EXPECT_FALSE(Exists("evil"));
}

TEST_F(AddArchiveTest, DotDotInsideTheArchiveStaysBelowTheDestination) {
  std::string tar = TarBuilder().File("a/../b", "ok").Finish();
  ASSERT_TRUE(Add(tar, "/app"));
  EXPECT_EQ(Read("app/b"), "ok");
}

TEST_F(AddArchiveTest, WriteThroughAnAbsoluteSymlinkOfTheArchiveIsRefused) {
  auto before = Outside();
  std::string tar = TarBuilder()
                        .Symlink("escape", outside_)
                        .File("escape/passwd", "owned")
                        .Finish();
  Status added = Add(tar, "/");
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message().find("archive entry \"escape/passwd\""),
            std::string::npos)
      << added.error().message();
  EXPECT_EQ(Outside(), before);
}

TEST_F(AddArchiveTest, WriteThroughARelativeEscapingSymlinkIsRefused) {
  auto before = Outside();
  std::string tar = TarBuilder()
                        .Symlink("up", "../../../../outside")
                        .File("up/passwd", "owned")
                        .Finish();
  ASSERT_FALSE(Add(tar, "/x"));
  EXPECT_EQ(Outside(), before);
}

TEST_F(AddArchiveTest, ExistingAbsoluteSymlinkResolvesInsideTheDestination) {
  auto before = Outside();
  ASSERT_EQ(::mkdir((root_ + "/app").c_str(), 0755), 0);
  ASSERT_EQ(::symlink(outside_.c_str(), (root_ + "/app/lib").c_str()), 0);
  std::string tar = TarBuilder().File("lib/passwd", "inside").Finish();
  Status added = Add(tar, "/app");
  ASSERT_TRUE(added) << added.error().message();
  // "/<outside>" taken with /app as the root.
  EXPECT_EQ(Read("app" + outside_ + "/passwd"), "inside");
  EXPECT_EQ(Outside(), before);
}

TEST_F(AddArchiveTest, DestinationThroughAbsoluteSymlinkStaysInsideRoot) {
  auto before = Outside();
  ASSERT_EQ(::symlink(outside_.c_str(), (root_ + "/srv").c_str()), 0);
  ASSERT_TRUE(Add(SimpleTar(), "/srv/data"));
  EXPECT_EQ(Read(outside_.substr(1) + "/data/dir/a.txt"), "alpha");
  EXPECT_EQ(Outside(), before);
}

TEST_F(AddArchiveTest, HardlinkOutOfTheDestinationIsRefused) {
  auto before = Outside();
  std::string tar = TarBuilder().Hardlink("h", "../../outside/passwd").Finish();
  Status added = Add(tar, "/d");
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message().find("archive entry \"h\""),
            std::string::npos);
  EXPECT_EQ(Outside(), before);
}

TEST_F(AddArchiveTest, LeadingSlashesAreStripped) {
  std::string tar = TarBuilder().File("/etc/conf", "c").Finish();
  ASSERT_TRUE(Add(tar, "/app"));
  EXPECT_EQ(Read("app/etc/conf"), "c");
}

TEST_F(AddArchiveTest, WhiteoutNamesAreOrdinaryFiles) {
  ASSERT_EQ(::mkdir((root_ + "/app").c_str(), 0755), 0);
  ASSERT_TRUE(base::WriteFileAtomic(root_ + "/app/keep", "kept"));
  std::string tar =
      TarBuilder().File(".wh.keep", "").File("sub/.wh..wh..opq", "").Finish();
  ASSERT_TRUE(Add(tar, "/app"));
  EXPECT_EQ(Read("app/keep"), "kept");
  EXPECT_TRUE(Exists("app/.wh.keep"));
  EXPECT_TRUE(Exists("app/sub/.wh..wh..opq"));
}

TEST_F(AddArchiveTest, RootEntryDoesNotChangeTheDestination) {
  ASSERT_EQ(::mkdir((root_ + "/app").c_str(), 0755), 0);
  std::string tar = TarBuilder().Dir("./", 0700).File("./f", "x").Finish();
  ASSERT_TRUE(Add(tar, "/app"));
  EXPECT_EQ(Lstat("app").st_mode & 07777, 0755u);
  EXPECT_EQ(Read("app/f"), "x");
}

TEST_F(AddArchiveTest, ExistingFilesAreReplaced) {
  ASSERT_EQ(::mkdir((root_ + "/app").c_str(), 0755), 0);
  ASSERT_TRUE(base::WriteFileAtomic(root_ + "/app/f", "old"));
  ASSERT_TRUE(base::WriteFileAtomic(root_ + "/app/other", "untouched"));
  ASSERT_TRUE(Add(TarBuilder().File("f", "new").Finish(), "/app"));
  EXPECT_EQ(Read("app/f"), "new");
  EXPECT_EQ(Read("app/other"), "untouched");
}

TEST_F(AddArchiveTest, DestinationThatIsAFileIsAnError) {
  ASSERT_TRUE(base::WriteFileAtomic(root_ + "/file", "data"));
  Status added = Add(SimpleTar(), "/file");
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message().find("\"/file\" exists and is not a "
                                         "directory"),
            std::string::npos)
      << added.error().message();
  EXPECT_EQ(Read("file"), "data");
}

TEST_F(AddArchiveTest, ParentThatIsAnExistingFileIsNotReplaced) {
  ASSERT_EQ(::mkdir((root_ + "/app").c_str(), 0755), 0);
  ASSERT_TRUE(base::WriteFileAtomic(root_ + "/app/conf", "precious"));
  Status added = Add(TarBuilder().File("conf/x", "y").Finish(), "/app");
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message().find("archive entry \"conf/x\""),
            std::string::npos)
      << added.error().message();
  EXPECT_EQ(Read("app/conf"), "precious");
}

TEST_F(AddArchiveTest, TruncatedArchiveIsAnError) {
  std::string tar = TarBuilder().File("big", std::string(5000, 'z')).Finish();
  Status added = Add(tar.substr(0, 2048), "/t");
  ASSERT_FALSE(added);
  EXPECT_NE(added.error().message().find("extract "), std::string::npos);
}

TEST_F(AddArchiveTest, DestinationDotDotStopsAtTheRoot) {
  auto before = Outside();
  ASSERT_TRUE(Add(SimpleTar(), "/../../up"));
  EXPECT_EQ(Read("up/dir/a.txt"), "alpha");
  EXPECT_EQ(Outside(), before);
}

}  // namespace
}  // namespace zlayer::copy
