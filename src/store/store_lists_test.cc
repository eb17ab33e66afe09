#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "oci/image_config.h"
#include "oci/index.h"
#include "oci/manifest.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace zlayer::store {
namespace {

using testing::Import;
using testing::MakePlatformImage;
using testing::TestImage;

class StoreListsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = base::TempDir::Create().value();
    store_ = std::make_unique<Store>(Store::Open(dir_.path()).value());
  }
  void ImportAs(const TestImage& image, const std::string& name) {
    auto stored = Import(*store_, image, {name});
    ASSERT_TRUE(stored) << stored.error().message();
  }
  Result<ManifestListEditResult> Edit(const std::string& list,
                                      std::vector<std::string> images,
                                      ListEditMode mode,
                                      std::optional<oci::Format> format = {}) {
    return store_->EditManifestList({list, std::move(images), format, mode});
  }
  bool Has(const base::Digest& digest) {
    return store_->blobs().Has(digest).value();
  }

  base::TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreListsTest, CreateDescribesEachImageWithItsPlatform) {
  TestImage amd = MakePlatformImage("linux", "amd64", "", "amd");
  TestImage arm = MakePlatformImage("linux", "arm64", "v8", "arm");
  ImportAs(amd, "app:amd64");
  ImportAs(arm, "app:arm64");

  auto created =
      Edit("multi", {"app:amd64", "app:arm64"}, ListEditMode::kCreate);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_TRUE(created->replaced.empty());
  EXPECT_EQ(created->list.name, "multi:latest");
  EXPECT_EQ(created->list.media_type, oci::kOciIndex);

  auto list = store_->GetManifestList("multi:latest");
  ASSERT_TRUE(list) << list.error().message();
  EXPECT_EQ(list->record, created->list);
  EXPECT_EQ(base::Digest::Of(list->body), created->list.digest);
  EXPECT_EQ(list->index.media_type, oci::kOciIndex);
  ASSERT_EQ(list->index.manifests.size(), 2u);
  const oci::Descriptor& first = list->index.manifests[0];
  EXPECT_EQ(first.media_type, oci::kOciManifest);
  EXPECT_EQ(first.digest, amd.manifest_digest);
  EXPECT_EQ(first.size, static_cast<int64_t>(amd.manifest.size()));
  ASSERT_TRUE(first.platform);
  EXPECT_EQ(oci::PlatformString(*first.platform), "linux/amd64");
  const oci::Descriptor& second = list->index.manifests[1];
  EXPECT_EQ(second.digest, arm.manifest_digest);
  ASSERT_TRUE(second.platform);
  EXPECT_EQ(oci::PlatformString(*second.platform), "linux/arm64/v8");
}

TEST_F(StoreListsTest, CarriesOsVersionAndFeatures) {
  oci::ImageConfig config;
  config.os = "windows";
  config.architecture = "amd64";
  config.os_version = "10.0.17763.1";
  config.os_features = {"win32k"};
  config.rootfs.diff_ids.push_back(base::Digest::Of("diff:win"));
  std::string config_json = oci::SerializeImageConfig(config);
  std::string manifest = oci::SerializeManifest(oci::MakeManifest(
      oci::Format::kOci, oci::DescribeContent(oci::kOciConfig, config_json),
      {oci::DescribeContent(oci::kOciLayerGzip, "win")}));
  {
    auto lease = store_->AcquireLease().value();
    ASSERT_TRUE(store_->blobs().Put(lease, "win"));
    ASSERT_TRUE(store_->PutImage(manifest, config_json,
                                 std::vector<std::string>{"win"}));
  }
  auto entry = store_->DescribeForList("win");
  ASSERT_TRUE(entry) << entry.error().message();
  ASSERT_TRUE(entry->platform);
  EXPECT_EQ(entry->platform->os, "windows");
  EXPECT_EQ(entry->platform->os_version, "10.0.17763.1");
  EXPECT_EQ(entry->platform->os_features, std::vector<std::string>{"win32k"});
}

TEST_F(StoreListsTest, CreateRefusesAnExistingListUnlessAmending) {
  ImportAs(MakePlatformImage("linux", "amd64", "", "amd"), "app:amd64");
  ImportAs(MakePlatformImage("linux", "arm64", "", "arm"), "app:arm64");
  ASSERT_TRUE(Edit("multi", {"app:amd64"}, ListEditMode::kCreate));

  auto again = Edit("multi:latest", {"app:arm64"}, ListEditMode::kCreate);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().message(),
            "manifest list multi:latest already exists");
  EXPECT_EQ(store_->GetManifestList("multi")->index.manifests.size(), 1u);

  auto amended = Edit("multi", {"app:arm64"}, ListEditMode::kAmend);
  ASSERT_TRUE(amended) << amended.error().message();
  EXPECT_EQ(store_->GetManifestList("multi")->index.manifests.size(), 2u);
  // Amending creates a list that does not exist.
  ASSERT_TRUE(Edit("fresh", {"app:arm64"}, ListEditMode::kAmend));
}

TEST_F(StoreListsTest, AddReplacesTheEntryForTheSamePlatformInPlace) {
  TestImage old_amd = MakePlatformImage("linux", "amd64", "", "old");
  TestImage arm = MakePlatformImage("linux", "arm64", "", "arm");
  TestImage new_amd = MakePlatformImage("linux", "amd64", "", "new");
  ImportAs(old_amd, "app:old");
  ImportAs(arm, "app:arm");
  ImportAs(new_amd, "app:new");
  ASSERT_TRUE(Edit("multi", {"app:old", "app:arm"}, ListEditMode::kCreate));

  auto added = Edit("multi", {"app:new"}, ListEditMode::kAdd);
  ASSERT_TRUE(added) << added.error().message();
  ASSERT_EQ(added->replaced.size(), 1u);
  EXPECT_EQ(added->replaced[0],
            "linux/amd64: " + old_amd.manifest_digest.ToString() +
                " replaced by " + new_amd.manifest_digest.ToString() +
                " (image app:new)");
  auto list = store_->GetManifestList("multi").value();
  ASSERT_EQ(list.index.manifests.size(), 2u);
  EXPECT_EQ(list.index.manifests[0].digest, new_amd.manifest_digest);
  EXPECT_EQ(list.index.manifests[1].digest, arm.manifest_digest);

  // The same image again changes nothing and reports nothing.
  auto same = Edit("multi", {"app:new"}, ListEditMode::kAdd);
  ASSERT_TRUE(same);
  EXPECT_TRUE(same->replaced.empty());
  EXPECT_EQ(same->list.digest, list.record.digest);
}

TEST_F(StoreListsTest, AddNeedsAnExistingListAndKnownImages) {
  ImportAs(MakePlatformImage("linux", "amd64", "", "amd"), "app:amd64");
  auto missing = Edit("nolist", {"app:amd64"}, ListEditMode::kAdd);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(missing.error().message(), "no such manifest list: nolist:latest");

  ASSERT_TRUE(Edit("multi", {"app:amd64"}, ListEditMode::kCreate));
  auto before = store_->GetManifestList("multi").value();
  auto unknown = Edit("multi", {"app:amd64", "ghost"}, ListEditMode::kAdd);
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("ghost"), std::string::npos)
      << unknown.error().message();
  // Nothing half-written.
  EXPECT_EQ(store_->GetManifestList("multi")->record.digest,
            before.record.digest);
  EXPECT_FALSE(store_->FindManifestList("ghost").value());
}

TEST_F(StoreListsTest, DockerListTakesOnlyDockerImages) {
  ImportAs(
      MakePlatformImage("linux", "amd64", "", "d-amd", oci::Format::kDocker),
      "d:amd64");
  ImportAs(MakePlatformImage("linux", "arm64", "", "o-arm"), "o:arm64");

  auto refused = Edit("dlist", {"d:amd64", "o:arm64"}, ListEditMode::kCreate,
                      oci::Format::kDocker);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(),
            "image o:arm64 is in OCI format; a Docker manifest list "
            "(dlist:latest) can only hold Docker-format images: build it "
            "with --format docker");
  EXPECT_FALSE(store_->FindManifestList("dlist").value());

  auto created =
      Edit("dlist", {"d:amd64"}, ListEditMode::kCreate, oci::Format::kDocker);
  ASSERT_TRUE(created) << created.error().message();
  EXPECT_EQ(created->list.media_type, oci::kDockerManifestList);
  auto list = store_->GetManifestList("dlist").value();
  EXPECT_EQ(list.index.media_type, oci::kDockerManifestList);
  ASSERT_EQ(list.index.manifests.size(), 1u);
  EXPECT_EQ(list.index.manifests[0].media_type, oci::kDockerManifest);

  // An OCI index may hold Docker-format images, as in podman.
  ASSERT_TRUE(Edit("olist", {"d:amd64", "o:arm64"}, ListEditMode::kCreate));

  auto other =
      Edit("dlist", {"d:amd64"}, ListEditMode::kAmend, oci::Format::kOci);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message(),
            "manifest list dlist:latest is in docker format, not oci");
}

TEST_F(StoreListsTest, GcKeepsTheBodyWhileTheListExists) {
  ImportAs(MakePlatformImage("linux", "amd64", "", "amd"), "app:amd64");
  ImportAs(MakePlatformImage("linux", "arm64", "", "arm"), "app:arm64");
  auto first = Edit("multi", {"app:amd64"}, ListEditMode::kCreate).value();
  ASSERT_TRUE(store_->GarbageCollect());
  EXPECT_TRUE(Has(first.list.digest));

  // Replacing the body unpins the old one.
  auto second = Edit("multi", {"app:arm64"}, ListEditMode::kAdd).value();
  ASSERT_NE(second.list.digest, first.list.digest);
  auto stats = store_->GarbageCollect();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->blobs_removed, 1);
  EXPECT_FALSE(Has(first.list.digest));
  EXPECT_TRUE(Has(second.list.digest));
  EXPECT_TRUE(store_->VerifyAll()->ok());

  auto removed = store_->RemoveManifestList("multi");
  ASSERT_TRUE(removed) << removed.error().message();
  EXPECT_EQ(removed->digest, second.list.digest);
  EXPECT_FALSE(store_->FindManifestList("multi").value());
  stats = store_->GarbageCollect();
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->blobs_removed, 1);
  EXPECT_FALSE(Has(second.list.digest));
  // The images stay: a list does not own them.
  EXPECT_TRUE(store_->GetImage("app:amd64"));

  auto again = store_->RemoveManifestList("multi");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(again.error().message(), "no such manifest list: multi:latest");
}

TEST_F(StoreListsTest, PutRefusesStaleEditsAndNonIndexes) {
  oci::Index index = oci::MakeIndex(oci::Format::kOci);
  std::string body = oci::SerializeIndex(index);
  auto put = store_->PutManifestList("raw", body, std::nullopt);
  ASSERT_TRUE(put) << put.error().message();
  EXPECT_EQ(store_->GetManifestList("raw")->body, body);

  auto stale = store_->PutManifestList("raw", body, base::Digest::Of("x"));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().message(),
            "manifest list raw:latest was changed by another process "
            "meanwhile; try again");
  auto exists = store_->PutManifestList("raw", body, std::nullopt);
  ASSERT_FALSE(exists);

  index.annotations["k"] = "v";
  std::string changed = oci::SerializeIndex(index);
  ASSERT_TRUE(store_->PutManifestList("raw", changed, put->digest));
  EXPECT_EQ(store_->GetManifestList("raw")->body, changed);

  TestImage image = MakePlatformImage("linux", "amd64", "", "x");
  auto manifest = store_->PutManifestList("bad", image.manifest, std::nullopt);
  ASSERT_FALSE(manifest);
  EXPECT_EQ(manifest.error().message(),
            "manifest list bad:latest: index: this is an image manifest, not "
            "an index");
  auto bad_name = store_->PutManifestList("Bad", body, std::nullopt);
  ASSERT_FALSE(bad_name);
  EXPECT_EQ(bad_name.error().kind(), ErrorKind::kInvalid);
}

}  // namespace
}  // namespace zlayer::store
