#include "registry/push_list.h"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oci/image_config.h"
#include "oci/index.h"
#include "oci/manifest.h"
#include "registry/client.h"
#include "registry/pull.h"
#include "registry/transfer_testing.h"
#include "store/store_testing.h"

namespace zlayer::registry {
namespace {

using store::testing::Import;
using store::testing::MakePlatformImage;
using store::testing::TestImage;

class PushListTest : public testing::RegistryTransferTest {
 protected:
  void SetUp() override {
    RegistryTransferTest::SetUp();
    OpenStore("store", store_);
  }
  // Imports an amd64 and an arm64 image and lists them as `list`.
  void MakeList(const std::string& list, const std::string& label,
                oci::Format format = oci::Format::kOci) {
    amd_ = MakePlatformImage("linux", "amd64", "", label + "-amd", format);
    arm_ = MakePlatformImage("linux", "arm64", "", label + "-arm", format);
    ASSERT_TRUE(Import(*store_, amd_, {label + ":amd64"}));
    ASSERT_TRUE(Import(*store_, arm_, {label + ":arm64"}));
    auto created =
        store_->EditManifestList({list,
                                  {label + ":amd64", label + ":arm64"},
                                  format,
                                  store::ListEditMode::kCreate});
    ASSERT_TRUE(created) << created.error().message();
  }
  std::unique_ptr<Client> NewClient() {
    return Client::Create(server_->host(), FastClient()).value();
  }

  std::optional<store::Store> store_;
  TestImage amd_;
  TestImage arm_;
};

TEST_F(PushListTest, PushesBothImagesThenTheIndexWithItsExactBytes) {
  MakeList("multi", "two");
  auto list = store_->GetManifestList("multi").value();

  auto pushed = PushList(*store_, "multi", Ref("multi/app:v1"), PushOpts());
  ASSERT_TRUE(pushed) << pushed.error().message();
  EXPECT_EQ(pushed->digest, list.record.digest.ToString());
  ASSERT_EQ(pushed->images.size(), 2u);
  EXPECT_EQ(pushed->images[0].manifest_digest, amd_.manifest_digest.ToString());
  EXPECT_EQ(pushed->images[1].manifest_digest, arm_.manifest_digest.ToString());

  auto client = NewClient();
  auto index = client->GetManifest("multi/app", "v1");
  ASSERT_TRUE(index) << index.error().message();
  EXPECT_EQ(index->media_type, oci::kOciIndex);
  EXPECT_EQ(index->body, list.body);
  for (const TestImage* image : {&amd_, &arm_}) {
    auto manifest =
        client->GetManifest("multi/app", image->manifest_digest.ToString());
    ASSERT_TRUE(manifest) << manifest.error().message();
    EXPECT_EQ(manifest->body, image->manifest);
  }

  // A pull for arm64 picks the arm64 image out of the pushed index.
  std::optional<store::Store> other;
  OpenStore("other", other);
  PullOptions pull;
  pull.client = FastClient();
  pull.platform.os = "linux";
  pull.platform.architecture = "arm64";
  auto pulled = Pull(*other, Ref("multi/app:v1"), pull);
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_EQ(pulled->id, arm_.id);
  EXPECT_EQ(pulled->manifest_digest, arm_.manifest_digest);
}

TEST_F(PushListTest, DockerManifestListKeepsItsMediaType) {
  MakeList("dlist", "dock", oci::Format::kDocker);
  auto list = store_->GetManifestList("dlist").value();
  auto pushed = PushList(*store_, "dlist", Ref("multi/docker:v1"), PushOpts());
  ASSERT_TRUE(pushed) << pushed.error().message();
  EXPECT_EQ(pushed->digest, list.record.digest.ToString());
  auto index = NewClient()->GetManifest("multi/docker", "v1");
  ASSERT_TRUE(index) << index.error().message();
  EXPECT_EQ(index->media_type, oci::kDockerManifestList);
  EXPECT_EQ(index->body, list.body);
}

TEST_F(PushListTest, AMissingImageFailsBeforeAnythingIsPushed) {
  MakeList("gone", "gone");
  ASSERT_TRUE(store_->RemoveImage("gone:arm64"));
  ASSERT_TRUE(store_->GarbageCollect());

  auto pushed = PushList(*store_, "gone", Ref("multi/gone:v1"), PushOpts());
  ASSERT_FALSE(pushed);
  EXPECT_EQ(pushed.error().message(),
            "push manifest list gone:latest to " + Ref("multi/gone:v1") +
                ": entry 1 (linux/arm64) " + arm_.manifest_digest.ToString() +
                ": the image is no longer in the store; add it again or "
                "remove the entry");
  auto client = NewClient();
  auto tag = client->GetManifest("multi/gone", "v1");
  ASSERT_FALSE(tag);
  EXPECT_EQ(tag.error().kind(), ErrorKind::kNotFound);
  // The amd64 image, still local, was not sent either.
  auto blob = client->HasBlob("multi/gone", amd_.id);
  ASSERT_TRUE(blob) << blob.error().message();
  EXPECT_FALSE(*blob);
}

TEST_F(PushListTest, DigestDestinationMustBeTheListsAndUnknownListsFail) {
  MakeList("bydigest", "dig");
  auto list = store_->GetManifestList("bydigest").value();
  auto wrong =
      PushList(*store_, "bydigest",
               Ref("multi/dig@" + amd_.manifest_digest.ToString()), PushOpts());
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message().find("but the list is " +
                                         list.record.digest.ToString()),
            std::string::npos)
      << wrong.error().message();

  auto right =
      PushList(*store_, "bydigest",
               Ref("multi/dig@" + list.record.digest.ToString()), PushOpts());
  ASSERT_TRUE(right) << right.error().message();
  EXPECT_EQ(right->digest, list.record.digest.ToString());

  auto unknown = PushList(*store_, "nolist", Ref("multi/dig:v1"), PushOpts());
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message(), "no such manifest list: nolist:latest");
}

TEST_F(PushListTest, WithoutImagesOnlyTheListIsPut) {
  MakeList("bodyonly", "body");
  auto first = PushList(*store_, "bodyonly", Ref("multi/body:v1"), PushOpts());
  ASSERT_TRUE(first) << first.error().message();

  auto second = PushList(*store_, "bodyonly", Ref("multi/body:v2"), PushOpts(),
                         /*images=*/false);
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_TRUE(second->images.empty());
  EXPECT_EQ(second->digest, first->digest);
  auto index = NewClient()->GetManifest("multi/body", "v2");
  ASSERT_TRUE(index) << index.error().message();
  EXPECT_EQ(index->digest.ToString(), first->digest);
}

}  // namespace
}  // namespace zlayer::registry
