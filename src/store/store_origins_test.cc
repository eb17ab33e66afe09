#include <gtest/gtest.h>

#include "base/temp_dir.h"
#include "store/store.h"
#include "store/store_testing.h"

namespace zlayer::store {
namespace {

using testing::Import;
using testing::MakeTestImage;
using testing::TestImage;

class StoreOriginsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create("", "zlayer-origins-");
    ASSERT_TRUE(dir) << dir.error().message();
    dir_ = std::move(*dir);
    auto store = Store::Open(dir_.path() + "/root");
    ASSERT_TRUE(store) << store.error().message();
    store_.emplace(std::move(*store));
  }

  ImageOrigin Origin(const std::string& name, const ImageRecord& image) {
    return ImageOrigin{.name = name,
                       .image_id = image.id,
                       .reference = "127.0.0.1:5000/" + name,
                       .served_digest = base::Digest::Of("index of " + name)};
  }

  base::TempDir dir_;
  std::optional<Store> store_;
};

TEST_F(StoreOriginsTest, RecordedUnderTheNormalizedNameWithATime) {
  store_->SetClockForTesting([] { return int64_t{1700000000}; });
  auto image = Import(*store_, MakeTestImage({"l"}, "a"), {"app"});
  ASSERT_TRUE(image) << image.error().message();
  ASSERT_TRUE(store_->PutImageOrigin(Origin("app", *image)));
  auto got = store_->GetImageOrigin("app:latest");
  ASSERT_TRUE(got) << got.error().message();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->name, "app:latest");
  EXPECT_EQ((*got)->image_id, image->id);
  EXPECT_EQ((*got)->reference, "127.0.0.1:5000/app");
  EXPECT_EQ((*got)->served_digest, base::Digest::Of("index of app"));
  EXPECT_EQ((*got)->pulled_at, 1700000000);
  EXPECT_FALSE(store_->GetImageOrigin("other").value().has_value());
}

TEST_F(StoreOriginsTest, ANameThatMovedOrWentHasNoOrigin) {
  auto first = Import(*store_, MakeTestImage({"l"}, "a"), {"app", "keep"});
  ASSERT_TRUE(first);
  ASSERT_TRUE(store_->PutImageOrigin(Origin("app", *first)));
  ASSERT_TRUE(store_->PutImageOrigin(Origin("keep", *first)));
  // A local build or import takes the name over.
  ASSERT_TRUE(Import(*store_, MakeTestImage({"m"}, "b"), {"app"}));
  EXPECT_FALSE(store_->GetImageOrigin("app").value().has_value());
  EXPECT_TRUE(store_->GetImageOrigin("keep").value().has_value());
  auto all = store_->ListImageOrigins();
  ASSERT_TRUE(all) << all.error().message();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->front().name, "keep:latest");
  // Removing the image drops its rows with it.
  ASSERT_TRUE(store_->RemoveImage(first->id.ToString(), true));
  EXPECT_FALSE(store_->GetImageOrigin("keep").value().has_value());
}

TEST_F(StoreOriginsTest, TheImageMustExistAndTheNameBeValid) {
  auto image = Import(*store_, MakeTestImage({"l"}, "a"), {"app"});
  ASSERT_TRUE(image);
  ImageOrigin unknown = Origin("app", *image);
  unknown.image_id = base::Digest::Of("nothing");
  EXPECT_FALSE(store_->PutImageOrigin(unknown));
  EXPECT_FALSE(store_->PutImageOrigin(Origin("Bad Name", *image)));
}

}  // namespace
}  // namespace zlayer::store
