// Secrets reach RUN and nothing else: no layer, no blob, no event.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/integration/build/build_fixture.h"

namespace zlayer::integration {
namespace {

constexpr char kSecret[] = "s3cr3t-VALUE-8c2f1e";

bool TreeContains(const std::string& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string data((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
    if (data.find(needle) != std::string::npos) return true;
  }
  return false;
}

class SecretTest : public BuildFixture {};

TEST_F(SecretTest, SecretIsUsableButNeverStored) {
  std::string secret_file = temp_.path() + "/token";
  std::ofstream(secret_file) << kSecret;
  // The Dockerfile never names the value: it only reaches RUN.
  WriteContext("Dockerfile",
               "FROM zlayer-test/busybox\n"
               "RUN --mount=type=secret,id=token "
               "cat /run/secrets/token && "
               "wc -c < /run/secrets/token > /size\n"
               "RUN --mount=type=secret,id=token,env=TOKEN "
               "test \"${#TOKEN}\" = 19 && echo ok > /env-ok\n");
  CommandResult built = Build({"--secret", "id=token,src=" + secret_file, "-o",
                               "type=local,dest=" + temp_.path() + "/out"});
  ASSERT_EQ(built.exit_code, 0) << built.err << built.out;
  // The file was readable in RUN (its size landed in the layer) ...
  std::ifstream size(temp_.path() + "/out/size");
  std::string text((std::istreambuf_iterator<char>(size)),
                   std::istreambuf_iterator<char>());
  EXPECT_EQ(std::stoi(text), static_cast<int>(std::string(kSecret).size()));
  EXPECT_TRUE(std::filesystem::exists(temp_.path() + "/out/env-ok"));
  // ... but the mount point is gone and the value is nowhere.
  EXPECT_FALSE(
      std::filesystem::exists(temp_.path() + "/out/run/secrets/token"));
  EXPECT_FALSE(TreeContains(root_, kSecret)) << "secret found in the store";
  EXPECT_FALSE(TreeContains(temp_.path() + "/out", kSecret));
  EXPECT_EQ(built.out.find(kSecret), std::string::npos)
      << "secret in the progress events";
  EXPECT_EQ(built.err.find(kSecret), std::string::npos);
  EXPECT_NE(built.out.find("****"), std::string::npos)
      << "the echoed secret should be redacted";
}

TEST_F(SecretTest, MissingRequiredSecretIsAClearError) {
  WriteContext("Dockerfile",
               "FROM zlayer-test/busybox\n"
               "RUN --mount=type=secret,id=absent,required=true true\n");
  CommandResult built = Build();
  EXPECT_NE(built.exit_code, 0);
  EXPECT_NE(built.err.find("secret absent is required"), std::string::npos)
      << built.err;
}

TEST_F(SecretTest, UnreadableSecretSourceIsAUsageError) {
  WriteContext("Dockerfile", "FROM zlayer-test/busybox\nRUN true\n");
  CommandResult built =
      Build({"--secret", "id=x,src=" + temp_.path() + "/does-not-exist"});
  EXPECT_EQ(built.exit_code, 2);
  EXPECT_NE(built.err.find("--secret id=x"), std::string::npos) << built.err;
}

}  // namespace
}  // namespace zlayer::integration
