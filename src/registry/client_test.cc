#include "registry/client.h"

#include <gtest/gtest.h>

#include <thread>

#include "base/temp_dir.h"
#include "oci/media_types.h"
#include "registry/client_testing.h"
#include "registry/testing/registry_server.h"

namespace zlayer::registry {
namespace {

using testing::Fast;
using testing::Fetch;
using testing::ManifestFor;
using testing::Pattern;
using testing::Progress;
using testing::PushImage;
using testing::ReaderOf;
using testing::RegistryServer;
using testing::TokenEndpoint;

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

TEST(HtpasswdRegistryTest, CheckAccessTellsGoodFromBadCredentials) {
  auto server = RegistryServer::StartHtpasswd("user", "s3cret");
  ASSERT_TRUE(server) << server.error().message();
  StaticCredentials good({{(*server)->host(), {"user", "s3cret", ""}}});
  StaticCredentials bad({{(*server)->host(), {"user", "wrong-pw", ""}}});
  ClientOptions options = Fast();
  options.credentials = &good;
  EXPECT_TRUE(
      Client::Create((*server)->host(), options).value()->CheckAccess());
  options.credentials = &bad;
  Status denied =
      Client::Create((*server)->host(), options).value()->CheckAccess();
  ASSERT_FALSE(denied);
  EXPECT_NE(denied.error().message().find("unauthorized"), std::string::npos)
      << denied.error().message();
  options.credentials = nullptr;
  Status anonymous =
      Client::Create((*server)->host(), options).value()->CheckAccess();
  ASSERT_FALSE(anonymous);
  EXPECT_EQ(anonymous.error().message(),
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

}  // namespace
}  // namespace zlayer::registry
