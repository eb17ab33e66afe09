// Every case of BuildKit's parser golden data must dump byte for byte, and
// every negative case must be rejected with an error naming the problem.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dockerfile/parser.h"

namespace zlayer::dockerfile {
namespace {

namespace fs = std::filesystem;

fs::path BuildkitDir() {
  return fs::path(ZLAYER_SHARED_DIR) / "conformance" / "buildkit";
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::vector<std::string> CaseNames(const std::string& group) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(BuildkitDir() / group, ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string SafeName(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
  return name;
}

class ParserGolden : public testing::TestWithParam<std::string> {};

TEST_P(ParserGolden, DumpMatchesResultByteForByte) {
  fs::path dir = BuildkitDir() / "parser" / GetParam();
  auto parsed = Parse(ReadAll(dir / "Dockerfile"));
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(Dump(*parsed), ReadAll(dir / "result"));
}

INSTANTIATE_TEST_SUITE_P(Buildkit, ParserGolden,
                         testing::ValuesIn(CaseNames("parser")), SafeName);

TEST(ParserGoldenSet, HasAllThirtyThreeCases) {
  EXPECT_EQ(CaseNames("parser").size(), 33u);
  EXPECT_EQ(CaseNames("parser-negative").size(), 4u);
}

struct NegativeCase {
  const char* name;
  const char* expected_error;
};

class ParserNegative : public testing::TestWithParam<NegativeCase> {};

TEST_P(ParserNegative, IsRejectedWithItsProblemNamed) {
  fs::path dir = BuildkitDir() / "parser-negative" / GetParam().name;
  auto parsed = Parse(ReadAll(dir / "Dockerfile"));
  ASSERT_FALSE(parsed.has_value()) << Dump(*parsed);
  EXPECT_EQ(parsed.error().message(), GetParam().expected_error);
}

INSTANTIATE_TEST_SUITE_P(
    Buildkit, ParserNegative,
    testing::Values(
        NegativeCase{"empty_dockerfile",
                     "Dockerfile: file with no instructions"},
        NegativeCase{"only_comments", "Dockerfile: file with no instructions"},
        NegativeCase{"env_no_value",
                     "Dockerfile:3: ENV must have two arguments"},
        NegativeCase{"shykes-nested-json",
                     "Dockerfile:1: when using JSON array syntax, arrays must "
                     "be comprised of strings only"}),
    [](const testing::TestParamInfo<NegativeCase>& info) {
      std::string name = info.param.name;
      std::replace(name.begin(), name.end(), '-', '_');
      return name;
    });

}  // namespace
}  // namespace zlayer::dockerfile
