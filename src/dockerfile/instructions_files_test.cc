// ADD and COPY flags, sources and destinations.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dockerfile/instructions.h"
#include "dockerfile/instructions_testing.h"

namespace zlayer::dockerfile {
namespace {

using testing::ParseAs;
using testing::ParseError;

TEST(CopyTest, SourcesAndDestination) {
  auto copy = ParseAs<CopyCommand>("COPY a b/ /dst/");
  EXPECT_EQ(copy.files.source_paths, (std::vector<std::string>{"a", "b/"}));
  EXPECT_EQ(copy.files.dest_path, "/dst/");
  EXPECT_TRUE(copy.files.source_contents.empty());
  EXPECT_FALSE(copy.link);
  EXPECT_FALSE(copy.parents);

  auto json = ParseAs<CopyCommand>("COPY [\"test file\", \"/tmp/x y\"]");
  EXPECT_EQ(json.files.source_paths, std::vector<std::string>{"test file"});
  EXPECT_EQ(json.files.dest_path, "/tmp/x y");
}

TEST(CopyTest, AllFlags) {
  auto copy = ParseAs<CopyCommand>(
      "COPY --from=build --chown=app:app --chmod=0644 --link --parents "
      "--exclude=*.md --exclude=tmp/ ./src /app/");
  EXPECT_EQ(copy.from, "build");
  EXPECT_EQ(copy.chown, "app:app");
  EXPECT_EQ(copy.chmod, "0644");
  EXPECT_TRUE(copy.link);
  EXPECT_TRUE(copy.parents);
  EXPECT_EQ(copy.exclude_patterns, (std::vector<std::string>{"*.md", "tmp/"}));
  EXPECT_FALSE(ParseAs<CopyCommand>("COPY --link=false a b").link);
}

TEST(CopyTest, FlagErrors) {
  EXPECT_EQ(ParseError("COPY --fromm=build /a /b"),
            "Dockerfile:1: COPY: unknown flag --fromm (did you mean --from?)");
  EXPECT_EQ(ParseError("COPY --checksum=sha256:x a b"),
            "Dockerfile:1: COPY: unknown flag --checksum");
  EXPECT_EQ(ParseError("COPY --link=maybe a b"),
            "Dockerfile:1: COPY: expecting boolean value for flag --link, "
            "not: maybe");
  EXPECT_EQ(ParseError("COPY --from a b"),
            "Dockerfile:1: COPY: missing a value on flag: --from");
  EXPECT_EQ(ParseError("COPY --user=me foo /tmp/"),
            "Dockerfile:1: COPY: unknown flag --user");
}

TEST(CopyTest, NeedsDestination) {
  EXPECT_EQ(ParseError("COPY arg1"),
            "Dockerfile:1: COPY requires at least two arguments, but only one "
            "was provided. Destination could not be determined");
  EXPECT_EQ(ParseError("COPY\t\n\t\tquux \\\n      bar"),
            "Dockerfile:1: COPY requires at least two arguments, but only one "
            "was provided. Destination could not be determined");
  EXPECT_EQ(ParseError("ADD arg1"),
            "Dockerfile:1: ADD requires at least two arguments, but only one "
            "was provided. Destination could not be determined");
}

TEST(AddTest, AllFlags) {
  auto add = ParseAs<AddCommand>(
      "ADD --chown=1:2 --chmod=755 --link --keep-git-dir=true "
      "--checksum=sha256:abc --unpack=false --exclude=.git "
      "https://example.com/a.tar.gz /opt/");
  EXPECT_EQ(add.chown, "1:2");
  EXPECT_EQ(add.chmod, "755");
  EXPECT_TRUE(add.link);
  EXPECT_EQ(add.keep_git_dir, true);
  EXPECT_EQ(add.checksum, "sha256:abc");
  EXPECT_EQ(add.unpack, false);
  EXPECT_EQ(add.exclude_patterns, std::vector<std::string>{".git"});
  EXPECT_EQ(add.files.source_paths,
            std::vector<std::string>{"https://example.com/a.tar.gz"});
  EXPECT_EQ(add.files.dest_path, "/opt/");
}

TEST(AddTest, OptionalBoolsStayUnsetWhenAbsent) {
  auto add = ParseAs<AddCommand>("ADD a.tar /x");
  EXPECT_EQ(add.keep_git_dir, std::nullopt);
  EXPECT_EQ(add.unpack, std::nullopt);
  EXPECT_FALSE(add.link);
  auto bare = ParseAs<AddCommand>("ADD --unpack --keep-git-dir a /x");
  EXPECT_EQ(bare.unpack, true);
  EXPECT_EQ(bare.keep_git_dir, true);
}

TEST(AddTest, FlagErrors) {
  EXPECT_EQ(ParseError("ADD --from=x a b"),
            "Dockerfile:1: ADD: unknown flag --from");
  EXPECT_EQ(ParseError("ADD --parents a b"),
            "Dockerfile:1: ADD: unknown flag --parents");
  EXPECT_EQ(ParseError("ADD --chekcsum=x a b"),
            "Dockerfile:1: ADD: unknown flag --chekcsum (did you mean "
            "--checksum?)");
  EXPECT_EQ(ParseError("ADD --unpack= a b"),
            "Dockerfile:1: ADD: missing a value on flag: --unpack");
}

TEST(AddTest, JsonForm) {
  auto add = ParseAs<AddCommand>("ADD [ \"vimrc\", \"/tmp\" ]");
  EXPECT_EQ(add.files.source_paths, std::vector<std::string>{"vimrc"});
  EXPECT_EQ(add.files.dest_path, "/tmp");
}

TEST(FlagTerminatorTest, DashDashEndsFlags) {
  auto copy = ParseAs<CopyCommand>("COPY --link -- --weird-name /dst");
  EXPECT_TRUE(copy.link);
  EXPECT_EQ(copy.files.source_paths, std::vector<std::string>{"--weird-name"});
}

}  // namespace
}  // namespace zlayer::dockerfile
