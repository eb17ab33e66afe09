#include "base/sha256.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "base/file_io.h"
#include "base/temp_dir.h"

namespace zlayer::base {
namespace {

constexpr char kEmpty[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr char kAbc[] =
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kMillionA[] =
    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), kEmpty);
  EXPECT_EQ(Sha256Hex("abc"), kAbc);
  EXPECT_EQ(Sha256Hex(std::string(1000000, 'a')), kMillionA);
  EXPECT_EQ(
      Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, StreamsInPiecesAndRestartsAfterFinish) {
  Sha256 hash;
  std::string chunk(1000, 'a');
  for (int i = 0; i < 1000; ++i) hash.Update(chunk);
  EXPECT_EQ(hash.HexDigest(), kMillionA);
  std::vector<uint8_t> bytes = {'a', 'b', 'c'};
  hash.Update(std::span<const uint8_t>(bytes));
  Sha256::Bytes raw = hash.Finish();
  EXPECT_EQ(HexEncode(raw), kAbc);
  EXPECT_EQ(hash.HexDigest(), kEmpty);
}

TEST(Sha256Test, MovesKeepState) {
  Sha256 first;
  first.Update("ab");
  Sha256 second(std::move(first));
  second.Update("c");
  Sha256 third;
  third = std::move(second);
  EXPECT_EQ(third.HexDigest(), kAbc);
}

TEST(Sha256Test, HashesFiles) {
  auto dir = TempDir::Create();
  ASSERT_TRUE(dir.has_value());
  std::string path = dir->path() + "/data";
  ASSERT_TRUE(WriteFileAtomic(path, std::string(1000000, 'a')).has_value());
  EXPECT_EQ(Sha256File(path).value(), kMillionA);
  auto missing = Sha256File(dir->path() + "/missing");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message(),
            "open " + dir->path() + "/missing: No such file or directory");
  auto directory = Sha256File(dir->path());
  ASSERT_FALSE(directory.has_value());
  EXPECT_EQ(directory.error().message(),
            "read " + dir->path() + ": Is a directory");
}

TEST(DigestTest, ParsesAndPrints) {
  std::string text = std::string("sha256:") + kAbc;
  auto digest = Digest::Parse(text);
  ASSERT_TRUE(digest.has_value()) << digest.error().message();
  EXPECT_EQ(digest->ToString(), text);
  EXPECT_EQ(digest->algorithm(), "sha256");
  EXPECT_EQ(digest->hex(), kAbc);
  EXPECT_FALSE(digest->empty());
  EXPECT_EQ(*digest, Digest::Of("abc"));
  EXPECT_EQ(*digest, Digest::FromHex(kAbc).value());
}

TEST(DigestTest, EmptyDigest) {
  Digest digest;
  EXPECT_TRUE(digest.empty());
  EXPECT_EQ(digest.ToString(), "");
  EXPECT_EQ(digest.algorithm(), "");
  EXPECT_EQ(digest.hex(), "");
}

TEST(DigestTest, RejectsMalformedDigests) {
  std::string abc = kAbc;
  std::string upper = "sha256:" + abc;
  upper[10] = 'B';
  // {input, what the message says after "invalid digest \"<input>\": "}
  std::vector<std::pair<std::string, std::string>> cases = {
      {"", "want <algorithm>:<hex>"},
      {abc, "want <algorithm>:<hex>"},
      {"sha256:abc", "want 64 hex digits, got 3"},
      {"sha256:", "want 64 hex digits, got 0"},
      {upper, "\"B\" is not a lowercase hex digit"},
      {"SHA256:" + abc, "bad algorithm \"SHA256\""},
      {":" + abc, "bad algorithm \"\""},
  };
  for (const auto& [text, detail] : cases) {
    auto digest = Digest::Parse(text);
    ASSERT_FALSE(digest.has_value()) << text;
    EXPECT_EQ(digest.error().message(),
              fmt::format("invalid digest \"{}\": {}", text, detail));
    EXPECT_EQ(digest.error().kind(), ErrorKind::kInvalid) << text;
  }
  EXPECT_FALSE(Digest::FromHex("abc").has_value());
}

TEST(DigestTest, OtherAlgorithmsAreUnsupported) {
  auto digest = Digest::Parse("sha512:abcd");
  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(digest.error().message(),
            "unsupported digest algorithm \"sha512\" in \"sha512:abcd\"");
  EXPECT_EQ(Digest::Parse("multihash+base58:x").error().kind(),
            ErrorKind::kUnsupported);
}

TEST(DigestTest, LongInputIsShortenedInErrors) {
  auto digest = Digest::Parse(std::string(5000, 'x'));
  ASSERT_FALSE(digest.has_value());
  EXPECT_LT(digest.error().message().size(), 200u);
}

TEST(DigestTest, OrdersAndHashes) {
  Digest a = Digest::Of("a");
  Digest b = Digest::Of("b");
  EXPECT_NE(a, b);
  EXPECT_EQ(a < b, a.ToString() < b.ToString());
  std::set<Digest> ordered = {a, b, a};
  EXPECT_EQ(ordered.size(), 2u);
  std::unordered_set<Digest> hashed = {a, b, Digest::Of("a")};
  EXPECT_EQ(hashed.size(), 2u);
  EXPECT_TRUE(hashed.contains(b));
}

}  // namespace
}  // namespace zlayer::base
