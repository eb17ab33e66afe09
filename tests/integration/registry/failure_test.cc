// Pulls and pushes that must fail: each gives one `error: ` line naming the
// image or host, a non-zero exit, and leaves the store as it was (no image,
// no blob, nothing in ROOT/tmp), in both plain and JSON progress modes.
#include <map>
#include <memory>

#include "base/file_io.h"
#include "base/sha256.h"
#include "oci/media_types.h"
#include "registry/testing/registry_server.h"
#include "tests/integration/registry/registry_fixture.h"

namespace zlayer::integration {
namespace {

using registry::testing::FakeHttpServer;
using registry::testing::FakeRequest;
using registry::testing::FakeResponse;
using registry::testing::FreePort;
using registry::testing::RegistryServer;

constexpr char kUser[] = "alice";
constexpr char kPassword[] = "right-pw-4711";

class FailureTest : public RegistryFixture {
 protected:
  // An htpasswd registry holding one image, pushed with good credentials.
  static void SetUpTestSuite() {
    auto server = RegistryServer::StartHtpasswd(kUser, kPassword);
    ASSERT_TRUE(server) << server.error().message();
    registry_ = std::move(*server);
  }
  static void TearDownTestSuite() { registry_.reset(); }

  void SetUp() override {
    ASSERT_NE(registry_, nullptr);
    RegistryFixture::SetUp();
    root_ = NewRoot();
    // A store that has something in it, so "unchanged" means something.
    Import(root_, "local/busybox:latest");
    before_ = Snapshot(root_);
    ASSERT_EQ(before_.blobs.size(), 3u);
    ASSERT_TRUE(before_.tmp_files.empty());
  }

  // Runs `zlayer pull REF` in plain and JSON progress modes; each must fail
  // with one error line naming `names` and change nothing in the store.
  void ExpectPullFails(const std::string& ref,
                       const std::vector<std::string>& names) {
    for (const char* progress : {"plain", "json"}) {
      SCOPED_TRACE(std::string("--progress ") + progress);
      CommandResult r = Zl(root_, {"pull", "--progress", progress, ref});
      ExpectOneLineError(r, names, std::string(progress) == "json");
      if (std::string(progress) == "json") {
        for (const std::string& line : Lines(r.out)) {
          auto event = nlohmann::json::parse(line, nullptr, false);
          EXPECT_TRUE(event.is_object()) << "not an event: " << line;
        }
      }
      EXPECT_TRUE(Snapshot(root_) == before_) << "store changed by " << ref;
      ExpectStoreClean(root_);
      last_ = r;
    }
  }

  static std::string Ref(const std::string& repo_and_tag) {
    return registry_->host() + "/" + repo_and_tag;
  }

  static std::unique_ptr<RegistryServer> registry_;
  std::string root_;
  StoreSnapshot before_;
  CommandResult last_;
};

std::unique_ptr<RegistryServer> FailureTest::registry_;

TEST_F(FailureTest, WrongPassword) {
  std::string ref = Ref(Repo("busybox") + ":latest");
  WriteAuth(registry_->host(), kUser, kPassword);
  std::string publisher = NewRoot();
  Import(publisher, ref);
  Push(publisher, ref);

  WriteAuth(registry_->host(), kUser, "wrong-pw-0815");
  ExpectPullFails(ref, {registry_->host()});
  EXPECT_EQ(last_.err.find("wrong-pw-0815"), std::string::npos) << last_.err;
  EXPECT_EQ(last_.out.find("wrong-pw-0815"), std::string::npos) << last_.out;

  CommandResult push = Zl(publisher, {"push", "--progress", "json", ref});
  ExpectOneLineError(push, {registry_->host()});
  EXPECT_EQ(push.err.find("wrong-pw-0815"), std::string::npos) << push.err;

  // The same pull with the right password works: the password was the
  // only thing at fault.
  WriteAuth(registry_->host(), kUser, kPassword);
  Pull(NewRoot(), ref);
}

TEST_F(FailureTest, UnknownImage) {
  WriteAuth(registry_->host(), kUser, kPassword);
  std::string ref = Ref(Repo("nosuch") + ":latest");
  ExpectPullFails(ref, {ref});
}

TEST_F(FailureTest, UnreachableHost) {
  auto port = FreePort();
  ASSERT_TRUE(port) << port.error().message();
  std::string host = "127.0.0.1:" + std::to_string(*port);
  ExpectPullFails(host + "/busybox:latest", {host});

  CommandResult push =
      Zl(root_, {"push", "--progress", "plain", "local/busybox:latest",
                 host + "/busybox:latest"});
  ExpectOneLineError(push, {host}, /*only_line=*/false);
}

// A registry that serves a manifest and config as they are but a layer
// whose bytes do not hash to its digest.
TEST_F(FailureTest, BlobNotMatchingItsDigest) {
  std::string layout = temp_.path() + "/layout";
  std::string other = NewRoot();
  Import(other, "corrupt:latest", "to be corrupted");
  CommandResult exported =
      Zl(other, {"export", "corrupt:latest", "--format", "oci", "-o", layout});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  nlohmann::json image = Inspect(other, "corrupt:latest");
  std::string manifest_digest = image.value("ManifestDigest", "");
  std::string config_digest = image.value("Id", "");
  ASSERT_EQ(image["Layers"].size(), 1u);
  std::string layer_digest = image["Layers"][0].value("Digest", "");
  auto blob = [&](const std::string& digest) {
    auto text = base::ReadFile(layout + "/blobs/sha256/" + digest.substr(7));
    EXPECT_TRUE(text.has_value()) << digest;
    return text.value_or("");
  };
  std::string manifest = blob(manifest_digest);
  std::string config = blob(config_digest);
  std::string layer = blob(layer_digest);
  ASSERT_GT(layer.size(), 1000u);
  layer[layer.size() / 2] ^= 0x55;

  auto server = FakeHttpServer::Start([&](const FakeRequest& request) {
    std::string path = request.target.substr(0, request.target.find('?'));
    auto body_for = [&](std::string body, std::string type,
                        std::string digest) {
      FakeResponse response{200,
                            {{"Content-Type", type},
                             {"Docker-Content-Digest", digest},
                             {"Content-Length", std::to_string(body.size())}},
                            std::move(body)};
      if (request.method == "HEAD") response.body.clear();
      return response;
    };
    if (path == "/v2/") return FakeResponse{200, {}, "{}"};
    if (path == "/v2/corrupt/manifests/latest" ||
        path == "/v2/corrupt/manifests/" + manifest_digest) {
      return body_for(manifest, std::string(oci::kOciManifest),
                      manifest_digest);
    }
    if (path == "/v2/corrupt/blobs/" + config_digest) {
      return body_for(config, "application/octet-stream", config_digest);
    }
    if (path == "/v2/corrupt/blobs/" + layer_digest) {
      return body_for(layer, "application/octet-stream", layer_digest);
    }
    return FakeResponse{404, {}, R"({"errors":[{"code":"NOT_FOUND"}]})"};
  });
  ASSERT_TRUE(server) << server.error().message();
  std::string ref = (*server)->host() + "/corrupt:latest";
  ExpectPullFails(ref, {(*server)->host(), layer_digest});
  // The JSON events (of the last run) end the layer as failed.
  std::map<std::string, std::string> states =
      FinalBlobStates(TransferEvents(last_.out));
  EXPECT_EQ(states[layer_digest], "failed") << last_.out;
  EXPECT_GT((*server)->requests(), 3);
}

}  // namespace
}  // namespace zlayer::integration
