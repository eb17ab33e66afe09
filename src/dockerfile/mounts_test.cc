#include "dockerfile/mounts.h"

#include <gtest/gtest.h>

#include <string>

#include "dockerfile/mount_fields.h"

namespace zlayer::dockerfile {
namespace {

const WordExpander kIdentity =
    [](std::string_view word) -> Result<std::string> {
  return std::string(word);
};

Mount MustParse(std::string_view spec) {
  Result<Mount> mount = ParseMount(spec, &kIdentity);
  EXPECT_TRUE(mount.has_value()) << spec << ": " << mount.error().message();
  return mount ? *mount : Mount{};
}

std::string ErrorOf(std::string_view spec,
                    const WordExpander* expander = &kIdentity) {
  Result<Mount> mount = ParseMount(spec, expander);
  return mount ? "parsed" : mount.error().message();
}

TEST(MountTest, BindIsTheDefaultTypeAndReadOnly) {
  Mount m = MustParse("target=/src,source=app,from=build");
  EXPECT_EQ(m.type, MountType::kBind);
  EXPECT_EQ(m.target, "/src");
  EXPECT_EQ(m.source, "app");
  EXPECT_EQ(m.from, "build");
  EXPECT_TRUE(m.read_only);
}

TEST(MountTest, TargetAndSourceAliases) {
  for (const char* key : {"target", "dst", "destination", "TARGET"}) {
    EXPECT_EQ(MustParse(std::string(key) + "=/t").target, "/t") << key;
  }
  for (const char* key : {"source", "src"}) {
    EXPECT_EQ(MustParse(std::string(key) + "=s,target=/t").source, "s");
  }
}

TEST(MountTest, ReadOnlyAndReadWriteSwitches) {
  EXPECT_FALSE(MustParse("type=bind,target=/t,rw").read_only);
  EXPECT_FALSE(MustParse("type=bind,target=/t,readwrite").read_only);
  EXPECT_FALSE(MustParse("type=bind,target=/t,rw=true").read_only);
  EXPECT_TRUE(MustParse("type=bind,target=/t,rw=false").read_only);
  EXPECT_TRUE(MustParse("type=cache,target=/t,ro").read_only);
  EXPECT_TRUE(MustParse("type=cache,target=/t,readonly").read_only);
  EXPECT_TRUE(MustParse("type=cache,target=/t,readonly=1").read_only);
  EXPECT_FALSE(MustParse("type=cache,target=/t,ro=false").read_only);
  EXPECT_EQ(ErrorOf("target=/t,ro=maybe"), "invalid value for ro: maybe");
  EXPECT_EQ(ErrorOf("target=/t,rw=2"), "invalid value for rw: 2");
}

TEST(MountTest, CacheDefaults) {
  Mount m = MustParse("type=cache,target=/root/.cache/");
  EXPECT_FALSE(m.read_only);
  EXPECT_EQ(m.sharing, std::nullopt);
  EXPECT_EQ(CacheMountSharing(m), MountSharing::kShared);
  EXPECT_EQ(CacheMountId(m), "/root/.cache");
  EXPECT_EQ(CacheMountMode(m), 0755u);
}

TEST(MountTest, CacheOptions) {
  Mount m = MustParse(
      "type=cache,target=/c,id=pip,sharing=LOCKED,from=base,source=/x,"
      "mode=0700,uid=1000,gid=100");
  EXPECT_EQ(m.id, "pip");
  EXPECT_EQ(CacheMountId(m), "pip");
  EXPECT_EQ(m.sharing, MountSharing::kLocked);
  EXPECT_EQ(m.from, "base");
  EXPECT_EQ(m.mode, 0700u);
  EXPECT_EQ(CacheMountMode(m), 0700u);
  EXPECT_EQ(m.uid, 1000u);
  EXPECT_EQ(m.gid, 100u);
  EXPECT_EQ(MustParse("type=cache,target=/c,sharing=private").sharing,
            MountSharing::kPrivate);
  EXPECT_EQ(ErrorOf("type=cache,target=/c,sharing=lockd"),
            "unsupported sharing value \"lockd\" (did you mean locked?)");
}

TEST(MountTest, TmpfsSize) {
  Mount m = MustParse("type=tmpfs,target=/tmp,size=64m");
  EXPECT_EQ(m.type, MountType::kTmpfs);
  EXPECT_FALSE(m.read_only);
  EXPECT_EQ(m.size_limit, 64 * 1024 * 1024);
  EXPECT_EQ(MustParse("type=tmpfs,target=/t").size_limit, 0);
  EXPECT_EQ(MustParse("type=tmpfs,target=/t,size=1.5KiB").size_limit, 1536);
  EXPECT_EQ(MustParse("type=tmpfs,target=/t,size=100").size_limit, 100);
  EXPECT_EQ(ErrorOf("type=tmpfs,target=/t,size=lots"),
            "invalid value for size: lots");
  EXPECT_EQ(ErrorOf("type=bind,target=/t,size=1m"),
            "unexpected key 'size' for mount type 'bind'");
}

TEST(MountTest, SecretOptionsAndDefaults) {
  Mount m = MustParse("type=secret,id=aws,required,mode=0440,uid=1,gid=2");
  EXPECT_TRUE(m.required);
  EXPECT_TRUE(m.read_only);
  Result<SecretMount> secret = ResolveSecretMount(m);
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->id, "aws");
  EXPECT_EQ(secret->target, "/run/secrets/aws");
  EXPECT_EQ(secret->mode, 0440u);
  EXPECT_EQ(secret->uid, 1u);
  EXPECT_EQ(secret->gid, 2u);

  Mount env_only = MustParse("type=secret,id=token,env=TOKEN,required=false");
  secret = ResolveSecretMount(env_only);
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->target, std::nullopt);
  EXPECT_EQ(secret->env, "TOKEN");
  EXPECT_FALSE(secret->required);
  EXPECT_EQ(secret->mode, 0400u);

  // The id falls back to the target's base name, or the source.
  secret = ResolveSecretMount(MustParse("type=secret,target=/etc/key.pem"));
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->id, "key.pem");
  EXPECT_EQ(secret->target, "/etc/key.pem");
  secret = ResolveSecretMount(MustParse("type=secret,src=npmrc"));
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->id, "npmrc");
}

TEST(MountTest, SecretRules) {
  EXPECT_EQ(ErrorOf("type=secret,id=a,from=x"),
            "secret mount should not have a from");
  EXPECT_EQ(ErrorOf("type=secret,id=a,sharing=shared"),
            "secret mount should not define sharing");
  EXPECT_EQ(ErrorOf("type=secret"),
            "invalid secret mount. one of source, target required");
  EXPECT_EQ(ErrorOf("type=secret,source=a,id=b"),
            "both source and id can't be set");
}

TEST(MountTest, SshDefaults) {
  Mount m = MustParse("type=ssh");
  EXPECT_TRUE(m.read_only);
  EXPECT_FALSE(m.required);
  Result<SshMount> ssh = ResolveSshMount(m, 1);
  ASSERT_TRUE(ssh);
  EXPECT_EQ(ssh->id, "default");
  EXPECT_EQ(ssh->target, "/run/buildkit/ssh_agent.1");
  EXPECT_EQ(ssh->mode, 0600u);

  ssh = ResolveSshMount(
      MustParse("type=ssh,id=gh,target=/s.sock,required=true,uid=5"), 0);
  ASSERT_TRUE(ssh);
  EXPECT_EQ(ssh->id, "gh");
  EXPECT_EQ(ssh->target, "/s.sock");
  EXPECT_TRUE(ssh->required);
  EXPECT_EQ(ssh->uid, 5u);
  EXPECT_EQ(
      ResolveSshMount(MustParse("type=ssh,source=x"), 0).error().message(),
      "ssh does not support source");
}

TEST(MountTest, TypeErrors) {
  EXPECT_EQ(ErrorOf("type=cahce,target=/c"),
            "unsupported mount type \"cahce\" (did you mean cache?)");
  EXPECT_EQ(ErrorOf("type=volume,target=/c"),
            "unsupported mount type \"volume\"");
  EXPECT_EQ(MustParse("type=CACHE,target=/c").type, MountType::kCache);
}

TEST(MountTest, OptionsNotAllowedForType) {
  EXPECT_EQ(ErrorOf("type=bind,target=/t,required"),
            "unexpected key 'required' for mount type 'bind'");
  EXPECT_EQ(ErrorOf("type=cache,target=/t,required=true"),
            "unexpected key 'required' for mount type 'cache'");
  EXPECT_EQ(ErrorOf("type=bind,target=/t,mode=0755"),
            "mode not allowed for \"bind\" type mounts");
  EXPECT_EQ(ErrorOf("type=tmpfs,target=/t,uid=0"),
            "uid not allowed for \"tmpfs\" type mounts");
  EXPECT_EQ(ErrorOf("type=bind,target=/t,gid=0"),
            "gid not allowed for \"bind\" type mounts");
  EXPECT_EQ(ErrorOf("type=tmpfs,target=/t,sharing=shared"),
            "invalid cache sharing set for tmpfs mount");
}

TEST(MountTest, NumberErrors) {
  EXPECT_EQ(ErrorOf("type=cache,target=/t,mode=0789"),
            "invalid value 0789 for mode");
  EXPECT_EQ(ErrorOf("type=cache,target=/t,uid=-1"), "invalid value -1 for uid");
  EXPECT_EQ(ErrorOf("type=cache,target=/t,gid=4294967296"),
            "invalid value 4294967296 for gid");
  EXPECT_EQ(MustParse("type=cache,target=/t,gid=4294967295").gid, 4294967295u);
}

TEST(MountTest, UnknownKeysAndBareFields) {
  EXPECT_EQ(ErrorOf("type=cache,targte=/t"),
            "unexpected key 'targte' in 'targte=/t' (did you mean target?)");
  EXPECT_EQ(ErrorOf("type=cache,/t"),
            "invalid field '/t' must be a key=value pair");
}

TEST(MountTest, CsvQuoting) {
  EXPECT_EQ(MustParse("type=bind,\"target=/a,b\"").target, "/a,b");
  EXPECT_EQ(MustParse("\"target=/say \"\"hi\"\"\"").target, "/say \"hi\"");
  EXPECT_EQ(ErrorOf("target=/a\"b"),
            "failed to parse csv mounts: parse error on line 1, column 10: "
            "bare \" in non-quoted-field");
  EXPECT_EQ(ErrorOf("\"target=/a"),
            "failed to parse csv mounts: parse error on line 1, column 2: "
            "extraneous or missing \" in quoted-field");
  EXPECT_EQ(ErrorOf(""), "failed to parse csv mounts: EOF");
}

TEST(MountTest, ParseTimePassOnlyReadsFrom) {
  // Without an expander nothing but `from` is judged: values may still hold
  // variables.
  Result<Mount> deferred =
      ParseMount("type=${T},target=$DIR,uid=${UID},from=build", nullptr);
  ASSERT_TRUE(deferred) << deferred.error().message();
  EXPECT_EQ(deferred->from, "build");
  EXPECT_EQ(deferred->target, "");
  EXPECT_EQ(ErrorOf("type=bind,from=${STAGE}", nullptr),
            "'from' doesn't support variable expansion, define alias stage "
            "instead");
  EXPECT_EQ(ErrorOf("from=a$", nullptr), "parsed");
  EXPECT_EQ(ErrorOf("\"unterminated", nullptr).substr(0, 26),
            "failed to parse csv mounts");
}

TEST(MountTest, ExpanderSeesEveryValueButNoBareField) {
  std::vector<std::string> seen;
  WordExpander recorder = [&](std::string_view word) -> Result<std::string> {
    seen.emplace_back(word);
    return word == "$DIR" ? std::string("/cache") : std::string(word);
  };
  Result<Mount> m = ParseMount("type=cache,target=$DIR,ro", &recorder);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->target, "/cache");
  EXPECT_EQ(seen, (std::vector<std::string>{"cache", "$DIR"}));

  WordExpander failing = [](std::string_view) -> Result<std::string> {
    return Fail("boom");
  };
  EXPECT_EQ(ErrorOf("target=/t", &failing), "boom");
}

TEST(MountFieldsTest, GoBoolAndUint) {
  EXPECT_EQ(ParseGoBool("T"), true);
  EXPECT_EQ(ParseGoBool("False"), false);
  EXPECT_EQ(ParseGoBool("yes"), std::nullopt);
  EXPECT_EQ(ParseUint32("755", 8), 0755u);
  EXPECT_EQ(ParseUint32("+1", 10), std::nullopt);
  EXPECT_EQ(ParseUint32("", 10), std::nullopt);
}

TEST(MountFieldsTest, GoPaths) {
  EXPECT_EQ(CleanPath(""), ".");
  EXPECT_EQ(CleanPath("/a//b/./c/"), "/a/b/c");
  EXPECT_EQ(CleanPath("/../a/.."), "/");
  EXPECT_EQ(CleanPath("a/../../b"), "../b");
  EXPECT_EQ(PathBase("/run/secrets/x/"), "x");
  EXPECT_EQ(PathBase("///"), "/");
  EXPECT_EQ(PathBase("name"), "name");
}

}  // namespace
}  // namespace zlayer::dockerfile
