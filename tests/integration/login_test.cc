// `zlayer login` / `zlayer logout` against an auth file in a scratch
// directory and real registries on 127.0.0.1 (htpasswd basic auth, and
// bearer tokens from a test token endpoint): what is written, its mode, and
// the refusals.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/file_io.h"
#include "base/subprocess.h"
#include "base/temp_dir.h"
#include "registry/testing/registry_server.h"

namespace zlayer::integration {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs zlayer with `input` on stdin (a pipe, never a terminal).
Outcome Zlayer(const std::vector<std::string>& args, std::string input) {
  std::vector<std::string> argv = {ZLAYER_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  base::SubprocessOptions options;
  options.stdin_mode = base::StdinMode::kData;
  options.stdin_data = std::move(input);
  // Keep the developer's own ~/.docker and $REGISTRY_AUTH_FILE out of it.
  options.env = {"REGISTRY_AUTH_FILE=", "DOCKER_CONFIG="};
  auto run = base::Run(argv, std::move(options));
  EXPECT_TRUE(run.has_value()) << run.error().message();
  if (!run) return {};
  return {run->status.code, run->stdout_data, run->stderr_data};
}

using registry::testing::RegistryServer;
using registry::testing::TokenEndpoint;

class LoginTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = RegistryServer::StartHtpasswd("alice", "s3cr3t-pw");
    ASSERT_TRUE(server) << server.error().message();
    basic_ = server->release();
  }
  static void TearDownTestSuite() {
    delete basic_;
    basic_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(basic_, nullptr);
    auto dir = base::TempDir::Create();
    ASSERT_TRUE(dir.has_value());
    dir_ = std::move(*dir);
    authfile_ = dir_.path() + "/sub/auth.json";
  }

  static std::string Host() { return basic_->host(); }

  static RegistryServer* basic_;
  base::TempDir dir_;
  std::string authfile_;
};

RegistryServer* LoginTest::basic_ = nullptr;

TEST_F(LoginTest, SavesCredentialsWithMode0600AndLogoutRemovesThem) {
  Outcome login = Zlayer({"login", "-u", "alice", "--password-stdin",
                          "--authfile", authfile_, Host()},
                         "s3cr3t-pw\n");
  ASSERT_EQ(login.exit_code, 0) << login.err;
  EXPECT_EQ(login.out, "Credentials saved to " + authfile_ + "\n");
  EXPECT_EQ(login.err.find("s3cr3t-pw"), std::string::npos);

  struct stat st;
  ASSERT_EQ(stat(authfile_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(stat((dir_.path() + "/sub").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  auto text = base::ReadFile(authfile_);
  ASSERT_TRUE(text.has_value());
  // base64("alice:s3cr3t-pw")
  EXPECT_NE(text->find("\"" + Host() + "\""), std::string::npos) << *text;
  EXPECT_NE(text->find("YWxpY2U6czNjcjN0LXB3"), std::string::npos) << *text;

  Outcome logout = Zlayer({"logout", "--authfile", authfile_, Host()}, "");
  ASSERT_EQ(logout.exit_code, 0) << logout.err;
  EXPECT_EQ(logout.out, "Removed credentials for " + Host() + "\n");
  text = base::ReadFile(authfile_);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->find(Host()), std::string::npos) << *text;
}

TEST_F(LoginTest, PasswordFromPipedStdinWithoutFlag) {
  Outcome login = Zlayer(
      {"login", "-u", "alice", "--authfile", authfile_, Host()}, "s3cr3t-pw");
  ASSERT_EQ(login.exit_code, 0) << login.err;
  auto text = base::ReadFile(authfile_);
  ASSERT_TRUE(text.has_value());
  // base64("alice:s3cr3t-pw")
  EXPECT_NE(text->find("YWxpY2U6czNjcjN0LXB3"), std::string::npos) << *text;
}

TEST_F(LoginTest, WrongPasswordIsRefusedAndNothingSaved) {
  Outcome login = Zlayer({"login", "-u", "alice", "--password-stdin",
                          "--authfile", authfile_, Host()},
                         "wrong-pw\n");
  EXPECT_EQ(login.exit_code, 1);
  EXPECT_NE(login.err.find("login to " + Host()), std::string::npos)
      << login.err;
  EXPECT_NE(login.err.find("unauthorized"), std::string::npos) << login.err;
  EXPECT_EQ(login.err.find("wrong-pw"), std::string::npos) << login.err;
  EXPECT_EQ(std::count(login.err.begin(), login.err.end(), '\n'), 1)
      << login.err;
  struct stat st;
  EXPECT_NE(stat(authfile_.c_str(), &st), 0);
}

TEST_F(LoginTest, UnreachableRegistryIsOneLineAndNothingSaved) {
  auto port = registry::testing::FreePort();
  ASSERT_TRUE(port);
  std::string host = "127.0.0.1:" + std::to_string(*port);
  Outcome login = Zlayer({"login", "-u", "alice", "--password-stdin",
                          "--authfile", authfile_, host},
                         "pw\n");
  EXPECT_EQ(login.exit_code, 1);
  EXPECT_NE(login.err.find("login to " + host), std::string::npos) << login.err;
  EXPECT_EQ(std::count(login.err.begin(), login.err.end(), '\n'), 1)
      << login.err;
  struct stat st;
  EXPECT_NE(stat(authfile_.c_str(), &st), 0);
}

TEST_F(LoginTest, BearerTokenRegistryChecksThePasswordAtItsTokenEndpoint) {
  auto dir = base::TempDir::Create();
  ASSERT_TRUE(dir);
  auto endpoint =
      TokenEndpoint::Start(dir->path(), "zlayer-test", "carol", "t0k3n-pw");
  ASSERT_TRUE(endpoint) << endpoint.error().message();
  auto server = RegistryServer::StartToken(**endpoint);
  ASSERT_TRUE(server) << server.error().message();
  std::string host = (*server)->host();
  Outcome wrong = Zlayer({"login", "-u", "carol", "--password-stdin",
                          "--authfile", authfile_, host},
                         "nope\n");
  EXPECT_EQ(wrong.exit_code, 1) << wrong.err;
  struct stat st;
  EXPECT_NE(stat(authfile_.c_str(), &st), 0);
  Outcome right = Zlayer({"login", "-u", "carol", "--password-stdin",
                          "--authfile", authfile_, host},
                         "t0k3n-pw\n");
  EXPECT_EQ(right.exit_code, 0) << right.err;
  EXPECT_EQ(stat(authfile_.c_str(), &st), 0);
}

TEST_F(LoginTest, LogoutFindsDockerHubUnderItsIndexUrl) {
  std::string hub = dir_.path() + "/hub.json";
  // What `docker login` writes for Docker Hub (which is not reachable from
  // the test machines, so the entry is written directly).
  ASSERT_TRUE(
      base::WriteFileAtomic(hub,
                            "{\"auths\": {\"https://index.docker.io/v1/\": "
                            "{\"auth\": \"Ym9iOnB3\"}}}",
                            0600)
          .has_value());
  Outcome logout = Zlayer({"logout", "--authfile", hub, "index.docker.io"}, "");
  EXPECT_EQ(logout.exit_code, 0) << logout.err;
  EXPECT_EQ(logout.out, "Removed credentials for docker.io\n");
  auto text = base::ReadFile(hub);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(text->find("index.docker.io"), std::string::npos) << *text;
}

TEST_F(LoginTest, EmptyPasswordIsRefused) {
  Outcome login = Zlayer({"login", "-u", "alice", "--password-stdin",
                          "--authfile", authfile_, "quay.io"},
                         "\n");
  EXPECT_EQ(login.exit_code, 1);
  EXPECT_NE(login.err.find("empty password"), std::string::npos) << login.err;
  struct stat st;
  EXPECT_NE(stat(authfile_.c_str(), &st), 0);
}

TEST_F(LoginTest, UserIsRequiredWithoutTerminal) {
  Outcome login = Zlayer(
      {"login", "--password-stdin", "--authfile", authfile_, "quay.io"}, "pw");
  EXPECT_EQ(login.exit_code, 2);
  EXPECT_NE(login.err.find("-u USER"), std::string::npos) << login.err;
}

TEST_F(LoginTest, PasswordOptionIsNotOffered) {
  Outcome login = Zlayer(
      {"login", "-u", "a", "-p", "pw", "--authfile", authfile_, "quay.io"}, "");
  EXPECT_EQ(login.exit_code, 2);
  struct stat st;
  EXPECT_NE(stat(authfile_.c_str(), &st), 0);
}

TEST_F(LoginTest, LogoutWhenNotLoggedInFails) {
  Outcome logout = Zlayer({"logout", "--authfile", authfile_, "quay.io"}, "");
  EXPECT_EQ(logout.exit_code, 1);
  EXPECT_EQ(logout.err, "error: not logged in to quay.io\n");
}

TEST_F(LoginTest, CorruptAuthFileIsNamed) {
  ASSERT_TRUE(
      base::WriteFileAtomic(dir_.path() + "/bad.json", "{\"auths\": ", 0600)
          .has_value());
  Outcome login = Zlayer(
      {"login", "-u", "a", "--authfile", dir_.path() + "/bad.json", "quay.io"},
      "pw");
  EXPECT_EQ(login.exit_code, 1);
  EXPECT_NE(login.err.find(dir_.path() + "/bad.json"), std::string::npos)
      << login.err;
}

}  // namespace
}  // namespace zlayer::integration
