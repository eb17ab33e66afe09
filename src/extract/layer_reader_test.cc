// The reading side: compression detection, the diff_id, and ListLayer.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>

#include "base/sha256.h"
#include "base/unique_fd.h"
#include "extract/extract.h"
#include "extract/tar_testing.h"

namespace zlayer::extract {
namespace {

using testing::Compress;
using testing::ExtractFixture;
using ::testing::HasSubstr;
using testing::TarBuilder;
using testing::TarEntry;

std::string SampleTar() {
  return TarBuilder()
      .Dir("./etc/")
      .File("./etc/hostname", "box\n")
      .Symlink("./etc/localtime", "/usr/share/zoneinfo/UTC")
      .Hardlink("./etc/hn", "./etc/hostname")
      .Add({.name = "./etc/cap",
            .mode = 04755,
            .uid = 1000,
            .gid = 1001,
            .data = "bin",
            .pax = {{"SCHILY.xattr.security.capability", testing::kCapNetRaw}}})
      .Finish();
}

class LayerReaderTest : public ExtractFixture {};

TEST_F(LayerReaderTest, ListsEntriesAsStored) {
  std::string tar = SampleTar();
  Result<LayerListing> listing = ListLayer(LayerSource::Path(WriteLayer(tar)));
  ASSERT_TRUE(listing) << listing.error().message();
  ASSERT_EQ(listing->entries.size(), 5u);
  EXPECT_EQ(listing->entries[0].path, "./etc/");
  EXPECT_EQ(listing->entries[0].type, EntryType::kDirectory);
  EXPECT_EQ(listing->entries[2].type, EntryType::kSymlink);
  EXPECT_EQ(listing->entries[2].link_target, "/usr/share/zoneinfo/UTC");
  EXPECT_EQ(listing->entries[3].type, EntryType::kHardlink);
  EXPECT_EQ(listing->entries[3].link_target, "./etc/hostname");
  const LayerEntry& cap = listing->entries[4];
  EXPECT_EQ(cap.mode, 04755u);
  EXPECT_EQ(cap.uid, 1000u);
  EXPECT_EQ(cap.gid, 1001u);
  EXPECT_EQ(cap.size, 3);
  EXPECT_EQ(cap.mtime.seconds, 1700000000);
  ASSERT_EQ(cap.xattrs.size(), 1u);
  EXPECT_EQ(cap.xattrs[0].first, "security.capability");
  EXPECT_EQ(cap.xattrs[0].second, testing::kCapNetRaw);
  EXPECT_EQ(listing->diff_id, base::Digest::Of(tar));
  EXPECT_EQ(listing->uncompressed_size, tar.size());
}

TEST_F(LayerReaderTest, DiffIdIsOfTheUncompressedTarForEveryCompression) {
  // Trailing zero blocks beyond the end marker belong to the diff_id too.
  std::string tar = SampleTar() + std::string(8192, '\0');
  for (const std::string filter : {"gzip", "zstd", "bzip2", "xz"}) {
    std::string compressed = Compress(tar, filter);
    ASSERT_FALSE(compressed.empty()) << filter;
    Result<ApplyResult> applied = Apply(compressed);
    ASSERT_TRUE(applied) << filter << ": " << applied.error().message();
    EXPECT_EQ(applied->diff_id, base::Digest::Of(tar)) << filter;
    EXPECT_EQ(applied->uncompressed_size, tar.size()) << filter;
    EXPECT_EQ(applied->entries, 5u);
    EXPECT_EQ(Read("etc/hostname"), "box\n");
  }
}

TEST_F(LayerReaderTest, ReadsConcatenatedGzipMembers) {
  // A parallel gzip writer joins independently compressed blocks.
  std::string tar = SampleTar();
  std::string joined = Compress(tar.substr(0, 1024), "gzip") +
                       Compress(tar.substr(1024), "gzip");
  Result<LayerListing> listing =
      ListLayer(LayerSource::Path(WriteLayer(joined)));
  ASSERT_TRUE(listing) << listing.error().message();
  EXPECT_EQ(listing->entries.size(), 5u);
  EXPECT_EQ(listing->diff_id, base::Digest::Of(tar));
}

TEST_F(LayerReaderTest, ReadsFromAPipe) {
  std::string tar = Compress(SampleTar(), "zstd");
  base::Pipe pipe = base::MakePipe().value();
  std::thread writer([&] {
    (void)base::WriteAll(pipe.write_end.get(), tar);
    pipe.write_end.reset();
  });
  Result<ApplyResult> applied =
      ApplyLayer(LayerSource::Fd(pipe.read_end.get()), root_);
  writer.join();
  ASSERT_TRUE(applied) << applied.error().message();
  EXPECT_EQ(applied->diff_id, base::Digest::Of(SampleTar()));
  EXPECT_EQ(Read("etc/hn"), "box\n");
}

TEST_F(LayerReaderTest, AnEmptyTarIsAnEmptyLayer) {
  std::string tar(1024, '\0');
  Result<ApplyResult> applied = Apply(tar);
  ASSERT_TRUE(applied) << applied.error().message();
  EXPECT_EQ(applied->entries, 0u);
  EXPECT_EQ(applied->diff_id, base::Digest::Of(tar));
}

TEST_F(LayerReaderTest, RefusesWhatIsNotALayer) {
  Result<ApplyResult> empty = Apply("");
  ASSERT_FALSE(empty);
  EXPECT_THAT(empty.error().message(), HasSubstr("is empty"));
  Result<ApplyResult> text = Apply(std::string(2048, 'x'));
  ASSERT_FALSE(text);
  EXPECT_THAT(text.error().message(), HasSubstr("as tar"));
  Result<ApplyResult> nested =
      Apply(Compress(Compress(SampleTar(), "gzip"), "gzip"));
  ASSERT_FALSE(nested);
  EXPECT_THAT(nested.error().message(),
              HasSubstr("nested compression is not supported"));
  std::string corrupt = Compress(SampleTar(), "gzip");
  corrupt[corrupt.size() / 2] ^= 0x55;
  Result<ApplyResult> broken = Apply(corrupt);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().kind(), ErrorKind::kInvalid)
      << broken.error().message();
}

TEST_F(LayerReaderTest, ListingDoesNotJudgeNames) {
  std::string tar = TarBuilder().File("../outside", "x").Finish();
  Result<LayerListing> listing = ListLayer(LayerSource::Path(WriteLayer(tar)));
  ASSERT_TRUE(listing) << listing.error().message();
  EXPECT_EQ(listing->entries[0].path, "../outside");
}

TEST_F(LayerReaderTest, ReportsTheMissingFile) {
  Result<LayerListing> listing =
      ListLayer(LayerSource::Path(layers_.path() + "/nope"));
  ASSERT_FALSE(listing);
  EXPECT_THAT(listing.error().message(), HasSubstr("nope"));
  EXPECT_EQ(listing.error().errno_value(), ENOENT);
}

}  // namespace
}  // namespace zlayer::extract
