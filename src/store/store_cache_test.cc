// The build cache: entries and their pins, expiry, pruning, usage, step
// records, and old index files gaining the cache tables.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "store/schema.h"
#include "store/sqlite.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace zlayer::store {
namespace {

using testing::Import;
using testing::MakeTestImage;
using testing::TestImage;

class StoreCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = base::TempDir::Create().value();
    root_ = dir_.path();
    store_ = std::make_unique<Store>(Store::Open(root_).value());
    store_->SetClockForTesting([this] { return now_.load(); });
  }

  // Stores `bytes` as a layer blob and an entry for it under `key`.
  CacheEntry PutLayer(const std::string& key, const std::string& bytes) {
    CacheEntry entry;
    entry.key = key;
    entry.diff_id = base::Digest::Of("diff:" + bytes);
    entry.media_type = "application/vnd.oci.image.layer.v1.tar+gzip";
    entry.size = static_cast<int64_t>(bytes.size());
    entry.created = 1700000000;
    {
      auto lease = store_->AcquireLease().value();
      entry.blob = store_->blobs().Put(lease, bytes).value();
      auto put = store_->PutCacheEntry(entry);
      EXPECT_TRUE(put) << put.error().message();
    }
    entry.last_used = now_;
    return entry;
  }
  std::optional<CacheEntry> Lookup(const std::string& key, int64_t ttl = 0) {
    auto hit = store_->LookupCacheEntry(key, ttl);
    EXPECT_TRUE(hit) << hit.error().message();
    return hit ? *hit : std::nullopt;
  }
  bool Has(const base::Digest& digest) {
    return store_->blobs().Has(digest).value();
  }

  base::TempDir dir_;
  std::string root_;
  std::unique_ptr<Store> store_;
  std::atomic<int64_t> now_{1000};
};

TEST_F(StoreCacheTest, PutAndLookupRoundTrip) {
  CacheEntry layer = PutLayer("k1", "layer bytes");
  EXPECT_EQ(Lookup("k1"), layer);
  CacheEntry empty{.key = "k2", .empty_layer = true, .created = 5};
  ASSERT_TRUE(store_->PutCacheEntry(empty));
  empty.last_used = now_;
  EXPECT_EQ(Lookup("k2"), empty);
  EXPECT_EQ(Lookup("k3"), std::nullopt);

  // The same key again replaces the entry and moves the pin.
  now_ = 1010;
  CacheEntry replaced = PutLayer("k1", "other bytes");
  EXPECT_EQ(Lookup("k1"), replaced);
  EXPECT_EQ(store_->GarbageCollect()->blobs_removed, 1);
  EXPECT_FALSE(Has(layer.blob));
  EXPECT_TRUE(Has(replaced.blob));
}

TEST_F(StoreCacheTest, TtlCountsFromWhenTheEntryWasStored) {
  PutLayer("k", "bytes");
  now_ = 1100;
  EXPECT_EQ(Lookup("k", 50), std::nullopt);
  EXPECT_EQ(Lookup("k", 100)->key, "k");
  EXPECT_EQ(Lookup("k", 0)->last_used, 1100);
  // A hit does not renew the entry's age.
  now_ = 1200;
  EXPECT_EQ(Lookup("k", 150), std::nullopt);
  EXPECT_FALSE(store_->LookupCacheEntry("k", -1));
}

TEST_F(StoreCacheTest, PutRefusesBadEntries) {
  auto no_key = store_->PutCacheEntry(CacheEntry{.empty_layer = true});
  ASSERT_FALSE(no_key);
  EXPECT_EQ(no_key.error().message(), "cache entry: the key is empty");

  CacheEntry missing{.key = "k",
                     .diff_id = base::Digest::Of("d"),
                     .blob = base::Digest::Of("absent"),
                     .size = 6};
  auto absent = store_->PutCacheEntry(missing);
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(absent.error().message(),
            "cache entry k: blob " + missing.blob.ToString() + " not found");

  CacheEntry entry = PutLayer("k", "12345");
  entry.size = 4;
  auto wrong = store_->PutCacheEntry(entry);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind(), ErrorKind::kInvalid);

  CacheEntry no_blob{.key = "k", .diff_id = base::Digest::Of("d")};
  EXPECT_EQ(store_->PutCacheEntry(no_blob).error().kind(), ErrorKind::kInvalid);
}

TEST_F(StoreCacheTest, PinKeepsTheBlobThroughGc) {
  CacheEntry entry = PutLayer("k", "cached layer");
  auto stats = store_->GarbageCollect();
  ASSERT_TRUE(stats) << stats.error().message();
  EXPECT_EQ(stats->blobs_removed, 0);
  EXPECT_TRUE(Has(entry.blob));
  EXPECT_TRUE(store_->VerifyAll()->ok());
}

TEST_F(StoreCacheTest, PruneByAgeUsesLastUse) {
  CacheEntry a = PutLayer("a", "aaaa");
  CacheEntry b = PutLayer("b", "bbbb");
  now_ = 1500;
  ASSERT_TRUE(Lookup("a"));  // a is used again, b is not
  now_ = 1600;
  auto pruned = store_->PruneBuildCache({.older_than_seconds = 200});
  ASSERT_TRUE(pruned) << pruned.error().message();
  EXPECT_EQ(pruned->entries_removed, 1);
  EXPECT_EQ(pruned->gc.blobs_removed, 1);
  EXPECT_TRUE(Lookup("a"));
  EXPECT_FALSE(Lookup("b"));
  EXPECT_TRUE(Has(a.blob));
  EXPECT_FALSE(Has(b.blob));
  EXPECT_FALSE(store_->PruneBuildCache({.older_than_seconds = -1}));
}

TEST_F(StoreCacheTest, PruneToKeepStorageDropsLeastRecentlyUsed) {
  // The image's layer is also an entry's: keeping that entry costs nothing.
  TestImage image = MakeTestImage({std::string(50, 'i')}, "img");
  ASSERT_TRUE(Import(*store_, image, {"img"}));
  now_ = 1;
  CacheEntry in_image = PutLayer("in-image", std::string(50, 'i'));
  now_ = 2;
  CacheEntry oldest = PutLayer("oldest", std::string(100, 'a'));
  now_ = 3;
  CacheEntry middle = PutLayer("middle", std::string(200, 'b'));
  now_ = 4;
  CacheEntry shared1 = PutLayer("shared1", std::string(300, 'c'));
  now_ = 5;
  PutLayer("shared2", std::string(300, 'c'));
  now_ = 6;
  EXPECT_EQ(store_->GetBuildCacheUsage()->layer_bytes, 600u);

  auto pruned = store_->PruneBuildCache({.keep_storage = 350});
  ASSERT_TRUE(pruned) << pruned.error().message();
  EXPECT_EQ(pruned->entries_removed, 2);
  EXPECT_EQ(pruned->gc.blobs_removed, 2);
  EXPECT_FALSE(Lookup("oldest"));
  EXPECT_FALSE(Lookup("middle"));
  EXPECT_TRUE(Lookup("in-image"));
  EXPECT_TRUE(Has(shared1.blob));
  EXPECT_EQ(store_->GetBuildCacheUsage()->layer_bytes, 300u);

  // Both entries of a shared blob go before its bytes count as freed.
  pruned = store_->PruneBuildCache({.keep_storage = 1});
  ASSERT_TRUE(pruned);
  EXPECT_EQ(pruned->entries_removed, 2);
  EXPECT_FALSE(Has(shared1.blob));
  EXPECT_TRUE(Lookup("in-image"));
  EXPECT_TRUE(Has(in_image.blob));
}

TEST_F(StoreCacheTest, PruneAllRemovesEntriesAndCacheMounts) {
  CacheEntry entry = PutLayer("k", "layer");
  ASSERT_TRUE(store_->PutCacheEntry({.key = "e", .empty_layer = true}));
  std::string mounts = store_->CacheMountsDir();
  ASSERT_EQ(::mkdir(mounts.c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((mounts + "/go-build").c_str(), 0755), 0);
  ASSERT_TRUE(base::WriteFileAtomic(mounts + "/go-build/obj", "o"));
  ASSERT_EQ(::mkdir((mounts + "/apt").c_str(), 0555), 0);
  ASSERT_TRUE(store_->PutStepRecord("loc", "record"));

  auto pruned = store_->PruneBuildCache({.all = true});
  ASSERT_TRUE(pruned) << pruned.error().message();
  EXPECT_EQ(pruned->entries_removed, 2);
  EXPECT_EQ(pruned->cache_mounts_removed, 2);
  EXPECT_EQ(pruned->gc.blobs_removed, 1);
  EXPECT_FALSE(Has(entry.blob));
  EXPECT_FALSE(Lookup("e"));
  EXPECT_EQ(::access(mounts.c_str(), F_OK), 0);
  EXPECT_EQ(::access((mounts + "/apt").c_str(), F_OK), -1);
  // --explain-cache still knows what the steps were.
  EXPECT_EQ(store_->GetStepRecord("loc").value(), "record");

  // Without options a prune only collects garbage.
  PutLayer("k", "layer");
  pruned = store_->PruneBuildCache({});
  ASSERT_TRUE(pruned);
  EXPECT_EQ(pruned->entries_removed, 0);
  EXPECT_TRUE(Lookup("k"));
}

TEST_F(StoreCacheTest, UsageCountsEntriesMountsAndSnapshots) {
  PutLayer("a", std::string(1000, 'a'));
  PutLayer("b", std::string(10, 'b'));
  ASSERT_TRUE(store_->PutCacheEntry({.key = "e", .empty_layer = true}));
  std::string mount = store_->CacheMountsDir() + "/m";
  ASSERT_EQ(::mkdir(store_->CacheMountsDir().c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(mount.c_str(), 0755), 0);
  ASSERT_TRUE(base::WriteFileAtomic(mount + "/data", std::string(10000, 'x')));
  std::string snapshot = store_->SnapshotDir(base::Digest::Of("s"));
  ASSERT_EQ(::mkdir((root_ + "/snapshots").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir(snapshot.c_str(), 0755), 0);
  ASSERT_TRUE(base::WriteFileAtomic(snapshot + "/f", std::string(5000, 'y')));
  ASSERT_EQ(::mkdir((root_ + "/snapshots/tmp-1234-5").c_str(), 0755), 0);

  auto usage = store_->GetBuildCacheUsage();
  ASSERT_TRUE(usage) << usage.error().message();
  EXPECT_EQ(usage->entries, 3);
  EXPECT_EQ(usage->layer_bytes, 1010u);
  EXPECT_EQ(usage->cache_mounts, 1);
  EXPECT_GE(usage->cache_mount_bytes, 10000u);
  EXPECT_EQ(usage->snapshots, 1);
  EXPECT_GE(usage->snapshot_bytes, 5000u);
}

TEST_F(StoreCacheTest, StepRecordsRoundTrip) {
  EXPECT_EQ(store_->GetStepRecord("ctx|Dockerfile|0|1").value(), std::nullopt);
  ASSERT_TRUE(store_->PutStepRecord("ctx|Dockerfile|0|1", R"({"a":1})"));
  ASSERT_TRUE(store_->PutStepRecord("ctx|Dockerfile|0|2", "second"));
  EXPECT_EQ(store_->GetStepRecord("ctx|Dockerfile|0|1").value(), R"({"a":1})");
  ASSERT_TRUE(store_->PutStepRecord("ctx|Dockerfile|0|1", "replaced"));
  EXPECT_EQ(store_->GetStepRecord("ctx|Dockerfile|0|1").value(), "replaced");
  EXPECT_EQ(store_->GetStepRecord("ctx|Dockerfile|0|2").value(), "second");
  EXPECT_EQ(store_->PutStepRecord("", "x").error().kind(), ErrorKind::kInvalid);
  // Another Store on the root (another process) sees them.
  Store other = Store::Open(root_).value();
  EXPECT_EQ(other.GetStepRecord("ctx|Dockerfile|0|2").value(), "second");
}

TEST_F(StoreCacheTest, VerifyReportsEntriesWithoutTheirBlob) {
  CacheEntry entry = PutLayer("k", "layer");
  ASSERT_EQ(::unlink(store_->blobs().BlobPath(entry.blob).c_str()), 0);
  auto report = store_->VerifyAll();
  ASSERT_TRUE(report) << report.error().message();
  std::vector<std::string> expected = {
      "cache entry k: layer " + entry.blob.ToString() + " is missing",
      "blob " + entry.blob.ToString() +
          " is referenced by the index but missing",
  };
  EXPECT_EQ(report->problems, expected);
}

TEST_F(StoreCacheTest, ThreadsPutAndLookUpConcurrently) {
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  auto worker = [&](const std::string& prefix) {
    Store store = Store::Open(root_).value();  // a second connection too
    for (int i = 0; i < kPerThread; ++i) {
      std::string key = prefix + std::to_string(i);
      std::string bytes = "layer " + key;
      auto lease = store.AcquireLease().value();
      CacheEntry entry{.key = key,
                       .diff_id = base::Digest::Of("diff:" + bytes),
                       .blob = store.blobs().Put(lease, bytes).value(),
                       .media_type = "m",
                       .size = static_cast<int64_t>(bytes.size())};
      // The shared Store and a private one, alternately.
      Store& target = i % 2 == 0 ? *store_ : store;
      if (!target.PutCacheEntry(entry)) ++failures;
      auto hit = target.LookupCacheEntry(key, 0);
      if (!hit || !*hit || (*hit)->blob != entry.blob) ++failures;
    }
  };
  std::thread first(worker, "x");
  std::thread second(worker, "y");
  first.join();
  second.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(store_->GetBuildCacheUsage()->entries, 2 * kPerThread);
  EXPECT_EQ(store_->GarbageCollect()->blobs_removed, 0);
  EXPECT_TRUE(store_->VerifyAll()->ok());
}

// A root written by the previous zlayer (schema version 1) opens, keeps its
// images and pins, and gains the cache tables.
TEST(StoreSchemaTest, MigratesAVersionOneIndex) {
  base::TempDir dir = base::TempDir::Create().value();
  std::string root = dir.path();
  TestImage image = MakeTestImage({"old layer"}, "old");
  base::Digest pinned = base::Digest::Of("pinned");
  {
    Store store = Store::Open(root).value();
    ASSERT_TRUE(Import(store, image, {"old:v1"}));
    auto lease = store.AcquireLease().value();
    ASSERT_TRUE(store.blobs().Put(lease, "pinned"));
    ASSERT_TRUE(store.PinBlobs("other", "o", {&pinned, 1}));
  }
  {
    // Back to what version 1 wrote: its tables and rows, no cache or
    // registry tables.
    auto db = Database::Open(root + "/index.db", std::chrono::seconds(5));
    ASSERT_TRUE(db);
    ASSERT_TRUE(
        db->Exec("DROP TABLE build_cache; DROP TABLE step_records; "
                 "DROP TABLE image_origins; DROP TABLE manifest_lists; "
                 "UPDATE schema_version SET version = 1"));
    EXPECT_EQ(SchemaVersion(*db).value(), 1);
  }
  {
    // And a file made fresh by version 1's steps alone has the same shape.
    auto db = Database::Open(root + "/fresh.db", std::chrono::seconds(5));
    ASSERT_TRUE(db);
    ASSERT_TRUE(MigrateSchemaTo(*db, 1));
    EXPECT_EQ(SchemaVersion(*db).value(), 1);
    EXPECT_FALSE(db->Prepare("SELECT key FROM build_cache"));
    ASSERT_TRUE(MigrateSchema(*db));
    EXPECT_TRUE(db->Prepare("SELECT key FROM build_cache"));
  }
  auto store = Store::Open(root);
  ASSERT_TRUE(store) << store.error().message();
  {
    auto db = Database::Open(root + "/index.db", std::chrono::seconds(5));
    EXPECT_EQ(SchemaVersion(*db).value(), kSchemaVersion);
  }
  EXPECT_EQ(store->GetImage("old:v1")->id, image.id);
  {
    auto lease = store->AcquireLease().value();
    base::Digest blob = store->blobs().Put(lease, "new layer").value();
    ASSERT_TRUE(store->PutCacheEntry({.key = "k",
                                      .diff_id = base::Digest::Of("d"),
                                      .blob = blob,
                                      .size = 9}));
  }
  EXPECT_TRUE(store->LookupCacheEntry("k", 0).value());
  EXPECT_EQ(store->GarbageCollect()->blobs_removed, 0);
  EXPECT_TRUE(store->blobs().Has(pinned).value());
  EXPECT_TRUE(store->VerifyAll()->ok());
}

}  // namespace
}  // namespace zlayer::store
