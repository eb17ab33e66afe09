// Targets this Linux host cannot build are refused up front, each with one
// clear line: a Windows or macOS --platform, a Windows runtime template or
// ZImagefile, and package managers called on a nanoserver base.
#include <gtest/gtest.h>
#include <sys/utsname.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/integration/build/build_fixture.h"
#include "tests/integration/cli_runner.h"

namespace zlayer::integration {
namespace {

// This machine's platform as --platform takes it.
std::string HostPlatform() {
  struct utsname name;
  ::uname(&name);
  std::string machine = name.machine;
  if (machine == "x86_64") return "linux/amd64";
  if (machine == "aarch64") return "linux/arm64";
  return "linux/" + machine;
}

class TargetOsTest : public BuildFixture {
 protected:
  // A failed `zlayer build` with exactly `message` after "error: ".
  void ExpectRefused(const std::vector<std::string>& args,
                     const std::string& message, int exit_code = 1) {
    std::vector<std::string> full = {"build", "--progress", "plain"};
    full.insert(full.end(), args.begin(), args.end());
    CommandResult result = RunZlayer(root_, full);
    EXPECT_EQ(result.exit_code, exit_code) << result.err;
    EXPECT_EQ(result.err, "error: " + message + "\n");
  }
};

TEST_F(TargetOsTest, ForeignPlatformsAreRefused) {
  WriteContext("Dockerfile", "FROM zlayer-test/busybox\n");
  std::string dockerfile = context_ + "/Dockerfile";
  ExpectRefused({"--platform", "darwin/arm64", context_},
                "--platform darwin/arm64: unknown OS darwin (expected linux "
                "or windows); there are no macOS container images: on a "
                "Mac, build linux images",
                2);
  ExpectRefused({"--platform", "windows/amd64", context_},
                dockerfile +
                    ": target OS windows: a Windows image needs a Windows "
                    "host; this host runs Linux");
  ExpectRefused({"--runtime", "nanoserver", context_},
                "--runtime nanoserver: a Windows image needs a Windows host; "
                "this host runs Linux");
}

TEST_F(TargetOsTest, AWindowsZImagefileIsRefusedUnlessThePlatformPinsLinux) {
  WriteContext("ZImagefile",
               "base: zlayer-test/busybox\n"
               "os: windows\n"
               "steps:\n"
               "  - run: echo built > /marker\n");
  ExpectRefused({context_}, context_ +
                                "/ZImagefile: target OS windows: a Windows "
                                "image needs a Windows host; this host runs "
                                "Linux");
  // The command line outranks the file.
  CommandResult built = RunZlayer(
      root_,
      {"build", "--progress", "plain", "--platform", HostPlatform(), context_});
  EXPECT_EQ(built.exit_code, 0) << built.err;
}

TEST_F(TargetOsTest, PackageManagersOnNanoserverAreRefusedBeforeAnyPull) {
  WriteContext("Dockerfile",
               "FROM mcr.microsoft.com/windows/nanoserver:ltsc2022\n"
               "RUN winget install Git.Git\n");
  // No registry is contacted: the check runs before base images resolve.
  ExpectRefused({"--pull", "always", context_},
                context_ +
                    "/Dockerfile:2: RUN: winget is not available on a "
                    "nanoserver base "
                    "(mcr.microsoft.com/windows/nanoserver:ltsc2022 has no "
                    "package manager); use a servercore base, or COPY the "
                    "tool in");
}

TEST_F(TargetOsTest, BackendSelectionErrorsNameTheChoices) {
  WriteContext("Dockerfile", "FROM zlayer-test/busybox\n");
  ExpectRefused({"--backend", "podman", context_},
                "--backend: unknown backend \"podman\" (want native or "
                "buildah)",
                2);
  ExpectRefused({"--backend", "sandbox", context_},
                "--backend: backend sandbox: the macOS sandbox backend needs "
                "a macOS host; this host runs Linux (use native or buildah)");
  ::setenv("ZLAYER_BACKEND", "kaniko", 1);
  ExpectRefused({context_},
                "ZLAYER_BACKEND: unknown backend \"kaniko\" (want native or "
                "buildah)",
                2);
  // The flag outranks the environment; names are case-insensitive.
  CommandResult native = RunZlayer(
      root_, {"build", "--progress", "plain", "--backend", "Native", context_});
  EXPECT_EQ(native.exit_code, 0) << native.err;
  ::unsetenv("ZLAYER_BACKEND");

  // No buildah on PATH.
  std::string path = std::getenv("PATH");
  ::setenv("PATH", (temp_.path()).c_str(), 1);
  ExpectRefused({"--backend", "buildah", context_},
                "backend buildah: buildah not found (apt-get install buildah)");
  ::setenv("PATH", path.c_str(), 1);
}

}  // namespace
}  // namespace zlayer::integration
