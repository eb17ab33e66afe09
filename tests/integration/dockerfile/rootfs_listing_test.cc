// The listing is the yardstick of every case, so it is tested on its own.
#include "tests/integration/dockerfile/rootfs_listing.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <fstream>

#include "base/temp_dir.h"

namespace zlayer::integration {
namespace {

TEST(RootfsListingTest, DescribesEveryKindOfEntry) {
  auto dir = base::TempDir::Create();
  ASSERT_TRUE(dir);
  std::string root = dir->path();
  ASSERT_EQ(::chmod(root.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((root + "/d").c_str(), 0755), 0);
  ASSERT_EQ(::chmod((root + "/d").c_str(), 01777), 0);
  std::ofstream(root + "/d/a b") << "abc";
  // chown clears setuid, so it comes first.
  ASSERT_EQ(::lchown((root + "/d/a b").c_str(), 1000, 50), 0);
  ASSERT_EQ(::chmod((root + "/d/a b").c_str(), 04755), 0);
  ASSERT_EQ(::link((root + "/d/a b").c_str(), (root + "/d/z").c_str()), 0);
  ASSERT_EQ(::symlink("../d/a b", (root + "/l").c_str()), 0);
  ASSERT_EQ(::lchown((root + "/l").c_str(), 7, 8), 0);
  ASSERT_EQ(::mkfifo((root + "/p").c_str(), 0600), 0);
  ASSERT_EQ(::mknod((root + "/c").c_str(), S_IFCHR | 0666, makedev(1, 3)), 0);
  ASSERT_EQ(::chmod((root + "/c").c_str(), 0666), 0);

  auto listing = ListRootfs(root);
  ASSERT_TRUE(listing) << listing.error().message();
  const std::string sha_abc =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  std::vector<std::string> lines;
  for (const auto& [path, line] : *listing) lines.push_back(line);
  EXPECT_EQ(JoinLines(lines),
            "/ d 0755 0:0 - - -\n"
            "/c c 0666 0:0 1,3 - -\n"
            "/d d 1777 0:0 - - -\n"
            "/d/a\\x20b f 4755 1000:50 3 - " +
                sha_abc +
                "\n"
                "/d/z f 4755 1000:50 3 h=/d/a\\x20b " +
                sha_abc +
                "\n"
                "/l l 0777 7:8 - ../d/a\\x20b -\n"
                "/p p 0600 0:0 - - -\n");
}

TEST(RootfsListingTest, DiffShowsAddedChangedAndDeletedUnderPrefixes) {
  Listing base = {{"/a", "/a f 0644 0:0 1 - x"},
                  {"/b", "/b f 0644 0:0 1 - y"},
                  {"/out", "/out d 0755 0:0 - - -"},
                  {"/gone", "/gone d 0755 0:0 - - -"}};
  Listing image = {{"/a", "/a f 0644 0:0 1 - x"},
                   {"/b", "/b f 0600 0:0 1 - y"},
                   {"/out", "/out d 0755 0:0 - - -"},
                   {"/out/n", "/out/n f 0644 0:0 1 - z"}};
  EXPECT_EQ(JoinLines(DiffListings(base, image, {})),
            "/b f 0600 0:0 1 - y\n-/gone\n/out/n f 0644 0:0 1 - z\n");
  EXPECT_EQ(JoinLines(DiffListings(base, image, {"/out"})),
            "/out/n f 0644 0:0 1 - z\n");
}

}  // namespace
}  // namespace zlayer::integration
