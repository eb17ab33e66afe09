#include "registry/client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <sstream>
#include <thread>

#include "base/subprocess.h"
#include "base/temp_dir.h"
#include "oci/media_types.h"
#include "registry/testing/registry_server.h"

namespace zlayer::registry {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;
using testing::RegistryServer;
using testing::TokenEndpoint;

std::string Pattern(size_t size, uint8_t seed) {
  std::string out(size, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (char& c : out) {
    x = x * 1664525u + 1013904223u;
    c = static_cast<char>(x >> 24);
  }
  return out;
}

BlobReader ReaderOf(const std::string& data) {
  auto offset = std::make_shared<size_t>(0);
  return [&data, offset](std::span<uint8_t> out) -> Result<size_t> {
    // Short reads on purpose: the client must keep reading.
    size_t n = std::min({out.size(), data.size() - *offset, size_t{7000}});
    std::memcpy(out.data(), data.data() + *offset, n);
    *offset += n;
    return n;
  };
}

struct Progress {
  uint64_t done = 0;
  uint64_t total = 0;
};

// The whole blob; with `progress`, the last progress report is kept there.
Result<std::string> Fetch(Client& client, std::string_view repo,
                          const base::Digest& digest,
                          Progress* progress = nullptr) {
  std::string out;
  TransferProgress report;
  if (progress != nullptr) {
    report = [progress](uint64_t done, uint64_t total) {
      progress->done = done;
      progress->total = total;
    };
  }
  ZL_RETURN_IF_ERROR(client.GetBlob(
      repo, digest,
      [&](std::string_view d) {
        out.append(d);
        return Ok();
      },
      report));
  return out;
}

ClientOptions Fast() {
  ClientOptions options;
  options.retry_base = std::chrono::milliseconds(1);
  return options;
}

std::string ManifestFor(const std::string& config, const std::string& layer) {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
         base::Digest::Of(config).ToString() + R"(","size":)" +
         std::to_string(config.size()) +
         R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" +
         base::Digest::Of(layer).ToString() + R"(","size":)" +
         std::to_string(layer.size()) + "}]}";
}

// Pushes a config and a layer and a manifest tagged `tag`; returns the
// manifest digest.
Result<base::Digest> PushImage(Client& client, const std::string& repo,
                               const std::string& tag) {
  std::string config =
      R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  std::string layer = Pattern(3000, 9);
  for (const std::string* blob : {&config, &layer}) {
    ZL_RETURN_IF_ERROR(client.PushBlob(repo, base::Digest::Of(*blob),
                                       blob->size(), ReaderOf(*blob)));
  }
  return client.PutManifest(repo, tag, oci::kOciManifest,
                            ManifestFor(config, layer));
}

class OpenRegistryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = RegistryServer::StartOpen();
    ASSERT_TRUE(server) << server.error().message();
    server_ = std::move(*server).release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  std::unique_ptr<Client> NewClient(ClientOptions options = Fast()) {
    auto client = Client::Create(server_->host(), options);
    EXPECT_TRUE(client);
    return std::move(*client);
  }
  static RegistryServer* server_;
};
RegistryServer* OpenRegistryTest::server_ = nullptr;

TEST_F(OpenRegistryTest, MonolithicBlobRoundTrip) {
  auto client = NewClient();
  std::string blob = Pattern(100000, 1);
  base::Digest digest = base::Digest::Of(blob);
  auto has = client->HasBlob("mono/app", digest);
  ASSERT_TRUE(has) << has.error().message();
  EXPECT_FALSE(*has);
  std::vector<uint64_t> done;
  auto pushed =
      client->PushBlob("mono/app", digest, blob.size(), ReaderOf(blob),
                       [&](uint64_t d, uint64_t) { done.push_back(d); });
  ASSERT_TRUE(pushed) << pushed.error().message();
  EXPECT_EQ(done.back(), blob.size());
  has = client->HasBlob("mono/app", digest);
  ASSERT_TRUE(has);
  EXPECT_TRUE(*has);
  Progress progress;
  auto fetched = Fetch(*client, "mono/app", digest, &progress);
  ASSERT_TRUE(fetched) << fetched.error().message();
  EXPECT_EQ(*fetched, blob);
  EXPECT_EQ(progress.done, blob.size());
  EXPECT_EQ(progress.total, blob.size());
}

TEST_F(OpenRegistryTest, EmptyBlob) {
  auto client = NewClient();
  std::string empty;
  base::Digest digest = base::Digest::Of(empty);
  auto pushed = client->PushBlob("empty", digest, 0, ReaderOf(empty));
  ASSERT_TRUE(pushed) << pushed.error().message();
  auto fetched = Fetch(*client, "empty", digest);
  ASSERT_TRUE(fetched) << fetched.error().message();
  EXPECT_EQ(*fetched, "");
}

TEST_F(OpenRegistryTest, ChunkedBlobRoundTripInParallel) {
  ClientOptions options = Fast();
  options.chunk_size = 64 * 1024;
  auto client = NewClient(options);
  std::vector<std::string> blobs;
  for (uint8_t i = 0; i < 3; ++i) blobs.push_back(Pattern(300000 + i, 20 + i));
  std::vector<std::thread> threads;
  std::vector<Status> results(blobs.size());
  for (size_t i = 0; i < blobs.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = client->PushBlob("chunked", base::Digest::Of(blobs[i]),
                                    blobs[i].size(), ReaderOf(blobs[i]));
    });
  }
  for (auto& thread : threads) thread.join();
  for (size_t i = 0; i < blobs.size(); ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().message();
    auto fetched = Fetch(*client, "chunked", base::Digest::Of(blobs[i]));
    ASSERT_TRUE(fetched) << fetched.error().message();
    EXPECT_EQ(*fetched, blobs[i]);
  }
}

TEST_F(OpenRegistryTest, PushRejectsDataThatDoesNotMatch) {
  auto client = NewClient();
  std::string blob = Pattern(5000, 2);
  auto wrong = client->PushBlob("bad", base::Digest::Of("other"), blob.size(),
                                ReaderOf(blob));
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind(), ErrorKind::kInvalid);
  EXPECT_NE(wrong.error().message().find("content has digest"),
            std::string::npos);
  auto short_read = client->PushBlob("bad", base::Digest::Of(blob),
                                     blob.size() + 10, ReaderOf(blob));
  ASSERT_FALSE(short_read);
  EXPECT_NE(short_read.error().message().find("data ended after 5000 of 5010"),
            std::string::npos)
      << short_read.error().message();
}

TEST_F(OpenRegistryTest, ManifestPutGetHeadAndTags) {
  auto client = NewClient();
  auto digest = PushImage(*client, "library/app", "v1");
  ASSERT_TRUE(digest) << digest.error().message();
  auto first = client->GetManifest("library/app", "v1");
  ASSERT_TRUE(first) << first.error().message();
  auto second =
      client->PutManifest("library/app", "v2", oci::kOciManifest, first->body);
  ASSERT_TRUE(second) << second.error().message();
  EXPECT_EQ(*second, *digest);

  auto by_tag = client->GetManifest("library/app", "v1");
  ASSERT_TRUE(by_tag) << by_tag.error().message();
  EXPECT_EQ(by_tag->digest, *digest);
  EXPECT_EQ(by_tag->media_type, oci::kOciManifest);
  auto by_digest = client->GetManifest("library/app", digest->ToString());
  ASSERT_TRUE(by_digest) << by_digest.error().message();
  EXPECT_EQ(by_digest->body, by_tag->body);

  auto head = client->HeadManifest("library/app", "v1");
  ASSERT_TRUE(head) << head.error().message();
  ASSERT_TRUE(head->has_value());
  EXPECT_EQ((*head)->digest, *digest);
  EXPECT_EQ((*head)->size, static_cast<int64_t>(by_tag->body.size()));
  EXPECT_EQ((*head)->media_type, oci::kOciManifest);

  auto missing = client->HeadManifest("library/app", "nope");
  ASSERT_TRUE(missing) << missing.error().message();
  EXPECT_FALSE(missing->has_value());
  auto unknown = client->GetManifest("library/app", "nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(unknown.error().message(),
            server_->host() + "/library/app:nope: manifest unknown");

  auto tags = client->ListTags("library/app");
  ASSERT_TRUE(tags) << tags.error().message();
  EXPECT_EQ(*tags, (std::vector<std::string>{"v1", "v2"}));
}

TEST_F(OpenRegistryTest, MountAcrossRepositoriesAndFallback) {
  auto client = NewClient();
  std::string blob = Pattern(4000, 3);
  base::Digest digest = base::Digest::Of(blob);
  ASSERT_TRUE(
      client->PushBlob("mount/src", digest, blob.size(), ReaderOf(blob)));
  auto mounted = client->MountBlob("mount/dst", digest, "mount/src");
  ASSERT_TRUE(mounted) << mounted.error().message();
  EXPECT_TRUE(*mounted);
  EXPECT_TRUE(*client->HasBlob("mount/dst", digest));

  base::Digest absent = base::Digest::Of("never pushed");
  auto fallback = client->MountBlob("mount/dst", absent, "mount/src");
  ASSERT_TRUE(fallback) << fallback.error().message();
  EXPECT_FALSE(*fallback);
  EXPECT_FALSE(*client->HasBlob("mount/dst", absent));
}

TEST_F(OpenRegistryTest, BadNamesAreRefusedBeforeAnyRequest) {
  auto client = NewClient();
  auto bad_repo = client->HasBlob("Upper/Case", base::Digest::Of("x"));
  ASSERT_FALSE(bad_repo);
  EXPECT_NE(bad_repo.error().message().find("invalid repository name"),
            std::string::npos);
  auto bad_tag = client->GetManifest("app", "a/b");
  ASSERT_FALSE(bad_tag);
  EXPECT_EQ(bad_tag.error().message(),
            server_->host() + "/app: invalid tag \"a/b\"");
  EXPECT_FALSE(Client::Create("bad host/x"));
}

TEST(HtpasswdRegistryTest, BasicAuth) {
  auto server = RegistryServer::StartHtpasswd("user", "s3cret");
  ASSERT_TRUE(server) << server.error().message();
  StaticCredentials good({{(*server)->host(), {"user", "s3cret", ""}}});
  StaticCredentials bad({{(*server)->host(), {"user", "wrong-pw", ""}}});

  ClientOptions options = Fast();
  options.credentials = &good;
  auto client = Client::Create((*server)->host(), options);
  ASSERT_TRUE(client);
  auto digest = PushImage(**client, "private/app", "latest");
  ASSERT_TRUE(digest) << digest.error().message();
  auto manifest = (*client)->GetManifest("private/app", "latest");
  ASSERT_TRUE(manifest) << manifest.error().message();
  EXPECT_EQ(manifest->digest, *digest);

  options.credentials = &bad;
  auto wrong = Client::Create((*server)->host(), options);
  auto denied = (*wrong)->GetManifest("private/app", "latest");
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().message(),
            (*server)->host() + ": unauthorized: authentication required");
  EXPECT_EQ(denied.error().message().find("wrong-pw"), std::string::npos);

  options.credentials = nullptr;
  auto anonymous = Client::Create((*server)->host(), options);
  auto refused = (*anonymous)->HasBlob("private/app", *digest);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(),
            (*server)->host() + ": authentication required");
}

TEST(TokenRegistryTest, BearerTokensAreFetchedOnceAndReused) {
  auto dir = base::TempDir::Create();
  ASSERT_TRUE(dir);
  auto endpoint =
      TokenEndpoint::Start(dir->path(), "zlayer-registry", "user", "pw");
  ASSERT_TRUE(endpoint) << endpoint.error().message();
  auto server = RegistryServer::StartToken(**endpoint);
  ASSERT_TRUE(server) << server.error().message();
  StaticCredentials creds({{(*server)->host(), {"user", "pw", ""}}});
  ClientOptions options = Fast();
  options.credentials = &creds;
  auto client = Client::Create((*server)->host(), options);
  ASSERT_TRUE(client);

  auto digest = PushImage(**client, "team/app", "v1");
  ASSERT_TRUE(digest) << digest.error().message();
  // One token for repository:team/app:pull,push served every push request.
  EXPECT_EQ((*endpoint)->token_requests(), 1);
  for (int i = 0; i < 3; ++i) {
    auto manifest = (*client)->GetManifest("team/app", "v1");
    ASSERT_TRUE(manifest) << manifest.error().message();
    EXPECT_EQ(manifest->digest, *digest);
  }
  // ...and one more for the pull scope, reused three times.
  EXPECT_EQ((*endpoint)->token_requests(), 2);

  // An identity token goes to the endpoint as an OAuth2 refresh token.
  StaticCredentials identity({{(*server)->host(), {"", "", "pw"}}});
  options.credentials = &identity;
  auto refresh = Client::Create((*server)->host(), options);
  auto tags = (*refresh)->ListTags("team/app");
  ASSERT_TRUE(tags) << tags.error().message();
  EXPECT_EQ(*tags, std::vector<std::string>{"v1"});

  options.credentials = nullptr;
  auto anonymous = Client::Create((*server)->host(), options);
  auto refused = (*anonymous)->HasBlob("team/app", *digest);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message(),
            (*server)->host() + ": authentication required");

  StaticCredentials wrong({{(*server)->host(), {"user", "nope", ""}}});
  options.credentials = &wrong;
  auto denied_client = Client::Create((*server)->host(), options);
  auto denied = (*denied_client)->GetManifest("team/app", "v1");
  ASSERT_FALSE(denied);
  EXPECT_NE(denied.error().message().find((*server)->host() + ": unauthorized"),
            std::string::npos)
      << denied.error().message();
  EXPECT_EQ(denied.error().message().find("nope"), std::string::npos);
}

// ---- behaviour a real registry does not show, from a scripted server ----

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
