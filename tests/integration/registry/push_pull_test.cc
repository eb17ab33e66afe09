// Push and pull against a real registry: a round trip between two stores,
// a second push that uploads nothing, and a cross-repository push that
// mounts instead of uploading.
#include <memory>

#include "registry/testing/registry_server.h"
#include "tests/integration/registry/registry_fixture.h"

namespace zlayer::integration {
namespace {

using registry::testing::RegistryServer;

class PushPullTest : public RegistryFixture {
 protected:
  static void SetUpTestSuite() {
    auto server = RegistryServer::StartOpen();
    ASSERT_TRUE(server) << server.error().message();
    registry_ = std::move(*server);
  }
  static void TearDownTestSuite() { registry_.reset(); }

  void SetUp() override {
    ASSERT_NE(registry_, nullptr);
    RegistryFixture::SetUp();
  }

  static std::string Ref(const std::string& repo_and_tag) {
    return registry_->host() + "/" + repo_and_tag;
  }

  static std::unique_ptr<RegistryServer> registry_;
};

std::unique_ptr<RegistryServer> PushPullTest::registry_;

TEST_F(PushPullTest, RoundTripIntoASecondStoreKeepsDigestIdAndLayers) {
  std::string ref = Ref(Repo("busybox") + ":v1");
  std::string a = NewRoot();
  std::string id = Import(a, ref);
  CommandResult pushed = Zl(a, {"push", "--progress", "plain", ref});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  std::string digest = Trim(pushed.out);
  ASSERT_TRUE(digest.starts_with("sha256:")) << pushed.out;
  EXPECT_NE(
      pushed.err.find("Pushed " + ref + ": 0 blobs already there, 0 mounted, "),
      std::string::npos)
      << pushed.err;
  EXPECT_EQ(pushed.err.find(" 0 bytes uploaded"), std::string::npos)
      << pushed.err;

  std::string b = NewRoot();
  CommandResult pulled = Zl(b, {"pull", "--progress", "plain", ref});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_EQ(Trim(pulled.out), id);
  EXPECT_NE(pulled.err.find("manifest " + digest), std::string::npos)
      << pulled.err;

  nlohmann::json original = Inspect(a, ref);
  nlohmann::json copy = Inspect(b, ref);
  EXPECT_EQ(original["ManifestDigest"], digest);
  EXPECT_EQ(copy["ManifestDigest"], digest);
  EXPECT_EQ(copy["Id"], id);
  EXPECT_EQ(copy["Layers"], original["Layers"]);
  EXPECT_EQ(copy["RootFS"], original["RootFS"]);
  EXPECT_EQ(copy["Layers"].size(), 1u);
  ExpectStoreClean(b);

  // The copy is a usable image: it pushes back byte for byte.
  EXPECT_EQ(Push(b, ref, Ref(Repo("again") + ":v1")), digest);
}

TEST_F(PushPullTest, SecondPushUploadsNoBytes) {
  std::string ref = Ref(Repo("busybox") + ":latest");
  std::string a = NewRoot();
  Import(a, ref);
  std::string digest = Push(a, ref);

  CommandResult again = Zl(a, {"push", "--progress", "plain", ref});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Trim(again.out), digest);
  // One layer and the config.
  EXPECT_NE(again.err.find("Pushed " + ref +
                           ": 2 blobs already there, 0 mounted, "
                           "0 bytes uploaded"),
            std::string::npos)
      << again.err;

  CommandResult json = Zl(a, {"push", "--progress", "json", ref});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  std::vector<TransferEvent> events = TransferEvents(json.out);
  std::map<std::string, std::string> states = FinalBlobStates(events);
  ASSERT_EQ(states.size(), 2u) << json.out;
  for (const auto& [blob, state] : states) {
    EXPECT_EQ(state, "exists") << blob;
  }
  for (const TransferEvent& event : events) {
    EXPECT_EQ(event.kind, "push");
    EXPECT_EQ(event.ref, ref);
    if (event.what != "manifest") {
      EXPECT_TRUE(event.state == "started" || event.state == "exists")
          << event.digest << " " << event.state;
    }
  }
  // The stream ends with the result, since stdout holds only JSON.
  std::vector<std::string> lines = Lines(json.out);
  ASSERT_FALSE(lines.empty());
  auto last = nlohmann::json::parse(lines.back(), nullptr, false);
  ASSERT_TRUE(last.is_object()) << lines.back();
  EXPECT_EQ(last.value("type", ""), "push_complete");
  EXPECT_EQ(last.value("manifest_digest", ""), digest);
  EXPECT_EQ(last.value("bytes_uploaded", -1), 0);
  EXPECT_EQ(SkopeoDigest(ref), digest);
}

TEST_F(PushPullTest, PulledImagePushedToAnotherRepositoryIsMounted) {
  std::string base = Ref(Repo("a/base") + ":latest");
  std::string publisher = NewRoot();
  Import(publisher, base);
  std::string digest = Push(publisher, base);

  std::string b = NewRoot();
  Pull(b, base);
  std::string copy = Ref(Repo("b/copy") + ":latest");
  CommandResult pushed = Zl(b, {"push", "--progress", "plain", base, copy});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_EQ(Trim(pushed.out), digest);
  EXPECT_NE(pushed.err.find("Pushed " + copy +
                            ": 0 blobs already there, 2 mounted, "
                            "0 bytes uploaded"),
            std::string::npos)
      << pushed.err;
  EXPECT_EQ(SkopeoDigest(copy), digest);

  std::string json_copy = Ref(Repo("c/copy") + ":latest");
  CommandResult json = Zl(b, {"push", "--progress", "json", base, json_copy});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  std::map<std::string, std::string> states =
      FinalBlobStates(TransferEvents(json.out));
  ASSERT_EQ(states.size(), 2u) << json.out;
  for (const auto& [blob, state] : states) {
    EXPECT_EQ(state, "mounted") << blob;
  }
  EXPECT_EQ(SkopeoDigest(json_copy), digest);
}

}  // namespace
}  // namespace zlayer::integration
