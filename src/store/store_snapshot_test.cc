// GC of snapshot directories and of builds' scratch space.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <string>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace zlayer::store {
namespace {

using testing::Import;
using testing::MakeTestImage;
using testing::TestImage;

bool Exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

class StoreSnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = base::TempDir::Create().value();
    root_ = dir_.path();
    store_ = std::make_unique<Store>(Store::Open(root_).value());
    ASSERT_EQ(::mkdir((root_ + "/snapshots").c_str(), 0755), 0);
  }

  // A directory with a file in it, as an unpacked layer would be.
  std::string MakeSnapshot(const std::string& path) {
    EXPECT_EQ(::mkdir(path.c_str(), 0755), 0) << path;
    EXPECT_TRUE(base::WriteFileAtomic(path + "/file", "contents"));
    return path;
  }

  // What overlay uppers and lower snapshots hold that plain unlink loops
  // trip on: whiteout devices, read-only directories and files.
  void FillAwkwardly(const std::string& dir) {
    ASSERT_EQ(::mkdir((dir + "/ro").c_str(), 0755), 0);
    ASSERT_EQ(::mknod((dir + "/ro/gone").c_str(), S_IFCHR, makedev(0, 0)), 0);
    ASSERT_TRUE(base::WriteFileAtomic(dir + "/ro/file", "x", 0444));
    ASSERT_EQ(::mkdir((dir + "/ro/locked").c_str(), 0), 0);
    ASSERT_EQ(::chmod((dir + "/ro").c_str(), 0555), 0);
  }

  base::TempDir dir_;
  std::string root_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreSnapshotTest, KeepsReferencedSnapshotsOnly) {
  TestImage image = MakeTestImage({"image layer"}, "img");
  ASSERT_TRUE(Import(*store_, image, {"img"}));
  base::Digest image_diff = base::Digest::Of("diff:image layer");
  CacheEntry entry{.key = "k",
                   .diff_id = base::Digest::Of("cache diff"),
                   .media_type = "m",
                   .size = 11};
  {
    auto lease = store_->AcquireLease().value();
    entry.blob = store_->blobs().Put(lease, "cache layer").value();
    ASSERT_TRUE(store_->PutCacheEntry(entry));
  }
  std::string of_image = MakeSnapshot(store_->SnapshotDir(image_diff));
  std::string of_cache = MakeSnapshot(store_->SnapshotDir(entry.diff_id));
  std::string orphan =
      MakeSnapshot(store_->SnapshotDir(base::Digest::Of("orphan")));
  std::string partial =
      MakeSnapshot(root_ + "/snapshots/tmp-0123456789abcdef-42");
  std::string hidden = MakeSnapshot(root_ + "/snapshots/.incoming");
  std::string foreign = MakeSnapshot(root_ + "/snapshots/README");

  auto stats = store_->GarbageCollect();
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->snapshots_removed, 3);
  EXPECT_GT(stats->snapshot_bytes_removed, 0u);
  EXPECT_EQ(stats->blobs_removed, 0);
  EXPECT_TRUE(Exists(of_image));
  EXPECT_TRUE(Exists(of_cache));
  EXPECT_TRUE(Exists(foreign));
  EXPECT_FALSE(Exists(orphan));
  EXPECT_FALSE(Exists(partial));
  EXPECT_FALSE(Exists(hidden));

  // Once neither an image nor the cache names them, they go too.
  ASSERT_TRUE(store_->RemoveImage("img"));
  ASSERT_TRUE(store_->PruneBuildCache({.all = true}));
  EXPECT_FALSE(Exists(of_image));
  EXPECT_FALSE(Exists(of_cache));
  EXPECT_TRUE(Exists(foreign));
}

TEST_F(StoreSnapshotTest, RemovesWhiteoutDevicesAndReadOnlyTrees) {
  if (::geteuid() != 0) GTEST_SKIP() << "mknod needs root";
  std::string orphan =
      MakeSnapshot(store_->SnapshotDir(base::Digest::Of("orphan")));
  FillAwkwardly(orphan);
  ASSERT_EQ(::chmod(orphan.c_str(), 0555), 0);
  std::string work = store_->WorkDir();
  ASSERT_EQ(::mkdir(work.c_str(), 0700), 0);
  ASSERT_EQ(::mkdir((work + "/build-1").c_str(), 0700), 0);
  FillAwkwardly(work + "/build-1");

  auto stats = store_->GarbageCollect();
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->snapshots_removed, 1);
  EXPECT_EQ(stats->temp_files_removed, 1);
  EXPECT_FALSE(Exists(orphan));
  EXPECT_FALSE(Exists(work + "/build-1"));
  // The work directory itself stays for the next build.
  EXPECT_TRUE(Exists(work));
}

TEST_F(StoreSnapshotTest, RunningBuildsKeepTheirSnapshotsAndScratch) {
  std::string orphan =
      MakeSnapshot(store_->SnapshotDir(base::Digest::Of("in use")));
  std::string partial = MakeSnapshot(root_ + "/snapshots/tmp-abc-1");
  std::string work = store_->WorkDir();
  ASSERT_EQ(::mkdir(work.c_str(), 0700), 0);
  std::string upper = MakeSnapshot(work + "/build-2");
  {
    // A build holds a lease from start to finish.
    auto lease = store_->AcquireLease().value();
    auto stats = store_->GarbageCollect(GcOptions{.wait = false});
    ASSERT_TRUE(stats);
    EXPECT_TRUE(stats->skipped);
    // Nor does another process's Open sweep the build's scratch space.
    ASSERT_TRUE(Store::Open(root_));
    EXPECT_TRUE(Exists(orphan));
    EXPECT_TRUE(Exists(partial));
    EXPECT_TRUE(Exists(upper));
  }
  // Once it is gone, Open cleans the scratch space (snapshots wait for GC).
  ASSERT_TRUE(Store::Open(root_));
  EXPECT_FALSE(Exists(upper));
  EXPECT_TRUE(Exists(orphan));
  EXPECT_EQ(store_->GarbageCollect()->snapshots_removed, 2);
}

TEST_F(StoreSnapshotTest, SnapshotDirIsNamedByDiffId) {
  base::Digest diff_id = base::Digest::Of("layer");
  EXPECT_EQ(store_->SnapshotDir(diff_id),
            root_ + "/snapshots/" + std::string(diff_id.hex()));
  EXPECT_EQ(store_->CacheMountsDir(), root_ + "/cache-mounts");
  EXPECT_EQ(store_->WorkDir(), root_ + "/tmp/work");
}

}  // namespace
}  // namespace zlayer::store
