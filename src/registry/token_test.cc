#include "registry/token.h"

#include <gtest/gtest.h>

#include "registry/client.h"

namespace zlayer::registry {
namespace {

TEST(ParseChallengesTest, BearerWithQuotedParams) {
  auto challenges = ParseChallenges(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].scheme, "bearer");
  EXPECT_EQ(challenges[0].params["realm"], "https://auth.docker.io/token");
  EXPECT_EQ(challenges[0].params["service"], "registry.docker.io");
  EXPECT_EQ(challenges[0].params["scope"], "repository:library/alpine:pull");
}

TEST(ParseChallengesTest, SeveralSchemesAndEscapes) {
  auto challenges = ParseChallenges(
      R"(Basic realm="a \"b\", c", Bearer realm=https://x/t, error="insufficient_scope")");
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_EQ(challenges[0].scheme, "basic");
  EXPECT_EQ(challenges[0].params["realm"], "a \"b\", c");
  EXPECT_EQ(challenges[1].scheme, "bearer");
  EXPECT_EQ(challenges[1].params["realm"], "https://x/t");
  EXPECT_EQ(challenges[1].params["error"], "insufficient_scope");
}

TEST(ParseChallengesTest, MalformedInputKeepsWhatParsed) {
  auto challenges = ParseChallenges(R"(Bearer realm="unterminated)");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_TRUE(challenges[0].params.empty());
  EXPECT_TRUE(ParseChallenges("").empty());
}

TEST(TokenHelpersTest, Base64AndBasicAuth) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(BasicAuthorization({"user", "pass", ""}), "Basic dXNlcjpwYXNz");
  EXPECT_EQ(UrlEscape("repository:a/b:pull,push"),
            "repository%3Aa%2Fb%3Apull%2Cpush");
}

TEST(TokenCacheTest, ExpiredTokensAreNotReturned) {
  TokenCache cache;
  auto now = std::chrono::steady_clock::now();
  cache.Put("fresh", {"t1", now + std::chrono::seconds(60)});
  cache.Put("stale", {"t2", now - std::chrono::seconds(1)});
  EXPECT_EQ(cache.Get("fresh"), "t1");
  EXPECT_EQ(cache.Get("stale"), std::nullopt);
  cache.Drop("fresh");
  EXPECT_EQ(cache.Get("fresh"), std::nullopt);
}

TEST(ClientHelpersTest, LoopbackHosts) {
  EXPECT_TRUE(IsLoopbackHost("localhost:5000"));
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1"));
  EXPECT_TRUE(IsLoopbackHost("127.1.2.3:80"));
  EXPECT_TRUE(IsLoopbackHost("[::1]:5000"));
  EXPECT_FALSE(IsLoopbackHost("registry-1.docker.io"));
  EXPECT_FALSE(IsLoopbackHost("localhost.example.com:5000"));
  EXPECT_FALSE(IsLoopbackHost("127.example.com"));
}

TEST(ClientHelpersTest, NextLink) {
  EXPECT_EQ(NextLink(R"(</v2/a/tags/list?n=2&last=b>; rel="next")"),
            "/v2/a/tags/list?n=2&last=b");
  EXPECT_EQ(NextLink(R"(</p>; rel="prev", </n>; rel="next")"), "/n");
  EXPECT_EQ(NextLink(""), "");
  EXPECT_EQ(NextLink(R"(</p>; rel="prev")"), "");
}

}  // namespace
}  // namespace zlayer::registry
