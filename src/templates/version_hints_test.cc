#include "templates/version_hints.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace zlayer::templates {
namespace {

constexpr int kMajors[] = {16, 18, 20, 21, 22, 24};
constexpr int kMinors[] = {10, 11, 12, 13, 14};

std::vector<int> Majors(std::string_view range) {
  Result<std::vector<int>> out = NodeMajorsSatisfying(range, kMajors);
  EXPECT_TRUE(out.has_value()) << range << ": " << out.error().message();
  return out.value_or(std::vector<int>{-1});
}

std::vector<int> Minors(std::string_view specifiers) {
  Result<std::vector<int>> out = PythonMinorsSatisfying(specifiers, kMinors);
  EXPECT_TRUE(out.has_value()) << specifiers << ": " << out.error().message();
  return out.value_or(std::vector<int>{-1});
}

using V = std::vector<int>;

TEST(NodeRangeTest, VersionsAndPartials) {
  EXPECT_EQ(Majors("22"), V{22});
  EXPECT_EQ(Majors("v20.11.1"), V{20});
  EXPECT_EQ(Majors("20.x"), V{20});
  EXPECT_EQ(Majors("22.*"), V{22});
  EXPECT_EQ(Majors("=22.3"), V{22});
  EXPECT_EQ(Majors("*"), (V{16, 18, 20, 21, 22, 24}));
  EXPECT_EQ(Majors(""), (V{16, 18, 20, 21, 22, 24}));
  EXPECT_EQ(Majors("22.0.0-rc.1"), V{22});
}

TEST(NodeRangeTest, Comparators) {
  EXPECT_EQ(Majors(">=20 <23"), (V{20, 21, 22}));
  EXPECT_EQ(Majors(">= 20 < 22"), (V{20, 21}));
  EXPECT_EQ(Majors(">20"), (V{21, 22, 24}));  // partial: >=21
  EXPECT_EQ(Majors(">20.1"), (V{20, 21, 22, 24}));
  EXPECT_EQ(Majors("<=20"), (V{16, 18, 20}));  // partial: <21
  EXPECT_EQ(Majors("<20"), (V{16, 18}));
  EXPECT_EQ(Majors("<20.0.0"), (V{16, 18}));
  EXPECT_EQ(Majors(">22.99.99 <23"), V{22});
}

TEST(NodeRangeTest, CaretTildeHyphenAndOr) {
  EXPECT_EQ(Majors("^20.10"), V{20});
  EXPECT_EQ(Majors("^22"), V{22});
  EXPECT_EQ(Majors("~22.1.0"), V{22});
  EXPECT_EQ(Majors("~20"), V{20});
  EXPECT_EQ(Majors("18 - 21"), (V{18, 20, 21}));
  EXPECT_EQ(Majors("18.1.0 - 20.0.0"), (V{18, 20}));
  EXPECT_EQ(Majors("^18 || ^22"), (V{18, 22}));
  EXPECT_EQ(Majors(">=24 || <17"), (V{16, 24}));
  EXPECT_EQ(Majors(">=22 <20"), V{});
}

TEST(NodeRangeTest, NvmAliases) {
  EXPECT_EQ(Majors("lts/iron"), V{20});
  EXPECT_EQ(Majors("lts/jod"), V{22});
  EXPECT_EQ(Majors("lts/hydrogen"), V{18});
  EXPECT_EQ(Majors("node"), (V{16, 18, 20, 21, 22, 24}));
  EXPECT_EQ(Majors("lts/*"), (V{16, 18, 20, 21, 22, 24}));
}

TEST(NodeRangeTest, GarbageIsAnErrorNamingIt) {
  for (const char* bad : {"banana", "lts/unknown", ">=twenty", "v"}) {
    Result<std::vector<int>> out = NodeMajorsSatisfying(bad, kMajors);
    ASSERT_FALSE(out.has_value()) << bad;
    EXPECT_NE(out.error().message().find("not a version"), std::string::npos)
        << out.error().message();
  }
}

TEST(PythonSpecifierTest, Comparisons) {
  EXPECT_EQ(Minors(">=3.13"), (V{13, 14}));
  EXPECT_EQ(Minors(">=3.10,<3.13"), (V{10, 11, 12}));
  EXPECT_EQ(Minors(">= 3.11 , < 3.13"), (V{11, 12}));
  EXPECT_EQ(Minors(">3.12"), (V{12, 13, 14}));  // 3.12.1 > 3.12
  EXPECT_EQ(Minors("<=3.12"), (V{10, 11, 12}));
  EXPECT_EQ(Minors("<3.12"), (V{10, 11}));
}

TEST(PythonSpecifierTest, EqualityWildcardsAndCompatible) {
  EXPECT_EQ(Minors("==3.12.*"), V{12});
  EXPECT_EQ(Minors("==3.12"), V{12});  // 3.12.0 exactly
  EXPECT_EQ(Minors("===3.13.1"), V{13});
  EXPECT_EQ(Minors("==3.*"), (V{10, 11, 12, 13, 14}));
  EXPECT_EQ(Minors(">=3.11,!=3.13.*"), (V{11, 12, 14}));
  EXPECT_EQ(Minors("!=3.12"), (V{10, 11, 12, 13, 14}));  // 3.12.1 is fine
  EXPECT_EQ(Minors("~=3.12"), (V{12, 13, 14}));
  EXPECT_EQ(Minors("~=3.12.1"), V{12});
  EXPECT_EQ(Minors(">=3.13rc1"), (V{13, 14}));
}

TEST(PythonSpecifierTest, MalformedSpecifiersAreErrors) {
  struct {
    const char* text;
    const char* message;
  } cases[] = {
      {"3.12", "specifier '3.12' has no operator (==, >=, ~=, ...)"},
      {">=3.12,", "empty specifier in '>=3.12,'"},
      {"~=3", "'~=' needs at least two version parts in '~=3'"},
      {">=3.*", "'.*' is only allowed with == and != in '>=3.*'"},
      {">=py3", "not a version: 'py3'"},
  };
  for (const auto& c : cases) {
    Result<std::vector<int>> out = PythonMinorsSatisfying(c.text, kMinors);
    ASSERT_FALSE(out.has_value()) << c.text;
    EXPECT_EQ(out.error().message(), c.message);
  }
}

}  // namespace
}  // namespace zlayer::templates
