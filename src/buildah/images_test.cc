#include "buildah/images.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "oci/image_config.h"
#include "oci/manifest.h"

namespace zlayer::buildah {
namespace {

constexpr char kLayer[] =
    "sha256:1111111111111111111111111111111111111111111111111111111111111111";

std::string ConfigText(std::vector<std::string> on_build) {
  oci::ImageConfig config;
  config.architecture = "amd64";
  config.os = "linux";
  config.config.env = {"A=1"};
  config.config.on_build = std::move(on_build);
  config.rootfs.diff_ids = {*base::Digest::Parse(kLayer)};
  return oci::SerializeImageConfig(config);
}

std::string ManifestText(const std::string& config) {
  return oci::SerializeManifest(oci::MakeManifest(
      oci::Format::kDocker, oci::DescribeContent(oci::kDockerConfig, config),
      {oci::Descriptor{.media_type = std::string(oci::kDockerLayerGzip),
                       .digest = *base::Digest::Parse(kLayer),
                       .size = 10}}));
}

TEST(BaseDocumentsTest, UnchangedWithoutOnbuild) {
  std::string config = ConfigText({});
  std::string manifest = ManifestText(config);
  auto documents = BaseDocuments(manifest, config);
  ASSERT_TRUE(documents) << documents.error().message();
  EXPECT_EQ(documents->config, config);
  EXPECT_EQ(documents->manifest, manifest);
}

TEST(BaseDocumentsTest, OnbuildDroppedAndManifestRepointed) {
  std::string config = ConfigText({"RUN touch /x"});
  auto documents = BaseDocuments(ManifestText(config), config);
  ASSERT_TRUE(documents) << documents.error().message();
  auto parsed = oci::ParseImageConfig(documents->config);
  ASSERT_TRUE(parsed);
  EXPECT_TRUE(parsed->config.on_build.empty());
  EXPECT_EQ(parsed->config.env, std::vector<std::string>{"A=1"});
  auto manifest = oci::ParseManifest(documents->manifest);
  ASSERT_TRUE(manifest);
  EXPECT_EQ(manifest->config.digest, base::Digest::Of(documents->config));
  EXPECT_EQ(manifest->config.size,
            static_cast<int64_t>(documents->config.size()));
  EXPECT_EQ(manifest->media_type, oci::kDockerManifest);
  EXPECT_EQ(manifest->layers.size(), 1u);
}

TEST(DirToLayoutTest, BuildahDirBecomesAnOciLayout) {
  auto temp = base::TempDir::Create();
  ASSERT_TRUE(temp);
  std::string dir = temp->path() + "/image";
  std::filesystem::create_directories(dir);
  std::string layer = "layer bytes";
  std::string config = "{\"config\":{}}";
  std::string layer_hex(base::Digest::Of(layer).hex());
  std::string config_hex(base::Digest::Of(config).hex());
  std::string manifest = oci::SerializeManifest(oci::MakeManifest(
      oci::Format::kOci, oci::DescribeContent(oci::kOciConfig, config),
      {oci::DescribeContent(oci::kOciLayerGzip, layer)}));
  ASSERT_TRUE(base::WriteFileAtomic(dir + "/manifest.json", manifest));
  ASSERT_TRUE(base::WriteFileAtomic(dir + "/version", "Directory Transport"));
  ASSERT_TRUE(base::WriteFileAtomic(dir + "/" + layer_hex, layer));
  ASSERT_TRUE(base::WriteFileAtomic(dir + "/" + config_hex, config));

  Status status = DirToLayout(dir);
  ASSERT_TRUE(status) << status.error().message();
  EXPECT_EQ(*base::ReadFile(dir + "/blobs/sha256/" + layer_hex), layer);
  EXPECT_EQ(*base::ReadFile(dir + "/blobs/sha256/" + config_hex), config);
  std::string manifest_hex(base::Digest::Of(manifest).hex());
  EXPECT_EQ(*base::ReadFile(dir + "/blobs/sha256/" + manifest_hex), manifest);
  auto index = nlohmann::json::parse(*base::ReadFile(dir + "/index.json"));
  ASSERT_EQ(index["manifests"].size(), 1u);
  EXPECT_EQ(index["manifests"][0]["digest"], "sha256:" + manifest_hex);
  EXPECT_EQ(index["manifests"][0]["mediaType"], oci::kOciManifest);
  EXPECT_EQ(index["manifests"][0]["size"], manifest.size());
  EXPECT_TRUE(std::filesystem::exists(dir + "/oci-layout"));
}

TEST(DirToLayoutTest, MissingBlobIsAnError) {
  auto temp = base::TempDir::Create();
  ASSERT_TRUE(temp);
  std::string manifest = oci::SerializeManifest(oci::MakeManifest(
      oci::Format::kOci, oci::DescribeContent(oci::kOciConfig, "{}"), {}));
  ASSERT_TRUE(base::WriteFileAtomic(temp->path() + "/manifest.json", manifest));
  EXPECT_FALSE(DirToLayout(temp->path()));
}

}  // namespace
}  // namespace zlayer::buildah
