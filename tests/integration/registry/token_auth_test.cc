// A registry that wants bearer tokens from a token endpoint guarded by a
// password: login, push and pull work, anonymous access is refused, and
// the password never shows in any output or progress event.
#include <memory>

#include "registry/testing/registry_server.h"
#include "registry/token.h"
#include "tests/integration/registry/registry_fixture.h"

namespace zlayer::integration {
namespace {

using registry::testing::RegistryServer;
using registry::testing::TokenEndpoint;

constexpr char kUser[] = "bob";
constexpr char kPassword[] = "t0ken-Secret-9931";

class TokenAuthTest : public RegistryFixture {
 protected:
  void SetUp() override {
    RegistryFixture::SetUp();
    auto endpoint = TokenEndpoint::Start(temp_.path(), "zlayer-test-registry",
                                         kUser, kPassword);
    ASSERT_TRUE(endpoint) << endpoint.error().message();
    endpoint_ = std::move(*endpoint);
    auto server = RegistryServer::StartToken(*endpoint_);
    ASSERT_TRUE(server) << server.error().message();
    registry_ = std::move(*server);
  }

  // Neither the password nor the base64 of user:password in `text`.
  void ExpectNoSecret(const std::string& what, const std::string& text) {
    EXPECT_EQ(text.find(kPassword), std::string::npos) << what << ": " << text;
    std::string basic =
        registry::Base64Encode(std::string(kUser) + ":" + kPassword);
    EXPECT_EQ(text.find(basic), std::string::npos) << what << ": " << text;
  }
  void ExpectNoSecret(const std::string& what, const CommandResult& r) {
    ExpectNoSecret(what + " stdout", r.out);
    ExpectNoSecret(what + " stderr", r.err);
  }

  std::unique_ptr<TokenEndpoint> endpoint_;
  std::unique_ptr<RegistryServer> registry_;
};

TEST_F(TokenAuthTest, LoginPushPullWithoutLeakingThePassword) {
  std::string host = registry_->host();
  std::string ref = host + "/secure/busybox:latest";
  std::string a = NewRoot();
  std::string id = Import(a, ref);

  // Anonymous: the token endpoint refuses, so does the registry.
  CommandResult anonymous = Zl(a, {"push", "--progress", "plain", ref});
  ExpectOneLineError(anonymous, {host}, /*only_line=*/false);

  CommandResult wrong = Zl(a, {"login", "-u", kUser, "--password-stdin", host},
                           "not-the-password\n");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_EQ(wrong.err.find("not-the-password"), std::string::npos);

  CommandResult login = Zl(a, {"login", "-u", kUser, "--password-stdin", host},
                           std::string(kPassword) + "\n");
  ASSERT_EQ(login.exit_code, 0) << login.err;
  ExpectNoSecret("login", login);
  int tokens_after_login = endpoint_->token_requests();
  EXPECT_GT(tokens_after_login, 0);

  for (const char* progress : {"plain", "json"}) {
    SCOPED_TRACE(std::string("--progress ") + progress);
    CommandResult pushed = Zl(a, {"push", "--progress", progress, ref});
    ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
    ExpectNoSecret("push", pushed);
    if (std::string(progress) == "json") {
      EXPECT_FALSE(TransferEvents(pushed.out).empty()) << pushed.out;
    }
  }
  EXPECT_GT(endpoint_->token_requests(), tokens_after_login);
  std::string digest = Inspect(a, ref).value("ManifestDigest", "");

  for (const char* progress : {"plain", "json"}) {
    SCOPED_TRACE(std::string("--progress ") + progress);
    std::string b = NewRoot();
    CommandResult pulled = Zl(b, {"pull", "--progress", progress, ref});
    ASSERT_EQ(pulled.exit_code, 0) << pulled.err;
    ExpectNoSecret("pull", pulled);
    if (std::string(progress) == "plain") {
      EXPECT_EQ(Trim(pulled.out), id);
    } else {
      std::vector<TransferEvent> events = TransferEvents(pulled.out);
      ASSERT_FALSE(events.empty()) << pulled.out;
      for (const TransferEvent& event : events) {
        EXPECT_EQ(event.ref, ref);
        EXPECT_NE(event.state, "failed");
      }
      std::vector<std::string> lines = Lines(pulled.out);
      auto last = nlohmann::json::parse(lines.back(), nullptr, false);
      ASSERT_TRUE(last.is_object()) << lines.back();
      EXPECT_EQ(last.value("type", ""), "pull_complete");
      EXPECT_EQ(last.value("image_id", ""), id);
    }
    nlohmann::json image = Inspect(b, ref);
    EXPECT_EQ(image.value("Id", ""), id);
    EXPECT_EQ(image.value("ManifestDigest", ""), digest);
    ExpectStoreClean(b);
  }

  // Without the saved credentials the same pull is refused.
  std::string c = NewRoot();
  CommandResult refused = Zl(c, {"pull", "--progress", "json", ref}, "",
                             temp_.path() + "/no-such-auth.json");
  ExpectOneLineError(refused, {host});
  ExpectNoSecret("refused pull", refused);
}

}  // namespace
}  // namespace zlayer::integration
