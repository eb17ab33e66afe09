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

class PushTest : public testing::RegistryTransferTest {
 protected:
  void SetUp() override {
    RegistryTransferTest::SetUp();
    OpenStore("store", store_);
  }

  std::optional<store::Store> store_;
};

TEST_F(PushTest, UploadsEveryBlobOnceThenSkipsThem) {
  TestImage image =
      MakeTestImage({"layer one", "layer two", "layer one"}, "push-once");
  ASSERT_TRUE(Import(*store_, image, {"local/app"}));

  auto first = Push(*store_, "local/app", Ref("once/app:v1"), PushOpts());
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->manifest_digest, image.manifest_digest.ToString());
  // The repeated layer goes once; the config goes too.
  EXPECT_EQ(first->bytes_uploaded, std::string("layer one").size() +
                                       std::string("layer two").size() +
                                       image.config.size());
  EXPECT_EQ(first->blobs_skipped, 0);
  EXPECT_EQ(first->blobs_mounted, 0);

  auto again = Push(*store_, "local/app", Ref("once/app:v1"), PushOpts());
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->manifest_digest, image.manifest_digest.ToString());
  EXPECT_EQ(again->bytes_uploaded, 0u);
  EXPECT_EQ(again->blobs_skipped, 3);
}

TEST_F(PushTest, MountsFromTheImagesOwnRepositoryOnTheSameRegistry) {
  TestImage image = MakeTestImage({"mount me", "and me"}, "push-mount");
  ASSERT_TRUE(Import(*store_, image, {Ref("source/app:1")}));
  auto first =
      Push(*store_, Ref("source/app:1"), Ref("source/app:1"), PushOpts());
  ASSERT_TRUE(first) << first.error().message();

  RecordingSink sink;
  PushOptions options = PushOpts();
  options.events = &sink;
  auto copy = Push(*store_, Ref("source/app:1"), Ref("copy/app:1"), options);
  ASSERT_TRUE(copy) << copy.error().message();
  EXPECT_EQ(copy->manifest_digest, image.manifest_digest.ToString());
  EXPECT_EQ(copy->blobs_mounted, 3);
  EXPECT_EQ(copy->bytes_uploaded, 0u);
  auto events = sink.ByDigest();
  ASSERT_EQ(events.size(), 4u);
  ExpectBlobSequence(events[base::Digest::Of("mount me").ToString()], "layer",
                     TransferState::kMounted, 8);
  ExpectBlobSequence(events[image.id.ToString()], "config",
                     TransferState::kMounted, image.config.size());
  ExpectBlobSequence(events[image.manifest_digest.ToString()], "manifest",
                     TransferState::kDone, image.manifest.size());
}

TEST_F(PushTest, ReportsEveryBlobFromStartedToDoneThenExists) {
  TestImage image =
      MakeTestImage({"layer one", "layer two", "layer one"}, "push-events");
  ASSERT_TRUE(Import(*store_, image, {"local/app"}));
  RecordingSink sink;
  PushOptions options = PushOpts();
  options.events = &sink;
  const std::string dest = Ref("events/app:v1");
  auto first = Push(*store_, "local/app", dest, options);
  ASSERT_TRUE(first) << first.error().message();

  const std::string one = base::Digest::Of("layer one").ToString();
  const std::string two = base::Digest::Of("layer two").ToString();
  const std::string config = image.id.ToString();
  const std::string manifest = image.manifest_digest.ToString();
  auto events = sink.ByDigest();
  // The repeated layer is one blob.
  ASSERT_EQ(events.size(), 4u);
  ExpectBlobSequence(events[one], "layer", TransferState::kDone, 9);
  ExpectBlobSequence(events[two], "layer", TransferState::kDone, 9);
  ExpectBlobSequence(events[config], "config", TransferState::kDone,
                     image.config.size());
  ExpectBlobSequence(events[manifest], "manifest", TransferState::kDone,
                     image.manifest.size());
  auto all = sink.All();
  for (const auto& recorded : all) {
    EXPECT_EQ(recorded.event.kind, TransferKind::kPush);
    // The qualified reference, never a URL.
    EXPECT_EQ(recorded.event.ref, dest);
  }
  // The manifest goes last, once every blob is there.
  EXPECT_EQ(all.back().event.digest, manifest);
  EXPECT_EQ(sink.others(), 0);

  sink.Clear();
  auto again = Push(*store_, "local/app", dest, options);
  ASSERT_TRUE(again) << again.error().message();
  events = sink.ByDigest();
  ASSERT_EQ(events.size(), 4u);
  ExpectBlobSequence(events[one], "layer", TransferState::kExists, 9);
  ExpectBlobSequence(events[two], "layer", TransferState::kExists, 9);
  ExpectBlobSequence(events[config], "config", TransferState::kExists,
                     image.config.size());
  // The manifest is put again: that is what moves the tag.
  ExpectBlobSequence(events[manifest], "manifest", TransferState::kDone,
                     image.manifest.size());
}

TEST_F(PushTest, RunningEventsAreThrottledPerBlob) {
  // Many small chunks, one request each: far more progress callbacks than
  // 100 ms intervals.
  constexpr size_t kChunk = 16 << 10;
  std::string big;
  big.reserve(768 << 10);
  for (uint32_t i = 0; big.size() < (768u << 10); ++i) {
    big += std::to_string(i * 2654435761u);
  }
  TestImage image = MakeTestImage({big, "small"}, "push-throttle");
  ASSERT_TRUE(Import(*store_, image, {"big/app"}));
  RecordingSink sink;
  PushOptions options = PushOpts();
  options.client.chunk_size = kChunk;
  options.events = &sink;
  auto start = std::chrono::steady_clock::now();
  auto pushed = Push(*store_, "big/app", Ref("big/app:v1"), options);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(pushed) << pushed.error().message();

  auto events = sink.ByDigest()[base::Digest::Of(big).ToString()];
  ExpectBlobSequence(events, "layer", TransferState::kDone, big.size());
  size_t running = events.size() - 2;
  size_t chunks = big.size() / kChunk;
  auto intervals = elapsed / std::chrono::milliseconds(100);
  EXPECT_LE(running, static_cast<size_t>(intervals) + 1);
  EXPECT_LT(running, chunks);
  // About 15 ms per chunk request: several intervals, so some updates.
  if (intervals >= 3) {
    EXPECT_GE(running, 1u);
  }
  // At least 100 ms between a blob's updates, counting from its start;
  // the few microseconds of recording are the tolerance.
  for (size_t i = 1; i + 1 < events.size(); ++i) {
    EXPECT_GE(events[i].at - events[i - 1].at, std::chrono::milliseconds(99))
        << i;
    EXPECT_GT(events[i].event.done, events[i - 1].event.done);
    EXPECT_EQ(events[i].event.total, big.size());
  }
}

TEST_F(PushTest, ABuildsBaseLayersAreMountedFromTheBasesRepository) {
  // The base is published and pulled, as FROM does.
  TestImage base = MakeTestImage({"base layer"}, "base");
  std::optional<store::Store> publisher;
  OpenStore("publisher", publisher);
  Publish(*publisher, base, Ref("lib/base:1"));
  ASSERT_TRUE(Pull(*store_, Ref("lib/base:1"), PullOpts()));

  // An image built on it shares the base layer and adds one.
  TestImage app = MakeTestImage({"base layer", "app layer"}, "app");
  ASSERT_TRUE(Import(*store_, app, {"app"}));
  auto pushed = Push(*store_, "app", Ref("team/app:1"), PushOpts());
  ASSERT_TRUE(pushed) << pushed.error().message();
  EXPECT_EQ(pushed->blobs_mounted, 1);
  EXPECT_EQ(pushed->bytes_uploaded,
            std::string("app layer").size() + app.config.size());
}

TEST_F(PushTest, DockerFormatKeepsItsManifestBytes) {
  TestImage image =
      MakeTestImage({"docker layer"}, "push-docker", oci::Format::kDocker);
  auto stored = Import(*store_, image, {"docker/app"});
  ASSERT_TRUE(stored) << stored.error().message();
  auto pushed = Push(*store_, "docker/app", Ref("docker/app:v1"), PushOpts());
  ASSERT_TRUE(pushed) << pushed.error().message();
  EXPECT_EQ(pushed->manifest_digest, image.manifest_digest.ToString());

  auto client = Client::Create(server_->host(), PushOpts().client);
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
           Ref("digest/app@" + image.manifest_digest.ToString()), PushOpts());
  ASSERT_TRUE(good) << good.error().message();
  EXPECT_EQ(good->manifest_digest, image.manifest_digest.ToString());

  std::string other = base::Digest::Of("other").ToString();
  auto bad =
      Push(*store_, "digest/app", Ref("digest/app@" + other), PushOpts());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::kInvalid);
  EXPECT_NE(bad.error().message().find(other), std::string::npos)
      << bad.error().message();
}

TEST_F(PushTest, UnknownImageIsNotFound) {
  auto pushed = Push(*store_, "no/such:image", Ref("x/y:1"), PushOpts());
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
