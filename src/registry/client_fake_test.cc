// The Client against scripted servers: behaviour a real registry will not
// show on demand (server errors, corrupt and dropped blobs, redirects,
// expiring tokens, pagination, odd upload locations) and connection rules.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <sstream>
#include <vector>

#include "base/subprocess.h"
#include "registry/client.h"
#include "registry/client_testing.h"
#include "registry/testing/registry_server.h"

namespace zlayer::registry {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;
using testing::Fast;
using testing::Fetch;
using testing::ManifestFor;
using testing::Pattern;
using testing::Progress;
using testing::ReaderOf;

struct Script {
  std::mutex mutex;
  std::vector<FakeRequest> seen;
};

TEST(FakeRegistryTest, RetriesServerErrorsThenSucceeds) {
  std::atomic<int> calls{0};
  std::string body = R"({"schemaVersion":2})";
  auto server = FakeHttpServer::Start([&](const FakeRequest&) {
    int n = calls++;
    if (n == 0) return FakeResponse{503, {}, "busy"};
    if (n == 1) return FakeResponse{429, {{"Retry-After", "0"}}, ""};
    return FakeResponse{
        200, {{"Content-Type", std::string(oci::kOciManifest)}}, body};
  });
  ASSERT_TRUE(server);
  auto client = Client::Create((*server)->host(), Fast());
  auto manifest = (*client)->GetManifest("app", "latest");
  ASSERT_TRUE(manifest) << manifest.error().message();
  EXPECT_EQ(manifest->body, body);
  EXPECT_EQ(calls.load(), 3);
}

TEST(FakeRegistryTest, GivesUpAfterMaxRetriesAndNeverRetries4xx) {
  std::atomic<int> calls{0};
  std::atomic<int> status{503};
  auto server = FakeHttpServer::Start([&](const FakeRequest&) {
    ++calls;
    return FakeResponse{
        status.load(),
        {},
        R"({"errors":[{"code":"UNAVAILABLE","message":"try later"}]})"};
  });
  ASSERT_TRUE(server);
  ClientOptions options = Fast();
  options.max_retries = 2;
  auto client = Client::Create((*server)->host(), options);
  auto result = (*client)->GetManifest("app", "latest");
  ASSERT_FALSE(result);
  EXPECT_EQ(calls.load(), 3);
  EXPECT_NE(result.error().message().find("unavailable: try later"),
            std::string::npos)
      << result.error().message();

  calls = 0;
  status = 400;
  EXPECT_FALSE((*client)->HasBlob("app", base::Digest::Of("x")));
  EXPECT_EQ(calls.load(), 1);
}

TEST(FakeRegistryTest, BlobWithWrongDigestIsRejected) {
  auto server = FakeHttpServer::Start([](const FakeRequest&) {
    return FakeResponse{200, {}, "tampered content"};
  });
  ASSERT_TRUE(server);
  auto client = Client::Create((*server)->host(), Fast());
  base::Digest wanted = base::Digest::Of("original content");
  auto result = Fetch(**client, "app", wanted);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().kind(), ErrorKind::kInvalid);
  EXPECT_EQ(result.error().message(),
            "blob " + wanted.ToString() + " from " + (*server)->host() +
                "/app has digest " +
                base::Digest::Of("tampered content").ToString());

  auto manifest = (*client)->GetManifest("app", wanted.ToString());
  ASSERT_FALSE(manifest);
  EXPECT_EQ(manifest.error().kind(), ErrorKind::kInvalid);
  EXPECT_NE(manifest.error().message().find("has digest"), std::string::npos);
}

TEST(FakeRegistryTest, DroppedBlobDownloadResumesWithRange) {
  std::string blob = Pattern(50000, 6);
  base::Digest digest = base::Digest::Of(blob);
  for (bool honour_range : {true, false}) {
    std::vector<std::string> ranges;
    auto server = FakeHttpServer::Start([&](const FakeRequest& request) {
      std::string range = request.Header("range");
      ranges.push_back(range);
      if (range.empty()) {
        // Promise everything, deliver a third, hang up.
        return FakeResponse{200,
                            {{"Content-Length", std::to_string(blob.size())}},
                            blob.substr(0, blob.size() / 3)};
      }
      if (!honour_range) return FakeResponse{200, {}, blob};
      size_t from = std::stoul(range.substr(std::strlen("bytes=")));
      return FakeResponse{206, {}, blob.substr(from)};
    });
    ASSERT_TRUE(server);
    auto client = Client::Create((*server)->host(), Fast());
    Progress progress;
    auto fetched = Fetch(**client, "app", digest, &progress);
    ASSERT_TRUE(fetched) << fetched.error().message();
    EXPECT_EQ(*fetched, blob);
    EXPECT_EQ(progress.done, blob.size());
    EXPECT_EQ(progress.total, blob.size());
    EXPECT_EQ(ranges,
              (std::vector<std::string>{
                  "", "bytes=" + std::to_string(blob.size() / 3) + "-"}));
  }
}

TEST(FakeRegistryTest, RedirectToAnotherHostDropsAuthorization) {
  std::string blob = "layer bytes";
  base::Digest digest = base::Digest::Of(blob);
  std::atomic<bool> cdn_saw_auth{false};
  auto cdn = FakeHttpServer::Start([&](const FakeRequest& request) {
    if (!request.Header("authorization").empty()) cdn_saw_auth = true;
    return FakeResponse{200, {}, blob};
  });
  ASSERT_TRUE(cdn);
  std::string cdn_url = "http://" + (*cdn)->host() + "/signed?sig=abc";
  auto registry = FakeHttpServer::Start([&](const FakeRequest& request) {
    if (request.Header("authorization") != "Basic dTpw") {
      return FakeResponse{
          401, {{"WWW-Authenticate", R"(Basic realm="r")"}}, ""};
    }
    return FakeResponse{307, {{"Location", cdn_url}}, ""};
  });
  ASSERT_TRUE(registry);
  StaticCredentials creds({{(*registry)->host(), {"u", "p", ""}}});
  ClientOptions options = Fast();
  options.credentials = &creds;
  auto client = Client::Create((*registry)->host(), options);
  auto fetched = Fetch(**client, "app", digest);
  ASSERT_TRUE(fetched) << fetched.error().message();
  EXPECT_EQ(*fetched, blob);
  EXPECT_FALSE(cdn_saw_auth.load());
}

TEST(FakeRegistryTest, BearerTokensExpireAndRefusedTokensAreReplaced) {
  std::atomic<int> issued{0};
  auto tokens = FakeHttpServer::Start([&](const FakeRequest& request) {
    EXPECT_NE(request.target.find("scope=repository%3Aapp%3Apull"),
              std::string::npos)
        << request.target;
    return FakeResponse{
        200,
        {},
        R"({"token":"tok)" + std::to_string(++issued) + R"(","expires_in":2})"};
  });
  ASSERT_TRUE(tokens);
  std::atomic<int> oldest_valid{1};
  std::string challenge = "Bearer realm=\"http://" + (*tokens)->host() +
                          "/token\",service=\"fake\"";
  auto registry = FakeHttpServer::Start([&](const FakeRequest& request) {
    std::string auth = request.Header("authorization");
    if (auth.starts_with("Bearer tok") &&
        std::stoi(auth.substr(10)) >= oldest_valid.load()) {
      return FakeResponse{200, {}, R"({"name":"app","tags":["x"]})"};
    }
    return FakeResponse{401, {{"WWW-Authenticate", challenge}}, ""};
  });
  ASSERT_TRUE(registry);
  auto client = Client::Create((*registry)->host(), Fast());
  EXPECT_TRUE((*client)->ListTags("app"));
  EXPECT_TRUE((*client)->ListTags("app"));
  EXPECT_EQ(issued.load(), 1);
  // expires_in 2: renewed after its first half.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_TRUE((*client)->ListTags("app"));
  EXPECT_EQ(issued.load(), 2);
  // The registry stops accepting a token the client still holds.
  oldest_valid = 3;
  auto tags = (*client)->ListTags("app");
  ASSERT_TRUE(tags) << tags.error().message();
  EXPECT_EQ(issued.load(), 3);
}

TEST(FakeRegistryTest, TagsFollowLinkPagination) {
  auto server = FakeHttpServer::Start([](const FakeRequest& request) {
    if (request.target == "/v2/app/tags/list") {
      return FakeResponse{
          200,
          {{"Link", R"(</v2/app/tags/list?n=2&last=b>; rel="next")"}},
          R"({"name":"app","tags":["a","b"]})"};
    }
    if (request.target == "/v2/app/tags/list?n=2&last=b") {
      return FakeResponse{200, {}, R"({"name":"app","tags":["c"]})"};
    }
    return FakeResponse{404, {}, ""};
  });
  ASSERT_TRUE(server);
  auto client = Client::Create((*server)->host(), Fast());
  auto tags = (*client)->ListTags("app");
  ASSERT_TRUE(tags) << tags.error().message();
  EXPECT_EQ(*tags, (std::vector<std::string>{"a", "b", "c"}));
}

TEST(FakeRegistryTest, UploadHonoursRelativeLocationWithQuery) {
  std::mutex mutex;
  std::vector<std::string> targets;
  std::string received;
  auto server = FakeHttpServer::Start([&](const FakeRequest& request) {
    std::lock_guard lock(mutex);
    targets.push_back(request.method + " " + request.target);
    if (request.method == "POST") {
      return FakeResponse{202, {{"Location", "/upload/1?state=s0"}}, ""};
    }
    if (request.method == "PATCH") {
      received += request.body;
      return FakeResponse{
          202,
          {{"Location", "/upload/1?state=s" + std::to_string(received.size())}},
          ""};
    }
    return FakeResponse{201, {}, ""};
  });
  ASSERT_TRUE(server);
  ClientOptions options = Fast();
  options.chunk_size = 1000;
  auto client = Client::Create((*server)->host(), options);
  std::string blob = Pattern(2500, 4);
  base::Digest digest = base::Digest::Of(blob);
  auto pushed = (*client)->PushBlob("app", digest, blob.size(), ReaderOf(blob));
  ASSERT_TRUE(pushed) << pushed.error().message();
  EXPECT_EQ(received, blob);
  EXPECT_EQ(targets,
            (std::vector<std::string>{
                "POST /v2/app/blobs/uploads/", "PATCH /upload/1?state=s0",
                "PATCH /upload/1?state=s1000", "PATCH /upload/1?state=s2000",
                "PUT /upload/1?state=s2500&digest=sha256%3A" +
                    std::string(digest.hex())}));
}

// A non-loopback address of this machine, or "" when there is none.
std::string OtherAddress() {
  auto run = base::Run({"hostname", "-I"});
  if (!run || !run->status.success()) return "";
  std::istringstream in(run->stdout_data);
  std::string address;
  while (in >> address) {
    if (address.find('.') != std::string::npos &&
        !address.starts_with("127.")) {
      return address;
    }
  }
  return "";
}

TEST(ConnectionTest, SchemeChoiceForNonLoopbackHosts) {
  std::string address = OtherAddress();
  if (address.empty()) GTEST_SKIP() << "no non-loopback IPv4 address";
  auto server = FakeHttpServer::Start(
      [](const FakeRequest&) {
        return FakeResponse{200, {}, R"({"name":"app","tags":["t"]})"};
      },
      address);
  ASSERT_TRUE(server) << server.error().message();

  // Verified TLS by default: a plain-http server is an error.
  auto strict = Client::Create((*server)->host(), Fast());
  auto refused = (*strict)->ListTags("app");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(),
            (*server)->host() + ": TLS handshake failed");
  int after_strict = (*server)->requests();
  EXPECT_EQ(after_strict, 0);

  // tls_verify=false: https first, then plain http.
  ClientOptions insecure = Fast();
  insecure.tls_verify = false;
  auto fallback = Client::Create((*server)->host(), insecure);
  auto tags = (*fallback)->ListTags("app");
  ASSERT_TRUE(tags) << tags.error().message();
  EXPECT_EQ(*tags, std::vector<std::string>{"t"});

  ClientOptions plain = Fast();
  plain.plain_http = true;
  auto direct = Client::Create((*server)->host(), plain);
  EXPECT_TRUE((*direct)->ListTags("app"));
}

TEST(ConnectionTest, RefusedConnectionIsOneLine) {
  auto port = testing::FreePort();
  ASSERT_TRUE(port);
  std::string host = "127.0.0.1:" + std::to_string(*port);
  ClientOptions options = Fast();
  options.max_retries = 1;
  auto client = Client::Create(host, options);
  auto result = (*client)->HeadManifest("app", "latest");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(), host + ": connection refused");
}

}  // namespace
}  // namespace zlayer::registry
