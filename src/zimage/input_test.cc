#include "zimage/input.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "base/temp_dir.h"

namespace zlayer::zimage {
namespace {

InputChoice Select(std::vector<std::string> entries, std::string file = "",
                   std::string runtime = "") {
  Result<InputChoice> r = SelectInput(
      {"/ctx", std::move(entries), std::move(file), std::move(runtime)});
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : InputChoice{};
}

TEST(InputTest, ZImagefileNames) {
  EXPECT_TRUE(IsZImagefileName("build.yml"));
  EXPECT_TRUE(IsZImagefileName("dir/app.YAML"));
  EXPECT_TRUE(IsZImagefileName("ZImagefile"));
  EXPECT_TRUE(IsZImagefileName("sub/ZImagefile.prod"));
  EXPECT_FALSE(IsZImagefileName("Dockerfile"));
  EXPECT_FALSE(IsZImagefileName("zimagefile"));
  EXPECT_FALSE(IsZImagefileName("ZImagefile/Dockerfile"));
  EXPECT_FALSE(IsZImagefileName("x.yml.bak"));
}

TEST(InputTest, PriorityOrder) {
  const std::vector<std::string> all = {"Containerfile", "Dockerfile",
                                        "ZImagefile.a", "ZImagefile"};
  InputChoice c = Select(all, "Dockerfile.x", "node20");
  EXPECT_EQ(c.kind, InputKind::kRuntime);
  EXPECT_EQ(c.value, "node20");
  c = Select(all, "Dockerfile.x");
  EXPECT_EQ(c.kind, InputKind::kDockerfile);
  EXPECT_EQ(c.value, "Dockerfile.x");
  c = Select(all, "ci/image.yaml");
  EXPECT_EQ(c.kind, InputKind::kZImagefile);
  EXPECT_EQ(c.value, "ci/image.yaml");
  EXPECT_EQ(Select(all, "-").kind, InputKind::kDockerfile);
  c = Select(all);
  EXPECT_EQ(c.kind, InputKind::kZImagefile);
  EXPECT_EQ(c.value, "/ctx/ZImagefile");
  c = Select({"Dockerfile", "ZImagefile.prod", "ZImagefile."});
  EXPECT_EQ(c.kind, InputKind::kZImagefile);
  EXPECT_EQ(c.value, "/ctx/ZImagefile.prod");
  c = Select({"Containerfile", "Dockerfile"});
  EXPECT_EQ(c.kind, InputKind::kDockerfile);
  EXPECT_EQ(c.value, "/ctx/Dockerfile");
  EXPECT_EQ(Select({"Containerfile"}).value, "/ctx/Containerfile");
}

TEST(InputTest, AmbiguityAndNothing) {
  Result<InputChoice> r = SelectInput(
      {"/ctx", {"ZImagefile.b", "Dockerfile", "ZImagefile.a"}, "", ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kUsage);
  EXPECT_EQ(r.error().message(),
            "multiple ZImagefile candidates in /ctx: ZImagefile.a, "
            "ZImagefile.b \u2014 pass -f <path> to pick one");
  r = SelectInput({"/ctx", {"README.md"}, "", ""});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(r.error().message(),
            "no ZImagefile, Dockerfile or Containerfile in /ctx");
}

TEST(InputTest, ReadsTheDirectory) {
  Result<base::TempDir> dir = base::TempDir::Create("", "zimage-input-");
  ASSERT_TRUE(dir) << dir.error().message();
  const std::string root = dir->path();
  std::ofstream(root + "/Dockerfile") << "FROM scratch\n";
  std::filesystem::create_directory(root + "/ZImagefile");  // not a file
  Result<InputChoice> r = SelectInputInDirectory({root, {}, "", ""});
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->kind, InputKind::kDockerfile);
  EXPECT_EQ(r->value, root + "/Dockerfile");
  EXPECT_FALSE(SelectInputInDirectory({root + "/missing", {}, "", ""}));
}

}  // namespace
}  // namespace zlayer::zimage
