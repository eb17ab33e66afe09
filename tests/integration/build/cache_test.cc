// The layer cache: hits on an unchanged rebuild, exact invalidation, and
// --explain-cache reasons.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "tests/integration/build/build_fixture.h"

namespace zlayer::integration {
namespace {

class CacheTest : public BuildFixture {
 protected:
  void SetUp() override {
    BuildFixture::SetUp();
    WriteContext("a.txt", "alpha\n");
    WriteContext("b.txt", "beta\n");
    WriteContext("Dockerfile",
                 "FROM zlayer-test/busybox\n"
                 "ARG V=1\n"
                 "COPY a.txt /a\n"
                 "RUN cat /a > /copy-of-a\n"
                 "ENV X=1\n"
                 "COPY b.txt /b\n"
                 "RUN echo $V $X > /v\n");
    ASSERT_EQ(Build().exit_code, 0) << last_.err;
    first_id_ = ImageId();
    ASSERT_FALSE(first_id_.empty()) << last_.out;
    ASSERT_EQ(CachePattern(), "MMMM");
  }

  std::string MissReason(int step) const {
    for (const auto& event : Completed()) {
      if (event.value("step", -1) == step) {
        return event.value("cache_miss_reason", "");
      }
    }
    return "<no step " + std::to_string(step) + ">";
  }

  std::string first_id_;
};

TEST_F(CacheTest, UnchangedRebuildHitsEverywhereAndGivesTheSameImage) {
  ASSERT_EQ(Build().exit_code, 0) << last_.err;
  EXPECT_EQ(CachePattern(), "CCCC");
  EXPECT_EQ(ImageId(), first_id_);
}

TEST_F(CacheTest, TouchingAFileWithoutChangingItStillHits) {
  struct timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_EQ(::utimensat(AT_FDCWD, (context_ + "/a.txt").c_str(), times, 0), 0);
  ASSERT_EQ(Build().exit_code, 0) << last_.err;
  EXPECT_EQ(CachePattern(), "CCCC");
}

TEST_F(CacheTest, ChangingOneFileInvalidatesThatStepAndLaterOnes) {
  WriteContext("b.txt", "beta changed\n");
  ASSERT_EQ(Build({"--explain-cache"}).exit_code, 0) << last_.err;
  EXPECT_EQ(CachePattern(), "CCMM");
  EXPECT_EQ(MissReason(4), "file b.txt changed");
  EXPECT_EQ(MissReason(5), "previous step changed");
  EXPECT_NE(ImageId(), first_id_);
}

TEST_F(CacheTest, ChangingTheFirstFileInvalidatesEverything) {
  WriteContext("a.txt", "alpha changed\n");
  ASSERT_EQ(Build({"--explain-cache"}).exit_code, 0) << last_.err;
  EXPECT_EQ(CachePattern(), "MMMM");
  EXPECT_EQ(MissReason(1), "file a.txt changed");
}

TEST_F(CacheTest, BuildArgInvalidatesOnlyTheStepsThatUseIt) {
  ASSERT_EQ(Build({"--explain-cache", "--build-arg", "V=2"}).exit_code, 0)
      << last_.err;
  // COPY steps do not read V; the RUNs see it in their environment.
  EXPECT_EQ(CachePattern(), "CMMM");
  EXPECT_EQ(MissReason(2), "build arg V changed");
}

TEST_F(CacheTest, AddedContextFileOutsideTheSourcesStillHits) {
  WriteContext("unrelated.txt", "x\n");
  ASSERT_EQ(Build().exit_code, 0) << last_.err;
  EXPECT_EQ(CachePattern(), "CCCC");
}

TEST_F(CacheTest, NoCacheRebuildsEverythingAndSaysWhy) {
  ASSERT_EQ(Build({"--no-cache", "--explain-cache"}).exit_code, 0) << last_.err;
  EXPECT_EQ(CachePattern(), "MMMM");
  EXPECT_EQ(MissReason(1), "--no-cache");
}

TEST_F(CacheTest, ExpiredEntriesMiss) {
  std::this_thread::sleep_for(std::chrono::milliseconds(2100));
  ASSERT_EQ(Build({"--cache-ttl", "1s"}).exit_code, 0) << last_.err;
  EXPECT_EQ(CachePattern(), "MMMM");
}

TEST_F(CacheTest, PruneAllEmptiesTheCache) {
  CommandResult prune = RunZlayer(root_, {"cache", "prune", "--all"});
  ASSERT_EQ(prune.exit_code, 0) << prune.err;
  ASSERT_EQ(Build({"--explain-cache"}).exit_code, 0) << last_.err;
  EXPECT_EQ(CachePattern(), "MMMM");
  EXPECT_EQ(MissReason(1), "cache entry expired or pruned");
  CommandResult verify = RunZlayer(root_, {"debug", "verify-store"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
}

TEST_F(CacheTest, PlainProgressShowsTheReason) {
  WriteContext("b.txt", "beta again\n");
  CommandResult plain =
      RunZlayer(root_, {"build", "--progress=plain", "--explain-cache", "-f",
                        context_ + "/Dockerfile", context_});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_NE(plain.err.find("file b.txt changed"), std::string::npos)
      << plain.err;
}

}  // namespace
}  // namespace zlayer::integration
