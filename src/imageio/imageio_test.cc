#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "extract/tar_testing.h"
#include "imageio/export.h"
#include "imageio/image_json.h"
#include "imageio/import.h"
#include "imageio/oci_layout_import.h"
#include "oci/index.h"
#include "oci/platform.h"

namespace zlayer::imageio {
namespace {

using extract::testing::TarBuilder;

class ImageIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    temp_ = base::TempDir::Create().value();
    store_.emplace(store::Store::Open(temp_.path() + "/root").value());
    rootfs_ = temp_.path() + "/rootfs.tar.gz";
    std::string tar = TarBuilder()
                          .Dir("etc")
                          .File("etc/hostname", "box\n")
                          .Symlink("etc/link", "hostname")
                          .Finish();
    ASSERT_TRUE(base::WriteFileAtomic(rootfs_,
                                      extract::testing::Compress(tar, "gzip")));
  }

  store::ImageRecord ImportSample() {
    auto image = ImportImage(*store_, rootfs_, {.name = "sample:v1"});
    EXPECT_TRUE(image.has_value()) << image.error().message();
    return *image;
  }

  store::Store OtherStore() {
    return store::Store::Open(temp_.path() + "/other").value();
  }

  base::TempDir temp_;
  std::optional<store::Store> store_;
  std::string rootfs_;
};

TEST_F(ImageIoTest, RootfsTarballBecomesOneGzipLayer) {
  store::ImageRecord image = ImportSample();
  ASSERT_EQ(image.layers.size(), 1u);
  EXPECT_EQ(image.layers[0].media_type,
            "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(image.tags, std::vector<std::string>{"sample:v1"});
  auto config = nlohmann::json::parse(store_->blobs().Read(image.id).value());
  EXPECT_EQ(config["architecture"], oci::HostPlatform().architecture);
  EXPECT_EQ(config["history"].size(), 1u);
  EXPECT_TRUE(std::filesystem::is_empty(temp_.path() + "/root/tmp"));
}

TEST_F(ImageIoTest, OciLayoutRoundTripKeepsTheImage) {
  store::ImageRecord image = ImportSample();
  std::string layout = temp_.path() + "/layout";
  ASSERT_TRUE(
      ExportImage(*store_, "sample:v1", ExportFormat::kOciLayout, layout));
  auto index =
      nlohmann::json::parse(base::ReadFile(layout + "/index.json").value());
  EXPECT_EQ(
      index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"],
      "v1");
  // Blobs are hard links to the store's files on the same filesystem.
  struct stat st;
  ASSERT_EQ(::stat((layout + "/blobs/sha256/" +
                    std::string(image.layers[0].digest.hex()))
                       .c_str(),
                   &st),
            0);
  EXPECT_EQ(st.st_nlink, 2u);

  store::Store other = OtherStore();
  auto again = ImportImage(other, layout);
  ASSERT_TRUE(again.has_value()) << again.error().message();
  EXPECT_EQ(again->id, image.id);
  EXPECT_EQ(again->manifest_digest, image.manifest_digest);
  EXPECT_EQ(again->tags, std::vector<std::string>{"sample:v1"});
}

TEST_F(ImageIoTest, ArchivesRoundTripKeepTheImageId) {
  store::ImageRecord image = ImportSample();
  for (ExportFormat format :
       {ExportFormat::kOciArchive, ExportFormat::kDockerArchive}) {
    std::string path = temp_.path() + "/image.tar";
    std::filesystem::remove(path);
    ASSERT_TRUE(ExportImage(*store_, image.id.ToString(), format, path));
    store::Store other = OtherStore();
    auto again = ImportImage(other, path, {.name = "copy:1"});
    ASSERT_TRUE(again.has_value()) << again.error().message();
    EXPECT_EQ(again->id, image.id);
    EXPECT_EQ(again->layers[0].diff_id, image.layers[0].diff_id);
  }
}

TEST_F(ImageIoTest, ExportIsAllOrNothing) {
  std::string path = temp_.path() + "/out";
  auto missing =
      ExportImage(*store_, "nosuch:1", ExportFormat::kOciLayout, path);
  EXPECT_FALSE(missing.has_value());
  EXPECT_FALSE(std::filesystem::exists(path));
  for (const auto& entry : std::filesystem::directory_iterator(temp_.path())) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp-"),
              std::string::npos);
  }
}

TEST_F(ImageIoTest, FailedImportLeavesNothing) {
  std::string bad = temp_.path() + "/bad.tar";
  ASSERT_TRUE(base::WriteFileAtomic(
      bad, TarBuilder().File("ok", "1").File("../escape", "x").Finish()));
  auto result = ImportImage(*store_, bad, {.name = "bad:1"});
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message().find("\"../escape\""), std::string::npos)
      << result.error().message();
  EXPECT_TRUE(store_->ListImages().value().empty());
  EXPECT_TRUE(std::filesystem::is_empty(temp_.path() + "/root/tmp"));
  EXPECT_EQ(store_->DiskUsage().value().blobs, 0);
}

TEST_F(ImageIoTest, SelectsTheHostPlatformFromANestedIndex) {
  store::ImageRecord image = ImportSample();
  std::string layout = temp_.path() + "/layout";
  ASSERT_TRUE(
      ExportImage(*store_, "sample:v1", ExportFormat::kOciLayout, layout));
  oci::Index nested = oci::MakeIndex(oci::Format::kOci);
  oci::Descriptor other{.media_type = std::string(oci::kOciManifest),
                        .digest = base::Digest::Of("elsewhere"),
                        .size = 9};
  other.platform = oci::Platform{.architecture = "s390x", .os = "linux"};
  oci::Descriptor here{.media_type = image.manifest_media_type,
                       .digest = image.manifest_digest,
                       .size = image.manifest_size};
  here.platform = oci::HostPlatform();
  nested.manifests = {other, here};
  std::string nested_text = oci::SerializeIndex(nested);
  ASSERT_TRUE(base::WriteFileAtomic(
      layout + "/blobs/sha256/" + base::Sha256Hex(nested_text), nested_text));
  oci::Index top = oci::MakeIndex(oci::Format::kOci);
  top.manifests = {oci::DescribeContent(oci::kOciIndex, nested_text)};
  auto chosen = SelectLayoutImage(LayoutBlobs(layout), top);
  ASSERT_TRUE(chosen.has_value()) << chosen.error().message();
  EXPECT_EQ(chosen->manifest.digest, image.manifest_digest);
}

TEST(ExportFormatTest, ParsesTheThreeFormats) {
  EXPECT_EQ(ParseExportFormat("oci").value(), ExportFormat::kOciLayout);
  EXPECT_EQ(ParseExportFormat("oci-archive").value(),
            ExportFormat::kOciArchive);
  EXPECT_EQ(ParseExportFormat("docker-archive").value(),
            ExportFormat::kDockerArchive);
  EXPECT_EQ(ParseExportFormat("tar").error().kind(), ErrorKind::kUsage);
}

TEST(CreatedAgoTest, ReadsLikeDocker) {
  auto now = std::chrono::sys_days(std::chrono::year(2024) /
                                   std::chrono::January / 10) +
             std::chrono::hours(12);
  EXPECT_EQ(CreatedAgo("2024-01-10T11:59:30Z", now), "30 seconds ago");
  EXPECT_EQ(CreatedAgo("2024-01-10T09:00:00Z", now), "3 hours ago");
  EXPECT_EQ(CreatedAgo("2024-01-03T12:00:00Z", now), "7 days ago");
  EXPECT_EQ(CreatedAgo("", now), "N/A");
}

TEST(NameFromAnnotationsTest, PrefersTheFullName) {
  EXPECT_EQ(NameFromAnnotations({{"io.containerd.image.name", "a/b:1"},
                                 {"org.opencontainers.image.ref.name", "1"}}),
            "a/b:1");
  EXPECT_EQ(NameFromAnnotations({{"org.opencontainers.image.ref.name", "v1"}}),
            "");
  EXPECT_EQ(
      NameFromAnnotations({{"org.opencontainers.image.ref.name", "x/y:v1"}}),
      "x/y:v1");
}

}  // namespace
}  // namespace zlayer::imageio
