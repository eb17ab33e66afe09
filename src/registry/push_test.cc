#include "registry/push.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/temp_dir.h"
#include "registry/pull.h"
#include "registry/registry_server.h"
#include "registry/transfer_testing.h"
#include "store/store_testing.h"

namespace zlayer::registry {
namespace {

using store::testing::Import;
using store::testing::MakeTestImage;
using store::testing::TestImage;
using testing::RegistryServer;

class PushTest : public testing::RegistryTransferTest {
 protected:
  void SetUp() override {
    RegistryTransferTest::SetUp();
    OpenStore("store", store_);
  }
  static PushOptions Options() {
    PushOptions options;
    options.client = FastClient();
    return options;
  }

  std::optional<store::Store> store_;
};

TEST_F(PushTest, UploadsEveryBlobOnceThenSkipsThem) {
  TestImage image =
      MakeTestImage({"layer one", "layer two", "layer one"}, "push-once");
  ASSERT_TRUE(Import(*store_, image, {"local/app"}));

  auto first = Push(*store_, "local/app", Ref("once/app:v1"), Options());
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->manifest_digest, image.manifest_digest.ToString());
  // The repeated layer goes once; the config goes too.
  EXPECT_EQ(first->bytes_uploaded, std::string("layer one").size() +
                                       std::string("layer two").size() +
                                       image.config.size());
  EXPECT_EQ(first->blobs_skipped, 0);
  EXPECT_EQ(first->blobs_mounted, 0);

  auto again = Push(*store_, "local/app", Ref("once/app:v1"), Options());
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->manifest_digest, image.manifest_digest.ToString());
  EXPECT_EQ(again->bytes_uploaded, 0u);
  EXPECT_EQ(again->blobs_skipped, 3);
}

TEST_F(PushTest, MountsFromTheImagesOwnRepositoryOnTheSameRegistry) {
  TestImage image = MakeTestImage({"mount me", "and me"}, "push-mount");
  ASSERT_TRUE(Import(*store_, image, {Ref("source/app:1")}));
  auto first =
      Push(*store_, Ref("source/app:1"), Ref("source/app:1"), Options());
  ASSERT_TRUE(first) << first.error().message();

  auto copy = Push(*store_, Ref("source/app:1"), Ref("copy/app:1"), Options());
  ASSERT_TRUE(copy) << copy.error().message();
  EXPECT_EQ(copy->manifest_digest, image.manifest_digest.ToString());
  EXPECT_EQ(copy->blobs_mounted, 3);
  EXPECT_EQ(copy->bytes_uploaded, 0u);
}

TEST_F(PushTest, DockerFormatKeepsItsManifestBytes) {
  TestImage image =
      MakeTestImage({"docker layer"}, "push-docker", oci::Format::kDocker);
  auto stored = Import(*store_, image, {"docker/app"});
  ASSERT_TRUE(stored) << stored.error().message();
  auto pushed = Push(*store_, "docker/app", Ref("docker/app:v1"), Options());
  ASSERT_TRUE(pushed) << pushed.error().message();
  EXPECT_EQ(pushed->manifest_digest, image.manifest_digest.ToString());

  auto client = Client::Create(server_->host(), Options().client);
  ASSERT_TRUE(client);
  auto manifest = (*client)->GetManifest("docker/app", "v1");
  ASSERT_TRUE(manifest) << manifest.error().message();
  EXPECT_EQ(manifest->media_type, oci::kDockerManifest);
  EXPECT_EQ(manifest->body, image.manifest);
}

TEST_F(PushTest, ByDigestMustBeTheImagesDigest) {
  TestImage image = MakeTestImage({"by digest"}, "push-digest");
  ASSERT_TRUE(Import(*store_, image, {"digest/app"}));
  auto good =
      Push(*store_, "digest/app",
           Ref("digest/app@" + image.manifest_digest.ToString()), Options());
  ASSERT_TRUE(good) << good.error().message();
  EXPECT_EQ(good->manifest_digest, image.manifest_digest.ToString());

  std::string other = base::Digest::Of("other").ToString();
  auto bad = Push(*store_, "digest/app", Ref("digest/app@" + other), Options());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::kInvalid);
  EXPECT_NE(bad.error().message().find(other), std::string::npos)
      << bad.error().message();
}

TEST_F(PushTest, UnknownImageIsNotFound) {
  auto pushed = Push(*store_, "no/such:image", Ref("x/y:1"), Options());
  ASSERT_FALSE(pushed);
  EXPECT_EQ(pushed.error().kind(), ErrorKind::kNotFound);
  EXPECT_NE(pushed.error().message().find("x/y:1"), std::string::npos)
      << pushed.error().message();
}

TEST(RunParallelTest, RunsEveryTaskAndReportsTheFirstFailure) {
  std::atomic<int> ran{0};
  auto all = internal::RunParallel(50, 4, [&](size_t) -> Status {
    ran.fetch_add(1);
    return Ok();
  });
  EXPECT_TRUE(all);
  EXPECT_EQ(ran.load(), 50);

  std::atomic<int> started{0};
  auto failed = internal::RunParallel(1000, 1, [&](size_t i) -> Status {
    started.fetch_add(1);
    if (i == 3) return Fail("task 3 broke");
    return Ok();
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message(), "task 3 broke");
  // One worker stops at the failure.
  EXPECT_EQ(started.load(), 4);
}

}  // namespace
}  // namespace zlayer::registry
