#include "registry/reference.h"

#include <gtest/gtest.h>

#include <string>

namespace zlayer::registry {
namespace {

constexpr char kDigest[] =
    "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";

struct Good {
  const char* text;
  const char* full;      // Reference::String()
  const char* familiar;  // Reference::Familiar()
  const char* registry;
  const char* repository;
};

// Cases from distribution/reference's normalize_test.go and
// reference_test.go, with the tag TagNameOnly adds.
const Good kGood[] = {
    {"alpine", "docker.io/library/alpine:latest", "alpine:latest", "docker.io",
     "library/alpine"},
    {"debian", "docker.io/library/debian:latest", "debian:latest", "docker.io",
     "library/debian"},
    {"library/debian", "docker.io/library/debian:latest", "debian:latest",
     "docker.io", "library/debian"},
    {"docker/docker", "docker.io/docker/docker:latest", "docker/docker:latest",
     "docker.io", "docker/docker"},
    {"docker.io/debian", "docker.io/library/debian:latest", "debian:latest",
     "docker.io", "library/debian"},
    {"docker.io/library/debian", "docker.io/library/debian:latest",
     "debian:latest", "docker.io", "library/debian"},
    {"index.docker.io/docker/docker", "docker.io/docker/docker:latest",
     "docker/docker:latest", "docker.io", "docker/docker"},
    {"index.docker.io/debian", "docker.io/library/debian:latest",
     "debian:latest", "docker.io", "library/debian"},
    {"127.0.0.1:5000/docker/docker", "127.0.0.1:5000/docker/docker:latest",
     "127.0.0.1:5000/docker/docker:latest", "127.0.0.1:5000", "docker/docker"},
    {"127.0.0.1:5000/library/debian", "127.0.0.1:5000/library/debian:latest",
     "127.0.0.1:5000/library/debian:latest", "127.0.0.1:5000",
     "library/debian"},
    {"127.0.0.1:5000/busybox", "127.0.0.1:5000/busybox:latest",
     "127.0.0.1:5000/busybox:latest", "127.0.0.1:5000", "busybox"},
    {"192.168.0.1", "docker.io/library/192.168.0.1:latest",
     "192.168.0.1:latest", "docker.io", "library/192.168.0.1"},
    {"192.168.0.1:80", "docker.io/library/192.168.0.1:80", "192.168.0.1:80",
     "docker.io", "library/192.168.0.1"},
    {"192.168.0.1:8/debian", "192.168.0.1:8/debian:latest",
     "192.168.0.1:8/debian:latest", "192.168.0.1:8", "debian"},
    {"thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
     "docker.io/library/"
     "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest",
     "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev:latest",
     "docker.io",
     "library/"
     "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev"},
    {"[fc00::1]:5000/docker", "[fc00::1]:5000/docker:latest",
     "[fc00::1]:5000/docker:latest", "[fc00::1]:5000", "docker"},
    {"[fc00:1:2:3:4:5:6:7]:5000/library/debian",
     "[fc00:1:2:3:4:5:6:7]:5000/library/debian:latest",
     "[fc00:1:2:3:4:5:6:7]:5000/library/debian:latest",
     "[fc00:1:2:3:4:5:6:7]:5000", "library/debian"},
    {"docker.io/"
     "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
     "docker.io/library/"
     "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a:latest",
     "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a:latest",
     "docker.io",
     "library/"
     "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a"},
    {"Docker/docker", "Docker/docker:latest", "Docker/docker:latest", "Docker",
     "docker"},
    {"FOO/bar", "FOO/bar:latest", "FOO/bar:latest", "FOO", "bar"},
    {"docker-rules/docker", "docker.io/docker-rules/docker:latest",
     "docker-rules/docker:latest", "docker.io", "docker-rules/docker"},
    {"docker---rules/docker", "docker.io/docker---rules/docker:latest",
     "docker---rules/docker:latest", "docker.io", "docker---rules/docker"},
    {"d/docker", "docker.io/d/docker:latest", "d/docker:latest", "docker.io",
     "d/docker"},
    {"jess/t", "docker.io/jess/t:latest", "jess/t:latest", "docker.io",
     "jess/t"},
    {"dock__er/docker", "docker.io/dock__er/docker:latest",
     "dock__er/docker:latest", "docker.io", "dock__er/docker"},
    {"nonlibrary/ubuntu", "docker.io/nonlibrary/ubuntu:latest",
     "nonlibrary/ubuntu:latest", "docker.io", "nonlibrary/ubuntu"},
    {"other/library", "docker.io/other/library:latest", "other/library:latest",
     "docker.io", "other/library"},
    {"library/foo/bar", "docker.io/library/foo/bar:latest",
     "library/foo/bar:latest", "docker.io", "library/foo/bar"},
    {"store/foo/bar", "docker.io/store/foo/bar:latest", "store/foo/bar:latest",
     "docker.io", "store/foo/bar"},
    {"example.com/private/moonbase", "example.com/private/moonbase:latest",
     "example.com/private/moonbase:latest", "example.com", "private/moonbase"},
    {"example.com:8000/privatebasee", "example.com:8000/privatebasee:latest",
     "example.com:8000/privatebasee:latest", "example.com:8000",
     "privatebasee"},
    {"ubuntu-12.04-base", "docker.io/library/ubuntu-12.04-base:latest",
     "ubuntu-12.04-base:latest", "docker.io", "library/ubuntu-12.04-base"},
    {"test_com/foo", "docker.io/test_com/foo:latest", "test_com/foo:latest",
     "docker.io", "test_com/foo"},
    {"test-com:8080/foo", "test-com:8080/foo:latest",
     "test-com:8080/foo:latest", "test-com:8080", "foo"},
    {"xn--n3h.com:18080/foo", "xn--n3h.com:18080/foo:latest",
     "xn--n3h.com:18080/foo:latest", "xn--n3h.com:18080", "foo"},
    {"localhost/foo", "localhost/foo:latest", "localhost/foo:latest",
     "localhost", "foo"},
    {"localhost:5000/foo/bar:v1", "localhost:5000/foo/bar:v1",
     "localhost:5000/foo/bar:v1", "localhost:5000", "foo/bar"},
    {"redis:latest", "docker.io/library/redis:latest", "redis:latest",
     "docker.io", "library/redis"},
    {"dmcgowan/myapp:1.0_rc-2", "docker.io/dmcgowan/myapp:1.0_rc-2",
     "dmcgowan/myapp:1.0_rc-2", "docker.io", "dmcgowan/myapp"},
    {"foo/foo_bar.com:8080", "docker.io/foo/foo_bar.com:8080",
     "foo/foo_bar.com:8080", "docker.io", "foo/foo_bar.com"},
    {"a.b.c.d.e/f/g:TAG_upper", "a.b.c.d.e/f/g:TAG_upper",
     "a.b.c.d.e/f/g:TAG_upper", "a.b.c.d.e", "f/g"},
    {"dbcc1", "docker.io/library/dbcc1:latest", "dbcc1:latest", "docker.io",
     "library/dbcc1"},
};

TEST(ReferenceTest, ParsesLikeDocker) {
  for (const Good& c : kGood) {
    SCOPED_TRACE(c.text);
    auto ref = ParseReference(c.text);
    ASSERT_TRUE(ref.has_value()) << ref.error().message();
    EXPECT_EQ(ref->String(), c.full);
    EXPECT_EQ(ref->Familiar(), c.familiar);
    EXPECT_EQ(ref->registry, c.registry);
    EXPECT_EQ(ref->repository, c.repository);
  }
}

struct Bad {
  const char* text;
  const char* message;  // a part of the error message
};

const Bad kBad[] = {
    {"", "at least one component"},
    {"https://github.com/docker/docker", "invalid registry host \"https:\""},
    {"docker/Docker", "repository name \"docker/Docker\" must be lowercase"},
    {"-docker", "invalid repository name"},
    {"-docker/docker", "invalid repository name"},
    {"-docker.io/docker/docker", "invalid registry host"},
    {"docker///docker", "invalid repository name"},
    {"docker.io/docker/Docker", "must be lowercase"},
    {"docker.io/docker///docker", "invalid repository name"},
    {"[fc00::1]", "invalid"},
    {"[fc00::1]:5000", "invalid"},
    {"fc00::1:5000/debian", "invalid registry host"},
    {"[fe80::1%eth0]:5000/debian", "invalid registry host"},
    {"[2001:db8:3:4::192.0.2.33]:5000/debian", "invalid registry host"},
    {"1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a",
     "64-byte hexadecimal"},
    {"docker-/docker", "invalid repository name"},
    {"-docker-/docker", "invalid repository name"},
    {"____/____", "invalid repository name"},
    {"_docker/_docker", "invalid repository name"},
    {"dock..er/docker", "invalid registry host"},
    {"dock_.er/docker", "invalid registry host"},
    {"dock-.er/docker", "invalid registry host"},
    {"docker/", "invalid repository name"},
    {"this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_"
     "is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_"
     "not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_"
     "a_valid_namespace_because_its_lenth_is_greater_than_255/docker",
     "not be more than 255 characters"},
    {"Uppercase:tag", "must be lowercase"},
    {"test:5000/Uppercase/lowercase:tag", "must be lowercase"},
    {"aa/asdf$$^/aa", "invalid repository name"},
    {"foo:-tag", "invalid tag \"-tag\""},
    {"foo:", "invalid tag \"\""},
    {"foo:.tag", "invalid tag"},
    {"foo:a1234567890123456789012345678901234567890123456789012345678901234567"
     "89012345678901234567890123456789012345678901234567890123456789x",
     "invalid tag"},
    {"validname@invaliddigest:"
     "ecc5a6c4d9a34c1d0e1b6c4bc1a8a6c2b8b2a8d6c1e2f3a4b5c6d7e8f9",
     "unsupported digest algorithm \"invaliddigest\""},
    {"validname@sha256:"
     "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
     "sha256 needs 64 lowercase hex digits"},
    {"foo@sha256:abc", "invalid digest \"sha256:abc\""},
    {"foo@sha256", "invalid digest"},
    {"foo@SHA256:"
     "86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
     "must be lowercase"},
    {"foo@sha256:"
     "86E0E091D0DA6BDE2456DBB48306F3956BBEB2EAE1B5B9A43045843F69FE4AAA",
     "sha256 needs 64 lowercase hex digits"},
    {"foo@bar@sha256:"
     "86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa",
     "invalid digest"},
    {"repo name with spaces", "invalid repository name"},
    {"foo/bar baz", "invalid repository name"},
    {"example.com:/foo", "invalid registry host"},
    {"ex_ample.com/foo", "invalid registry host"},
};

TEST(ReferenceTest, RejectsLikeDocker) {
  for (const Bad& c : kBad) {
    SCOPED_TRACE(c.text);
    auto ref = ParseReference(c.text);
    ASSERT_FALSE(ref.has_value()) << ref->String();
    EXPECT_EQ(ref.error().kind(), ErrorKind::kInvalid);
    EXPECT_NE(ref.error().message().find(c.message), std::string::npos)
        << ref.error().message();
    EXPECT_NE(ref.error().message().find("\"" + std::string(c.text) + "\""),
              std::string::npos)
        << ref.error().message();
  }
}

TEST(ReferenceTest, DigestsWithAndWithoutTag) {
  auto ref = ParseReference(std::string("busybox:latest@") + kDigest);
  ASSERT_TRUE(ref.has_value()) << ref.error().message();
  EXPECT_EQ(ref->tag, "latest");
  EXPECT_EQ(ref->digest, kDigest);
  EXPECT_EQ(ref->String(),
            std::string("docker.io/library/busybox:latest@") + kDigest);
  EXPECT_EQ(ref->Familiar(), std::string("busybox:latest@") + kDigest);

  ref = ParseReference(std::string("127.0.0.1:5000/busybox@") + kDigest);
  ASSERT_TRUE(ref.has_value()) << ref.error().message();
  EXPECT_EQ(ref->tag, "");  // TagNameOnly adds no tag to a digested name
  EXPECT_EQ(ref->String(), std::string("127.0.0.1:5000/busybox@") + kDigest);

  std::string sha512 = "sha512:" + std::string(128, 'a');
  ref = ParseReference("foo@" + sha512);
  ASSERT_TRUE(ref.has_value()) << ref.error().message();
  EXPECT_EQ(ref->digest, sha512);
}

TEST(ReferenceTest, DefaultRegistryReplacesDockerHubWithoutLibrary) {
  auto ref = ParseReference("alpine", "registry.example.com:5000");
  ASSERT_TRUE(ref.has_value()) << ref.error().message();
  EXPECT_EQ(ref->String(), "registry.example.com:5000/alpine:latest");
  EXPECT_EQ(ref->Familiar(), "registry.example.com:5000/alpine:latest");

  ref = ParseReference("org/app:1", "mirror.local");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->String(), "mirror.local/org/app:1");

  // An explicit registry wins, docker.io included.
  ref = ParseReference("docker.io/alpine", "mirror.local");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->String(), "docker.io/library/alpine:latest");
  ref = ParseReference("quay.io/a/b", "mirror.local");
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->String(), "quay.io/a/b:latest");

  auto bad = ParseReference("alpine", "not a host");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("\"not a host\""), std::string::npos);
}

TEST(ReferenceTest, ApiHost) {
  EXPECT_EQ(ParseReference("alpine")->ApiHost(), "registry-1.docker.io");
  EXPECT_EQ(ParseReference("quay.io/a/b")->ApiHost(), "quay.io");
  EXPECT_EQ(ParseReference("127.0.0.1:5000/b")->ApiHost(), "127.0.0.1:5000");
}

TEST(ReferenceTest, Loopback) {
  for (const char* host : {"localhost", "localhost:5000", "127.0.0.1",
                           "127.0.0.1:5000", "127.1.2.3:80", "[::1]",
                           "[::1]:5000", "::1", "[0:0:0:0:0:0:0:1]:443"}) {
    EXPECT_TRUE(IsLoopbackRegistry(host)) << host;
  }
  for (const char* host :
       {"docker.io", "128.0.0.1:5000", "10.0.0.1", "[fc00::1]:5000",
        "localhost.example.com", "127.0.0.1.nip.io", ""}) {
    EXPECT_FALSE(IsLoopbackRegistry(host)) << host;
  }
  EXPECT_TRUE(ParseReference("localhost:5000/x")->IsLoopback());
  EXPECT_TRUE(ParseReference("[::1]:5000/x")->IsLoopback());
  EXPECT_FALSE(ParseReference("alpine")->IsLoopback());
}

TEST(ReferenceTest, NormalizeRegistryHost) {
  EXPECT_EQ(NormalizeRegistryHost("https://index.docker.io/v1/"), "docker.io");
  EXPECT_EQ(NormalizeRegistryHost("index.docker.io"), "docker.io");
  EXPECT_EQ(NormalizeRegistryHost("registry-1.docker.io"), "docker.io");
  EXPECT_EQ(NormalizeRegistryHost("http://localhost:5000/v2/"),
            "localhost:5000");
  EXPECT_EQ(NormalizeRegistryHost("HTTPS://quay.io"), "quay.io");
  EXPECT_EQ(NormalizeRegistryHost("quay.io"), "quay.io");
}

TEST(ReferenceTest, HostileInputIsFast) {
  // A backtracking matcher would take forever on these.
  std::string dashes = "a" + std::string(100000, '-') + "!";
  EXPECT_FALSE(ParseReference(dashes).has_value());
  std::string parts;
  for (int i = 0; i < 20000; ++i) parts += "a_";
  EXPECT_FALSE(ParseReference(parts + "/").has_value());
}

}  // namespace
}  // namespace zlayer::registry
