// Golden files: testdata/valid/NAME.yml converts to NAME.Dockerfile (which
// the Dockerfile frontend must accept), or, with NAME.template beside it, a
// runtime-mode file applied to that template; testdata/invalid/NAME.yml
// gives exactly the diagnostics of NAME.errors. ZIMAGE_UPDATE_GOLDEN=1
// rewrites the expectations (review the diff before keeping it).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dockerfile/stages.h"
#include "zimage/convert.h"
#include "zimage/parse.h"

namespace zlayer::zimage {
namespace {

namespace fs = std::filesystem;

fs::path TestData(std::string_view sub) {
  return fs::path(ZLAYER_SOURCE_DIR) / "src/zimage/testdata" / sub;
}

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Updating() { return std::getenv("ZIMAGE_UPDATE_GOLDEN") != nullptr; }

void Expect(const fs::path& path, const std::string& actual) {
  if (Updating()) {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(path)) << path;
  EXPECT_EQ(actual, Slurp(path)) << path;
}

std::vector<fs::path> Inputs(std::string_view sub) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(TestData(sub))) {
    if (e.path().extension() == ".yml") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Every `build:` directive resolves to a fixed local tag.
ConvertOptions BasesFor(const ZImage& image) {
  ConvertOptions options;
  for (const BuildRef& ref : BuildDirectives(image)) {
    options.build_bases[ref.name] = "zlayer-build-dep-" + ref.name + ":golden";
  }
  return options;
}

void CheckValid(const fs::path& input) {
  SCOPED_TRACE(input.filename().string());
  {
    Result<ZImage> image =
        ParseZImagefile(Slurp(input), input.filename().string());
    ASSERT_TRUE(image) << image.error().message();
    fs::path expected = input;
    expected.replace_extension(".Dockerfile");
    fs::path tmpl = input;
    tmpl.replace_extension(".template");
    Result<std::string> text =
        fs::exists(tmpl) ? ApplyRuntimeSettings(Slurp(tmpl), *image)
                         : ConvertToDockerfile(*image, BasesFor(*image));
    ASSERT_TRUE(text) << text.error().message();
    Expect(expected, *text);
    Result<dockerfile::Dockerfile> parsed =
        dockerfile::ParseDockerfile(*text, expected.filename().string());
    EXPECT_TRUE(parsed) << parsed.error().message();
    // Deterministic: a second conversion gives the same bytes.
    if (!fs::exists(tmpl)) {
      EXPECT_EQ(*ConvertToDockerfile(*image, BasesFor(*image)), *text);
    }
  }
}

TEST(GoldenTest, ValidFilesConvertToTheirDockerfile) {
  const std::vector<fs::path> inputs = Inputs("valid");
  EXPECT_GE(inputs.size(), 30u);
  for (const fs::path& input : inputs) CheckValid(input);
}

TEST(GoldenTest, InvalidFilesGiveTheirDiagnostics) {
  const std::vector<fs::path> inputs = Inputs("invalid");
  EXPECT_GE(inputs.size(), 30u);
  for (const fs::path& input : inputs) {
    SCOPED_TRACE(input.filename().string());
    ParseOutcome out =
        ParseZImagefileDiagnostics(Slurp(input), input.filename().string());
    EXPECT_FALSE(out.image.has_value());
    std::string rendered;
    for (const Diagnostic& d : out.diagnostics) rendered += d.Render() + "\n";
    fs::path expected = input;
    expected.replace_extension(".errors");
    Expect(expected, rendered);
  }
}

}  // namespace
}  // namespace zlayer::zimage
