#include "store/store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>

#include "base/temp_dir.h"
#include "store/store_testing.h"

namespace zlayer::store {
namespace {

using testing::Import;
using testing::MakeTestImage;
using testing::TestImage;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = base::TempDir::Create().value();
    root_ = dir_.path() + "/root";
    auto store = Store::Open(root_);
    ASSERT_TRUE(store) << store.error().message();
    store_ = std::make_unique<Store>(std::move(*store));
  }

  ImageRecord MustImport(const TestImage& image,
                         const std::vector<std::string>& names = {}) {
    auto record = Import(*store_, image, names);
    EXPECT_TRUE(record) << record.error().message();
    return record.value_or(ImageRecord{});
  }

  std::vector<std::string> Tags(std::string_view ref) {
    auto image = store_->GetImage(ref);
    EXPECT_TRUE(image) << image.error().message();
    return image ? image->tags : std::vector<std::string>{};
  }

  base::TempDir dir_;
  std::string root_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreTest, OpenCreatesTheLayout) {
  for (std::string sub : {"", "/blobs/sha256", "/tmp", "/index.db"}) {
    struct stat st;
    EXPECT_EQ(::stat((root_ + sub).c_str(), &st), 0) << sub;
  }
  // Reopening an existing root is fine.
  EXPECT_TRUE(Store::Open(root_));
}

TEST_F(StoreTest, OpenRejectsAFile) {
  std::string file = dir_.path() + "/file";
  ASSERT_EQ(::close(::creat(file.c_str(), 0644)), 0);
  auto store = Store::Open(file);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().message(),
            "store " + file + ": create " + file + ": Not a directory");
}

TEST_F(StoreTest, PutImageRecordsEverything) {
  TestImage image = MakeTestImage({"layer one", "layer two!"}, "a");
  ImageRecord record = MustImport(image, {"app", "app:v1"});
  EXPECT_EQ(record.id, image.id);
  EXPECT_EQ(record.manifest_digest, image.manifest_digest);
  EXPECT_EQ(record.manifest_media_type, oci::kOciManifest);
  EXPECT_EQ(record.format(), oci::Format::kOci);
  EXPECT_EQ(record.created, "2024-01-02T03:04:05Z");
  EXPECT_EQ(record.total_size,
            static_cast<int64_t>(image.manifest.size() + image.config.size() +
                                 9 + 10));
  EXPECT_EQ(record.tags, (std::vector<std::string>{"app:latest", "app:v1"}));
  ASSERT_EQ(record.layers.size(), 2u);
  EXPECT_EQ(record.layers[0].digest, base::Digest::Of("layer one"));
  EXPECT_EQ(record.layers[0].diff_id, base::Digest::Of("diff:layer one"));
  EXPECT_EQ(record.layers[1].size, 10);
  EXPECT_EQ(record.layers[1].media_type, oci::kOciLayerGzip);
  // The manifest and config became blobs.
  EXPECT_EQ(store_->blobs().Read(image.id).value(), image.config);
  EXPECT_EQ(store_->blobs().Read(image.manifest_digest).value(),
            image.manifest);
}

TEST_F(StoreTest, DockerFormatAndSharedLayers) {
  TestImage oci = MakeTestImage({"shared"}, "oci");
  TestImage docker =
      MakeTestImage({"shared", "extra"}, "docker", oci::Format::kDocker);
  MustImport(oci, {"o"});
  ImageRecord record = MustImport(docker, {"d"});
  EXPECT_EQ(record.format(), oci::Format::kDocker);
  EXPECT_EQ(record.layers[0].media_type, oci::kDockerLayerGzip);
  // The shared blob keeps each manifest's own media type.
  EXPECT_EQ(store_->GetImage("o")->layers[0].media_type, oci::kOciLayerGzip);
  EXPECT_EQ(record.total_size,
            static_cast<int64_t>(docker.manifest.size() + docker.config.size() +
                                 6 + 5));
}

TEST_F(StoreTest, DuplicateLayersCountOnceInTheSize) {
  TestImage image = MakeTestImage({"same", "same"}, "dup");
  ImageRecord record = MustImport(image);
  EXPECT_EQ(record.layers.size(), 2u);
  EXPECT_EQ(record.total_size, static_cast<int64_t>(image.manifest.size() +
                                                    image.config.size() + 4));
}

TEST_F(StoreTest, PutImageValidatesItsInputs) {
  TestImage image = MakeTestImage({"l1"}, "v");
  // Layer blob absent.
  auto missing = store_->PutImage(image.manifest, image.config);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().message(),
            "layer 0 (" + base::Digest::Of("l1").ToString() + "): blob " +
                base::Digest::Of("l1").ToString() + " not found");
  // Config that does not belong to the manifest.
  TestImage other = MakeTestImage({"l1"}, "other");
  auto mismatch = store_->PutImage(image.manifest, other.config);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().kind(), ErrorKind::kInvalid);
  EXPECT_NE(mismatch.error().message().find("but the config given is"),
            std::string::npos);
  // Malformed documents and names.
  EXPECT_EQ(store_->PutImage("{}", image.config).error().message(),
            "manifest: schemaVersion: required field is missing");
  auto bad_name = Import(*store_, image, {"Bad"});
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().kind(), ErrorKind::kInvalid);
  // Nothing was recorded by the failures.
  EXPECT_TRUE(store_->ListImages()->empty());
}

TEST_F(StoreTest, LayerSizeMustMatchTheManifest) {
  TestImage image = MakeTestImage({"abc"}, "size");
  std::string manifest = image.manifest;
  manifest.replace(manifest.rfind("\"size\":3"), 8, "\"size\":4");
  oci::Manifest parsed = oci::ParseManifest(manifest).value();
  auto lease = store_->AcquireLease().value();
  ASSERT_TRUE(store_->blobs().Put(lease, "abc"));
  auto result = store_->PutImage(manifest, image.config);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(),
            "layer 0 (" + parsed.layers[0].digest.ToString() +
                "): the manifest says 4 bytes, the blob has 3");
}

TEST_F(StoreTest, ResolvesNamesIdsPrefixesAndDigests) {
  TestImage image = MakeTestImage({"r"}, "resolve");
  MustImport(image, {"example.com:5000/team/app:1.0", "app"});
  const std::string id = image.id.ToString();
  const std::string hex(image.id.hex());
  EXPECT_EQ(store_->ResolveImage("app").value(), image.id);
  EXPECT_EQ(store_->ResolveImage("app:latest").value(), image.id);
  EXPECT_EQ(store_->ResolveImage("example.com:5000/team/app:1.0").value(),
            image.id);
  EXPECT_EQ(store_->ResolveImage(id).value(), image.id);
  EXPECT_EQ(store_->ResolveImage(hex.substr(0, 4)).value(), image.id);
  EXPECT_EQ(store_->ResolveImage("sha256:" + hex.substr(0, 12)).value(),
            image.id);
  EXPECT_EQ(
      store_->ResolveImage("app@" + image.manifest_digest.ToString()).value(),
      image.id);

  auto missing = store_->ResolveImage("nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().message(), "no such image: nope:latest");
  EXPECT_EQ(store_->ResolveImage(hex.substr(0, 3)).error().kind(),
            ErrorKind::kNotFound);
  EXPECT_EQ(store_->ResolveImage("Bad Name").error().kind(),
            ErrorKind::kInvalid);
}

TEST_F(StoreTest, AmbiguousPrefixIsAnError) {
  // Find two images whose ids share a first hex digit.
  std::map<char, TestImage> by_first;
  for (int i = 0;; ++i) {
    TestImage image = MakeTestImage({"p"}, "ambiguous" + std::to_string(i));
    char first = image.id.hex()[0];
    if (by_first.contains(first)) {
      MustImport(by_first[first]);
      MustImport(image);
      auto result = store_->ResolveImage("sha256:" + std::string(1, first));
      ASSERT_FALSE(result);
      EXPECT_EQ(result.error().kind(), ErrorKind::kFailed);
      EXPECT_NE(result.error().message().find("is ambiguous"),
                std::string::npos);
      return;
    }
    by_first.emplace(first, image);
  }
}

TEST_F(StoreTest, TagMovesNamesBetweenImages) {
  TestImage a = MakeTestImage({"a"}, "a");
  TestImage b = MakeTestImage({"b"}, "b");
  MustImport(a, {"app:1"});
  MustImport(b);
  ASSERT_TRUE(store_->Tag("app:1", "app:stable"));
  EXPECT_EQ(Tags(a.id.ToString()),
            (std::vector<std::string>{"app:1", "app:stable"}));
  ASSERT_TRUE(store_->Tag(b.id.ToString(), "app:stable"));
  EXPECT_EQ(Tags(a.id.ToString()), (std::vector<std::string>{"app:1"}));
  EXPECT_EQ(Tags(b.id.ToString()), (std::vector<std::string>{"app:stable"}));
  EXPECT_EQ(store_->Tag("nope", "x").error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(store_->Tag("app:1", "X").error().kind(), ErrorKind::kInvalid);
}

TEST_F(StoreTest, UntagKeepsTheImage) {
  TestImage a = MakeTestImage({"a"}, "a");
  MustImport(a, {"app"});
  ASSERT_TRUE(store_->Untag("app"));
  EXPECT_TRUE(Tags(a.id.ToString()).empty());
  auto again = store_->Untag("app");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(again.error().message(), "no such tag: app:latest");
}

TEST_F(StoreTest, RemoveByNameDropsTheImageWithItsLastName) {
  TestImage a = MakeTestImage({"a"}, "a");
  MustImport(a, {"app:1", "app:2"});
  auto first = store_->RemoveImage("app:1");
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->untagged, std::vector<std::string>{"app:1"});
  EXPECT_FALSE(first->deleted);
  auto second = store_->RemoveImage("app:2");
  ASSERT_TRUE(second);
  EXPECT_EQ(second->deleted, a.id);
  EXPECT_TRUE(store_->ListImages()->empty());
  EXPECT_EQ(store_->RemoveImage("app:2").error().kind(), ErrorKind::kNotFound);
}

TEST_F(StoreTest, RemoveByIdHonoursRepositories) {
  TestImage a = MakeTestImage({"a"}, "a");
  MustImport(a, {"one:1", "one:2"});
  auto removal = store_->RemoveImage(a.id.ToString());
  ASSERT_TRUE(removal) << removal.error().message();
  EXPECT_EQ(removal->untagged, (std::vector<std::string>{"one:1", "one:2"}));
  EXPECT_EQ(removal->deleted, a.id);

  MustImport(a, {"one", "two"});
  auto refused = store_->RemoveImage(std::string(a.id.hex().substr(0, 8)));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind(), ErrorKind::kFailed);
  EXPECT_NE(refused.error().message().find("multiple repositories"),
            std::string::npos);
  auto forced = store_->RemoveImage(a.id.ToString(), /*force=*/true);
  ASSERT_TRUE(forced);
  EXPECT_EQ(forced->deleted, a.id);

  // An untagged (dangling) image goes by id.
  MustImport(a);
  EXPECT_TRUE(store_->RemoveImage(a.id.ToString()));
  EXPECT_TRUE(store_->ListImages()->empty());
}

TEST_F(StoreTest, ListImagesNewestFirstWithRealSizes) {
  TestImage a = MakeTestImage({"a"}, "a");
  TestImage b = MakeTestImage({"bbbb"}, "b");
  MustImport(a, {"a"});
  MustImport(b, {"b"});
  auto images = store_->ListImages();
  ASSERT_TRUE(images);
  ASSERT_EQ(images->size(), 2u);
  for (const ImageRecord& image : *images) {
    EXPECT_GT(image.total_size, 0);
    EXPECT_EQ(image.tags.size(), 1u);
    EXPECT_EQ(image.layers.size(), 1u);
  }
}

TEST_F(StoreTest, ReimportWithAnotherManifestReplacesIt) {
  TestImage oci = MakeTestImage({"x"}, "same");
  MustImport(oci, {"app"});
  // Same config, different manifest (annotation), as a recompression or a
  // different exporter would produce.
  oci::Manifest manifest = oci::ParseManifest(oci.manifest).value();
  manifest.annotations["note"] = "second";
  TestImage second = oci;
  second.manifest = oci::SerializeManifest(manifest);
  ImageRecord record = MustImport(second, {"app:2"});
  EXPECT_EQ(record.id, oci.id);
  EXPECT_EQ(record.manifest_digest, base::Digest::Of(second.manifest));
  EXPECT_EQ(record.tags, (std::vector<std::string>{"app:2", "app:latest"}));
  EXPECT_EQ(store_->ListImages()->size(), 1u);
}

}  // namespace
}  // namespace zlayer::store
