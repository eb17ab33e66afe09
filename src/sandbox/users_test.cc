#include "sandbox/users.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "base/temp_dir.h"
#include "sandbox/sandbox_testing.h"

namespace zlayer::sandbox {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::WriteText;

constexpr char kPasswd[] =
    "root:x:0:0:root:/root:/bin/sh\n"
    "  app:x:1000:1000:App:/home/app:/bin/sh  \n"
    "\n"
    "short:x:1200\n"
    "dup:x:1000:7::/dup:/bin/sh\n";
constexpr char kGroup[] =
    "root:x:0:\n"
    "# comment:x:99:app\n"
    "wheel:x:10:root\n"
    "staff:x:50:other,app\n"
    "app:x:1000:\n"
    "audio:x:29:app\n";

class UsersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = base::TempDir::Create("", "zlayer-users-test-");
    ASSERT_TRUE(dir);
    dir_ = std::move(*dir);
    root_ = dir_.path() + "/root";
    std::filesystem::create_directories(root_);
  }
  void WriteDatabases() {
    WriteText(root_ + "/etc/passwd", kPasswd);
    WriteText(root_ + "/etc/group", kGroup);
  }
  Credentials Must(std::string_view spec, bool with_groups = true) {
    Result<Credentials> creds = ResolveUser(root_, spec, with_groups);
    EXPECT_TRUE(creds) << spec << ": " << creds.error().message();
    return creds ? *creds : Credentials{};
  }
  std::string ErrorOf(std::string_view spec) {
    Result<Credentials> creds = ResolveUser(root_, spec);
    return creds ? "ok" : creds.error().message();
  }

  base::TempDir dir_;
  std::string root_;
};

TEST_F(UsersTest, EmptySpecIsRootWithItsGroups) {
  WriteDatabases();
  Credentials creds = Must("");
  EXPECT_EQ(creds.uid, 0u);
  EXPECT_EQ(creds.gid, 0u);
  EXPECT_EQ(creds.home, "/root");
  EXPECT_THAT(creds.supplementary_gids, ElementsAre(10));
}

TEST_F(UsersTest, NameAndUidFindTheSameEntry) {
  WriteDatabases();
  for (std::string_view spec : {"app", "1000"}) {
    Credentials creds = Must(spec);
    EXPECT_EQ(creds.uid, 1000u) << spec;
    EXPECT_EQ(creds.gid, 1000u) << spec;
    EXPECT_EQ(creds.home, "/home/app") << spec;
    EXPECT_THAT(creds.supplementary_gids, ElementsAre(50, 29)) << spec;
  }
  EXPECT_THAT(Must("app", false).supplementary_gids, IsEmpty());
}

TEST_F(UsersTest, ExplicitGroupReplacesSupplementaryGroups) {
  WriteDatabases();
  Credentials creds = Must("app:staff");
  EXPECT_EQ(creds.uid, 1000u);
  EXPECT_EQ(creds.gid, 50u);
  EXPECT_THAT(creds.supplementary_gids, IsEmpty());
  EXPECT_EQ(Must("app:4242").gid, 4242u);
  EXPECT_EQ(Must("0:10").gid, 10u);
  EXPECT_EQ(Must("root:").gid, 0u);
}

TEST_F(UsersTest, UnknownNumericIdsAreAllowed) {
  WriteDatabases();
  Credentials creds = Must("4242");
  EXPECT_EQ(creds.uid, 4242u);
  EXPECT_EQ(creds.gid, 0u);
  EXPECT_EQ(creds.home, "/");
  EXPECT_THAT(creds.supplementary_gids, IsEmpty());
  creds = Must("4242:4343");
  EXPECT_EQ(creds.gid, 4343u);
  EXPECT_EQ(Must("1200").gid, 0u);  // a short passwd line
}

TEST_F(UsersTest, UnknownNamesAreErrorsLikeDocker) {
  WriteDatabases();
  EXPECT_EQ(ErrorOf("nobody"),
            "unable to find user nobody: no matching entries in passwd file");
  EXPECT_EQ(ErrorOf("app:nogroup"),
            "unable to find group nogroup: no matching entries in group file");
  EXPECT_EQ(ErrorOf("-1"), "uids and gids must be in range 0-2147483647");
  EXPECT_EQ(ErrorOf("2147483648"),
            "uids and gids must be in range 0-2147483647");
  EXPECT_EQ(ErrorOf("99999999999999999999"),
            "uids and gids must be in range 0-2147483647");
}

TEST_F(UsersTest, MissingFilesAllowNumericSpecsOnly) {
  Credentials creds = Must("1000:1000");
  EXPECT_EQ(creds.uid, 1000u);
  EXPECT_EQ(creds.gid, 1000u);
  EXPECT_EQ(Must("").uid, 0u);
  EXPECT_EQ(Must("").home, "/");
  EXPECT_EQ(ErrorOf("app"),
            "unable to find user app: no matching entries in passwd file");
  WriteText(root_ + "/etc/passwd", kPasswd);
  EXPECT_EQ(ErrorOf("app:staff"),
            "unable to find group staff: no matching entries in group file");
  EXPECT_THAT(Must("app").supplementary_gids, IsEmpty());
}

TEST_F(UsersTest, SymlinksResolveInsideTheRoot) {
  // A host file the image points at with an absolute path and "..": it
  // must be looked up under the root instead.
  std::string host_dir = dir_.path() + "/host";
  WriteText(host_dir + "/passwd", "evil:x:666:666::/:/bin/sh\n");
  std::filesystem::create_directories(root_ + "/etc");
  std::filesystem::create_symlink("/../../.." + host_dir + "/passwd",
                                  root_ + "/etc/passwd");
  EXPECT_EQ(ErrorOf("evil"),
            "unable to find user evil: no matching entries in passwd file");
  WriteText(root_ + host_dir + "/passwd", "evil:x:777:778::/in:/bin/sh\n");
  Credentials creds = Must("evil");
  EXPECT_EQ(creds.uid, 777u);
  EXPECT_EQ(creds.gid, 778u);
  EXPECT_EQ(creds.home, "/in");
}

TEST_F(UsersTest, NonRegularFilesCountAsMissing) {
  std::filesystem::create_directories(root_ + "/etc/passwd");
  EXPECT_EQ(Must("12").uid, 12u);
  EXPECT_EQ(ErrorOf("app"),
            "unable to find user app: no matching entries in passwd file");
}

}  // namespace
}  // namespace zlayer::sandbox
