// The command-line contract of the image commands: exit codes, refused
// options, and output shapes scripts rely on.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <string>
#include <thread>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "extract/tar_testing.h"
#include "store/store.h"
#include "tests/integration/cli_runner.h"

namespace zlayer::integration {
namespace {

class CliContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto temp = base::TempDir::Create("", "zlayer-cli-");
    ASSERT_TRUE(temp.has_value()) << temp.error().message();
    temp_ = std::move(*temp);
    root_ = temp_.path() + "/root";
  }

  void ImportSample(const std::string& name) {
    std::string tar = temp_.path() + "/sample.tar";
    ASSERT_TRUE(base::WriteFileAtomic(
        tar, extract::testing::TarBuilder().File("f", "data").Finish()));
    CommandResult r = RunZlayer(root_, {"import", tar, "-t", name});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  base::TempDir temp_;
  std::string root_;
};

TEST_F(CliContractTest, PruneAppliesAgeAndSizeLimits) {
  // Two cache entries with 3000-byte layers, as builds leave them.
  {
    store::Store store = store::Store::Open(root_).value();
    for (const std::string key : {"older", "newer"}) {
      // last_used has whole seconds.
      if (key == "newer") std::this_thread::sleep_for(std::chrono::seconds(1));
      std::string bytes(3000, key[0]);
      auto lease = store.AcquireLease().value();
      store::CacheEntry entry{.key = key,
                              .diff_id = base::Digest::Of("diff " + key),
                              .blob = store.blobs().Put(lease, bytes).value(),
                              .media_type = "m",
                              .size = 3000};
      ASSERT_TRUE(store.PutCacheEntry(entry));
      ASSERT_TRUE(store.LookupCacheEntry(key, 0));  // orders their last use
    }
  }
  CommandResult du = RunZlayer(root_, {"cache", "du"});
  ASSERT_EQ(du.exit_code, 0) << du.err;
  EXPECT_NE(du.out.find("build cache           2        6kB"),
            std::string::npos)
      << du.out;
  EXPECT_NE(du.out.find("cache mounts"), std::string::npos) << du.out;
  EXPECT_NE(du.out.find("snapshots"), std::string::npos) << du.out;

  // Both were used just now.
  CommandResult aged =
      RunZlayer(root_, {"cache", "prune", "--older-than", "1h"});
  ASSERT_EQ(aged.exit_code, 0) << aged.err;
  EXPECT_NE(aged.out.find("Deleted 0 cache entries"), std::string::npos)
      << aged.out;
  CommandResult trimmed =
      RunZlayer(root_, {"cache", "prune", "--keep-storage", "4000"});
  ASSERT_EQ(trimmed.exit_code, 0) << trimmed.err;
  EXPECT_NE(
      trimmed.out.find("Deleted 1 cache entries, 0 cache mounts, 1 blobs"),
      std::string::npos)
      << trimmed.out;
  {
    store::Store store = store::Store::Open(root_).value();
    EXPECT_TRUE(store.LookupCacheEntry("newer", 0).value());
  }
  ASSERT_EQ(::mkdir((root_ + "/cache-mounts").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((root_ + "/cache-mounts/apt").c_str(), 0755), 0);
  CommandResult all = RunZlayer(root_, {"cache", "prune", "--all"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_NE(all.out.find("Deleted 1 cache entries, 1 cache mounts, 1 blobs"),
            std::string::npos)
      << all.out;
  du = RunZlayer(root_, {"cache", "du"});
  EXPECT_NE(du.out.find("build cache           0"), std::string::npos)
      << du.out;
}

TEST_F(CliContractTest, PruneRejectsBadLimitsNamingTheFlag) {
  for (const auto& flag : {std::vector<std::string>{"--older-than", "1y"},
                           std::vector<std::string>{"--older-than", "0"},
                           std::vector<std::string>{"--keep-storage", "lots"},
                           std::vector<std::string>{"--keep-storage", "0"}}) {
    CommandResult r = RunZlayer(root_, {"cache", "prune", flag[0], flag[1]});
    EXPECT_EQ(r.exit_code, 2) << flag[0] << " " << flag[1];
    EXPECT_NE(r.err.find("cache prune: " + flag[0] + ": "), std::string::npos)
        << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST_F(CliContractTest, ImagesShowsNamesIdsAndRealSizes) {
  ImportSample("app:v1");
  CommandResult tag = RunZlayer(root_, {"tag", "app:v1", "other/app:v2"});
  ASSERT_EQ(tag.exit_code, 0) << tag.err;
  CommandResult images = RunZlayer(root_, {"images"});
  ASSERT_EQ(images.exit_code, 0) << images.err;
  EXPECT_EQ(images.out.rfind("NAME", 0), 0u) << images.out;
  EXPECT_NE(images.out.find("app:v1"), std::string::npos);
  EXPECT_NE(images.out.find("other/app:v2"), std::string::npos);
  EXPECT_EQ(images.out.find(" 0B"), std::string::npos) << images.out;
  CommandResult rmi = RunZlayer(root_, {"rmi", "app:v1", "other/app:v2"});
  ASSERT_EQ(rmi.exit_code, 0) << rmi.err;
  EXPECT_NE(rmi.out.find("Untagged: app:v1"), std::string::npos) << rmi.out;
  EXPECT_NE(rmi.out.find("Deleted: sha256:"), std::string::npos) << rmi.out;
  CommandResult du = RunZlayer(root_, {"cache", "du"});
  EXPECT_NE(du.out.find("blobs                 0"), std::string::npos)
      << du.out;
}

TEST_F(CliContractTest, UntaggedImagesShowAsNone) {
  std::string tar = temp_.path() + "/sample.tar";
  ASSERT_TRUE(base::WriteFileAtomic(
      tar, extract::testing::TarBuilder().File("g", "x").Finish()));
  ASSERT_EQ(RunZlayer(root_, {"import", tar}).exit_code, 0);
  EXPECT_NE(RunZlayer(root_, {"images"}).out.find("<none>"), std::string::npos);
}

TEST_F(CliContractTest, ErrorsAreOneLineWithExitCodes) {
  CommandResult missing = RunZlayer(root_, {"inspect", "nosuch:image"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err.rfind("error: ", 0), 0u) << missing.err;
  EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1);
  CommandResult bad_format = RunZlayer(
      root_, {"export", "x", "--format", "tarball", "-o", temp_.path() + "/o"});
  EXPECT_EQ(bad_format.exit_code, 2);
  CommandResult bad_name =
      RunZlayer(root_, {"import", temp_.path(), "-t", "Bad:Name"});
  EXPECT_EQ(bad_name.exit_code, 1);
  EXPECT_NE(bad_name.err.find("Bad:Name"), std::string::npos) << bad_name.err;
}

TEST_F(CliContractTest, RootComesFromTheEnvironment) {
  ImportSample("env:v1");
  CommandResult r =
      RunCommand({"env", "ZLAYER_ROOT=" + root_, ZLAYER_BINARY, "images"});
  EXPECT_NE(r.out.find("env:v1"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace zlayer::integration
