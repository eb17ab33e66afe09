#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace zlayer::store {
namespace {

using testing::Import;
using testing::MakeTestImage;
using testing::TestImage;

class StoreGcTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = base::TempDir::Create().value();
    root_ = dir_.path();
    store_ = std::make_unique<Store>(Store::Open(root_).value());
  }
  bool Has(const base::Digest& digest) {
    return store_->blobs().Has(digest).value();
  }

  base::TempDir dir_;
  std::string root_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreGcTest, CollectsOnlyUnreferencedBlobs) {
  TestImage a = MakeTestImage({"shared", "only-a"}, "a");
  TestImage b = MakeTestImage({"shared", "only-b"}, "b");
  ASSERT_TRUE(Import(*store_, a, {"a"}));
  ASSERT_TRUE(Import(*store_, b, {"b"}));
  {
    auto lease = store_->AcquireLease().value();
    ASSERT_TRUE(store_->blobs().Put(lease, "orphan"));
  }
  auto stats = store_->GarbageCollect();
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->blobs_removed, 1);
  EXPECT_EQ(stats->bytes_removed, 6u);
  EXPECT_FALSE(Has(base::Digest::Of("orphan")));

  ASSERT_TRUE(store_->RemoveImage("a"));
  stats = store_->GarbageCollect();
  ASSERT_TRUE(stats);
  // a's manifest, config and its own layer; the shared layer stays for b.
  EXPECT_EQ(stats->blobs_removed, 3);
  EXPECT_FALSE(Has(a.id));
  EXPECT_FALSE(Has(a.manifest_digest));
  EXPECT_FALSE(Has(base::Digest::Of("only-a")));
  EXPECT_TRUE(Has(base::Digest::Of("shared")));
  EXPECT_TRUE(Has(b.id));
  EXPECT_TRUE(store_->VerifyAll()->ok());

  ASSERT_TRUE(store_->RemoveImage("b"));
  EXPECT_EQ(store_->GarbageCollect()->blobs_removed, 4);
  EXPECT_TRUE(store_->blobs().List()->blobs.empty());
}

TEST_F(StoreGcTest, LeaseHoldersBlockCollection) {
  auto lease = store_->AcquireLease().value();
  ASSERT_TRUE(store_->blobs().Put(lease, "in flight"));
  auto stats = store_->GarbageCollect(GcOptions{.wait = false});
  ASSERT_TRUE(stats);
  EXPECT_TRUE(stats->skipped);
  EXPECT_TRUE(Has(base::Digest::Of("in flight")));
  // A second Store instance (as another process would) is blocked too.
  Store other = Store::Open(root_).value();
  EXPECT_TRUE(other.GarbageCollect(GcOptions{.wait = false})->skipped);
  lease = Lease();
  EXPECT_EQ(other.GarbageCollect(GcOptions{.wait = false})->blobs_removed, 1);
}

TEST_F(StoreGcTest, PinnedBlobsSurvive) {
  base::Digest cached;
  {
    auto lease = store_->AcquireLease().value();
    cached = store_->blobs().Put(lease, "cache layer").value();
    ASSERT_TRUE(store_->PinBlobs("cache", "key1", {&cached, 1}));
  }
  EXPECT_EQ(store_->GarbageCollect()->blobs_removed, 0);
  EXPECT_TRUE(Has(cached));
  EXPECT_EQ(store_->UnpinBlobs("cache", "key1").value(), 1);
  EXPECT_EQ(store_->UnpinBlobs("cache", "key1").value(), 0);
  EXPECT_EQ(store_->GarbageCollect()->blobs_removed, 1);

  base::Digest absent = base::Digest::Of("absent");
  auto pin = store_->PinBlobs("cache", "key2", {&absent, 1});
  ASSERT_FALSE(pin);
  EXPECT_EQ(pin.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(pin.error().message(), "pin blobs for cache key2: blob " +
                                       absent.ToString() + " not found");
}

TEST_F(StoreGcTest, StaleTempFilesAreSweptWhenNoWriterIsActive) {
  std::string stale = root_ + "/tmp/blob-crashed";
  ASSERT_TRUE(base::WriteFileAtomic(stale, "half a layer"));
  {
    // A live writer's temp file must survive another process's Open.
    auto lease = store_->AcquireLease().value();
    ASSERT_TRUE(Store::Open(root_));
    EXPECT_EQ(::access(stale.c_str(), F_OK), 0);
  }
  ASSERT_TRUE(Store::Open(root_));
  EXPECT_NE(::access(stale.c_str(), F_OK), 0);

  ASSERT_TRUE(base::WriteFileAtomic(stale, "again"));
  auto stats = store_->GarbageCollect();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->temp_files_removed, 1);
}

TEST_F(StoreGcTest, DiskUsageCountsReferencedAndGarbage) {
  TestImage a = MakeTestImage({"12345"}, "a");
  ASSERT_TRUE(Import(*store_, a, {"a"}));
  {
    auto lease = store_->AcquireLease().value();
    ASSERT_TRUE(store_->blobs().Put(lease, "xyz"));
  }
  auto usage = store_->DiskUsage();
  ASSERT_TRUE(usage) << usage.error().message();
  EXPECT_EQ(usage->images, 1);
  EXPECT_EQ(usage->blobs, 4);
  EXPECT_EQ(usage->bytes, a.manifest.size() + a.config.size() + 5 + 3);
  EXPECT_EQ(usage->unreferenced_blobs, 1);
  EXPECT_EQ(usage->unreferenced_bytes, 3u);
}

TEST_F(StoreGcTest, VerifyAllFindsCorruptionStraysAndMissingBlobs) {
  TestImage a = MakeTestImage({"layer"}, "a");
  ASSERT_TRUE(Import(*store_, a, {"a"}));
  auto report = store_->VerifyAll();
  ASSERT_TRUE(report) << report.error().message();
  EXPECT_TRUE(report->ok());
  EXPECT_EQ(report->blobs_checked, 3);

  base::Digest layer = base::Digest::Of("layer");
  std::string path = store_->blobs().BlobPath(layer);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(base::WriteFileAtomic(path, "LAYER"));
  ASSERT_TRUE(base::WriteFileAtomic(root_ + "/blobs/sha256/junk", "x"));
  ASSERT_EQ(::unlink(store_->blobs().BlobPath(a.manifest_digest).c_str()), 0);
  report = store_->VerifyAll();
  ASSERT_TRUE(report);
  std::vector<std::string> expected = {
      "blob " + layer.ToString() + " is corrupt: content hashes to " +
          base::Digest::Of("LAYER").ToString(),
      "unexpected file " + root_ + "/blobs/sha256/junk",
      "image " + a.id.ToString() + ": manifest " +
          a.manifest_digest.ToString() + " is missing",
      "blob " + a.manifest_digest.ToString() +
          " is referenced by the index but missing",
  };
  EXPECT_EQ(report->problems, expected);
}

}  // namespace
}  // namespace zlayer::store
