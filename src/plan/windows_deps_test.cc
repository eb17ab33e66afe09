#include "plan/windows_deps.h"

#include <gtest/gtest.h>

#include <variant>

#include "plan/plan_testing.h"

namespace zlayer::plan {
namespace {

using testing::FakeImages;
using testing::Options;
using testing::PlanText;

// The first RUN of a one-stage Dockerfile.
dockerfile::RunCommand FirstRun(const std::string& text) {
  auto file = dockerfile::ParseDockerfile(text).value();
  for (const dockerfile::Command& command : file.stages[0].commands) {
    if (const auto* run = std::get_if<dockerfile::RunCommand>(&command)) {
      return *run;
    }
  }
  ADD_FAILURE() << "no RUN in " << text;
  return {};
}

std::optional<std::string> Called(const std::string& run_line) {
  return PackageManagerCalled(FirstRun("FROM x\n" + run_line + "\n"));
}

TEST(WindowsDepsTest, NanoserverImagesAreRecognisedByRepositoryName) {
  EXPECT_TRUE(IsNanoserverImage("mcr.microsoft.com/windows/nanoserver"));
  EXPECT_TRUE(
      IsNanoserverImage("mcr.microsoft.com/windows/nanoserver:ltsc2022"));
  EXPECT_TRUE(IsNanoserverImage("MCR.microsoft.com/Windows/NanoServer:1809"));
  EXPECT_TRUE(IsNanoserverImage("nanoserver@sha256:abc"));
  EXPECT_TRUE(IsNanoserverImage("example.com/nanoserver-ltsc2022"));
  EXPECT_FALSE(IsNanoserverImage("mcr.microsoft.com/windows/servercore"));
  EXPECT_FALSE(IsNanoserverImage("example.com/nanoserver/tools:1"));
  EXPECT_FALSE(IsNanoserverImage("alpine"));
}

TEST(WindowsDepsTest, PackageManagersAtCommandPositions) {
  EXPECT_EQ(Called("RUN choco install -y git"), "choco");
  EXPECT_EQ(Called("RUN winget install Git.Git"), "winget");
  EXPECT_EQ(Called("RUN echo hi && CHOCO.EXE install git"), "choco");
  EXPECT_EQ(Called("RUN setx PATH x; winget.exe install y"), "winget");
  EXPECT_EQ(Called("RUN C:\\\\ProgramData\\\\chocolatey\\\\bin\\\\choco.exe "
                   "install git"),
            "choco");
  EXPECT_EQ(Called("RUN [\"choco\", \"install\", \"git\"]"), "choco");
  EXPECT_EQ(Called("RUN [\"cmd\", \"/S\", \"/C\", \"choco install git\"]"),
            "choco");
  EXPECT_EQ(Called("RUN echo choco"), std::nullopt);
  EXPECT_EQ(Called("RUN chocolatey-helper install"), std::nullopt);
  EXPECT_EQ(Called("RUN [\"echo\", \"winget\"]"), std::nullopt);
}

TEST(WindowsDepsTest, ThePlannerRefusesPackageManagersOnNanoserver) {
  FakeImages images;
  auto plan = PlanText(
      "ARG TAG=ltsc2022\n"
      "FROM mcr.microsoft.com/windows/nanoserver:${TAG} AS base\n"
      "RUN echo ok\n"
      "FROM base\n"
      "RUN choco install -y git\n",
      Options(), images);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().kind(), ErrorKind::kInvalid);
  EXPECT_EQ(plan.error().message(),
            "Dockerfile:5: RUN: choco is not available on a nanoserver base "
            "(mcr.microsoft.com/windows/nanoserver:ltsc2022 has no package "
            "manager); use a servercore base, or COPY the tool in");
  // Refused before any base image was looked up.
  EXPECT_TRUE(images.calls.empty());
}

TEST(WindowsDepsTest, OtherBasesMayCallThem) {
  FakeImages images;
  images.Add("mcr.microsoft.com/windows/servercore:ltsc2022");
  auto plan = PlanText(
      "FROM mcr.microsoft.com/windows/servercore:ltsc2022\n"
      "RUN choco install -y git\n",
      Options(), images);
  EXPECT_TRUE(plan) << plan.error().message();
}

}  // namespace
}  // namespace zlayer::plan
