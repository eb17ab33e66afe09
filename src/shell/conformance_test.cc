// Runs BuildKit's own golden files for its shell lexer (envVarTest and
// wordsTest in ../shared/conformance/buildkit/shell, see the README there)
// against this expander, line by line.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "shell/lexer.h"
#include "shell/variables.h"

namespace zlayer::shell {
namespace {

const std::string kShellDir =
    std::string(ZLAYER_SHARED_DIR) + "/conformance/buildkit/shell/";

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string_view TrimSpace(std::string_view text) {
  constexpr std::string_view kBlanks = " \t\r\n\v\f";
  const std::size_t first = text.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(kBlanks) - first + 1);
}

std::vector<std::string> Split(std::string_view text, char separator) {
  std::vector<std::string> fields;
  for (std::size_t start = 0;;) {
    const std::size_t end = text.find(separator, start);
    fields.emplace_back(text.substr(start, end - start));
    if (end == std::string_view::npos) return fields;
    start = end + 1;
  }
}

// envVarTest: `PLATFORM|input|expected`; `W` lines are Windows-only.
TEST(ShellConformanceTest, EnvVarTest) {
  const std::vector<std::string> lines = ReadLines(kShellDir + "envVarTest");
  ASSERT_FALSE(lines.empty()) << "cannot read " << kShellDir << "envVarTest";

  const VariableMap vars = {
      {"PWD", "/home"}, {"SHELL", "bash"}, {"KOREAN", "한국어"}, {"NULL", ""}};
  const Lexer lexer('\\');
  int expected_cases = 0;
  int cases = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.starts_with("A|") || line.starts_with("U|")) ++expected_cases;
    if (line.starts_with("#") || TrimSpace(line).empty()) continue;

    SCOPED_TRACE("envVarTest:" + std::to_string(i + 1) + ": " + line);
    const std::vector<std::string> fields = Split(TrimSpace(line), '|');
    ASSERT_EQ(fields.size(), 3u);
    const std::string_view platform = TrimSpace(fields[0]);
    ASSERT_TRUE(platform == "A" || platform == "U" || platform == "W");
    if (platform == "W") continue;

    ++cases;
    const std::string_view input = TrimSpace(fields[1]);
    const std::string_view expected = TrimSpace(fields[2]);
    const auto result = lexer.ProcessWord(input, vars);
    if (expected == "error") {
      EXPECT_FALSE(result.has_value()) << "expanded to: " << result->word;
    } else if (!result) {
      ADD_FAILURE() << result.error().message();
    } else {
      EXPECT_EQ(result->word, expected);
    }
  }
  EXPECT_GT(cases, 0);
  EXPECT_EQ(cases, expected_cases);
}

// wordsTest: `input|word,word,...`; `ENV name=value` lines define a
// variable for the lines after them.
TEST(ShellConformanceTest, WordsTest) {
  const std::vector<std::string> lines = ReadLines(kShellDir + "wordsTest");
  ASSERT_FALSE(lines.empty()) << "cannot read " << kShellDir << "wordsTest";

  const Lexer lexer('\\');
  std::vector<std::string> assignments;
  int expected_cases = 0;
  int cases = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string& line = lines[i];
    if (line.starts_with("#")) continue;
    if (line.starts_with("ENV ")) {
      const std::string_view rest = std::string_view(line).substr(3);
      assignments.emplace_back(rest.substr(rest.find_first_not_of(' ')));
      continue;
    }
    ++expected_cases;

    SCOPED_TRACE("wordsTest:" + std::to_string(i + 1) + ": " + line);
    const std::vector<std::string> fields = Split(line, '|');
    ASSERT_EQ(fields.size(), 2u);
    ++cases;
    // Trailing blanks of the expected words are significant.
    const std::string_view words = fields[1];
    const std::vector<std::string> expected =
        Split(words.substr(words.find_first_not_of(' ')), ',');
    const auto result = lexer.ProcessWords(
        TrimSpace(fields[0]), VariableMap::FromAssignments(assignments));
    EXPECT_EQ(result.value_or(std::vector<std::string>{"error"}), expected);
  }
  EXPECT_GT(cases, 0);
  EXPECT_EQ(cases, expected_cases);
}

}  // namespace
}  // namespace zlayer::shell
