// Interoperability with skopeo through a real registry, both ways: what
// zlayer pushes skopeo reads and copies; what skopeo pushes (an OCI
// manifest copied from a zlayer OCI layout, and a Docker schema 2 manifest
// it converted) zlayer pulls with the digest skopeo reports.
#include <filesystem>
#include <memory>

#include "base/file_io.h"
#include "registry/testing/registry_server.h"
#include "tests/integration/registry/registry_fixture.h"

namespace zlayer::integration {
namespace {

using registry::testing::RegistryServer;

class SkopeoInteropTest : public RegistryFixture {
 protected:
  static void SetUpTestSuite() {
    auto server = RegistryServer::StartOpen();
    ASSERT_TRUE(server) << server.error().message();
    registry_ = std::move(*server);
  }
  static void TearDownTestSuite() { registry_.reset(); }

  void SetUp() override {
    ASSERT_NE(registry_, nullptr);
    ASSERT_TRUE(HaveTool("skopeo"));
    RegistryFixture::SetUp();
  }

  static std::string Ref(const std::string& repo_and_tag) {
    return registry_->host() + "/" + repo_and_tag;
  }

  static std::unique_ptr<RegistryServer> registry_;
};

std::unique_ptr<RegistryServer> SkopeoInteropTest::registry_;

TEST_F(SkopeoInteropTest, SkopeoReadsAndCopiesWhatZlayerPushed) {
  std::string ref = Ref(Repo("busybox") + ":v1");
  std::string a = NewRoot();
  Import(a, ref);
  std::string digest = Push(a, ref);

  CommandResult inspect = RunCommand(
      {"skopeo", "inspect", "--tls-verify=false", "docker://" + ref});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  auto json = nlohmann::json::parse(inspect.out, nullptr, false);
  ASSERT_TRUE(json.is_object()) << inspect.out;
  EXPECT_EQ(json.value("Digest", ""), digest);
  std::vector<std::string> layers;
  for (const auto& layer : json["Layers"]) layers.push_back(layer);
  EXPECT_EQ(layers, LayerDigests(a, ref));
  EXPECT_EQ(json.value("Architecture", ""),
            Inspect(a, ref).value("Architecture", "?"));

  std::string layout = temp_.path() + "/copied";
  CommandResult copy = RunCommand({"skopeo", "copy", "--src-tls-verify=false",
                                   "docker://" + ref, "oci:" + layout + ":v1"});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  // Nothing needed converting, so the manifest arrives byte for byte.
  auto index = base::ReadFile(layout + "/index.json");
  ASSERT_TRUE(index.has_value());
  EXPECT_NE(index->find(digest), std::string::npos) << *index;
  EXPECT_TRUE(
      std::filesystem::exists(layout + "/blobs/sha256/" + digest.substr(7)));
  // And zlayer reads skopeo's layout back as the same image.
  std::string b = NewRoot();
  CommandResult imported = Zl(b, {"import", layout, "-t", "copied:v1"});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_EQ(Trim(imported.out), Inspect(a, ref).value("Id", "?"));
}

TEST_F(SkopeoInteropTest, ZlayerPullsWhatSkopeoPushed) {
  std::string a = NewRoot();
  std::string id = Import(a, "other:latest", "made for skopeo");
  std::string layout = temp_.path() + "/layout";
  CommandResult exported =
      Zl(a, {"export", "other:latest", "--format", "oci", "-o", layout});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;

  std::string from_oci = Ref(Repo("from-oci") + ":latest");
  CommandResult copy =
      RunCommand({"skopeo", "copy", "--dest-tls-verify=false",
                  "oci:" + layout + ":latest", "docker://" + from_oci});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  std::string oci_digest = SkopeoDigest(from_oci);
  ASSERT_FALSE(oci_digest.empty());

  std::string b = NewRoot();
  CommandResult pulled = Zl(b, {"pull", "--progress", "plain", from_oci});
  ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_EQ(Trim(pulled.out), id);
  nlohmann::json image = Inspect(b, from_oci);
  EXPECT_EQ(image.value("ManifestDigest", ""), oci_digest);
  EXPECT_EQ(image["Layers"], Inspect(a, "other:latest")["Layers"]);

  // skopeo rewrites the manifest as Docker schema 2: another digest, the
  // same config and layers.
  std::string v2s2 = Ref(Repo("v2s2") + ":latest");
  copy = RunCommand({"skopeo", "copy", "--src-tls-verify=false",
                     "--dest-tls-verify=false", "--format", "v2s2",
                     "docker://" + from_oci, "docker://" + v2s2});
  ASSERT_EQ(copy.exit_code, 0) << copy.err;
  std::string docker_digest = SkopeoDigest(v2s2);
  ASSERT_FALSE(docker_digest.empty());
  EXPECT_NE(docker_digest, oci_digest);
  std::string c = NewRoot();
  EXPECT_EQ(Pull(c, v2s2), id);
  nlohmann::json docker_image = Inspect(c, v2s2);
  EXPECT_EQ(docker_image.value("ManifestDigest", ""), docker_digest);
  EXPECT_EQ(docker_image.value("MediaType", ""),
            "application/vnd.docker.distribution.manifest.v2+json");
  ExpectStoreClean(b);
  ExpectStoreClean(c);
}

}  // namespace
}  // namespace zlayer::integration
