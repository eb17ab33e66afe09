// Two `zlayer` processes at a time importing, tagging and removing images
// in one root: afterwards `images` lists exactly the names that should
// remain and every blob verifies.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "extract/tar_testing.h"
#include "store/store.h"
#include "tests/integration/cli_runner.h"

namespace zlayer::integration {
namespace {

using extract::testing::TarBuilder;

constexpr int kIterations = 40;
constexpr int kTarballs = 4;

class ConcurrentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto temp = base::TempDir::Create("", "zlayer-concurrent-");
    ASSERT_TRUE(temp.has_value()) << temp.error().message();
    temp_ = std::move(*temp);
    root_ = temp_.path() + "/root";
    for (int i = 0; i < kTarballs; ++i) {
      std::string path = temp_.path() + "/rootfs" + std::to_string(i) + ".tar";
      ASSERT_TRUE(base::WriteFileAtomic(
          path, TarBuilder()
                    .Dir("data")
                    .File("data/id", std::to_string(i))
                    .File("data/blob", std::string(200000 + i, 'a' + i))
                    .Finish()));
      tarballs_.push_back(path);
    }
  }

  // One worker's sequence of operations; returns the names it left.
  std::set<std::string> Work(int worker, std::atomic<int>& operations,
                             std::vector<std::string>& failures) {
    std::set<std::string> alive;
    auto run = [&](const std::vector<std::string>& args) {
      CommandResult r = RunZlayer(root_, args);
      ++operations;
      if (r.exit_code != 0) {
        failures.push_back(args[0] + " " + args[1] + ": " + r.err);
      }
      return r;
    };
    for (int i = 0; i < kIterations; ++i) {
      std::string name = "w" + std::to_string(worker) + "-" + std::to_string(i);
      run({"import", tarballs_[(i + worker) % kTarballs], "-t", name + ":1"});
      run({"tag", name + ":1", name + ":alias"});
      alive.insert(name + ":1");
      alive.insert(name + ":alias");
      if (i % 2 == 1) {
        std::string previous =
            "w" + std::to_string(worker) + "-" + std::to_string(i - 1);
        run({"rmi", previous + ":1", previous + ":alias"});
        alive.erase(previous + ":1");
        alive.erase(previous + ":alias");
      }
      if (i % 10 == 0) run({"images"});
    }
    return alive;
  }

  base::TempDir temp_;
  std::string root_;
  std::vector<std::string> tarballs_;
};

TEST_F(ConcurrentStoreTest, TwoProcessesLeaveAConsistentStore) {
  std::atomic<int> operations{0};
  std::vector<std::string> failures[2];
  std::set<std::string> alive[2];
  std::thread other([&] { alive[1] = Work(1, operations, failures[1]); });
  alive[0] = Work(0, operations, failures[0]);
  other.join();
  EXPECT_GE(operations.load(), 200);
  for (const auto& list : failures) {
    for (const std::string& failure : list) ADD_FAILURE() << failure;
  }

  std::set<std::string> expected(alive[0]);
  expected.insert(alive[1].begin(), alive[1].end());
  CommandResult listed = RunZlayer(root_, {"images", "--format", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::set<std::string> names;
  for (const auto& image : nlohmann::json::parse(listed.out)) {
    for (const auto& name : image["Names"]) names.insert(name);
  }
  EXPECT_EQ(names, expected);

  CommandResult verify = RunZlayer(root_, {"debug", "verify-store"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  // Through the library too: every listed image's blobs are present.
  auto store = store::Store::Open(root_);
  ASSERT_TRUE(store.has_value()) << store.error().message();
  auto images = store->ListImages();
  ASSERT_TRUE(images.has_value());
  for (const store::ImageRecord& image : *images) {
    EXPECT_TRUE(store->blobs().Verify(image.id).has_value());
    EXPECT_TRUE(store->blobs().Verify(image.manifest_digest).has_value());
    for (const store::LayerRecord& layer : image.layers) {
      EXPECT_TRUE(store->blobs().Verify(layer.digest).has_value());
    }
  }
  CommandResult prune = RunZlayer(root_, {"cache", "prune"});
  EXPECT_EQ(prune.exit_code, 0) << prune.err;
  CommandResult usage = RunZlayer(root_, {"cache", "du"});
  EXPECT_NE(usage.out.find("reclaimable           0"), std::string::npos)
      << usage.out;
}

}  // namespace
}  // namespace zlayer::integration
