// What a layer holds, entry by entry, as libarchive and GNU tar read it.
#include "layer/tar_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "layer/test_archive.h"
#include "layer/test_tree.h"

namespace zlayer::layer {
namespace {

using testing::FindEntry;
using testing::kTestMtime;
using testing::PathsOf;
using testing::ReadArchive;
using testing::ReadEntry;
using testing::Shell;
using testing::TestTree;
using testing::TreeOf;
using testing::WriteToString;

std::vector<ReadEntry> ReadLayer(const ChangeSet& changes,
                                 LayerOptions options = {}) {
  options.compression = oci::Compression::kNone;
  auto layer = WriteToString(changes, options);
  EXPECT_TRUE(layer.has_value()) << layer.error().message();
  if (!layer) return {};
  auto entries = ReadArchive(layer->blob);
  EXPECT_TRUE(entries.has_value()) << entries.error().message();
  return entries ? *entries : std::vector<ReadEntry>();
}

// `tar -tvf` lines reduced to "<mode> <uid/gid> <name and link part>",
// dropping the size and date columns whose widths vary.
std::vector<std::string> GnuListing(const ChangeSet& changes) {
  LayerOptions options;
  options.compression = oci::Compression::kNone;
  auto layer = WriteToString(changes, options);
  EXPECT_TRUE(layer.has_value());
  if (!layer) return {};
  auto dir = base::TempDir::Create();
  std::string tar = dir->path() + "/layer.tar";
  EXPECT_TRUE(base::WriteFileAtomic(tar, layer->blob).has_value());
  std::istringstream listing(Shell("TZ=UTC tar --numeric-owner -tvf " + tar));
  std::vector<std::string> lines;
  for (std::string line; std::getline(listing, line);) {
    std::istringstream fields(line);
    std::string mode, owner, size, date, time, rest;
    fields >> mode >> owner >> size >> date >> time;
    std::getline(fields >> std::ws, rest);
    lines.push_back(mode + " " + owner + " " + rest);
  }
  return lines;
}

// A tree with every kind of entry and every special mode bit.
void BuildEverything(TestTree& tree) {
  tree.Dir("bin");
  tree.File("bin/su", "su");
  tree.Chmod("bin/su", 04755);
  tree.Dir("data");
  tree.File("data/a", "shared");
  tree.Hardlink("data/b", "data/a");
  tree.Hardlink("data/c", "data/a");
  tree.Dir("dev");
  tree.Node("dev/null", S_IFCHR | 0666, makedev(1, 3));
  tree.Node("dev/sda", S_IFBLK | 0660, makedev(8, 0));
  tree.Chown("dev/sda", 0, 6);
  tree.File("empty", "");
  tree.Dir("home");
  tree.Dir("home/user", 0700);
  tree.File("home/user/notes", "mine", 0600);
  tree.Chown("home/user/notes", 1000, 1000);
  tree.Chown("home/user", 1000, 1000);
  tree.Symlink("lib", "usr/lib");
  tree.Dir("run");
  tree.Node("run/fifo", S_IFIFO | 0600);
  tree.Dir("tmp", 01777);
  tree.Dir("usr");
  tree.Dir("usr/bin");
  tree.File("usr/bin/wall", "wall");
  tree.Chown("usr/bin/wall", 0, 5);
  tree.Chmod("usr/bin/wall", 02755);
  tree.SetAllDirMtimes({"bin", "data", "dev", "home/user", "home", "run", "tmp",
                        "usr/bin", "usr"});
}

TEST(TarWriterTest, EveryEntryTypeAndModeBitAsGnuTarListsThem) {
  TestTree tree;
  BuildEverything(tree);
  std::vector<std::string> expected = {
      "drwxr-xr-x 0/0 bin/",
      "-rwsr-xr-x 0/0 bin/su",
      "drwxr-xr-x 0/0 data/",
      "-rw-r--r-- 0/0 data/a",
      "hrw-r--r-- 0/0 data/b link to data/a",
      "hrw-r--r-- 0/0 data/c link to data/a",
      "drwxr-xr-x 0/0 dev/",
      "crw-rw-rw- 0/0 dev/null",
      "brw-rw---- 0/6 dev/sda",
      "-rw-r--r-- 0/0 empty",
      "drwxr-xr-x 0/0 home/",
      "drwx------ 1000/1000 home/user/",
      "-rw------- 1000/1000 home/user/notes",
      "lrwxrwxrwx 0/0 lib -> usr/lib",
      "drwxr-xr-x 0/0 run/",
      "prw------- 0/0 run/fifo",
      "drwxrwxrwt 0/0 tmp/",
      "drwxr-xr-x 0/0 usr/",
      "drwxr-xr-x 0/0 usr/bin/",
      "-rwxr-sr-x 0/5 usr/bin/wall",
  };
  EXPECT_EQ(GnuListing(TreeOf(tree)), expected);
}

TEST(TarWriterTest, HeadersCarryWhatBuildKitWrites) {
  TestTree tree;
  BuildEverything(tree);
  std::vector<ReadEntry> entries = ReadLayer(TreeOf(tree));
  ASSERT_EQ(entries.size(), 20u);
  for (const ReadEntry& e : entries) {
    EXPECT_EQ(e.mtime, kTestMtime) << e.path;
    EXPECT_FALSE(e.has_atime) << e.path;
    EXPECT_FALSE(e.has_ctime) << e.path;
    EXPECT_EQ(e.uname, "") << e.path;
    EXPECT_EQ(e.gname, "") << e.path;
  }
  const ReadEntry* su = FindEntry(entries, "bin/su");
  ASSERT_NE(su, nullptr);
  EXPECT_EQ(su->content, "su");
  EXPECT_EQ(su->perm, 04755u);
  const ReadEntry* null = FindEntry(entries, "dev/null");
  ASSERT_NE(null, nullptr);
  EXPECT_EQ(null->devmajor, 1u);
  EXPECT_EQ(null->devminor, 3u);
  const ReadEntry* b = FindEntry(entries, "data/b");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->hardlink, "data/a");
  EXPECT_EQ(FindEntry(entries, "tmp/")->perm, 01777u);
  EXPECT_EQ(FindEntry(entries, "lib")->symlink, "usr/lib");
}

TEST(TarWriterTest, LongAndNonAsciiNamesRoundTrip) {
  TestTree tree;
  std::string deep;
  for (int i = 0; i < 4; ++i) {
    deep += (i ? "/" : "") + std::string(60, static_cast<char>('a' + i));
    tree.Dir(deep);
  }
  std::string long_file = deep + "/" + std::string(100, 'f');  // 344 chars
  tree.File(long_file, "deep");
  tree.Dir("日本語");
  tree.File("日本語/ファイル.txt", "utf-8");
  tree.Symlink("link", "/" + std::string(150, 't'));

  std::vector<ReadEntry> entries = ReadLayer(TreeOf(tree));
  const ReadEntry* deep_entry = FindEntry(entries, long_file);
  ASSERT_NE(deep_entry, nullptr);
  EXPECT_EQ(deep_entry->content, "deep");
  ASSERT_NE(FindEntry(entries, "日本語/ファイル.txt"), nullptr);
  EXPECT_EQ(FindEntry(entries, "link")->symlink, "/" + std::string(150, 't'));

  std::vector<std::string> listing = GnuListing(TreeOf(tree));
  EXPECT_NE(
      std::find(listing.begin(), listing.end(), "-rw-r--r-- 0/0 " + long_file),
      listing.end());
  EXPECT_NE(std::find(listing.begin(), listing.end(),
                      "-rw-r--r-- 0/0 日本語/ファイル.txt"),
            listing.end());
}

TEST(TarWriterTest, XattrsIncludingFileCapabilities) {
  TestTree tree;
  tree.File("ping", "ping");
  tree.Symlink("link", "ping");
  // vfs_cap_data revision 2, effective, permitted = CAP_NET_RAW.
  std::string capability = std::string("\x01\x00\x00\x02\x00\x20\x00\x00", 8) +
                           std::string(12, '\0');
  if (int err = tree.SetXattr("ping", "security.capability", capability)) {
    GTEST_SKIP() << "the filesystem refuses security.capability: "
                 << std::strerror(err);
  }
  ASSERT_EQ(tree.SetXattr("ping", "trusted.overlay.origin", "o"), 0);
  ASSERT_EQ(tree.SetXattr("link", "trusted.note", "on a symlink"), 0);
  if (tree.SetXattr("ping", "user.comment", "hi") != 0) {
    GTEST_SKIP() << "the filesystem refuses user xattrs";
  }
  std::vector<ReadEntry> entries =
      ReadLayer(TreeOf(tree, SourceKind::kOverlayUpper));
  const ReadEntry* ping = FindEntry(entries, "ping");
  ASSERT_NE(ping, nullptr);
  EXPECT_EQ(ping->xattrs,
            (std::map<std::string, std::string>{
                {"security.capability", capability}, {"user.comment", "hi"}}));
  EXPECT_EQ(ping->content, "ping");
  EXPECT_EQ(FindEntry(entries, "link")->xattrs.at("trusted.note"),
            "on a symlink");

  // GNU tar restores the capability from our PAX records.
  auto out = base::TempDir::Create();
  LayerOptions options;
  options.compression = oci::Compression::kNone;
  auto layer = WriteToString(TreeOf(tree), options);
  ASSERT_TRUE(layer.has_value());
  ASSERT_TRUE(base::WriteFileAtomic(out->path() + "/l.tar", layer->blob));
  Shell("mkdir " + out->path() + "/x && tar --xattrs --xattrs-include='*' -C " +
        out->path() + "/x -xf " + out->path() + "/l.tar");
  std::string restored(64, '\0');
  ssize_t n =
      ::lgetxattr((out->path() + "/x/ping").c_str(), "security.capability",
                  restored.data(), restored.size());
  ASSERT_EQ(n, 20);
  EXPECT_EQ(restored.substr(0, 20), capability);
}

TEST(TarWriterTest, HardlinksPointAtTheFirstPathInLayerOrder) {
  TestTree tree;
  tree.Dir("z");
  tree.File("z/original", "x");
  tree.Hardlink("a-link", "z/original");
  tree.Symlink("sym", "target");
  tree.Hardlink("sym-link", "sym");
  std::vector<ReadEntry> entries = ReadLayer(TreeOf(tree));
  EXPECT_EQ(PathsOf(entries),
            (std::vector<std::string>{"a-link", "sym", "sym-link", "z/",
                                      "z/original"}));
  EXPECT_EQ(entries[0].content, "x");
  EXPECT_EQ(entries[0].hardlink, "");
  EXPECT_EQ(entries[2].hardlink, "sym");
  EXPECT_EQ(entries[4].hardlink, "a-link");
  EXPECT_EQ(entries[4].size, 0);
}

TEST(TarWriterTest, OverlayUpperWhiteoutsAndOpaqueDirectories) {
  TestTree tree;
  tree.Dir("etc", 0755);
  tree.Node("etc/shadow", S_IFCHR | 0000, makedev(0, 0));
  tree.Chown("etc/shadow", 0, 42);
  tree.File("etc/passwd", "root:x:0:0");
  tree.Dir("var", 0750);
  tree.File("var/new", "n");
  ASSERT_EQ(tree.SetXattr("var", "trusted.overlay.opaque", "y"), 0);
  tree.SetAllDirMtimes({"etc", "var"});

  std::vector<ReadEntry> entries =
      ReadLayer(TreeOf(tree, SourceKind::kOverlayUpper));
  EXPECT_EQ(PathsOf(entries),
            (std::vector<std::string>{"etc/", "etc/.wh.shadow", "etc/passwd",
                                      "var/", "var/.wh..wh..opq", "var/new"}));
  const ReadEntry& whiteout = entries[1];
  EXPECT_EQ(whiteout.type, static_cast<mode_t>(AE_IFREG));
  EXPECT_EQ(whiteout.size, 0);
  EXPECT_EQ(whiteout.perm, 0600u);
  EXPECT_EQ(whiteout.gid, 42);
  const ReadEntry& opaque = entries[4];
  EXPECT_EQ(opaque.type, static_cast<mode_t>(AE_IFREG));
  EXPECT_EQ(opaque.perm, 0750u);
  EXPECT_EQ(opaque.mtime, kTestMtime);
  for (const ReadEntry& e : entries) EXPECT_TRUE(e.xattrs.empty()) << e.path;
}

TEST(TarWriterTest, ExplicitDeletionsUseTheParentsMetadata) {
  TestTree tree;
  tree.Dir("etc");
  tree.Chown("etc", 0, 7);
  tree.SetAllDirMtimes({"etc"});
  ChangeSet changes = TreeOf(tree);
  changes.deletions = {"etc/motd"};
  std::vector<ReadEntry> entries = ReadLayer(changes);
  ASSERT_EQ(PathsOf(entries),
            (std::vector<std::string>{"etc/", "etc/.wh.motd"}));
  EXPECT_EQ(entries[1].gid, 7);
  EXPECT_EQ(entries[1].mtime, kTestMtime);
  EXPECT_EQ(entries[1].perm, 0600u);
}

TEST(TarWriterTest, HardlinkedWhiteoutsStayWhiteouts) {
  // overlayfs links every whiteout of a mount to one shared inode.
  TestTree tree;
  tree.Node("a", S_IFCHR | 0000, makedev(0, 0));
  tree.Hardlink("b", "a");
  std::vector<ReadEntry> entries =
      ReadLayer(TreeOf(tree, SourceKind::kOverlayUpper));
  ASSERT_EQ(PathsOf(entries), (std::vector<std::string>{".wh.a", ".wh.b"}));
  EXPECT_EQ(entries[1].hardlink, "");
  EXPECT_EQ(entries[1].type, static_cast<mode_t>(AE_IFREG));
}

TEST(TarWriterTest, FileShrinkingWhileArchivedIsAnError) {
  TestTree tree;
  tree.File("log", std::string(10000, 'x'));
  BlockPipeline pipeline(
      MakePlainEncoder(), [](std::span<const uint8_t>) { return Ok(); },
      64 * 1024, 2);
  TarWriter tar(pipeline, tree.root(), std::nullopt);
  auto status = WalkChangeSet(TreeOf(tree), [&](const Entry& entry) {
    EXPECT_EQ(::truncate(tree.Path("log").c_str(), 100), 0);
    return tar.Add(entry);
  });
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message(),
            "read " + tree.Path("log") +
                ": file shrank from 10000 to 100 bytes while being archived");
}

}  // namespace
}  // namespace zlayer::layer
