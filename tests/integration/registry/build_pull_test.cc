// `zlayer build` with a base image from a registry under each --pull
// policy, with the registry up, changed and stopped; and `build --push`.
#include <filesystem>
#include <fstream>
#include <memory>

#include "registry/testing/registry_server.h"
#include "tests/integration/registry/registry_fixture.h"

namespace zlayer::integration {
namespace {

using registry::testing::RegistryServer;

class BuildPullTest : public RegistryFixture {
 protected:
  // Each test gets its own registry: several stop it.
  void SetUp() override {
    RegistryFixture::SetUp();
    auto server = RegistryServer::StartOpen();
    ASSERT_TRUE(server) << server.error().message();
    registry_ = std::move(*server);
    host_ = registry_->host();
    base_ = host_ + "/busybox:latest";
    publisher_ = NewRoot();
    builder_ = NewRoot();
    context_ = temp_.path() + "/context";
    std::filesystem::create_directories(context_);
    std::ofstream(context_ + "/Dockerfile")
        << "FROM " << base_ << "\nCOPY hello.txt /hello.txt\n";
    std::ofstream(context_ + "/hello.txt") << "hello\n";
  }

  // Pushes a busybox variant as the base; returns its one layer digest.
  std::string Publish(const std::string& variant) {
    Import(publisher_, base_, variant);
    Push(publisher_, base_);
    std::vector<std::string> layers = LayerDigests(publisher_, base_);
    EXPECT_EQ(layers.size(), 1u);
    return layers.empty() ? "" : layers[0];
  }

  CommandResult Build(const std::string& pull,
                      const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {
        "build", "--progress", "json", "--pull=" + pull, "-t", "app:latest"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(context_);
    return Zl(builder_, args);
  }

  // The base layer of the image the last build tagged app:latest.
  std::string BuiltBaseLayer() {
    std::vector<std::string> layers = LayerDigests(builder_, "app:latest");
    EXPECT_EQ(layers.size(), 2u);
    return layers.empty() ? "" : layers[0];
  }

  static std::vector<TransferEvent> LayerPulls(const CommandResult& r) {
    std::vector<TransferEvent> layers;
    for (const TransferEvent& event : TransferEvents(r.out)) {
      if (event.kind == "pull" && event.what == "layer") {
        layers.push_back(event);
      }
    }
    return layers;
  }

  std::unique_ptr<RegistryServer> registry_;
  std::string host_;
  std::string base_;
  std::string publisher_;
  std::string builder_;
  std::string context_;
};

TEST_F(BuildPullTest, NeverFailsBeforeAPullAndWorksOfflineAfterOne) {
  std::string layer = Publish("v1");
  CommandResult before = Build("never");
  ExpectOneLineError(before, {base_, "--pull=never"});
  EXPECT_TRUE(TransferEvents(before.out).empty()) << before.out;

  Pull(builder_, base_);
  registry_.reset();
  CommandResult after = Build("never");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_TRUE(TransferEvents(after.out).empty()) << after.out;
  EXPECT_EQ(after.err.find("warning"), std::string::npos) << after.err;
  EXPECT_EQ(BuiltBaseLayer(), layer);
}

TEST_F(BuildPullTest, NewerPullsOnlyWhenTheTagMovedAndFallsBackOffline) {
  std::string v1 = Publish("v1");
  CommandResult first = Build("newer");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_FALSE(LayerPulls(first).empty()) << first.out;
  EXPECT_EQ(BuiltBaseLayer(), v1);

  CommandResult unchanged = Build("newer");
  ASSERT_EQ(unchanged.exit_code, 0) << unchanged.err;
  EXPECT_TRUE(LayerPulls(unchanged).empty()) << unchanged.out;
  EXPECT_EQ(unchanged.err.find("warning"), std::string::npos) << unchanged.err;
  EXPECT_EQ(BuiltBaseLayer(), v1);

  std::string v2 = Publish("v2");
  ASSERT_NE(v2, v1);
  CommandResult moved = Build("newer");
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  std::vector<TransferEvent> pulled = LayerPulls(moved);
  ASSERT_FALSE(pulled.empty()) << moved.out;
  EXPECT_EQ(pulled[0].digest, v2);
  EXPECT_EQ(BuiltBaseLayer(), v2);

  registry_.reset();
  CommandResult offline = Build("newer");
  ASSERT_EQ(offline.exit_code, 0) << offline.err;
  EXPECT_NE(offline.err.find("warning: could not check " + base_),
            std::string::npos)
      << offline.err;
  EXPECT_TRUE(LayerPulls(offline).empty()) << offline.out;
  EXPECT_EQ(BuiltBaseLayer(), v2);
}

TEST_F(BuildPullTest, NewerUsesLocallyMadeImagesAsTheyAre) {
  // Imported under a registry name that registry has never heard of.
  std::string local = host_ + "/made-here:latest";
  Import(builder_, local, "local");
  std::ofstream(context_ + "/Dockerfile")
      << "FROM " << local << "\nCOPY hello.txt /hello.txt\n";
  CommandResult built = Build("newer");
  ASSERT_EQ(built.exit_code, 0) << built.err;
  EXPECT_TRUE(TransferEvents(built.out).empty()) << built.out;
  EXPECT_EQ(built.err.find("warning"), std::string::npos) << built.err;
  std::vector<std::string> base_layers = LayerDigests(builder_, local);
  ASSERT_EQ(base_layers.size(), 1u);
  EXPECT_EQ(BuiltBaseLayer(), base_layers[0]);
}

TEST_F(BuildPullTest, AlwaysPullsAndFailsClearlyWhenTheRegistryIsDown) {
  std::string v1 = Publish("v1");
  CommandResult first = Build("always");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_FALSE(LayerPulls(first).empty()) << first.out;
  EXPECT_EQ(BuiltBaseLayer(), v1);

  // Unchanged: the manifest is read again, the layer not downloaded again.
  CommandResult again = Build("always");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  bool manifest_read = false;
  for (const TransferEvent& event : TransferEvents(again.out)) {
    if (event.kind == "pull" && event.what == "manifest") manifest_read = true;
  }
  EXPECT_TRUE(manifest_read) << again.out;
  for (const TransferEvent& event : LayerPulls(again)) {
    EXPECT_NE(event.state, "running") << again.out;
  }

  std::string v2 = Publish("v2");
  CommandResult moved = Build("always");
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_EQ(BuiltBaseLayer(), v2);

  registry_.reset();
  CommandResult offline = Build("always");
  ExpectOneLineError(offline, {host_});
}

TEST_F(BuildPullTest, BuildPushUploadsTheTag) {
  Publish("v1");
  std::string app = host_ + "/app:v1";
  CommandResult built = Zl(builder_, {"build", "--progress", "plain", "--push",
                                      "-t", app, context_});
  ASSERT_EQ(built.exit_code, 0) << built.err;
  std::string marker = "Pushed " + app + "@";
  size_t at = built.err.find(marker);
  ASSERT_NE(at, std::string::npos) << built.err;
  std::string digest = built.err.substr(at + marker.size(), 71);
  ASSERT_TRUE(digest.starts_with("sha256:")) << built.err;
  EXPECT_EQ(SkopeoDigest(app), digest);
  EXPECT_EQ(Inspect(builder_, app).value("ManifestDigest", ""), digest);

  // The pushed image pulls into a fresh store as the same image.
  EXPECT_EQ(Pull(NewRoot(), app), Trim(Lines(built.out).back()));
}

TEST_F(BuildPullTest, BuildPushWithoutATagIsAUsageError) {
  CommandResult built =
      Zl(builder_, {"build", "--progress", "plain", "--push", context_});
  EXPECT_EQ(built.exit_code, 2) << built.err;
  ExpectOneLineError(built, {"--push"}, /*only_line=*/false);
  EXPECT_FALSE(std::filesystem::exists(builder_ + "/blobs/sha256") &&
               !std::filesystem::is_empty(builder_ + "/blobs/sha256"));
}

}  // namespace
}  // namespace zlayer::integration
