#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "base/file_io.h"
#include "base/sha256.h"
#include "base/temp_dir.h"
#include "base/unique_fd.h"
#include "copy/add.h"
#include "extract/tar_testing.h"

namespace zlayer::copy {
namespace {

struct Response {
  int status = 200;
  std::string reason = "OK";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Sent instead of a response built from the fields above.
  std::optional<std::string> raw;
};

// A one-thread HTTP/1.1 server on 127.0.0.1 serving canned responses by
// request target ("/a?b"); anything else is a 404. One request per
// connection.
class TestServer {
 public:
  explicit TestServer(std::map<std::string, Response> routes)
      : routes_(std::move(routes)) {
    listen_.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    EXPECT_TRUE(listen_.valid());
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listen_.get(), reinterpret_cast<sockaddr*>(&address),
                     sizeof(address)),
              0);
    EXPECT_EQ(::listen(listen_.get(), 16), 0);
    socklen_t length = sizeof(address);
    ::getsockname(listen_.get(), reinterpret_cast<sockaddr*>(&address),
                  &length);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~TestServer() {
    stopping_ = true;
    ::shutdown(listen_.get(), SHUT_RDWR);
    thread_.join();
  }

  std::string Url(const std::string& target) const {
    return "http://127.0.0.1:" + std::to_string(port_) + target;
  }
  int port() const { return port_; }

  std::vector<std::string> Requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stopping_) {
      int client = ::accept4(listen_.get(), nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) return;
      base::UniqueFd connection(client);
      std::string request;
      char buffer[4096];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(client, buffer, sizeof(buffer));
        if (n <= 0) break;
        request.append(buffer, static_cast<size_t>(n));
      }
      size_t start = request.find(' ');
      size_t end = request.find(' ', start + 1);
      std::string target = start == std::string::npos
                               ? ""
                               : request.substr(start + 1, end - start - 1);
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
      }
      auto it = routes_.find(target);
      Response response = it != routes_.end()
                              ? it->second
                              : Response{404, "Not Found", {}, "no such page"};
      if (response.raw) {
        (void)base::WriteAll(client, *response.raw);
        continue;
      }
      std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " +
                        response.reason + "\r\n";
      out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
      out += "Connection: close\r\n";
      for (const auto& [name, value] : response.headers) {
        out += name + ": " + value + "\r\n";
      }
      out += "\r\n" + response.body;
      (void)base::WriteAll(client, out);
    }
  }

  std::map<std::string, Response> routes_;
  base::UniqueFd listen_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> requests_;
};

class FetchTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A proxy from the environment must not intercept the local server.
    ::setenv("no_proxy", "127.0.0.1,localhost", 1);
    ::setenv("NO_PROXY", "127.0.0.1,localhost", 1);
  }
  void SetUp() override {
    temp_ = base::TempDir::Create("", "zlayer-fetch-").value();
  }
  size_t FilesInTemp() const {
    size_t count = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator(temp_.path())) {
      ++count;
    }
    return count;
  }

  base::TempDir temp_;
};

constexpr char kLastModified[] = "Wed, 21 Oct 2015 07:28:00 GMT";
constexpr int64_t kLastModifiedUnix = 1445412480;

TEST_F(FetchTest, DownloadsBodyWithDigestMtimeAndName) {
  TestServer server(
      {{"/files/hello.txt",
        {200, "OK", {{"Last-Modified", kLastModified}}, "hello"}}});
  Result<Download> got =
      FetchUrl(server.Url("/files/hello.txt"), "", temp_.path());
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(base::ReadFile(got->path).value(), "hello");
  EXPECT_EQ(std::filesystem::path(got->path).parent_path(), temp_.path());
  EXPECT_EQ(got->digest, base::Digest::Of("hello"));
  EXPECT_EQ(got->mtime, kLastModifiedUnix);
  EXPECT_EQ(got->file_name, "hello.txt");
}

TEST_F(FetchTest, MissingLastModifiedGivesZeroMtime) {
  TestServer server({{"/a", {200, "OK", {}, "x"}}});
  Result<Download> got = FetchUrl(server.Url("/a"), "", temp_.path());
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->mtime, 0);
}

TEST_F(FetchTest, EmptyBodyIsAnEmptyFile) {
  TestServer server({{"/empty", {200, "OK", {}, ""}}});
  Result<Download> got = FetchUrl(server.Url("/empty"), "", temp_.path());
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(base::ReadFile(got->path).value(), "");
  EXPECT_EQ(got->digest, base::Digest::Of(""));
}

TEST_F(FetchTest, LargeBodyIsHashedWhileWritten) {
  std::string body;
  for (int i = 0; i < 300000; ++i) body += static_cast<char>('a' + i % 23);
  TestServer server({{"/big.bin", {200, "OK", {}, body}}});
  Result<Download> got = FetchUrl(server.Url("/big.bin"), "", temp_.path());
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->digest, base::Digest::Of(body));
  EXPECT_EQ(base::ReadFile(got->path).value().size(), body.size());
}

TEST_F(FetchTest, GzipContentEncodingIsDecodedAsGosClientDoes) {
  std::string gzipped = extract::testing::Compress("decoded text", "gzip");
  ASSERT_FALSE(gzipped.empty());
  TestServer server(
      {{"/enc", {200, "OK", {{"Content-Encoding", "gzip"}}, gzipped}}});
  Result<Download> got = FetchUrl(server.Url("/enc"), "", temp_.path());
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(base::ReadFile(got->path).value(), "decoded text");
  EXPECT_NE(server.Requests().at(0).find("Accept-Encoding: gzip"),
            std::string::npos);
}

TEST_F(FetchTest, BodyCutShortIsAnErrorAndLeavesNothing) {
  Response cut;
  cut.raw = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part";
  TestServer server({{"/cut", cut}});
  Result<Download> got = FetchUrl(server.Url("/cut"), "", temp_.path());
  ASSERT_FALSE(got);
  EXPECT_TRUE(got.error().message().starts_with("ADD " + server.Url("/cut")))
      << got.error().message();
  EXPECT_EQ(FilesInTemp(), 0u);
}

TEST_F(FetchTest, NotFoundNamesUrlAndStatusAndLeavesNothing) {
  TestServer server({});
  std::string url = server.Url("/missing.tar");
  Result<Download> got = FetchUrl(url, "", temp_.path());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message(), "ADD " + url + ": HTTP 404 Not Found");
  EXPECT_EQ(got.error().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(FilesInTemp(), 0u);
}

TEST_F(FetchTest, ServerErrorUsesTheServersReasonPhrase) {
  TestServer server({{"/boom", {503, "Try Later", {}, "down"}}});
  Result<Download> got = FetchUrl(server.Url("/boom"), "", temp_.path());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message(),
            "ADD " + server.Url("/boom") + ": HTTP 503 Try Later");
  EXPECT_EQ(FilesInTemp(), 0u);
}

TEST_F(FetchTest, FollowsRedirectsAndKeepsTheOriginalName) {
  TestServer server(
      {{"/latest", {302, "Found", {{"Location", "/v2/real.bin"}}, "moved"}},
       {"/v2/real.bin",
        {200, "OK", {{"Last-Modified", kLastModified}}, "payload"}}});
  Result<Download> got = FetchUrl(server.Url("/latest"), "", temp_.path());
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(base::ReadFile(got->path).value(), "payload");
  EXPECT_EQ(got->digest, base::Digest::Of("payload"));
  EXPECT_EQ(got->file_name, "latest");
  EXPECT_EQ(got->mtime, kLastModifiedUnix);
  EXPECT_EQ(server.Requests().size(), 2u);
}

TEST_F(FetchTest, RedirectToMissingPageIsAnError) {
  TestServer server({{"/r", {301, "Moved", {{"Location", "/gone"}}, ""}}});
  Result<Download> got = FetchUrl(server.Url("/r"), "", temp_.path());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message(),
            "ADD " + server.Url("/r") + ": HTTP 404 Not Found");
}

TEST_F(FetchTest, RedirectLoopStopsAfterTenHops) {
  TestServer server({{"/loop", {302, "Found", {{"Location", "/loop"}}, ""}}});
  Result<Download> got = FetchUrl(server.Url("/loop"), "", temp_.path());
  ASSERT_FALSE(got);
  EXPECT_TRUE(got.error().message().starts_with("ADD " + server.Url("/loop")))
      << got.error().message();
  EXPECT_NE(got.error().message().find("redirect"), std::string::npos)
      << got.error().message();
  // The first request and ten redirects.
  EXPECT_EQ(server.Requests().size(), 11u);
  EXPECT_EQ(FilesInTemp(), 0u);
}

TEST_F(FetchTest, ContentDispositionDoesNotRenameTheFile) {
  TestServer server(
      {{"/dl/get",
        {200,
         "OK",
         {{"Content-Disposition", "attachment; filename=\"other.tar.gz\""}},
         "data"}}});
  Result<Download> got = FetchUrl(server.Url("/dl/get"), "", temp_.path());
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->file_name, "get");
}

TEST_F(FetchTest, QueryAndFragmentAreNotPartOfTheName) {
  TestServer server({{"/pkg/tool.tgz?version=2", {200, "OK", {}, "t"}}});
  Result<Download> got =
      FetchUrl(server.Url("/pkg/tool.tgz?version=2#frag"), "", temp_.path());
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->file_name, "tool.tgz");
  EXPECT_EQ(base::ReadFile(got->path).value(), "t");
}

TEST_F(FetchTest, RootUrlIsUnnamed) {
  TestServer server({{"/", {200, "OK", {}, "<html>"}}});
  Result<Download> got = FetchUrl(server.Url("/"), "", temp_.path());
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->file_name, "__unnamed__");
}

TEST_F(FetchTest, MatchingChecksumIsAccepted) {
  TestServer server({{"/f", {200, "OK", {}, "checked"}}});
  std::string checksum = base::Digest::Of("checked").ToString();
  Result<Download> got = FetchUrl(server.Url("/f"), checksum, temp_.path());
  ASSERT_TRUE(got) << got.error().message();
  EXPECT_EQ(got->digest.ToString(), checksum);
}

TEST_F(FetchTest, ChecksumMismatchNamesBothDigestsAndRemovesTheFile) {
  TestServer server({{"/f", {200, "OK", {}, "tampered"}}});
  std::string expected = base::Digest::Of("original").ToString();
  Result<Download> got = FetchUrl(server.Url("/f"), expected, temp_.path());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message(),
            "ADD " + server.Url("/f") + ": checksum mismatch: expected " +
                expected + ", got " + base::Digest::Of("tampered").ToString());
  EXPECT_EQ(got.error().kind(), ErrorKind::kInvalid);
  EXPECT_EQ(FilesInTemp(), 0u);
}

TEST_F(FetchTest, OtherChecksumAlgorithmsAreRefusedBeforeDownloading) {
  TestServer server({{"/f", {200, "OK", {}, "x"}}});
  Result<Download> got = FetchUrl(
      server.Url("/f"), "sha512:" + std::string(128, 'a'), temp_.path());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind(), ErrorKind::kInvalid);
  EXPECT_NE(got.error().message().find("unsupported checksum algorithm"),
            std::string::npos)
      << got.error().message();
  EXPECT_TRUE(server.Requests().empty());
}

TEST_F(FetchTest, MalformedChecksumIsInvalid) {
  TestServer server({{"/f", {200, "OK", {}, "x"}}});
  for (const char* checksum : {"sha256:xyz", "deadbeef", "sha256:"}) {
    Result<Download> got = FetchUrl(server.Url("/f"), checksum, temp_.path());
    ASSERT_FALSE(got) << checksum;
    EXPECT_EQ(got.error().kind(), ErrorKind::kInvalid) << checksum;
    EXPECT_NE(got.error().message().find("checksum"), std::string::npos);
  }
  EXPECT_TRUE(server.Requests().empty());
}

TEST_F(FetchTest, OtherSchemesAreUnsupported) {
  Result<Download> got =
      FetchUrl("ftp://example.com/file.tar", "", temp_.path());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind(), ErrorKind::kUnsupported);
  EXPECT_EQ(got.error().message(),
            "ADD ftp://example.com/file.tar: unsupported URL scheme \"ftp\" "
            "(ADD fetches http:// and https:// only)");
}

TEST_F(FetchTest, GitSourcesAreUnsupported) {
  for (const char* url :
       {"git@github.com:moby/buildkit.git", "git://host/repo.git",
        "https://github.com/moby/buildkit.git#v0.12",
        "https://github.com/moby/buildkit.git", "ssh://git@host/repo"}) {
    Result<Download> got = FetchUrl(url, "", temp_.path());
    ASSERT_FALSE(got) << url;
    EXPECT_EQ(got.error().kind(), ErrorKind::kUnsupported) << url;
    EXPECT_NE(got.error().message().find("git repositories are not supported"),
              std::string::npos)
        << got.error().message();
  }
}

TEST_F(FetchTest, ConnectionRefusedNamesTheUrl) {
  int port = 0;
  {
    TestServer server({});
    port = server.port();
  }  // closed: nothing listens there any more
  std::string url = "http://127.0.0.1:" + std::to_string(port) + "/x";
  Result<Download> got = FetchUrl(url, "", temp_.path());
  ASSERT_FALSE(got);
  EXPECT_TRUE(got.error().message().starts_with("ADD " + url + ": "))
      << got.error().message();
  EXPECT_EQ(FilesInTemp(), 0u);
}

TEST_F(FetchTest, CredentialsAreRedactedInErrors) {
  TestServer server({});
  std::string url =
      "http://user:s3cret@127.0.0.1:" + std::to_string(server.port()) +
      "/private";
  Result<Download> got = FetchUrl(url, "", temp_.path());
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().message().find("s3cret"), std::string::npos);
  EXPECT_NE(got.error().message().find("xxxxx:xxxxx@127.0.0.1"),
            std::string::npos)
      << got.error().message();
}

TEST_F(FetchTest, MissingTempDirIsAnError) {
  TestServer server({{"/f", {200, "OK", {}, "x"}}});
  Result<Download> got =
      FetchUrl(server.Url("/f"), "", temp_.path() + "/nonexistent");
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message().find("nonexistent"), std::string::npos);
}

TEST(UrlFileNameTest, FollowsBuildKitsFrontend) {
  EXPECT_EQ(UrlFileName("https://x.org/a/b.tar.gz"), "b.tar.gz");
  EXPECT_EQ(UrlFileName("https://x.org"), "__unnamed__");
  EXPECT_EQ(UrlFileName("https://x.org/"), "__unnamed__");
  EXPECT_EQ(UrlFileName("https://x.org?q=/etc/passwd"), "__unnamed__");
  EXPECT_EQ(UrlFileName("https://x.org/dir/"), "dir");
  EXPECT_EQ(UrlFileName("https://x.org/dir//"), "dir");
  EXPECT_EQ(UrlFileName("https://x.org/a%20b.txt?x=1#f"), "a b.txt");
  EXPECT_EQ(UrlFileName("https://x.org/a%2Fb"), "b");
  EXPECT_EQ(UrlFileName("https://user:pw@x.org:8080/f.zip"), "f.zip");
}

TEST(UrlFileNameTest, UnsafeNamesBecomeDownload) {
  EXPECT_EQ(UrlFileName("https://x.org/.."), "download");
  EXPECT_EQ(UrlFileName("https://x.org/a/%2E%2E"), "download");
  EXPECT_EQ(UrlFileName("https://x.org/a%0Ab"), "download");
  EXPECT_EQ(UrlFileName("https://x.org/a%00b"), "download");
  EXPECT_EQ(UrlFileName("https://x.org/%20%20"), "download");
  EXPECT_EQ(UrlFileName("https://x.org/%20name.txt%20"), "name.txt");
}

TEST(UrlFileNameTest, MalformedEscapesAreUnnamed) {
  EXPECT_EQ(UrlFileName("https://x.org/%zz"), "__unnamed__");
  EXPECT_EQ(UrlFileName("https://x.org/a%2"), "__unnamed__");
}

TEST(IsUrlTest, OnlyHttpAndHttps) {
  EXPECT_TRUE(IsUrl("http://x/y"));
  EXPECT_TRUE(IsUrl("https://x/y"));
  EXPECT_FALSE(IsUrl("HTTP://x/y"));  // BuildKit's check is case-sensitive
  EXPECT_FALSE(IsUrl("ftp://x/y"));
  EXPECT_FALSE(IsUrl("git@github.com:a/b.git"));
  EXPECT_FALSE(IsUrl("src/http://x"));
  EXPECT_FALSE(IsUrl("file.txt"));
}

TEST(IsRemoteSourceTest, CoversTheFormsFetchUrlRefuses) {
  EXPECT_TRUE(IsRemoteSource("https://x/y"));
  EXPECT_TRUE(IsRemoteSource("ftp://x/y"));
  EXPECT_TRUE(IsRemoteSource("git@github.com:a/b.git"));
  EXPECT_TRUE(IsRemoteSource("git://host/r"));
  EXPECT_FALSE(IsRemoteSource("src/app.tar.gz"));
  EXPECT_FALSE(IsRemoteSource("./dir/"));
  EXPECT_FALSE(IsRemoteSource("*.txt"));
}

}  // namespace
}  // namespace zlayer::copy
