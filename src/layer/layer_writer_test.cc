// The whole writer: determinism, SOURCE_DATE_EPOCH, and blobs that the real
// tools (gzip, zcat, pigz, zstd, sha256sum) accept.
#include "layer/layer_writer.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "base/unique_fd.h"
#include "layer/test_archive.h"
#include "layer/test_tree.h"

namespace zlayer::layer {
namespace {

using oci::Compression;
using testing::HaveTool;
using testing::kTestMtime;
using testing::ReadArchive;
using testing::Shell;
using testing::TestTree;
using testing::TreeOf;
using testing::WriteToString;

// Text that compresses like source code: words from a small vocabulary.
std::string Words(size_t size, unsigned seed) {
  static const char* kWords[] = {"int ", "return ", "layer ", "tar ",
                                 "{\n",  "}\n",     "const ", "std::string "};
  std::mt19937 rng(seed);
  std::string out;
  while (out.size() < size) out += kWords[rng() % 8];
  out.resize(size);
  return out;
}

// Several blocks' worth of data, so gzip members and zstd jobs multiply.
void BuildTree(TestTree& tree, int64_t mtime = kTestMtime) {
  tree.Dir("src");
  for (int i = 0; i < 50; ++i) {
    std::string name = "src/file" + std::to_string(i) + ".cc";
    tree.File(name, Words(1000 + 97 * i, i));
    tree.SetMtime(name, mtime);
  }
  tree.File("big.bin", Words(3 << 20, 99));
  tree.SetMtime("big.bin", mtime);
  tree.File("old", "from before the epoch");
  tree.SetMtime("old", 1000000000);
  tree.SetMtime("src", mtime);
}

LayerOptions With(Compression compression, int threads = 0) {
  LayerOptions options;
  options.compression = compression;
  options.threads = threads;
  return options;
}

testing::WrittenLayer Write(const ChangeSet& changes,
                            const LayerOptions& options) {
  auto layer = WriteToString(changes, options);
  EXPECT_TRUE(layer.has_value()) << layer.error().message();
  return layer ? *layer : testing::WrittenLayer();
}

// Writes the blob to a file with FdSink and returns its path.
std::string WriteToFile(const ChangeSet& changes, const LayerOptions& options,
                        const std::string& dir, LayerResult& result) {
  std::string path = dir + "/layer";
  auto fd = base::OpenFile(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  EXPECT_TRUE(fd.has_value());
  auto written = WriteLayer(changes, options, FdSink(fd->get(), path));
  EXPECT_TRUE(written.has_value()) << written.error().message();
  if (written) result = *written;
  return path;
}

std::string Sha256Sum(const std::string& command) {
  return "sha256:" + Shell(command + " | sha256sum").substr(0, 64);
}

TEST(LayerWriterTest, SameTreeSameBytesForEveryCompression) {
  TestTree tree;
  BuildTree(tree);
  for (Compression c :
       {Compression::kGzip, Compression::kZstd, Compression::kNone}) {
    auto first = Write(TreeOf(tree), With(c));
    auto second = Write(TreeOf(tree), With(c));
    EXPECT_EQ(first.blob, second.blob) << oci::CompressionName(c);
    EXPECT_EQ(first.result.digest, second.result.digest);
    EXPECT_EQ(first.result.diff_id, second.result.diff_id);
    EXPECT_EQ(first.result.digest, base::Digest::Of(first.blob));
    EXPECT_EQ(first.result.compressed_size, first.blob.size());
  }
}

TEST(LayerWriterTest, ThreadCountDoesNotChangeTheBytes) {
  TestTree tree;
  BuildTree(tree);
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    base::Digest one = Write(TreeOf(tree), With(c, 1)).result.digest;
    EXPECT_EQ(Write(TreeOf(tree), With(c, 2)).result.digest, one);
    EXPECT_EQ(Write(TreeOf(tree), With(c, 5)).result.digest, one);
  }
}

TEST(LayerWriterTest, SourceDateEpochClampsLaterMtimesOnly) {
  TestTree a, b;
  BuildTree(a, kTestMtime);
  BuildTree(b, kTestMtime + 12345);
  LayerOptions options = With(Compression::kGzip);
  EXPECT_NE(Write(TreeOf(a), options).result.digest,
            Write(TreeOf(b), options).result.digest);

  options.source_date_epoch = 1600000000;
  auto layer_a = Write(TreeOf(a), options);
  auto layer_b = Write(TreeOf(b), options);
  EXPECT_EQ(layer_a.result.digest, layer_b.result.digest);
  EXPECT_EQ(layer_a.result.diff_id, layer_b.result.diff_id);

  auto entries = ReadArchive(layer_a.blob);
  ASSERT_TRUE(entries.has_value());
  for (const testing::ReadEntry& e : *entries) {
    EXPECT_EQ(e.mtime, e.path == "old" ? 1000000000 : 1600000000) << e.path;
  }
}

TEST(LayerWriterTest, NoneIsThePlainTar) {
  TestTree tree;
  BuildTree(tree);
  auto dir = base::TempDir::Create();
  LayerResult result;
  std::string path =
      WriteToFile(TreeOf(tree), With(Compression::kNone), dir->path(), result);
  EXPECT_EQ(result.digest, result.diff_id);
  EXPECT_EQ(result.compressed_size, result.uncompressed_size);
  EXPECT_EQ(result.media_type, "application/vnd.oci.image.layer.v1.tar");
  EXPECT_EQ(Sha256Sum("cat " + path), result.diff_id.ToString());
  EXPECT_EQ(result.uncompressed_size % 512, 0u);
  EXPECT_NE(Shell("tar -tf " + path).find("big.bin"), std::string::npos);
}

TEST(LayerWriterTest, GzipIsAValidMultiMemberStream) {
  TestTree tree;
  BuildTree(tree);
  auto dir = base::TempDir::Create();
  LayerOptions options = With(Compression::kGzip);
  options.block_size = 64 * 1024;  // dozens of members
  LayerResult result;
  std::string path = WriteToFile(TreeOf(tree), options, dir->path(), result);
  EXPECT_EQ(result.media_type, "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(Sha256Sum("cat " + path), result.digest.ToString());
  EXPECT_LT(result.compressed_size, result.uncompressed_size / 3);
  Shell("gzip -t " + path);
  EXPECT_EQ(Sha256Sum("gzip -dc " + path), result.diff_id.ToString());
  EXPECT_EQ(Sha256Sum("zcat " + path), result.diff_id.ToString());
  if (HaveTool("pigz")) {
    EXPECT_EQ(Sha256Sum("pigz -dc " + path), result.diff_id.ToString());
  }
  // The tar inside is byte for byte the uncompressed layer.
  auto plain = Write(TreeOf(tree), With(Compression::kNone));
  EXPECT_EQ(plain.result.diff_id, result.diff_id);
  EXPECT_EQ(Shell("tar -tzf " + path + " | wc -l"), "53\n");
}

TEST(LayerWriterTest, IncompressibleBlocksAreStoredAndStillValidGzip) {
  TestTree tree;
  std::mt19937_64 rng(7);
  std::string random(4 << 20, '\0');
  for (char& c : random) c = static_cast<char>(rng());
  tree.File("random.bin", random);
  tree.File("text.txt", Words(2 << 20, 5));
  auto dir = base::TempDir::Create();
  LayerResult result;
  std::string path =
      WriteToFile(TreeOf(tree), With(Compression::kGzip), dir->path(), result);
  // The random part is stored (about its own size, plus block headers),
  // the text part still compressed.
  EXPECT_LT(result.compressed_size, random.size() + (2 << 20) / 2);
  EXPECT_GT(result.compressed_size, random.size());
  Shell("gzip -t " + path);
  EXPECT_EQ(Sha256Sum("gzip -dc " + path), result.diff_id.ToString());
  auto again = Write(TreeOf(tree), With(Compression::kGzip, 1));
  EXPECT_EQ(again.result.digest, result.digest) << "still deterministic";
}

TEST(LayerWriterTest, ZstdDecompressesWithTheZstdTool) {
  if (!HaveTool("zstd")) GTEST_SKIP() << "zstd is not installed";
  TestTree tree;
  BuildTree(tree);
  auto dir = base::TempDir::Create();
  LayerResult result;
  std::string path =
      WriteToFile(TreeOf(tree), With(Compression::kZstd), dir->path(), result);
  EXPECT_EQ(result.media_type, "application/vnd.oci.image.layer.v1.tar+zstd");
  EXPECT_EQ(Sha256Sum("cat " + path), result.digest.ToString());
  Shell("zstd -q -t " + path);
  EXPECT_EQ(Sha256Sum("zstd -dc " + path), result.diff_id.ToString());
  auto entries = ReadArchive(Shell("cat " + path));
  ASSERT_TRUE(entries.has_value()) << entries.error().message();
  EXPECT_EQ(entries->size(), 53u);
}

TEST(LayerWriterTest, SinkErrorIsReturned) {
  TestTree tree;
  BuildTree(tree);
  size_t total = 0;
  Sink sink = [&total](std::span<const uint8_t> data) -> Status {
    total += data.size();
    if (total > 100000)
      return Fail("write /store/tmp: No space left on device");
    return Ok();
  };
  for (Compression c :
       {Compression::kGzip, Compression::kZstd, Compression::kNone}) {
    total = 0;
    auto result = WriteLayer(TreeOf(tree), With(c), sink);
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().message(),
              "write /store/tmp: No space left on device");
  }
}

TEST(LayerWriterTest, WalkErrorsNameThePath) {
  ChangeSet changes;
  changes.root = "/nonexistent/upper";
  auto result = WriteLayer(changes, {}, FdSink(-1, "unused"));
  ASSERT_FALSE(result.has_value());
  EXPECT_NE(result.error().message().find("/nonexistent/upper"),
            std::string::npos);
}

TEST(LayerWriterTest, InvalidOptionsAreUsageErrors) {
  TestTree tree;
  Sink sink = [](std::span<const uint8_t>) { return Ok(); };
  LayerOptions options;
  options.level = 13;
  auto result = WriteLayer(TreeOf(tree), options, sink);
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().message(),
            "gzip compression level 13 is out of range (1-12)");
  EXPECT_EQ(result.error().kind(), ErrorKind::kUsage);

  options = With(Compression::kZstd);
  options.level = 20;
  EXPECT_FALSE(WriteLayer(TreeOf(tree), options, sink).has_value());
  options = With(Compression::kNone);
  options.level = 3;
  EXPECT_FALSE(WriteLayer(TreeOf(tree), options, sink).has_value());
  options = With(Compression::kGzip, -1);
  EXPECT_FALSE(WriteLayer(TreeOf(tree), options, sink).has_value());
  options = With(Compression::kGzip);
  options.block_size = 1000;
  EXPECT_FALSE(WriteLayer(TreeOf(tree), options, sink).has_value());
}

TEST(LayerWriterTest, EmptyTreeIsJustTheTrailer) {
  TestTree tree;
  auto layer = Write(TreeOf(tree), With(Compression::kNone));
  EXPECT_EQ(layer.blob, std::string(1024, '\0'));
  EXPECT_EQ(layer.result.uncompressed_size, 1024u);
}

}  // namespace
}  // namespace zlayer::layer
