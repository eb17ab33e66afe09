#include "copy/hash_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "base/unique_fd.h"

namespace zlayer::copy {
namespace {

class HashCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = *base::TempDir::Create();
    file_ = dir_.path() + "/f";
    Write("hello");
  }
  void Write(const std::string& data) {
    ASSERT_TRUE(base::WriteFileAtomic(file_, data).has_value());
    // Outside the racy window: a just-written file is hashed but not kept.
    std::this_thread::sleep_for(std::chrono::milliseconds(40));
  }
  base::Digest Hash(HashCache& cache) {
    base::UniqueFd fd = *base::OpenFile(file_, O_RDONLY);
    struct stat st;
    EXPECT_EQ(::fstat(fd.get(), &st), 0);
    return *cache.ContentDigest(file_, fd.get(), st);
  }

  base::TempDir dir_;
  std::string file_;
};

TEST_F(HashCacheTest, MissThenHit) {
  auto cache = *HashCache::Open("");
  EXPECT_EQ(Hash(*cache), base::Digest::Of("hello"));
  EXPECT_EQ(cache->misses(), 1);
  EXPECT_EQ(cache->hits(), 0);
  EXPECT_EQ(Hash(*cache), base::Digest::Of("hello"));
  EXPECT_EQ(cache->hits(), 1);
  EXPECT_EQ(cache->misses(), 1);
}

TEST_F(HashCacheTest, TouchRehashesToTheSameDigest) {
  auto cache = *HashCache::Open("");
  base::Digest first = Hash(*cache);
  struct timespec times[2] = {{1000, 0}, {1000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, file_.c_str(), times, 0), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  EXPECT_EQ(Hash(*cache), first);
  EXPECT_EQ(cache->misses(), 2);
}

TEST_F(HashCacheTest, ChangedContentGivesANewDigest) {
  auto cache = *HashCache::Open("");
  base::Digest first = Hash(*cache);
  Write("world");
  base::Digest second = Hash(*cache);
  EXPECT_NE(first, second);
  EXPECT_EQ(second, base::Digest::Of("world"));
}

TEST_F(HashCacheTest, PersistsAcrossOpen) {
  std::string path = dir_.path() + "/cache";
  {
    auto cache = *HashCache::Open(path);
    Hash(*cache);
    ASSERT_TRUE(cache->Save().has_value());
  }
  auto cache = *HashCache::Open(path);
  EXPECT_EQ(Hash(*cache), base::Digest::Of("hello"));
  EXPECT_EQ(cache->hits(), 1);
  EXPECT_EQ(cache->misses(), 0);
}

TEST_F(HashCacheTest, JustWrittenFilesAreNotRemembered) {
  auto cache = *HashCache::Open("");
  ASSERT_TRUE(base::WriteFileAtomic(file_, "fresh").has_value());
  EXPECT_EQ(Hash(*cache), base::Digest::Of("fresh"));
  EXPECT_EQ(Hash(*cache), base::Digest::Of("fresh"));
  EXPECT_EQ(cache->misses(), 2);
}

TEST_F(HashCacheTest, CorruptOrMissingFileStartsEmpty) {
  std::string path = dir_.path() + "/cache";
  auto missing = HashCache::Open(path);
  ASSERT_TRUE(missing.has_value());
  ASSERT_TRUE(base::WriteFileAtomic(path, "garbage\n1 2 3\n").has_value());
  auto corrupt = HashCache::Open(path);
  ASSERT_TRUE(corrupt.has_value());
  EXPECT_EQ(Hash(**corrupt), base::Digest::Of("hello"));
  EXPECT_EQ((*corrupt)->misses(), 1);
}

TEST_F(HashCacheTest, PathsWithNewlinesRoundTrip) {
  std::string odd = dir_.path() + "/a\nb\\c";
  ASSERT_TRUE(base::WriteFileAtomic(odd, "x").has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  std::string path = dir_.path() + "/cache";
  struct stat st;
  ASSERT_EQ(::stat(odd.c_str(), &st), 0);
  {
    auto cache = *HashCache::Open(path);
    base::UniqueFd fd = *base::OpenFile(odd, O_RDONLY);
    ASSERT_TRUE(cache->ContentDigest(odd, fd.get(), st).has_value());
    ASSERT_TRUE(cache->Save().has_value());
  }
  auto cache = *HashCache::Open(path);
  std::optional<base::Digest> hit = cache->Lookup(odd, st);
  ASSERT_TRUE(hit.has_value());
  EXPECT_EQ(*hit, base::Digest::Of("x"));
}

}  // namespace
}  // namespace zlayer::copy
