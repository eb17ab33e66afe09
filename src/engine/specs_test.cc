#include <gtest/gtest.h>

#include "engine/engine.h"

namespace zlayer::engine {
namespace {

TEST(ParseOutputSpecTest, Types) {
  auto oci = ParseOutputSpec("type=oci,dest=/tmp/x");
  ASSERT_TRUE(oci);
  EXPECT_EQ(oci->type, OutputSpec::Type::kOci);
  EXPECT_EQ(oci->dest, "/tmp/x");
  EXPECT_EQ(ParseOutputSpec("type=oci-archive,dest=a.tar")->type,
            OutputSpec::Type::kOciArchive);
  EXPECT_EQ(ParseOutputSpec("type=docker-archive,dest=a.tar")->type,
            OutputSpec::Type::kDockerArchive);
  EXPECT_EQ(ParseOutputSpec("type=local,dest=out")->type,
            OutputSpec::Type::kLocal);
  EXPECT_EQ(ParseOutputSpec("type=registry")->type,
            OutputSpec::Type::kRegistry);
}

TEST(ParseOutputSpecTest, BareDirectoryIsLocal) {
  auto local = ParseOutputSpec("outdir");
  ASSERT_TRUE(local);
  EXPECT_EQ(local->type, OutputSpec::Type::kLocal);
  EXPECT_EQ(local->dest, "outdir");
}

TEST(ParseOutputSpecTest, Errors) {
  for (const char* bad : {"", "type=tarball,dest=x", "type=oci", "dest=x",
                          "type=oci,dest=x,compression=zstd", "-"}) {
    auto result = ParseOutputSpec(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().kind(), ErrorKind::kUsage) << bad;
  }
  EXPECT_NE(ParseOutputSpec("type=tarball,dest=x")
                .error()
                .message()
                .find("unknown type \"tarball\""),
            std::string::npos);
}

TEST(ParseSecretSpecTest, FileAndEnv) {
  auto file = ParseSecretSpec("id=token,src=/run/token");
  ASSERT_TRUE(file);
  EXPECT_EQ(file->id, "token");
  EXPECT_EQ(file->src, "/run/token");
  auto env = ParseSecretSpec("id=token,env=TOKEN");
  ASSERT_TRUE(env);
  EXPECT_EQ(env->env, "TOKEN");
  auto typed = ParseSecretSpec("id=t,type=env,src=TOKEN");
  ASSERT_TRUE(typed);
  EXPECT_EQ(typed->env, "TOKEN");
  EXPECT_TRUE(typed->src.empty());
}

TEST(ParseSecretSpecTest, Errors) {
  for (const char* bad : {"src=/x", "id=a", "id=a,src=/x,env=Y",
                          "id=a,type=ssh,src=x", "id=a,bogus=1"}) {
    auto result = ParseSecretSpec(bad);
    ASSERT_FALSE(result) << bad;
    EXPECT_EQ(result.error().kind(), ErrorKind::kUsage) << bad;
  }
}

}  // namespace
}  // namespace zlayer::engine
