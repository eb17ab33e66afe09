#include "dockerfile/flags.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zlayer::dockerfile {
namespace {

std::string ParseErrorOf(FlagSet& flags) {
  Status status = flags.Parse();
  return status ? "ok" : status.error().message();
}

TEST(FlagSetTest, NoArgumentsAndBareTerminatorParse) {
  FlagSet none(std::vector<std::string>{});
  EXPECT_TRUE(none.Parse());
  FlagSet dashes(std::vector<std::string>{"--"});
  EXPECT_TRUE(dashes.Parse());
}

TEST(FlagSetTest, DefaultsApplyWhenFlagsAreAbsent) {
  FlagSet flags(std::vector<std::string>{});
  Flag& str = flags.AddString("str1", "HI");
  Flag& boolean = flags.AddBool("bool1", false);
  ASSERT_TRUE(flags.Parse());
  EXPECT_EQ(str.value, "HI");
  EXPECT_FALSE(boolean.IsTrue());
  EXPECT_FALSE(str.used);
  EXPECT_FALSE(boolean.used);
  EXPECT_TRUE(flags.Used().empty());
}

TEST(FlagSetTest, StringFlagNeedsEqualsButMayBeEmpty) {
  FlagSet bare(std::vector<std::string>{"--str1"});
  bare.AddString("str1", "HI");
  EXPECT_EQ(ParseErrorOf(bare), "missing a value on flag: --str1");

  FlagSet empty(std::vector<std::string>{"--str1="});
  Flag& str = empty.AddString("str1", "HI");
  ASSERT_TRUE(empty.Parse());
  EXPECT_EQ(str.value, "");

  FlagSet set(std::vector<std::string>{"--str1=BYE"});
  Flag& bye = set.AddString("str1", "HI");
  ASSERT_TRUE(set.Parse());
  EXPECT_EQ(bye.value, "BYE");
}

TEST(FlagSetTest, ValueKeepsEverythingAfterTheFirstEquals) {
  FlagSet flags(std::vector<std::string>{"--mount=type=bind,target=/a"});
  Flag& mount = flags.AddStrings("mount");
  ASSERT_TRUE(flags.Parse());
  EXPECT_EQ(mount.values, std::vector<std::string>{"type=bind,target=/a"});
}

TEST(FlagSetTest, BoolFlagForms) {
  struct Case {
    std::string arg;
    bool want;
  };
  for (const Case& c :
       {Case{"--bool1", true}, Case{"--bool1=true", true},
        Case{"--bool1=TRUE", true}, Case{"--bool1=false", false},
        Case{"--bool1=False", false}}) {
    FlagSet flags(std::vector<std::string>{c.arg});
    Flag& flag = flags.AddBool("bool1", !c.want);
    ASSERT_TRUE(flags.Parse()) << c.arg;
    EXPECT_EQ(flag.IsTrue(), c.want) << c.arg;
    EXPECT_TRUE(flag.used);
  }
}

TEST(FlagSetTest, BoolFlagRejectsOtherValues) {
  FlagSet other(std::vector<std::string>{"--bool1=false1"});
  other.AddBool("bool1", false);
  EXPECT_EQ(ParseErrorOf(other),
            "expecting boolean value for flag --bool1, not: false1");

  FlagSet empty(std::vector<std::string>{"--bool1="});
  empty.AddBool("bool1", false);
  EXPECT_EQ(ParseErrorOf(empty), "missing a value on flag: --bool1");
}

TEST(FlagSetTest, UnknownFlagSuggestsCloseName) {
  FlagSet typo(std::vector<std::string>{"--fromm=build"});
  typo.AddString("from", "");
  typo.AddString("chown", "");
  EXPECT_EQ(ParseErrorOf(typo), "unknown flag --fromm (did you mean --from?)");

  FlagSet far(std::vector<std::string>{"--bool2"});
  far.AddBool("verylongname", false);
  EXPECT_EQ(ParseErrorOf(far), "unknown flag --bool2");
}

TEST(FlagSetTest, WordsMustStartWithTwoDashes) {
  FlagSet flags(std::vector<std::string>{"-x"});
  EXPECT_EQ(ParseErrorOf(flags), "arg should start with -- : -x");
}

TEST(FlagSetTest, RepeatsAreErrorsExceptForListFlags) {
  FlagSet twice(std::vector<std::string>{"--from=a", "--from=b"});
  twice.AddString("from", "");
  EXPECT_EQ(ParseErrorOf(twice), "duplicate flag specified: --from");

  FlagSet list(std::vector<std::string>{"--exclude=a", "--exclude=b"});
  Flag& exclude = list.AddStrings("exclude");
  ASSERT_TRUE(list.Parse());
  EXPECT_EQ(exclude.values, (std::vector<std::string>{"a", "b"}));

  FlagSet bare(std::vector<std::string>{"--exclude"});
  bare.AddStrings("exclude");
  EXPECT_EQ(ParseErrorOf(bare), "missing a value on flag: --exclude");
}

TEST(FlagSetTest, TerminatorStopsFlagProcessing) {
  FlagSet flags(std::vector<std::string>{"--a=1", "--", "--unknown"});
  Flag& a = flags.AddString("a", "");
  ASSERT_TRUE(flags.Parse());
  EXPECT_EQ(a.value, "1");
}

TEST(FlagSetTest, DuplicateDeclarationFailsOnParse) {
  FlagSet flags(std::vector<std::string>{});
  flags.AddString("a", "");
  flags.AddBool("a", false);
  EXPECT_EQ(ParseErrorOf(flags),
            "error setting up flags: Duplicate flag defined: a");
}

TEST(FlagSetTest, UsedListsGivenFlagsSorted) {
  FlagSet flags(std::vector<std::string>{
      "--bool2=false", "--bool3", "--bool4=true", "--bool5",
      "--str2= ", "--str3=def3", "--str4=my-val"});
  for (const char* name : {"bool1", "bool2", "bool3"}) {
    flags.AddBool(name, false);
  }
  flags.AddBool("bool4", true);
  flags.AddBool("bool5", true);
  flags.AddString("str1", "");
  flags.AddString("str2", "");
  flags.AddString("str3", "def3");
  flags.AddString("str4", "def4");
  ASSERT_TRUE(flags.Parse());
  EXPECT_EQ(flags.Used(),
            (std::vector<std::string>{"bool2", "bool3", "bool4", "bool5",
                                      "str2", "str3", "str4"}));
  EXPECT_TRUE(flags.IsUsed("str2"));
  EXPECT_FALSE(flags.IsUsed("str1"));
}

}  // namespace
}  // namespace zlayer::dockerfile
