#include "frontend/input.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "base/file_io.h"
#include "base/temp_dir.h"

namespace zlayer::frontend {
namespace {

class ReadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create();
    ASSERT_TRUE(dir) << dir.error().message();
    temp_ = std::move(*dir);
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = temp_.path() + "/" + name;
    EXPECT_TRUE(base::WriteFileAtomic(path, text));
    return path;
  }

  InputRequest Request() const { return {.context = temp_.path()}; }

  base::TempDir temp_;
};

TEST_F(ReadInputTest, AZImagefileWithoutDirectivesIsConvertedAtOnce) {
  std::string file = Write("ZImagefile", "base: busybox\ncmd: [\"sh\"]\n");
  Write("Dockerfile", "FROM scratch\n");
  auto input = ReadInput(Request());
  ASSERT_TRUE(input) << input.error().message();
  EXPECT_EQ(input->file, file);
  EXPECT_FALSE(input->zimage);
  EXPECT_EQ(input->dockerfile_text, "FROM busybox\nCMD [\"sh\"]\n");
}

TEST_F(ReadInputTest, DirectivesLeaveTheZImagefileForTheBuild) {
  Write("ZImagefile", "build: base\n");
  auto input = ReadInput(Request());
  ASSERT_TRUE(input) << input.error().message();
  ASSERT_TRUE(input->zimage);
  EXPECT_TRUE(input->dockerfile_text.empty());
}

TEST_F(ReadInputTest, ADockerfileIsReadAsItIs) {
  std::string file = Write("Containerfile", "FROM scratch\nCOPY a b\n");
  auto input = ReadInput(Request());
  ASSERT_TRUE(input) << input.error().message();
  EXPECT_EQ(input->file, file);
  EXPECT_EQ(input->dockerfile_text, "FROM scratch\nCOPY a b\n");
}

TEST_F(ReadInputTest, ARuntimeTemplateHasNoFile) {
  InputRequest request = Request();
  request.runtime = "node";
  auto input = ReadInput(request);
  ASSERT_TRUE(input) << input.error().message();
  EXPECT_EQ(input->file, "");
  EXPECT_NE(input->dockerfile_text.find("FROM node:20-alpine AS builder"),
            std::string::npos);
}

TEST_F(ReadInputTest, WindowsTargetsAreRefusedOnThisHost) {
  std::string file = Write("ZImagefile", "base: nanoserver\nos: windows\n");
  auto input = ReadInput(Request());
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(input.error().message(),
            file +
                ": target OS windows: a Windows image needs a Windows "
                "host; this host runs Linux");

  Write("ZImagefile", "base: nanoserver\nplatform: Windows/amd64\n");
  EXPECT_FALSE(ReadInput(Request()));

  InputRequest request = Request();
  request.runtime = "servercore";
  auto runtime = ReadInput(request);
  ASSERT_FALSE(runtime);
  EXPECT_EQ(runtime.error().message(),
            "--runtime servercore: a Windows image needs a Windows host; "
            "this host runs Linux");
}

TEST_F(ReadInputTest, APinnedPlatformOutranksTheFile) {
  Write("ZImagefile", "base: busybox\nos: windows\nplatform: linux/arm64\n");
  InputRequest request = Request();
  request.pinned_os = zimage::TargetOs::kLinux;
  request.platform_pinned = true;
  auto input = ReadInput(request);
  ASSERT_TRUE(input) << input.error().message();
  // The command line's --platform replaces the file's top-level platform.
  EXPECT_EQ(input->dockerfile_text, "FROM busybox\n");

  request.platform_pinned = false;
  request.pinned_os.reset();
  Write("ZImagefile", "base: busybox\nplatform: linux/arm64\n");
  input = ReadInput(request);
  ASSERT_TRUE(input) << input.error().message();
  EXPECT_EQ(input->dockerfile_text, "FROM --platform=linux/arm64 busybox\n");
}

TEST_F(ReadInputTest, WasmIsNotSupportedYet) {
  InputRequest request = Request();
  request.runtime = "wasm";
  auto input = ReadInput(request);
  ASSERT_FALSE(input);
  EXPECT_EQ(input.error().kind(), ErrorKind::kUnsupported);
}

}  // namespace
}  // namespace zlayer::frontend
