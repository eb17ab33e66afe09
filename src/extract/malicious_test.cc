// The malicious-archive corpus: hostile layers crafted byte by byte, each of
// which must fail with a precise error naming the entry while leaving
// everything outside the root untouched. Every case runs twice, with
// openat2 and with the portable walk. The root is <base>/root; hostile
// names aim at <base>/outside, which holds sentinel files.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "extract/entry_name.h"
#include "extract/extract.h"
#include "extract/tar_testing.h"

namespace zlayer::extract {
namespace {

using testing::ExtractFixture;
using ::testing::HasSubstr;
using testing::TarBuilder;
using testing::TarEntry;

struct HostileCase {
  std::string name;
  // Builds the layer; gets the absolute path of the sentinel directory.
  std::function<std::string(const std::string& outside)> build;
  std::string entry;  // the entry the error must name ({O}: outside)
  std::string error;  // and what it must say
  bool privileged = true;
};

std::string Deep(int depth) {
  std::string path;
  for (int i = 0; i < depth; ++i) path += "a/";
  return path + "f";
}

const std::vector<HostileCase>& Corpus() {
  using O = const std::string&;
  static const std::vector<HostileCase> corpus = {
      {"DotDot", [](O) { return TarBuilder().File("../evil", "x").Finish(); },
       "../evil", "path climbs out of the root"},
      {"Absolute",
       [](O o) { return TarBuilder().File(o + "/abs", "x").Finish(); },
       "{O}/abs", "absolute path refused"},
      {"InnerDotDot",
       [](O) { return TarBuilder().File("a/../../evil", "x").Finish(); },
       "a/../../evil", "climbs out of the root"},
      {"SymlinkThenWriteThrough",
       [](O o) {
         return TarBuilder().Symlink("a", o).File("a/passwd", "x").Finish();
       },
       "a/passwd",
       "refusing to write through symlink \"a\", created by an "
       "earlier entry of this layer"},
      {"SymlinkThenDirectoryThrough",
       [](O o) { return TarBuilder().Symlink("a", o).Dir("a/sub/").Finish(); },
       "a/sub/", "refusing to write through symlink \"a\""},
      {"HardlinkToEtcPasswd",
       [](O) { return TarBuilder().Hardlink("h", "/etc/passwd").Finish(); },
       "h", "absolute hardlink target refused"},
      {"HardlinkDotDot",
       [](O) {
         return TarBuilder().Hardlink("h", "../outside/passwd").Finish();
       },
       "h", "hardlink target climbs out of the root"},
      {"HardlinkToEscapingSymlink",
       [](O) {
         return TarBuilder()
             .Symlink("s", "../outside/passwd")
             .Hardlink("h", "s")
             .Finish();
       },
       "h", "hardlink target \"s\" is a symlink pointing out of the root"},
      {"HardlinkThroughSymlink",
       [](O o) {
         return TarBuilder().Symlink("s", o).Hardlink("h", "s/passwd").Finish();
       },
       "h", "refusing to write through symlink \"s\""},
      {"NestedSymlinkChain",
       [](O) {
         return TarBuilder()
             .Symlink("a", "b")
             .Symlink("b", "c")
             .Symlink("c", "../outside")
             .File("a/passwd", "x")
             .Finish();
       },
       "a/passwd", "refusing to write through symlink \"a\""},
      {"SymlinkInsideDirectoryChain",
       [](O o) {
         return TarBuilder()
             .Dir("x/")
             .Symlink("z", o)
             .Symlink("x/y", "../z")
             .File("x/y/passwd", "x")
             .Finish();
       },
       "x/y/passwd", "refusing to write through symlink \"x/y\""},
      {"DirectoryReplacedBySymlink",
       [](O o) {
         return TarBuilder()
             .Dir("d/")
             .File("d/ok", "fine")
             .Symlink("d", o)
             .File("d/passwd", "x")
             .Finish();
       },
       "d/passwd", "refusing to write through symlink \"d\""},
      {"WhiteoutDotDot",
       [](O) { return TarBuilder().Whiteout("a/.wh...").Finish(); }, "a/.wh...",
       "whiteout \".wh...\" names no entry"},
      {"WhiteoutUsedAsDirectory",
       [](O) { return TarBuilder().File("a/.wh.b/passwd", "x").Finish(); },
       "a/.wh.b/passwd", "whiteout \".wh.b\" used as a directory"},
      {"WhiteoutThroughSymlink",
       [](O o) {
         return TarBuilder().Symlink("a", o).Whiteout("a/.wh.passwd").Finish();
       },
       "a/.wh.passwd", "refusing to write through symlink \"a\""},
      {"OpaqueThroughSymlink",
       [](O o) {
         return TarBuilder()
             .Symlink("a", o)
             .Whiteout("a/.wh..wh..opq")
             .Finish();
       },
       "a/.wh..wh..opq", "refusing to write through symlink \"a\""},
      {"HugeSizeHeader",
       [](O) {
         return TarBuilder()
             .Add({.name = "big", .claimed_size = int64_t{100} << 30})
             .Finish();
       },
       "big", "size 107374182400 bytes exceeds the limit of 68719476736"},
      {"TruncatedStream",
       [](O) {
         return TarBuilder()
             .Add({.name = "t",
                   .data = std::string(1000, 'x'),
                   .claimed_size = 100000})
             .Unterminated();
       },
       "t", "read data: Truncated tar archive"},
      {"PathDepthBomb",
       [](O) { return TarBuilder().File(Deep(2000), "x").Finish(); },
       Deep(2000), "path too deep (2001 components, limit 512)"},
      {"PathTooLong",
       [](O) {
         return TarBuilder().File(std::string(5000, 'p'), "x").Finish();
       },
       std::string(5000, 'p'), "path too long (5000 bytes, limit 4095)"},
      {"ComponentTooLong",
       [](O) {
         return TarBuilder().File("d/" + std::string(300, 'c'), "x").Finish();
       },
       "d/" + std::string(300, 'c'), "path has a component over 255 bytes"},
      {"RootReplacedBySymlink",
       [](O o) {
         return TarBuilder().Symlink("./", o).File("passwd", "x").Finish();
       },
       "./", "refusing to replace the root directory with a symlink"},
      {"DeviceWhenNotRoot",
       [](O) {
         return TarBuilder()
             .Add({.name = "dev/sda", .type = '4', .dev_major = 8})
             .Finish();
       },
       "dev/sda", "refusing to create a block device without root privileges",
       /*privileged=*/false},
      {"UidMinusOne",
       [](O) {
         return TarBuilder()
             .Add({.name = "u", .data = "x", .pax = {{"uid", "4294967295"}}})
             .Finish();
       },
       "u", "invalid uid 4294967295"},
      {"NewlineInName",
       [](O) {
         return TarBuilder().File("a/\n../../../../evil", "x").Finish();
       },
       "a/\n../../../../evil", "climbs out of the root"},
      {"HardlinkToNothing",
       [](O) { return TarBuilder().Hardlink("h", "missing").Finish(); }, "h",
       "hardlink target \"missing\" does not exist in the root"},
  };
  return corpus;
}

class MaliciousArchiveTest
    : public ExtractFixture,
      public ::testing::WithParamInterface<std::tuple<size_t, bool>> {};

TEST_P(MaliciousArchiveTest, IsRefusedAndWritesNothingOutside) {
  const HostileCase& hostile = Corpus()[std::get<0>(GetParam())];
  ExtractOptions options;
  options.use_openat2 = std::get<1>(GetParam());
  options.privileged = hostile.privileged;
  auto before = Outside();
  ASSERT_FALSE(before.empty());
  Result<ApplyResult> applied = Apply(hostile.build(outside_), options);
  ASSERT_FALSE(applied) << hostile.name << " was accepted";
  EXPECT_EQ(applied.error().kind(), ErrorKind::kInvalid)
      << applied.error().message();
  std::string entry = hostile.entry;
  if (entry.starts_with("{O}")) entry = outside_ + entry.substr(3);
  EXPECT_THAT(applied.error().message(),
              HasSubstr("layer entry " + Quote(entry) + ": "));
  EXPECT_THAT(applied.error().message(), HasSubstr(hostile.error));
  EXPECT_EQ(applied.error().message().find('\n'), std::string::npos);
  EXPECT_EQ(Outside(), before);
}

INSTANTIATE_TEST_SUITE_P(
    Corpus, MaliciousArchiveTest,
    ::testing::Combine(::testing::Range<size_t>(0, Corpus().size()),
                       ::testing::Bool()),
    [](const auto& info) {
      return Corpus()[std::get<0>(info.param)].name +
             (std::get<1>(info.param) ? "_Openat2" : "_Walk");
    });

TEST(MaliciousCorpusTest, HasAtLeastTwelveCases) {
  EXPECT_GE(Corpus().size(), 12u);
}

}  // namespace
}  // namespace zlayer::extract
