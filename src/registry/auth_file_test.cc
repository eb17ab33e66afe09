#include "registry/auth_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <optional>
#include <string>

#include "base/file_io.h"
#include "base/temp_dir.h"

namespace zlayer::registry {
namespace {

// Sets an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value)
      setenv(name, value->c_str(), 1);
    else
      unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      setenv(name_, old_->c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// A fake `docker-credential-test` that keeps one stored entry in its own
// directory and logs its argv, so tests can see that secrets never reach it.
constexpr char kHelperScript[] = R"(#!/bin/sh
dir=$(dirname "$0")
echo "$*" >> "$dir/argv.log"
input=$(cat)
case "$1" in
  get)
    printf '%s' "$input" > "$dir/get-input"
    if [ -f "$dir/fail" ]; then echo "boom: keychain locked"; exit 1; fi
    if [ -f "$dir/store.json" ] && grep -qF "\"ServerURL\":\"$input\"" "$dir/store.json"; then
      cat "$dir/store.json"; exit 0
    fi
    echo "credentials not found in native keychain"; exit 1 ;;
  store)
    printf '%s' "$input" > "$dir/store.json" ;;
  erase)
    if [ -f "$dir/store.json" ] && grep -qF "\"ServerURL\":\"$input\"" "$dir/store.json"; then
      rm "$dir/store.json"; exit 0
    fi
    echo "credentials not found in native keychain"; exit 1 ;;
esac
)";

class AuthFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create();
    ASSERT_TRUE(dir.has_value());
    dir_ = std::move(*dir);
    path_ = dir_.path() + "/config.json";
  }

  void WriteConfig(const std::string& text) {
    ASSERT_TRUE(base::WriteFileAtomic(path_, text, 0600).has_value());
  }

  // Installs the fake helper first in PATH for the rest of the test.
  void InstallHelper() {
    helper_dir_ = dir_.path() + "/bin";
    ASSERT_EQ(mkdir(helper_dir_.c_str(), 0755), 0);
    ASSERT_TRUE(base::WriteFileAtomic(helper_dir_ + "/docker-credential-test",
                                      kHelperScript, 0755)
                    .has_value());
    const char* old = std::getenv("PATH");
    path_env_.emplace("PATH",
                      helper_dir_ + ":" + (old ? old : "/usr/bin:/bin"));
  }

  std::string HelperFile(const std::string& name) {
    auto text = base::ReadFile(helper_dir_ + "/" + name);
    return text ? *text : "";
  }

  AuthFile Load() {
    auto file = AuthFile::Load(path_);
    EXPECT_TRUE(file.has_value()) << file.error().message();
    return std::move(*file);
  }

  base::TempDir dir_;
  std::string path_;
  std::string helper_dir_;
  std::optional<ScopedEnv> path_env_;
};

TEST_F(AuthFileTest, DefaultAuthFilePrecedence) {
  ScopedEnv home("HOME", "/home/u");
  {
    ScopedEnv a("REGISTRY_AUTH_FILE", "/a/auth.json");
    ScopedEnv d("DOCKER_CONFIG", "/d");
    EXPECT_EQ(DefaultAuthFile(), "/a/auth.json");
  }
  {
    ScopedEnv a("REGISTRY_AUTH_FILE", std::nullopt);
    ScopedEnv d("DOCKER_CONFIG", "/d");
    EXPECT_EQ(DefaultAuthFile(), "/d/config.json");
  }
  ScopedEnv a("REGISTRY_AUTH_FILE", "");
  ScopedEnv d("DOCKER_CONFIG", std::nullopt);
  EXPECT_EQ(DefaultAuthFile(), "/home/u/.docker/config.json");
}

TEST_F(AuthFileTest, MissingOrEmptyFileHasNoCredentials) {
  auto creds = Load().Lookup("quay.io");
  ASSERT_TRUE(creds.has_value());
  EXPECT_FALSE(creds->has_value());
  WriteConfig("  \n");
  creds = Load().Lookup("quay.io");
  ASSERT_TRUE(creds.has_value());
  EXPECT_FALSE(creds->has_value());
}

TEST_F(AuthFileTest, ReadsAuthIdentityTokenAndLegacyFields) {
  // dXNlcjpwYTpzcw== is base64("user:pa:ss"); the password keeps its ':'.
  WriteConfig(R"({
    "auths": {
      "quay.io": {"auth": "dXNlcjpwYTpzcw=="},
      "ghcr.io": {"identitytoken": "refresh-me"},
      "old.example.com": {"username": "u", "password": "p"},
      "unpadded.example.com": {"auth": "dTpw"},
      "placeholder.example.com": {}
    }
  })");
  AuthFile file = Load();
  auto quay = file.Lookup("quay.io");
  ASSERT_TRUE(quay.has_value());
  ASSERT_TRUE(quay->has_value());
  EXPECT_EQ(**quay, (Credentials{"user", "pa:ss", ""}));
  auto ghcr = file.Lookup("ghcr.io");
  ASSERT_TRUE(ghcr && *ghcr);
  EXPECT_EQ(**ghcr, (Credentials{"", "", "refresh-me"}));
  auto old = file.Lookup("old.example.com");
  ASSERT_TRUE(old && *old);
  EXPECT_EQ(**old, (Credentials{"u", "p", ""}));
  auto unpadded = file.Lookup("unpadded.example.com");
  ASSERT_TRUE(unpadded && *unpadded);
  EXPECT_EQ(**unpadded, (Credentials{"u", "p", ""}));
  auto none = file.Lookup("placeholder.example.com");
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->has_value());
}

TEST_F(AuthFileTest, UrlKeysAreNormalised) {
  WriteConfig(R"({"auths": {
    "https://index.docker.io/v1/": {"auth": "aHViOmh1Yg=="},
    "http://localhost:5000/v2/": {"auth": "bG9jOmxvYw=="}
  }})");
  AuthFile file = Load();
  for (const char* hub :
       {"docker.io", "index.docker.io", "registry-1.docker.io"}) {
    auto creds = file.Lookup(hub);
    ASSERT_TRUE(creds && *creds) << hub;
    EXPECT_EQ((*creds)->username, "hub");
  }
  auto local = file.Lookup("localhost:5000");
  ASSERT_TRUE(local && *local);
  EXPECT_EQ((*local)->password, "loc");
}

TEST_F(AuthFileTest, ExactKeyWinsOverUrlForm) {
  WriteConfig(R"({"auths": {
    "https://quay.io": {"auth": "dXJsOnVybA=="},
    "quay.io": {"auth": "aG9zdDpob3N0"}
  }})");
  auto creds = Load().Lookup("quay.io");
  ASSERT_TRUE(creds && *creds);
  EXPECT_EQ((*creds)->username, "host");
}

TEST_F(AuthFileTest, CorruptJsonNamesTheFileNotItsContent) {
  WriteConfig(R"({"auths": {"quay.io": {"auth": "c2VjcmV0OnNlY3JldA==" )");
  auto file = AuthFile::Load(path_);
  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().kind(), ErrorKind::kInvalid);
  EXPECT_NE(file.error().message().find(path_), std::string::npos)
      << file.error().message();
  EXPECT_EQ(file.error().message().find("c2Vjcm"), std::string::npos)
      << file.error().message();
}

TEST_F(AuthFileTest, WrongShapesAreErrors) {
  for (const char* text :
       {R"([])", R"({"auths": []})", R"({"auths": {"a": "b"}})",
        R"({"credHelpers": {"a": 1}})", R"({"credsStore": 5})"}) {
    WriteConfig(text);
    auto file = AuthFile::Load(path_);
    ASSERT_FALSE(file.has_value()) << text;
    EXPECT_NE(file.error().message().find(path_), std::string::npos);
  }
}

TEST_F(AuthFileTest, BadBase64IsAnErrorWithoutTheValue) {
  WriteConfig(R"({"auths": {"quay.io": {"auth": "not*base64"}}})");
  auto creds = Load().Lookup("quay.io");
  ASSERT_FALSE(creds.has_value());
  EXPECT_NE(creds.error().message().find("auths[\"quay.io\"].auth"),
            std::string::npos);
  EXPECT_EQ(creds.error().message().find("not*base64"), std::string::npos);
}

TEST_F(AuthFileTest, SaveWritesMode0600InA0700DirectoryAndKeepsUnknownKeys) {
  path_ = dir_.path() + "/new/dir/config.json";
  ASSERT_EQ(mkdir((dir_.path() + "/new").c_str(), 0755), 0);
  {
    AuthFile file = Load();
    ASSERT_TRUE(file.Save("quay.io", {"alice", "pw", ""}).has_value());
  }
  struct stat st;
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(stat((dir_.path() + "/new/dir").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0700u);
  auto creds = Load().Lookup("quay.io");
  ASSERT_TRUE(creds && *creds);
  EXPECT_EQ(**creds, (Credentials{"alice", "pw", ""}));

  // Unknown keys, at the top and inside an entry, survive a rewrite.
  WriteConfig(R"({"proxies": {"default": {"httpProxy": "http://p:3128"}},
    "auths": {"quay.io": {"auth": "eDp5", "email": "a@b.c"}},
    "detachKeys": "ctrl-x"})");
  chmod(path_.c_str(), 0644);
  {
    AuthFile file = Load();
    ASSERT_TRUE(file.Save("quay.io", {"bob", "new", ""}).has_value());
    ASSERT_TRUE(file.Save("ghcr.io", {"", "", "tok"}).has_value());
  }
  ASSERT_EQ(stat(path_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  auto json = nlohmann::json::parse(*base::ReadFile(path_));
  EXPECT_EQ(json["proxies"]["default"]["httpProxy"], "http://p:3128");
  EXPECT_EQ(json["detachKeys"], "ctrl-x");
  EXPECT_EQ(json["auths"]["quay.io"]["email"], "a@b.c");
  EXPECT_EQ(json["auths"]["quay.io"]["auth"], "Ym9iOm5ldw==");  // bob:new
  EXPECT_EQ(json["auths"]["ghcr.io"]["identitytoken"], "tok");
  EXPECT_FALSE(json["auths"]["ghcr.io"].contains("auth"));
}

TEST_F(AuthFileTest, DockerHubUsesTheIndexUrlOrTheExistingKey) {
  {
    AuthFile file = Load();
    ASSERT_TRUE(file.Save("docker.io", {"a", "b", ""}).has_value());
  }
  auto json = nlohmann::json::parse(*base::ReadFile(path_));
  EXPECT_TRUE(json["auths"].contains("https://index.docker.io/v1/"));

  WriteConfig(R"({"auths": {"docker.io": {"auth": "eDp5"}}})");
  {
    AuthFile file = Load();
    ASSERT_TRUE(file.Save("index.docker.io", {"a", "b", ""}).has_value());
  }
  json = nlohmann::json::parse(*base::ReadFile(path_));
  EXPECT_EQ(json["auths"].size(), 1u);
  EXPECT_EQ(json["auths"]["docker.io"]["auth"], "YTpi");
}

TEST_F(AuthFileTest, EraseRemovesEveryFormOfTheKey) {
  WriteConfig(R"({"auths": {
    "https://index.docker.io/v1/": {"auth": "eDp5"},
    "docker.io": {"auth": "eDp5"},
    "quay.io": {"auth": "eDp5"}}})");
  {
    AuthFile file = Load();
    ASSERT_TRUE(file.Erase("docker.io").has_value());
    auto again = file.Erase("docker.io");
    ASSERT_FALSE(again.has_value());
    EXPECT_EQ(again.error().kind(), ErrorKind::kNotFound);
    EXPECT_EQ(again.error().message(), "not logged in to docker.io");
  }
  auto json = nlohmann::json::parse(*base::ReadFile(path_));
  EXPECT_EQ(json["auths"].size(), 1u);
  EXPECT_TRUE(json["auths"].contains("quay.io"));
}

TEST_F(AuthFileTest, CredHelperServesItsRegistryOverStdinOnly) {
  InstallHelper();
  WriteConfig(R"({"credHelpers": {"gcr.io": "test"},
                  "auths": {"gcr.io": {"auth": "aWdub3JlZDppZ25vcmVk"}}})");
  AuthFile file = Load();
  auto none = file.Lookup("gcr.io");
  ASSERT_TRUE(none.has_value()) << none.error().message();
  EXPECT_FALSE(none->has_value());  // the helper wins over the auths entry
  EXPECT_EQ(HelperFile("get-input"), "gcr.io");

  ASSERT_TRUE(file.Save("gcr.io", {"svc", "hunter2-secret", ""}).has_value());
  auto creds = file.Lookup("gcr.io");
  ASSERT_TRUE(creds && *creds);
  EXPECT_EQ(**creds, (Credentials{"svc", "hunter2-secret", ""}));

  std::string text = *base::ReadFile(path_);
  EXPECT_EQ(text.find("hunter2-secret"), std::string::npos) << text;
  auto json = nlohmann::json::parse(text);
  EXPECT_EQ(json["auths"]["gcr.io"], nlohmann::json::object());
  EXPECT_EQ(HelperFile("argv.log"), "get\nstore\nget\n");

  // Other registries do not go to this helper.
  auto other = file.Lookup("quay.io");
  ASSERT_TRUE(other.has_value());
  EXPECT_FALSE(other->has_value());

  ASSERT_TRUE(file.Erase("gcr.io").has_value());
  EXPECT_EQ(HelperFile("store.json"), "");
  EXPECT_FALSE(file.Erase("gcr.io").has_value());
}

TEST_F(AuthFileTest, CredsStoreIsTheFallbackAfterAuths) {
  InstallHelper();
  WriteConfig(R"({"credsStore": "test",
                  "auths": {"quay.io": {"auth": "eDp5"}}})");
  AuthFile file = Load();
  auto quay = file.Lookup("quay.io");
  ASSERT_TRUE(quay && *quay);
  EXPECT_EQ((*quay)->username, "x");
  EXPECT_EQ(HelperFile("argv.log"), "");

  ASSERT_TRUE(file.Save("docker.io", {"hubuser", "hubpw", ""}).has_value());
  // Docker's helpers know Docker Hub by its index URL.
  EXPECT_NE(HelperFile("store.json")
                .find(R"("ServerURL":"https://index.docker.io/v1/")"),
            std::string::npos);
  auto hub = Load().Lookup("docker.io");
  ASSERT_TRUE(hub && *hub) << (hub ? "" : hub.error().message());
  EXPECT_EQ(**hub, (Credentials{"hubuser", "hubpw", ""}));
  EXPECT_EQ(HelperFile("get-input"), "https://index.docker.io/v1/");
}

TEST_F(AuthFileTest, HelperIdentityToken) {
  InstallHelper();
  WriteConfig(R"({"credsStore": "test"})");
  AuthFile file = Load();
  ASSERT_TRUE(file.Save("ghcr.io", {"", "", "refresh"}).has_value());
  EXPECT_NE(HelperFile("store.json").find(R"("Username":"<token>")"),
            std::string::npos);
  auto creds = file.Lookup("ghcr.io");
  ASSERT_TRUE(creds && *creds);
  EXPECT_EQ(**creds, (Credentials{"", "", "refresh"}));
}

TEST_F(AuthFileTest, HelperFailuresAreReported) {
  InstallHelper();
  WriteConfig(R"({"credsStore": "test"})");
  ASSERT_TRUE(
      base::WriteFileAtomic(helper_dir_ + "/fail", "", 0644).has_value());
  auto creds = Load().Lookup("quay.io");
  ASSERT_FALSE(creds.has_value());
  EXPECT_NE(creds.error().message().find("docker-credential-test get for "
                                         "quay.io: exit status 1: boom"),
            std::string::npos)
      << creds.error().message();

  WriteConfig(R"({"credHelpers": {"quay.io": "nosuchhelper"}})");
  creds = Load().Lookup("quay.io");
  ASSERT_FALSE(creds.has_value());
  EXPECT_NE(creds.error().message().find("docker-credential-nosuchhelper"),
            std::string::npos)
      << creds.error().message();
}

}  // namespace
}  // namespace zlayer::registry
