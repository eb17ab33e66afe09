// Pattern lists: exceptions, last-match-wins, parent directories, and the
// per-directory state a walker carries. Expectations were checked against
// Docker's moby/patternmatcher (MatchesOrParentMatches for `excluded`,
// MatchesUsingParentResults one directory level at a time for `walked`).
#include "dockerignore/matcher.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace zlayer::dockerignore {
namespace {

Matcher MustCreate(const std::vector<std::string>& lines) {
  auto matcher = Matcher::Create(lines);
  EXPECT_TRUE(matcher.has_value()) << matcher.error().message();
  return matcher ? *std::move(matcher) : Matcher();
}

// Matches `path` the way the walker does: one directory level at a time.
bool WalkMatch(const Matcher& matcher, std::string_view path) {
  DirMatch parent;
  for (std::size_t slash = path.find('/'); slash != std::string_view::npos;
       slash = path.find('/', slash + 1)) {
    parent = matcher.MatchUsingParent(path.substr(0, slash), parent).dir;
  }
  return matcher.MatchUsingParent(path, parent).excluded;
}

struct ListCase {
  std::string name;
  std::vector<std::string> patterns;
  std::string path;
  bool excluded;
  bool walked;  // what the walker decides; differs only by BuildKit's quirk
};

void PrintTo(const ListCase& c, std::ostream* os) {
  *os << "path \"" << c.path << "\" patterns";
  for (const std::string& p : c.patterns) *os << " \"" << p << "\"";
}

class PatternListTest : public testing::TestWithParam<ListCase> {};

TEST_P(PatternListTest, Excludes) {
  const ListCase& c = GetParam();
  const Matcher matcher = MustCreate(c.patterns);
  EXPECT_EQ(matcher.MatchesOrParentMatches(c.path), c.excluded);
  EXPECT_EQ(WalkMatch(matcher, c.path), c.walked);
}

const std::vector<ListCase> kListCases = {
    {"ExceptionBeforeIsOverridden",
     {"!fileutils.go", "*.go"},
     "fileutils.go",
     true,
     true},
    {"ExceptionAfterWins",
     {"*.go", "!fileutils.go"},
     "fileutils.go",
     false,
     false},
    {"DirExceptionKeepsChild",
     {"docs", "!docs/README.md"},
     "docs/README.md",
     false,
     false},
    {"DirExceptionExcludesSibling",
     {"docs", "!docs/README.md"},
     "docs/other.md",
     true,
     true},
    {"DirExceptionExcludesDir",
     {"docs", "!docs/README.md"},
     "docs",
     true,
     true},
    {"DirSlashException",
     {"docs/", "!docs/README.md"},
     "docs/README.md",
     false,
     false},
    {"DirStarException",
     {"docs/*", "!docs/README.md"},
     "docs/README.md",
     false,
     false},
    {"ExceptionDirKeepsDeepChild",
     {"**", "!util/docker/web"},
     "util/docker/web/foo",
     false,
     false},
    {"LaterExclusionWins",
     {"**", "!util/docker/web", "util/docker/web/foo"},
     "util/docker/web/foo",
     true,
     true},
    {"ExceptionGlob",
     {"**", "!dist/*.whl"},
     "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl",
     false,
     false},
    {"DocsReadmeKept",
     {"*.md", "!README*.md", "README-secret.md"},
     "README.md",
     false,
     false},
    {"DocsSecretExcluded",
     {"*.md", "!README*.md", "README-secret.md"},
     "README-secret.md",
     true,
     true},
    {"DocsOtherExcluded",
     {"*.md", "!README*.md", "README-secret.md"},
     "CHANGES.md",
     true,
     true},
    {"OnlySrcTmpExcluded", {"*", "!src", "src/*.tmp"}, "src/a.tmp", true, true},
    {"OnlySrcKeepsSource",
     {"*", "!src", "src/*.tmp"},
     "src/a.cc",
     false,
     false},
    {"OnlySrcTmpOneLevel",
     {"*", "!src", "src/*.tmp"},
     "src/sub/a.tmp",
     false,
     false},
    {"OnlySrcExcludesRest", {"*", "!src", "src/*.tmp"}, "README", true, true},
    {"NestedExceptionThenExclusion",
     {"a", "!a/b", "a/b/c"},
     "a/b/c/d",
     true,
     true},
    {"NestedExceptionKeepsOther",
     {"a", "!a/b", "a/b/c"},
     "a/b/d",
     false,
     false},
    {"ExceptionStarKeepsDeep", {"a", "!a/*"}, "a/b/c", false, false},
    {"LeadingSlashDropped", {"/foo"}, "foo", true, true},
    {"LeadingDotSlashDropped", {"./foo"}, "foo/bar", true, true},
    {"DotDotCleaned", {"foo/../bar"}, "bar", true, true},
    {"DotDotCleanedNotFoo", {"foo/../bar"}, "foo", false, false},
    {"DotDotAboveRootDropped", {"/../foo"}, "foo", true, true},
    {"DotDotOutsideContext", {"../foo"}, "foo", false, false},
    {"TrailingSlashDir", {"build/"}, "build/out/a.o", true, true},
    {"SpacesAroundBang",
     {"docs", "  !  docs/keep  "},
     "docs/keep",
     false,
     false},
    {"TempOneLevelDown", {"*/temp*"}, "a/temporary", true, true},
    {"TempNotAtTop", {"*/temp*"}, "temp", false, false},
    {"TempNotTwoDown", {"*/temp*"}, "a/b/temp", false, false},
    {"TempTwoLevelsDown", {"*/*/temp*"}, "a/b/temp.txt", true, true},
    {"TempOneChar", {"temp?"}, "temp1", true, true},
    {"TempOneCharOnly", {"temp?"}, "temp12", false, false},
    {"LogsAnywhere", {"**/*.log"}, "a/b/c.log", true, true},
    {"RepeatedExclusionQuirk",
     {"node_modules", "!node_modules/keep", "node_modules"},
     "node_modules/keep",
     true,
     false},
    {"SkippedExceptionQuirk", {"*/c", "!a"}, "a/c", false, true},
};
INSTANTIATE_TEST_SUITE_P(Lists, PatternListTest, testing::ValuesIn(kListCases),
                         [](const auto& info) { return info.param.name; });

TEST(MatcherTest, EmptyMatcherExcludesNothing) {
  const Matcher matcher;
  EXPECT_TRUE(matcher.empty());
  EXPECT_FALSE(matcher.MatchesOrParentMatches("anything/at/all"));
  EXPECT_FALSE(matcher.HasExceptionUnder("anything"));
}

TEST(MatcherTest, RootIsNeverExcluded) {
  const Matcher matcher = MustCreate({"*", "**"});
  EXPECT_FALSE(matcher.MatchesOrParentMatches("."));
  EXPECT_FALSE(matcher.MatchesOrParentMatches("./"));
  EXPECT_FALSE(matcher.MatchesOrParentMatches("/"));
  EXPECT_TRUE(matcher.MatchesOrParentMatches("a"));
}

TEST(MatcherTest, QueryPathIsCleaned) {
  const Matcher matcher = MustCreate({"docs", "!docs/README.md"});
  EXPECT_FALSE(matcher.MatchesOrParentMatches("./docs//README.md/"));
  EXPECT_FALSE(matcher.MatchesOrParentMatches("/docs/x/../README.md"));
  EXPECT_TRUE(matcher.MatchesOrParentMatches("docs/./other"));
}

TEST(MatcherTest, ExposesNormalisedPatterns) {
  const Matcher matcher = MustCreate({"  /a/./b/ ", "", "! c//d", "#x"});
  ASSERT_EQ(matcher.patterns().size(), 3u);
  EXPECT_EQ(matcher.patterns()[0].text(), "a/b");
  EXPECT_FALSE(matcher.patterns()[0].exception());
  EXPECT_EQ(matcher.patterns()[1].text(), "c/d");
  EXPECT_TRUE(matcher.patterns()[1].exception());
  // Create takes patterns, not file lines: "#" is not a comment here.
  EXPECT_EQ(matcher.patterns()[2].text(), "#x");
  EXPECT_TRUE(matcher.has_exceptions());
}

TEST(MatcherTest, NoExceptionMeansNothingUnderExcludedDir) {
  const Matcher matcher = MustCreate({"dir", "*.o"});
  EXPECT_FALSE(matcher.has_exceptions());
  EXPECT_FALSE(matcher.HasExceptionUnder("dir"));
}

TEST(MatcherTest, LiteralExceptionOnlyUnderItsParents) {
  const Matcher matcher = MustCreate({"dir", "!dir/sub/keep.txt"});
  EXPECT_TRUE(matcher.HasExceptionUnder("dir"));
  EXPECT_TRUE(matcher.HasExceptionUnder("dir/sub"));
  EXPECT_FALSE(matcher.HasExceptionUnder("dir/other"));
  EXPECT_FALSE(matcher.HasExceptionUnder("di"));
  EXPECT_FALSE(matcher.HasExceptionUnder("other"));
}

TEST(MatcherTest, ExceptionTrailingGlobIsIgnoredForPruning) {
  const Matcher matcher = MustCreate({"a", "!a/b/*/**"});
  EXPECT_TRUE(matcher.HasExceptionUnder("a"));
  EXPECT_TRUE(matcher.HasExceptionUnder("a/b"));
  EXPECT_FALSE(matcher.HasExceptionUnder("a/c"));
}

TEST(MatcherTest, WildcardExceptionMayBeAnywhere) {
  const Matcher matcher = MustCreate({"vendor", "!**/*.go"});
  EXPECT_TRUE(matcher.HasExceptionUnder("vendor"));
  EXPECT_TRUE(matcher.HasExceptionUnder("unrelated/dir"));
}

TEST(MatcherTest, StateFromAnotherMatcherIsIgnored) {
  const Matcher one = MustCreate({"a"});
  const Matcher three = MustCreate({"x", "y", "a/b"});
  const DirMatch state = one.MatchUsingParent("a", DirMatch()).dir;
  // Read as "parents unknown", so parents are matched again.
  EXPECT_TRUE(three.MatchUsingParent("a/b/c", state).excluded);
  EXPECT_FALSE(three.MatchUsingParent("a/c", state).excluded);
}

}  // namespace
}  // namespace zlayer::dockerignore
