#include "buildah/support.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "plan/plan_testing.h"

namespace zlayer::buildah {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

Status Check(const std::string& dockerfile,
             const engine::BuildOptions& options) {
  auto plan = plan::testing::PlanText(dockerfile);
  if (!plan) return std::unexpected(plan.error());
  return CheckSupported(*plan, options);
}

Status Check(const std::string& dockerfile) {
  static const engine::BuildOptions* defaults = new engine::BuildOptions();
  return Check(dockerfile, *defaults);
}

// The refusal message of `dockerfile`, or "" when it is accepted.
std::string Refusal(const std::string& dockerfile) {
  Status status = Check(dockerfile);
  if (status) return "";
  EXPECT_EQ(status.error().kind(), ErrorKind::kUnsupported)
      << status.error().message();
  return status.error().message();
}

TEST(SupportTest, AcceptsWhatBuildahCanDo) {
  EXPECT_EQ(Refusal("FROM busybox AS b\n"
                    "WORKDIR /src\n"
                    "COPY --chown=1:1 --chmod=0755 a b /src/\n"
                    "ADD https://example.com/x.tgz /x\n"
                    "RUN --mount=type=cache,target=/c --mount=type=tmpfs,"
                    "target=/t --mount=type=bind,target=/m make\n"
                    "RUN --mount=type=secret,id=tok cat /run/secrets/tok\n"
                    "COPY <<EOF /f\nhi\nEOF\n"
                    "FROM busybox\n"
                    "COPY --from=b /src /app\n"
                    "HEALTHCHECK --interval=5s CMD true\n"),
            "");
}

TEST(SupportTest, RefusesCopyFlagsBuildahLacks) {
  EXPECT_EQ(Refusal("FROM busybox\nCOPY --link a /a\n"),
            "Dockerfile:2: COPY --link is not supported by the buildah "
            "backend");
  EXPECT_THAT(Refusal("FROM busybox\nCOPY --parents a/b /a/\n"),
              HasSubstr("COPY --parents is not supported by the buildah"));
  EXPECT_THAT(Refusal("FROM busybox\nCOPY --exclude=*.o . /a/\n"),
              HasSubstr("COPY --exclude is not supported"));
  EXPECT_THAT(
      Refusal("FROM busybox\nCOPY --chmod=u+x a /a\n"),
      HasSubstr("COPY --chmod=u+x (only octal modes) is not supported"));
  EXPECT_THAT(Refusal("FROM busybox\nADD --link a /a\n"),
              HasSubstr("ADD --link is not supported"));
}

TEST(SupportTest, RefusesAddFeaturesBuildahLacks) {
  EXPECT_THAT(
      Refusal("FROM busybox\nADD --checksum=sha256:"
              "0000000000000000000000000000000000000000000000000000000000000000"
              " https://example.com/x /x\n"),
      HasSubstr("ADD --checksum is not supported by the buildah backend"));
  EXPECT_THAT(Refusal("FROM busybox\nADD --unpack=true a.tar /a\n"),
              HasSubstr("ADD --unpack is not supported"));
  EXPECT_THAT(Refusal("FROM busybox\nADD git@github.com:o/r.git /src\n"),
              HasSubstr("ADD from git@github.com:o/r.git (git, ssh or ftp) is "
                        "not supported"));
}

TEST(SupportTest, RefusesRunFeaturesBuildahLacks) {
  EXPECT_THAT(Refusal("FROM busybox\nRUN --mount=type=ssh ssh-add -l\n"),
              HasSubstr("RUN --mount=type=ssh is not supported"));
  EXPECT_THAT(
      Refusal("FROM busybox\nRUN --mount=type=secret,id=t,env=TOKEN true\n"),
      HasSubstr("RUN --mount=type=secret,env= is not supported"));
  EXPECT_THAT(Refusal("FROM busybox AS a\nFROM busybox\n"
                      "RUN --mount=type=cache,target=/c,from=a true\n"),
              HasSubstr("RUN --mount=type=cache,from=a is not supported"));
  EXPECT_THAT(Refusal("FROM busybox\nRUN --security=insecure true\n"),
              HasSubstr("RUN --security=insecure is not supported"));
}

TEST(SupportTest, RefusesHealthcheckStartInterval) {
  EXPECT_THAT(Refusal("FROM busybox\n"
                      "HEALTHCHECK --start-interval=2s CMD true\n"),
              HasSubstr("HEALTHCHECK --start-interval is not supported by the "
                        "buildah backend"));
}

TEST(SupportTest, RefusesZstdWithDockerFormat) {
  engine::BuildOptions options;
  options.format = oci::Format::kDocker;
  options.compression = oci::Compression::kZstd;
  Status status = Check("FROM busybox\n", options);
  ASSERT_FALSE(status);
  EXPECT_THAT(status.error().message(), HasSubstr("zstd"));
}

TEST(SupportTest, OnlyStagesTheTargetNeedsAreChecked) {
  // The plan leaves out stages the target does not need.
  EXPECT_EQ(Refusal("FROM busybox AS unused\nCOPY --link a /a\n"
                    "FROM busybox AS used\nRUN true\n"),
            "");
}

TEST(SupportTest, OctalModes) {
  EXPECT_TRUE(IsOctalMode("755"));
  EXPECT_TRUE(IsOctalMode("0644"));
  EXPECT_FALSE(IsOctalMode("u+x"));
  EXPECT_FALSE(IsOctalMode("0800"));
  EXPECT_FALSE(IsOctalMode(""));
}

TEST(FormatWarningsTest, OciDropsDockerOnlyFields) {
  oci::ContainerConfig config;
  config.healthcheck = oci::HealthConfig{.test = {"NONE"}};
  config.shell = {"/bin/bash", "-c"};
  config.on_build = {"RUN true"};
  std::vector<std::string> warnings = FormatWarnings(config, oci::Format::kOci);
  ASSERT_EQ(warnings.size(), 3u);
  EXPECT_THAT(warnings[0], HasSubstr("HEALTHCHECK is not supported for OCI"));
  EXPECT_THAT(warnings[1], HasSubstr("SHELL"));
  EXPECT_THAT(warnings[2], HasSubstr("ONBUILD"));
  EXPECT_THAT(FormatWarnings(config, oci::Format::kDocker), IsEmpty());
  EXPECT_THAT(FormatWarnings({}, oci::Format::kOci), IsEmpty());
}

}  // namespace
}  // namespace zlayer::buildah
