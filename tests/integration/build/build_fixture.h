// A store with a busybox base image, and helpers to build Dockerfiles in it
// and read the JSON progress events of a build.
#ifndef ZLAYER_TESTS_INTEGRATION_BUILD_BUILD_FIXTURE_H_
#define ZLAYER_TESTS_INTEGRATION_BUILD_BUILD_FIXTURE_H_

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/temp_dir.h"
#include "tests/integration/cli_runner.h"

namespace zlayer::integration {

inline constexpr char kBaseImage[] = "zlayer-test/busybox:latest";

class BuildFixture : public ::testing::Test {
 protected:
  void SetUp() override;

  // Writes `text` to CONTEXT/relative (parents created).
  void WriteContext(const std::string& relative, const std::string& text);
  // `zlayer build --progress=json -f CONTEXT/Dockerfile CONTEXT` + extra.
  CommandResult Build(const std::vector<std::string>& extra = {});
  // The instruction_complete events of the last Build, in order.
  std::vector<nlohmann::json> Completed() const;
  // "C" for a cached file-system step, "M" for a miss, per step with a
  // cache entry (metadata steps are left out), e.g. "CCM".
  std::string CachePattern() const;
  std::string ImageId() const;

  base::TempDir temp_;
  std::string root_;
  std::string context_;
  CommandResult last_;
};

// The busybox rootfs tarball, made once per process.
const std::string& BusyboxRootfsTar();

}  // namespace zlayer::integration

#endif  // ZLAYER_TESTS_INTEGRATION_BUILD_BUILD_FIXTURE_H_
