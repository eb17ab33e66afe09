#include "registry/pull.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/temp_dir.h"
#include "oci/index.h"
#include "registry/push.h"
#include "registry/testing/registry_server.h"
#include "registry/transfer_events_testing.h"
#include "registry/transfer_testing.h"
#include "store/store_testing.h"

namespace zlayer::registry {
namespace {

using progress::TransferKind;
using progress::TransferState;
using store::testing::Import;
using store::testing::MakeTestImage;
using store::testing::TestImage;
using testing::ExpectBlobSequence;
using testing::RecordingSink;
using testing::RegistryServer;

std::vector<base::Digest> LayerDigests(const store::ImageRecord& image) {
  std::vector<base::Digest> out;
  for (const store::LayerRecord& layer : image.layers) {
    out.push_back(layer.digest);
  }
  return out;
}

class PullTest : public testing::RegistryTransferTest {
 protected:
  void SetUp() override {
    RegistryTransferTest::SetUp();
    OpenStore("source", source_);
    OpenStore("target", target_);
  }
  // Stores `image` in the source store and pushes it to `ref`.
  void Publish(const TestImage& image, const std::string& ref) {
    RegistryTransferTest::Publish(*source_, image, ref);
  }
  void ExpectNoImages() {
    auto images = target_->ListImages();
    ASSERT_TRUE(images) << images.error().message();
    EXPECT_TRUE(images->empty());
  }

  std::optional<store::Store> source_;
  std::optional<store::Store> target_;
};

TEST_F(PullTest, PullsWhatWasPushed) {
  TestImage image =
      MakeTestImage({"base layer", "middle layer", "top layer"}, "pull-rt");
  Publish(image, Ref("round/app:v1"));

  auto pulled = Pull(*target_, Ref("round/app:v1"), PullOpts());
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_EQ(pulled->id, image.id);
  EXPECT_EQ(pulled->manifest_digest, image.manifest_digest);
  auto local = source_->GetImage(image.id.ToString());
  ASSERT_TRUE(local);
  EXPECT_EQ(LayerDigests(*pulled), LayerDigests(*local));
  EXPECT_EQ(pulled->tags, std::vector<std::string>{Ref("round/app:v1")});
  auto verify = target_->VerifyAll();
  ASSERT_TRUE(verify) << verify.error().message();
  EXPECT_TRUE(verify->ok());

  // Pulling again (present layers are not fetched) gives the same image.
  auto again = Pull(*target_, Ref("round/app:v1"), PullOpts());
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->id, image.id);
}

TEST_F(PullTest, ReportsEveryBlobThenExistsForLayersTheStoreHas) {
  TestImage image = MakeTestImage({"events base", "events top"}, "pull-ev");
  const std::string ref = Ref("events/app:v1");
  Publish(image, ref);
  RecordingSink sink;
  PullOptions options = PullOpts();
  options.events = &sink;
  auto pulled = Pull(*target_, ref, options);
  ASSERT_TRUE(pulled) << pulled.error().message();

  const std::string base = base::Digest::Of("events base").ToString();
  const std::string top = base::Digest::Of("events top").ToString();
  const std::string config = image.id.ToString();
  const std::string manifest = image.manifest_digest.ToString();
  auto events = sink.ByDigest();
  ASSERT_EQ(events.size(), 4u);
  ExpectBlobSequence(events[manifest], "manifest", TransferState::kDone,
                     image.manifest.size());
  ExpectBlobSequence(events[config], "config", TransferState::kDone,
                     image.config.size());
  ExpectBlobSequence(events[base], "layer", TransferState::kDone, 11);
  ExpectBlobSequence(events[top], "layer", TransferState::kDone, 10);
  auto all = sink.All();
  // The manifest is read before anything it names.
  EXPECT_EQ(all.front().event.digest, manifest);
  for (const auto& recorded : all) {
    EXPECT_EQ(recorded.event.kind, TransferKind::kPull);
    EXPECT_EQ(recorded.event.ref, ref);
  }

  sink.Clear();
  auto again = Pull(*target_, ref, options);
  ASSERT_TRUE(again) << again.error().message();
  events = sink.ByDigest();
  ASSERT_EQ(events.size(), 4u);
  ExpectBlobSequence(events[base], "layer", TransferState::kExists, 11);
  ExpectBlobSequence(events[top], "layer", TransferState::kExists, 10);
  ExpectBlobSequence(events[config], "config", TransferState::kDone,
                     image.config.size());
  ExpectBlobSequence(events[manifest], "manifest", TransferState::kDone,
                     image.manifest.size());
}

TEST_F(PullTest, ByDigestReportsTheManifestItNamed) {
  TestImage image = MakeTestImage({"events pinned"}, "pull-ev-digest");
  Publish(image, Ref("events/pinned:v1"));
  RecordingSink sink;
  PullOptions options = PullOpts();
  options.events = &sink;
  const std::string ref =
      Ref("events/pinned@" + image.manifest_digest.ToString());
  auto pulled = Pull(*target_, ref, options);
  ASSERT_TRUE(pulled) << pulled.error().message();
  auto all = sink.All();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.front().event.digest, image.manifest_digest.ToString());
  for (const auto& recorded : all) EXPECT_EQ(recorded.event.ref, ref);

  // A digest the registry lacks: started and failed, and nothing else.
  sink.Clear();
  std::string unknown = base::Digest::Of("never pushed").ToString();
  auto missing = Pull(*target_, Ref("events/pinned@" + unknown), options);
  ASSERT_FALSE(missing);
  auto events = sink.ByDigest();
  ASSERT_EQ(events.size(), 1u);
  ASSERT_EQ(events[unknown].size(), 2u);
  EXPECT_EQ(events[unknown][0].event.state, TransferState::kStarted);
  EXPECT_EQ(events[unknown][1].event.state, TransferState::kFailed);
}

TEST_F(PullTest, DockerHubStyleShortNamesUseTheDefaultRegistry) {
  TestImage image = MakeTestImage({"short"}, "pull-short");
  Publish(image, Ref("shortname:v2"));
  PullOptions options = PullOpts();
  options.default_registry = server_->host();
  auto pulled = Pull(*target_, "shortname:v2", options);
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_EQ(pulled->id, image.id);
}

TEST_F(PullTest, UnknownTagIsNotFoundAndStoresNothing) {
  TestImage image = MakeTestImage({"exists"}, "pull-missing");
  Publish(image, Ref("missing/app:v1"));
  auto pulled = Pull(*target_, Ref("missing/app:nope"), PullOpts());
  ASSERT_FALSE(pulled);
  EXPECT_EQ(pulled.error().kind(), ErrorKind::kNotFound);
  EXPECT_NE(pulled.error().message().find("missing/app:nope"),
            std::string::npos)
      << pulled.error().message();
  ExpectNoImages();
}

TEST_F(PullTest, ALayerThatFailsLeavesNoImage) {
  TestImage image = MakeTestImage({"fine layer", "lost layer"}, "pull-lost");
  Publish(image, Ref("lost/app:v1"));
  std::string hex(base::Digest::Of("lost layer").hex());
  std::string data = server_->storage_dir() +
                     "/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) +
                     "/" + hex + "/data";
  ASSERT_EQ(::unlink(data.c_str()), 0) << data;

  PullOptions options = PullOpts();
  options.client.max_retries = 1;
  RecordingSink sink;
  options.events = &sink;
  auto pulled = Pull(*target_, Ref("lost/app:v1"), options);
  ASSERT_FALSE(pulled);
  auto lost = sink.ByDigest()["sha256:" + hex];
  ASSERT_GE(lost.size(), 2u);
  EXPECT_EQ(lost.front().event.state, TransferState::kStarted);
  EXPECT_EQ(lost.back().event.state, TransferState::kFailed);
  EXPECT_EQ(lost.back().event.total, std::string("lost layer").size());
  EXPECT_NE(pulled.error().message().find("lost/app:v1"), std::string::npos)
      << pulled.error().message();
  EXPECT_NE(pulled.error().message().find(hex), std::string::npos)
      << pulled.error().message();
  ExpectNoImages();
  auto has = target_->blobs().Has(base::Digest::Of("lost layer"));
  ASSERT_TRUE(has);
  EXPECT_FALSE(*has);
  // What did arrive is unreferenced, and garbage collection takes it.
  auto gc = target_->GarbageCollect();
  ASSERT_TRUE(gc) << gc.error().message();
  auto usage = target_->DiskUsage();
  ASSERT_TRUE(usage) << usage.error().message();
  EXPECT_EQ(usage->blobs, 0);
}

TEST_F(PullTest, ByDigestStoresTheImageWithoutATag) {
  TestImage image = MakeTestImage({"pinned"}, "pull-digest");
  Publish(image, Ref("digest/app:v1"));
  auto pulled =
      Pull(*target_, Ref("digest/app@" + image.manifest_digest.ToString()),
           PullOpts());
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_EQ(pulled->id, image.id);
  EXPECT_EQ(pulled->manifest_digest, image.manifest_digest);
  EXPECT_TRUE(pulled->tags.empty());
}

TEST_F(PullTest, PicksThePlatformFromAnIndex) {
  oci::Platform amd64{.architecture = "amd64", .os = "linux"};
  oci::Platform arm64{.architecture = "arm64", .os = "linux", .variant = "v8"};
  TestImage amd = MakeTestImage({"shared", "amd64 only"}, "pull-index",
                                oci::Format::kOci, amd64);
  TestImage arm = MakeTestImage({"shared", "arm64 only"}, "pull-index",
                                oci::Format::kOci, arm64);
  Publish(amd, Ref("multi/app:amd64"));
  Publish(arm, Ref("multi/app:arm64"));

  oci::Index index = oci::MakeIndex(oci::Format::kOci);
  for (auto [image, platform] :
       {std::pair{&amd, amd64}, std::pair{&arm, arm64}}) {
    oci::Descriptor entry =
        oci::DescribeContent(oci::kOciManifest, image->manifest);
    entry.platform = platform;
    index.manifests.push_back(entry);
  }
  auto client = Client::Create(server_->host(), PullOpts().client);
  ASSERT_TRUE(client);
  auto put = (*client)->PutManifest("multi/app", "latest", oci::kOciIndex,
                                    oci::SerializeIndex(index));
  ASSERT_TRUE(put) << put.error().message();

  PullOptions options = PullOpts();
  options.platform = arm64;
  RecordingSink sink;
  options.events = &sink;
  auto pulled = Pull(*target_, Ref("multi/app"), options);
  ASSERT_TRUE(pulled) << pulled.error().message();
  auto events = sink.ByDigest();
  // The index, then the platform's manifest, config and layers.
  ASSERT_EQ(events.size(), 5u);
  std::string index_body = oci::SerializeIndex(index);
  ExpectBlobSequence(events[put->ToString()], "index", TransferState::kDone,
                     index_body.size());
  ExpectBlobSequence(events[arm.manifest_digest.ToString()], "manifest",
                     TransferState::kDone, arm.manifest.size());
  EXPECT_EQ(sink.All().front().event.digest, put->ToString());
  for (const auto& recorded : sink.All()) {
    EXPECT_EQ(recorded.event.ref, Ref("multi/app:latest"));
  }
  options.events = nullptr;
  EXPECT_EQ(pulled->id, arm.id);
  EXPECT_EQ(pulled->manifest_digest, arm.manifest_digest);
  EXPECT_EQ(pulled->tags, std::vector<std::string>{Ref("multi/app:latest")});

  options.platform = {.architecture = "amd64"};  // os defaults to linux
  pulled = Pull(*target_, Ref("multi/app"), options);
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_EQ(pulled->id, amd.id);

  options.platform = {.architecture = "s390x", .os = "linux"};
  auto missing = Pull(*target_, Ref("multi/app@" + put->ToString()), options);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), ErrorKind::kNotFound);
  const std::string& message = missing.error().message();
  EXPECT_NE(message.find("linux/s390x"), std::string::npos) << message;
  EXPECT_NE(message.find("linux/amd64"), std::string::npos) << message;
  EXPECT_NE(message.find("linux/arm64/v8"), std::string::npos) << message;
  EXPECT_NE(message.find("multi/app@"), std::string::npos) << message;
}

TEST_F(PullTest, BadReferenceNamesIt) {
  auto pulled = Pull(*target_, "Not/Valid", PullOpts());
  ASSERT_FALSE(pulled);
  EXPECT_NE(pulled.error().message().find("Not/Valid"), std::string::npos)
      << pulled.error().message();
  ExpectNoImages();
}

oci::Index IndexOf(const std::vector<oci::Platform>& platforms) {
  oci::Index index = oci::MakeIndex(oci::Format::kOci);
  for (const oci::Platform& platform : platforms) {
    oci::Descriptor entry = oci::DescribeContent(
        oci::kOciManifest, "manifest for " + oci::PlatformString(platform));
    entry.platform = platform;
    index.manifests.push_back(entry);
  }
  return index;
}

TEST(SelectPlatformTest, PrefersTheExactVariant) {
  oci::Platform v6{.architecture = "arm", .os = "linux", .variant = "v6"};
  oci::Platform v7{.architecture = "arm", .os = "linux", .variant = "v7"};
  oci::Index index = IndexOf({v6, v7});
  auto chosen = SelectPlatform(index, v7);
  ASSERT_TRUE(chosen) << chosen.error().message();
  EXPECT_EQ(chosen->platform, v7);
  // No variant asked for: the first arm entry serves.
  chosen = SelectPlatform(index, {.architecture = "arm", .os = "linux"});
  ASSERT_TRUE(chosen) << chosen.error().message();
  EXPECT_EQ(chosen->platform, v6);
  // An entry without a variant serves any variant.
  oci::Index plain = IndexOf({{.architecture = "arm", .os = "linux"}});
  EXPECT_TRUE(SelectPlatform(plain, v7));
}

TEST(SelectPlatformTest, OsMustMatchAndEntriesWithoutPlatformNever) {
  oci::Index index = IndexOf({{.architecture = "amd64", .os = "windows"}});
  index.manifests.push_back(oci::DescribeContent(oci::kOciManifest, "x"));
  auto chosen = SelectPlatform(index, {.architecture = "amd64", .os = "linux"});
  ASSERT_FALSE(chosen);
  EXPECT_EQ(chosen.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(chosen.error().message(),
            "no image for platform linux/amd64 in the index (available: "
            "windows/amd64)");
}

}  // namespace
}  // namespace zlayer::registry
