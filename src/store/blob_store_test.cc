#include "store/blob_store.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/file_io.h"
#include "base/temp_dir.h"

namespace zlayer::store {
namespace {

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = base::TempDir::Create().value();
    blobs_ = std::make_unique<BlobStore>(dir_.path());
    ASSERT_TRUE(blobs_->CreateDirs());
    lease_ = Lease(
        dir_.path(),
        RootLock::Acquire(dir_.path() + "/lock", LockMode::kShared).value());
  }

  int TempFiles() {
    int count = 0;
    DIR* dir = ::opendir((dir_.path() + "/tmp").c_str());
    while (dirent* entry = ::readdir(dir)) {
      if (entry->d_name[0] != '.') ++count;
    }
    ::closedir(dir);
    return count;
  }

  base::TempDir dir_;
  std::unique_ptr<BlobStore> blobs_;
  Lease lease_;
};

TEST_F(BlobStoreTest, StreamingWriteCommitsUnderItsDigest) {
  auto writer = blobs_->NewWriter(lease_);
  ASSERT_TRUE(writer) << writer.error().message();
  ASSERT_TRUE(writer->Write("hello "));
  ASSERT_TRUE(writer->Write("world"));
  EXPECT_EQ(writer->size(), 11u);
  EXPECT_EQ(TempFiles(), 1);
  base::Digest expected = base::Digest::Of("hello world");
  EXPECT_FALSE(blobs_->Has(expected).value());
  auto digest = writer->Commit(expected);
  ASSERT_TRUE(digest) << digest.error().message();
  EXPECT_EQ(*digest, expected);
  EXPECT_EQ(TempFiles(), 0);
  EXPECT_TRUE(blobs_->Has(expected).value());
  EXPECT_EQ(blobs_->Size(expected).value(), 11u);
  EXPECT_EQ(blobs_->Read(expected).value(), "hello world");
  EXPECT_TRUE(blobs_->Verify(expected));
  EXPECT_EQ(blobs_->BlobPath(expected),
            dir_.path() + "/blobs/sha256/" + std::string(expected.hex()));
  struct stat st;
  ASSERT_EQ(::stat(blobs_->BlobPath(expected).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0444u);
  // A spent writer refuses more work.
  EXPECT_FALSE(writer->Write("x"));
  EXPECT_FALSE(writer->Commit());
}

TEST_F(BlobStoreTest, DigestMismatchDiscardsTheContent) {
  auto writer = blobs_->NewWriter(lease_);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->Write("tampered"));
  base::Digest wanted = base::Digest::Of("original");
  auto digest = writer->Commit(wanted);
  ASSERT_FALSE(digest);
  EXPECT_EQ(digest.error().kind(), ErrorKind::kInvalid);
  EXPECT_EQ(digest.error().message(),
            "blob digest mismatch: expected " + wanted.ToString() +
                ", content (8 bytes) hashes to " +
                base::Digest::Of("tampered").ToString());
  EXPECT_EQ(TempFiles(), 0);
  EXPECT_FALSE(blobs_->Has(base::Digest::Of("tampered")).value());
  EXPECT_FALSE(blobs_->Has(wanted).value());
}

TEST_F(BlobStoreTest, AbandonedWriterRemovesItsTempFile) {
  {
    auto writer = blobs_->NewWriter(lease_);
    ASSERT_TRUE(writer);
    ASSERT_TRUE(writer->Write("partial"));
    BlobWriter moved = std::move(*writer);
    EXPECT_EQ(TempFiles(), 1);
  }
  EXPECT_EQ(TempFiles(), 0);
  EXPECT_FALSE(blobs_->Has(base::Digest::Of("partial")).value());
}

TEST_F(BlobStoreTest, WritesNeedALeaseOnThisRoot) {
  EXPECT_FALSE(blobs_->NewWriter(Lease()));
  auto other = base::TempDir::Create().value();
  Lease foreign(
      other.path(),
      RootLock::Acquire(other.path() + "/lock", LockMode::kShared).value());
  auto writer = blobs_->NewWriter(foreign);
  ASSERT_FALSE(writer);
  EXPECT_EQ(writer.error().message(), "write blob in " + dir_.path() +
                                          ": no lease on this store is held");
}

TEST_F(BlobStoreTest, PutIsIdempotent) {
  auto a = blobs_->Put(lease_, "same");
  auto b = blobs_->Put(lease_, "same", base::Digest::Of("same"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(blobs_->List().value().blobs.size(), 1u);
  EXPECT_TRUE(blobs_->Put(lease_, ""));  // the empty blob is a blob too
  EXPECT_EQ(blobs_->Size(base::Digest::Of("")).value(), 0u);
}

TEST_F(BlobStoreTest, MissingBlobsAreNotFound) {
  base::Digest absent = base::Digest::Of("absent");
  for (auto error :
       {blobs_->Open(absent).error(), blobs_->Size(absent).error(),
        blobs_->Verify(absent).error(), blobs_->Read(absent).error()}) {
    EXPECT_EQ(error.kind(), ErrorKind::kNotFound) << error.message();
    EXPECT_EQ(error.message(), "blob " + absent.ToString() + " not found");
  }
}

TEST_F(BlobStoreTest, CorruptionIsDetected) {
  base::Digest digest = blobs_->Put(lease_, "good content").value();
  std::string path = blobs_->BlobPath(digest);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(base::WriteFileAtomic(path, "evil content"));
  auto verified = blobs_->Verify(digest);
  ASSERT_FALSE(verified);
  EXPECT_EQ(verified.error().kind(), ErrorKind::kInvalid);
  EXPECT_EQ(verified.error().message(),
            "blob " + digest.ToString() + " is corrupt: content hashes to " +
                base::Digest::Of("evil content").ToString());
  auto read = blobs_->Read(digest);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().kind(), ErrorKind::kInvalid);
}

TEST_F(BlobStoreTest, ReadRefusesOversizedBlobs) {
  base::Digest digest = blobs_->Put(lease_, std::string(100, 'x')).value();
  auto read = blobs_->Read(digest, 99);
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().message(), "blob " + digest.ToString() +
                                        " is 100 bytes, more than the 99 "
                                        "allowed here");
  EXPECT_TRUE(blobs_->Read(digest, 100));
}

TEST_F(BlobStoreTest, ListSeparatesBlobsFromStrays) {
  base::Digest a = blobs_->Put(lease_, "a").value();
  base::Digest b = blobs_->Put(lease_, "bb").value();
  std::string dir = dir_.path() + "/blobs/sha256/";
  ASSERT_TRUE(base::WriteFileAtomic(dir + "README", "x"));
  ASSERT_EQ(::mkdir((dir + std::string(64, 'c')).c_str(), 0755), 0);
  auto listing = blobs_->List();
  ASSERT_TRUE(listing);
  ASSERT_EQ(listing->blobs.size(), 2u);
  uint64_t total = 0;
  for (const BlobEntry& entry : listing->blobs) {
    EXPECT_TRUE(entry.digest == a || entry.digest == b);
    total += entry.size;
  }
  EXPECT_EQ(total, 3u);
  EXPECT_EQ(listing->strays.size(), 2u);
}

}  // namespace
}  // namespace zlayer::store
