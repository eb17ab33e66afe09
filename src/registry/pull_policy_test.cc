#include "registry/pull_policy.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "registry/push.h"
#include "registry/transfer_testing.h"
#include "store/store_testing.h"

namespace zlayer::registry {
namespace {

using store::testing::Import;
using store::testing::MakeTestImage;
using store::testing::TestImage;

class PullPolicyTest : public testing::RegistryTransferTest {
 protected:
  void SetUp() override {
    RegistryTransferTest::SetUp();
    OpenStore("source", source_);
    OpenStore("local", local_);
  }
  void Publish(const TestImage& image, const std::string& ref) {
    RegistryTransferTest::Publish(*source_, image, ref);
  }
  Result<EnsuredImage> Ensure(const std::string& ref, PullPolicy policy,
                              PullOptions options = PullOpts()) {
    return EnsureImage(*local_, ref, policy, options);
  }

  std::optional<store::Store> source_;
  std::optional<store::Store> local_;
};

TEST_F(PullPolicyTest, ParsesTheThreePolicies) {
  EXPECT_EQ(ParsePullPolicy("newer").value(), PullPolicy::kNewer);
  EXPECT_EQ(ParsePullPolicy("always").value(), PullPolicy::kAlways);
  EXPECT_EQ(ParsePullPolicy("never").value(), PullPolicy::kNever);
  auto bad = ParsePullPolicy("sometimes");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind(), ErrorKind::kUsage);
  EXPECT_EQ(bad.error().message(),
            "--pull=sometimes: unknown policy (want newer, always or never)");
}

TEST_F(PullPolicyTest, NeverUsesOnlyTheStore) {
  std::string ref = Ref("policy/never:v1");
  Publish(MakeTestImage({"n1"}, "never"), ref);
  auto missing = Ensure(ref, PullPolicy::kNever);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().message(),
            "image " + ref +
                " is not in the local store and --pull=never forbids pulling "
                "it");
  ASSERT_TRUE(Ensure(ref, PullPolicy::kNewer));
  auto local = Ensure(ref, PullPolicy::kNever);
  ASSERT_TRUE(local) << local.error().message();
  EXPECT_FALSE(local->pulled);
  EXPECT_EQ(local->name, ref);
}

TEST_F(PullPolicyTest, NewerPullsOnlyWhenTheTagMoved) {
  std::string ref = Ref("policy/newer:v1");
  TestImage first = MakeTestImage({"a1"}, "first");
  Publish(first, ref);
  auto pulled = Ensure(ref, PullPolicy::kNewer);
  ASSERT_TRUE(pulled) << pulled.error().message();
  EXPECT_TRUE(pulled->pulled);
  EXPECT_EQ(pulled->image.id, first.id);

  auto again = Ensure(ref, PullPolicy::kNewer);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_FALSE(again->pulled);
  EXPECT_TRUE(again->warning.empty());

  TestImage second = MakeTestImage({"a2"}, "second");
  Publish(second, ref);
  auto moved = Ensure(ref, PullPolicy::kNewer);
  ASSERT_TRUE(moved) << moved.error().message();
  EXPECT_TRUE(moved->pulled);
  EXPECT_EQ(moved->image.id, second.id);
}

TEST_F(PullPolicyTest, NewerKeepsImportedImagesAndAlwaysPulls) {
  std::string ref = Ref("policy/local:v1");
  TestImage remote = MakeTestImage({"r"}, "remote");
  Publish(remote, ref);
  // Imported under the same name: nothing says it came from the registry.
  TestImage own = MakeTestImage({"o"}, "own");
  ASSERT_TRUE(Import(*local_, own, {ref}));
  auto kept = Ensure(ref, PullPolicy::kNewer);
  ASSERT_TRUE(kept) << kept.error().message();
  EXPECT_FALSE(kept->pulled);
  EXPECT_EQ(kept->image.id, own.id);

  auto always = Ensure(ref, PullPolicy::kAlways);
  ASSERT_TRUE(always) << always.error().message();
  EXPECT_TRUE(always->pulled);
  EXPECT_EQ(always->image.id, remote.id);
}

TEST_F(PullPolicyTest, NewerFallsBackToTheLocalImageWhenTheRegistryIsDown) {
  auto port = testing::FreePort();
  ASSERT_TRUE(port);
  std::string host = "127.0.0.1:" + std::to_string(*port);
  std::string ref = host + "/gone/app:v1";
  TestImage image = MakeTestImage({"g"}, "gone");
  auto stored = Import(*local_, image, {ref});
  ASSERT_TRUE(stored);
  ASSERT_TRUE(local_->PutImageOrigin({.name = ref,
                                      .image_id = image.id,
                                      .reference = ref,
                                      .served_digest = image.manifest_digest}));
  auto kept = Ensure(ref, PullPolicy::kNewer);
  ASSERT_TRUE(kept) << kept.error().message();
  EXPECT_FALSE(kept->pulled);
  EXPECT_EQ(kept->image.id, image.id);
  EXPECT_TRUE(kept->warning.starts_with("could not check " + ref +
                                        " for a newer image, using the local "
                                        "one: "))
      << kept->warning;

  auto always = Ensure(ref, PullPolicy::kAlways);
  ASSERT_FALSE(always);
  EXPECT_NE(always.error().message().find(host), std::string::npos)
      << always.error().message();
}

TEST_F(PullPolicyTest, AnExplicitPlatformTheLocalImageLacksIsPulled) {
  std::string ref = Ref("policy/platform:v1");
  TestImage amd = MakeTestImage({"p"}, "amd64");
  Publish(amd, ref);
  ASSERT_TRUE(Ensure(ref, PullPolicy::kNewer));
  PullOptions arm = PullOpts();
  arm.platform = {.architecture = "arm64", .os = "linux"};
  // The registry is asked again; it only has the one image (the build
  // then reports the platform mismatch).
  auto result = Ensure(ref, PullPolicy::kNewer, arm);
  ASSERT_TRUE(result) << result.error().message();
  EXPECT_TRUE(result->pulled);
  EXPECT_EQ(result->image.id, amd.id);
  // --pull=never takes the local image as it is.
  auto never = Ensure(ref, PullPolicy::kNever, arm);
  ASSERT_TRUE(never);
  EXPECT_FALSE(never->pulled);
}

}  // namespace
}  // namespace zlayer::registry
