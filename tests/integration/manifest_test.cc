// `zlayer manifest create/add/inspect/rm/push` end to end: two images
// built for linux/amd64 and linux/arm64 (FROM scratch + COPY, which runs
// nothing), listed, pushed to a real docker-registry, and read back by
// skopeo, which must see the index and pick the arm64 image for arm64.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/sha256.h"
#include "base/temp_dir.h"
#include "registry/testing/registry_server.h"
#include "tests/integration/cli_runner.h"

namespace zlayer::integration {
namespace {

using registry::testing::RegistryServer;

// The last non-empty line of `text`.
std::string LastLine(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  size_t newline = trimmed.rfind('\n');
  return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

class ManifestTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = RegistryServer::StartOpen();
    ASSERT_TRUE(server) << server.error().message();
    server_ = std::move(*server).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    if (!HaveTool("skopeo")) GTEST_SKIP() << "skopeo is not installed";
    temp_ = *base::TempDir::Create("", "zlayer-manifest-test-");
    root_ = temp_.path() + "/root";
    context_ = temp_.path() + "/context";
    std::filesystem::create_directories(context_);
    std::ofstream(context_ + "/Dockerfile")
        << "FROM scratch\nCOPY hello.txt /hello.txt\n";
    std::ofstream(context_ + "/hello.txt") << "hello from every platform\n";
  }

  CommandResult Zlayer(const std::vector<std::string>& args) {
    return RunZlayer(root_, args);
  }
  // Builds the context for `platform` as `tag`; returns the image id.
  std::string Build(const std::string& platform, const std::string& tag,
                    const std::string& format) {
    CommandResult built =
        Zlayer({"build", "--progress=plain", "--platform", platform, "--format",
                format, "-t", tag, context_});
    EXPECT_EQ(built.exit_code, 0) << built.err;
    return LastLine(built.out);
  }
  // The manifest digest `zlayer inspect` reports for `image`.
  std::string ManifestDigest(const std::string& image) {
    CommandResult inspected = Zlayer({"inspect", image});
    EXPECT_EQ(inspected.exit_code, 0) << inspected.err;
    auto json = nlohmann::json::parse(inspected.out, nullptr, false);
    EXPECT_TRUE(json.is_object()) << inspected.out;
    if (!json.is_object()) return "";
    if (json.contains("ManifestDigest") && json["ManifestDigest"].is_string()) {
      return json["ManifestDigest"];
    }
    ADD_FAILURE() << "no ManifestDigest in " << inspected.out;
    return "";
  }
  static std::string Remote(const std::string& repo_and_tag) {
    return server_->host() + "/" + repo_and_tag;
  }
  static CommandResult Skopeo(std::vector<std::string> args) {
    args.insert(args.begin(), "skopeo");
    return RunCommand(args);
  }

  // Two platform images in `format`, listed as `list` in the same format,
  // pushed to `dest`: what skopeo then sees.
  void RoundTrip(const std::string& format, const std::string& list,
                 const std::string& dest, std::string_view list_media_type,
                 std::string_view manifest_media_type) {
    Build("linux/amd64", "app:amd64", format);
    Build("linux/arm64", "app:arm64", format);
    std::string arm_digest = ManifestDigest("app:arm64");
    std::string amd_digest = ManifestDigest("app:amd64");
    ASSERT_NE(arm_digest, amd_digest);

    CommandResult created = Zlayer({"manifest", "create", "--format", format,
                                    list, "app:amd64", "app:arm64"});
    ASSERT_EQ(created.exit_code, 0) << created.err;
    std::string list_digest = LastLine(created.out);
    ASSERT_EQ(list_digest.rfind("sha256:", 0), 0u) << created.out;

    CommandResult inspected = Zlayer({"manifest", "inspect", list});
    ASSERT_EQ(inspected.exit_code, 0) << inspected.err;
    auto index = nlohmann::json::parse(inspected.out, nullptr, false);
    ASSERT_TRUE(index.is_object()) << inspected.out;
    // Four-space indentation, as podman prints.
    EXPECT_NE(inspected.out.find("\n    \"mediaType\""), std::string::npos)
        << inspected.out;
    EXPECT_EQ(index["mediaType"], list_media_type);
    ASSERT_EQ(index["manifests"].size(), 2u);
    EXPECT_EQ(index["manifests"][0]["digest"], amd_digest);
    EXPECT_EQ(index["manifests"][0]["mediaType"], manifest_media_type);
    EXPECT_EQ(index["manifests"][0]["platform"]["architecture"], "amd64");
    EXPECT_EQ(index["manifests"][1]["digest"], arm_digest);
    EXPECT_EQ(index["manifests"][1]["platform"]["architecture"], "arm64");
    EXPECT_EQ(index["manifests"][1]["platform"]["os"], "linux");

    CommandResult pushed =
        Zlayer({"manifest", "push", "--tls-verify=false", list, Remote(dest)});
    ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
    EXPECT_EQ(pushed.out, list_digest + "\n");

    CommandResult raw = Skopeo(
        {"inspect", "--raw", "--tls-verify=false", "docker://" + Remote(dest)});
    ASSERT_EQ(raw.exit_code, 0) << raw.err;
    EXPECT_EQ(base::Digest::Of(raw.out).ToString(), list_digest);
    auto served = nlohmann::json::parse(raw.out, nullptr, false);
    ASSERT_TRUE(served.is_object()) << raw.out;
    EXPECT_EQ(served["mediaType"], list_media_type);
    EXPECT_EQ(served["manifests"].size(), 2u);

    for (const auto& [arch, digest] :
         {std::pair{"arm64", arm_digest}, std::pair{"amd64", amd_digest}}) {
      CommandResult picked =
          Skopeo({"inspect", "--override-os", "linux", "--override-arch", arch,
                  "--tls-verify=false", "docker://" + Remote(dest)});
      ASSERT_EQ(picked.exit_code, 0) << picked.err;
      auto image = nlohmann::json::parse(picked.out, nullptr, false);
      ASSERT_TRUE(image.is_object()) << picked.out;
      // skopeo reports the digest it was served, the index's.
      EXPECT_EQ(image["Digest"], list_digest);
      EXPECT_EQ(image["Architecture"], arch);
      // The image it picks, copied as is (dir: keeps the manifest bytes).
      std::string copy = temp_.path() + "/copy-" + format + "-" + arch;
      CommandResult copied =
          Skopeo({"copy", "--override-os", "linux", "--override-arch", arch,
                  "--src-tls-verify=false", "docker://" + Remote(dest),
                  "dir:" + copy});
      ASSERT_EQ(copied.exit_code, 0) << copied.err;
      std::ifstream file(copy + "/manifest.json", std::ios::binary);
      std::string manifest((std::istreambuf_iterator<char>(file)),
                           std::istreambuf_iterator<char>());
      EXPECT_EQ(base::Digest::Of(manifest).ToString(), digest) << arch;
    }

    // Not a local list but a registry reference: fetched and printed.
    CommandResult remote =
        Zlayer({"manifest", "inspect", "--tls-verify=false", Remote(dest)});
    ASSERT_EQ(remote.exit_code, 0) << remote.err;
    EXPECT_EQ(remote.out, inspected.out);
  }

  static inline RegistryServer* server_ = nullptr;
  base::TempDir temp_;
  std::string root_;
  std::string context_;
};

TEST_F(ManifestTest, OciIndexPushedAndReadBySkopeo) {
  RoundTrip("oci", "multi", "lists/oci:v1",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.oci.image.manifest.v1+json");
}

TEST_F(ManifestTest, DockerManifestListPushedAndReadBySkopeo) {
  RoundTrip("docker", "dmulti", "lists/docker:v1",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.docker.distribution.manifest.v2+json");
}

TEST_F(ManifestTest, DockerListRefusesOciImages) {
  Build("linux/amd64", "oci:amd64", "oci");
  CommandResult refused =
      Zlayer({"manifest", "create", "--format", "docker", "dl", "oci:amd64"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.err,
            "error: image oci:amd64 is in OCI format; a Docker manifest list "
            "(dl:latest) can only hold Docker-format images: build it with "
            "--format docker\n");
  EXPECT_EQ(refused.out, "");
  CommandResult removed = Zlayer({"manifest", "rm", "dl"});
  EXPECT_EQ(removed.exit_code, 1);
  EXPECT_EQ(removed.err, "error: no such manifest list: dl:latest\n");
}

TEST_F(ManifestTest, CreateAmendAddReplaceAndRemove) {
  Build("linux/amd64", "app:amd64", "oci");
  Build("linux/arm64", "app:arm64", "oci");
  ASSERT_EQ(Zlayer({"manifest", "create", "edit", "app:amd64"}).exit_code, 0);

  CommandResult again = Zlayer({"manifest", "create", "edit", "app:arm64"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err,
            "error: manifest list edit:latest already exists; use --amend to "
            "add to it\n");
  CommandResult amended =
      Zlayer({"manifest", "create", "--amend", "edit", "app:arm64"});
  ASSERT_EQ(amended.exit_code, 0) << amended.err;

  // Another amd64 image takes the amd64 entry's place.
  std::ofstream(context_ + "/hello.txt") << "a newer amd64 build\n";
  Build("linux/amd64", "app:amd64-new", "oci");
  std::string old_amd = ManifestDigest("app:amd64");
  std::string new_amd = ManifestDigest("app:amd64-new");
  CommandResult added = Zlayer({"manifest", "add", "edit", "app:amd64-new"});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(added.err, "replaced linux/amd64: " + old_amd + " replaced by " +
                           new_amd + " (image app:amd64-new)\n");
  CommandResult inspected = Zlayer({"manifest", "inspect", "edit"});
  auto index = nlohmann::json::parse(inspected.out, nullptr, false);
  ASSERT_EQ(index["manifests"].size(), 2u) << inspected.out;
  EXPECT_EQ(index["manifests"][0]["digest"], new_amd);

  CommandResult removed = Zlayer({"manifest", "rm", "edit"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(removed.out.rfind("Untagged: edit:latest\nDeleted: sha256:", 0), 0u)
      << removed.out;
  CommandResult add_gone = Zlayer({"manifest", "add", "edit", "app:amd64"});
  EXPECT_EQ(add_gone.exit_code, 1);
  EXPECT_EQ(add_gone.err, "error: no such manifest list: edit:latest\n");
  // The images stay.
  EXPECT_EQ(Zlayer({"inspect", "app:arm64"}).exit_code, 0);
}

TEST_F(ManifestTest, PushOfAListWithARemovedImageSendsNothing) {
  Build("linux/amd64", "app:amd64", "oci");
  Build("linux/arm64", "app:arm64", "oci");
  std::string arm = ManifestDigest("app:arm64");
  ASSERT_EQ(Zlayer({"manifest", "create", "broken", "app:amd64", "app:arm64"})
                .exit_code,
            0);
  ASSERT_EQ(Zlayer({"rmi", "app:arm64"}).exit_code, 0);

  CommandResult pushed = Zlayer({"manifest", "push", "--tls-verify=false",
                                 "broken", Remote("lists/broken:v1")});
  EXPECT_EQ(pushed.exit_code, 1);
  EXPECT_EQ(pushed.out, "");
  EXPECT_EQ(pushed.err, "error: push manifest list broken:latest to " +
                            Remote("lists/broken:v1") +
                            ": entry 1 (linux/arm64) " + arm +
                            ": the image is no longer in the store; add it "
                            "again or remove the entry\n");
  CommandResult raw = Skopeo({"inspect", "--raw", "--tls-verify=false",
                              "docker://" + Remote("lists/broken:v1")});
  EXPECT_NE(raw.exit_code, 0);
}

TEST_F(ManifestTest, PushWithoutImagesPutsOnlyTheList) {
  Build("linux/amd64", "app:amd64", "oci");
  Build("linux/arm64", "app:arm64", "oci");
  CommandResult created =
      Zlayer({"manifest", "create", "bodyonly", "app:amd64", "app:arm64"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  ASSERT_EQ(Zlayer({"manifest", "push", "--tls-verify=false", "bodyonly",
                    Remote("lists/body:v1")})
                .exit_code,
            0);
  CommandResult again =
      Zlayer({"manifest", "push", "--all=false", "--tls-verify=false",
              "bodyonly", Remote("lists/body:v2")});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.out, created.out);
  // No image was pushed this time.
  EXPECT_EQ(again.err.find("pushed image"), std::string::npos) << again.err;
  CommandResult raw = Skopeo({"inspect", "--raw", "--tls-verify=false",
                              "docker://" + Remote("lists/body:v2")});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  EXPECT_EQ(base::Digest::Of(raw.out).ToString() + "\n", created.out);
}

}  // namespace
}  // namespace zlayer::integration
