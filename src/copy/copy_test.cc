#include "copy/copy.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "base/file_io.h"
#include "base/subprocess.h"
#include "base/temp_dir.h"

namespace zlayer::copy {
namespace {

namespace fs = std::filesystem;

class CopyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ctx_ = *base::TempDir::Create("", "copy-ctx-");
    root_ = *base::TempDir::Create("", "copy-root-");
  }

  std::string Ctx(const std::string& rel) { return ctx_.path() + "/" + rel; }
  std::string Root(const std::string& rel) { return root_.path() + "/" + rel; }
  void File(const std::string& rel, const std::string& data,
            mode_t mode = 0644) {
    fs::create_directories(fs::path(Ctx(rel)).parent_path());
    ASSERT_TRUE(base::WriteFileAtomic(Ctx(rel), data, mode).has_value());
  }
  void Dir(const std::string& rel) { fs::create_directories(Ctx(rel)); }
  std::string Read(const std::string& abs) {
    Result<std::string> data = base::ReadFile(abs);
    return data ? *data : "<missing>";
  }
  bool Exists(const std::string& abs) {
    struct stat st;
    return ::lstat(abs.c_str(), &st) == 0;
  }
  struct stat Stat(const std::string& abs) {
    struct stat st {};
    EXPECT_EQ(::lstat(abs.c_str(), &st), 0) << abs;
    return st;
  }

  SourceTree Context(std::vector<std::string> ignore = {}) {
    dockerignore::Matcher matcher = *dockerignore::Matcher::Create(ignore);
    return *SourceTree::Context(ctx_.path(), std::move(matcher));
  }

  Status Run(std::vector<std::string> sources, std::string dest,
             std::vector<std::string> ignore = {}) {
    CopyRequest request;
    request.sources = std::move(sources);
    request.dest = std::move(dest);
    return Copy(Context(std::move(ignore)), request, root_.path());
  }
  Status Run(const CopyRequest& request, std::vector<std::string> ignore = {}) {
    return Copy(Context(std::move(ignore)), request, root_.path());
  }

  base::TempDir ctx_;
  base::TempDir root_;
};

// --- destination rules --------------------------------------------------

TEST_F(CopyTest, FileToFile) {
  File("a.txt", "A");
  ASSERT_TRUE(Run({"a.txt"}, "/b.txt"));
  EXPECT_EQ(Read(Root("b.txt")), "A");
}

TEST_F(CopyTest, FileIntoDirectoryWithSlash) {
  File("a.txt", "A");
  ASSERT_TRUE(Run({"a.txt"}, "/dir/"));
  EXPECT_EQ(Read(Root("dir/a.txt")), "A");
  EXPECT_EQ(Stat(Root("dir")).st_mode & 07777, 0755u);
}

TEST_F(CopyTest, FileIntoExistingDirectoryWithoutSlash) {
  File("a.txt", "A");
  fs::create_directories(Root("existing"));
  ASSERT_TRUE(Run({"a.txt"}, "/existing"));
  EXPECT_EQ(Read(Root("existing/a.txt")), "A");
}

TEST_F(CopyTest, DirectoryCopiesItsContents) {
  File("src/x.txt", "X");
  File("src/sub/y.txt", "Y");
  ASSERT_TRUE(Run({"src"}, "/app"));
  EXPECT_EQ(Read(Root("app/x.txt")), "X");
  EXPECT_EQ(Read(Root("app/sub/y.txt")), "Y");
  EXPECT_FALSE(Exists(Root("app/src")));
}

TEST_F(CopyTest, TrailingSlashOnSourceIsIgnored) {
  File("src/x.txt", "X");
  ASSERT_TRUE(Run({"src/"}, "/app/"));
  EXPECT_EQ(Read(Root("app/x.txt")), "X");
}

TEST_F(CopyTest, DirectoryMergesIntoExistingDirectory) {
  File("src/x.txt", "new");
  fs::create_directories(Root("app"));
  ASSERT_TRUE(base::WriteFileAtomic(Root("app/x.txt"), "old").has_value());
  ASSERT_TRUE(base::WriteFileAtomic(Root("app/keep.txt"), "K").has_value());
  ::chmod(Root("app").c_str(), 0700);
  ASSERT_TRUE(Run({"src"}, "/app"));
  EXPECT_EQ(Read(Root("app/x.txt")), "new");
  EXPECT_EQ(Read(Root("app/keep.txt")), "K");
  // The destination directory itself keeps its mode (fsutil only restores
  // its times).
  EXPECT_EQ(Stat(Root("app")).st_mode & 07777, 0700u);
}

TEST_F(CopyTest, WildcardCopiesEveryMatch) {
  File("a.txt", "A");
  File("b.txt", "B");
  File("c.md", "C");
  ASSERT_TRUE(Run({"*.txt"}, "/out/"));
  EXPECT_EQ(Read(Root("out/a.txt")), "A");
  EXPECT_EQ(Read(Root("out/b.txt")), "B");
  EXPECT_FALSE(Exists(Root("out/c.md")));
}

TEST_F(CopyTest, WildcardInDirectoryComponent) {
  File("pkg1/lib/a.so", "1");
  File("pkg2/lib/b.so", "2");
  File("pkg2/other/c.so", "3");
  ASSERT_TRUE(Run({"pkg*/lib"}, "/out/"));
  EXPECT_EQ(Read(Root("out/a.so")), "1");
  EXPECT_EQ(Read(Root("out/b.so")), "2");
  EXPECT_FALSE(Exists(Root("out/c.so")));
}

TEST_F(CopyTest, MultipleSourcesNeedADirectoryDestination) {
  File("a.txt", "A");
  File("b.txt", "B");
  Status s = Run({"a.txt", "b.txt"}, "/out");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(),
            "When using COPY with more than one source file, the destination "
            "must be a directory and end with a /");
  EXPECT_FALSE(Run({"*.txt"}, "/out"));
  EXPECT_TRUE(Run({"a.txt", "b.txt"}, "."));
  EXPECT_EQ(Read(Root("a.txt")), "A");
}

TEST_F(CopyTest, WildcardWithOneMatchMayNameAFile) {
  File("only.txt", "O");
  ASSERT_TRUE(Run({"*.txt"}, "/renamed"));
  EXPECT_EQ(Read(Root("renamed")), "O");
}

TEST_F(CopyTest, RelativeDestIsUnderWorkdir) {
  File("a.txt", "A");
  CopyRequest request;
  request.sources = {"a.txt"};
  request.dest = "rel/";
  request.workdir = "/usr/src/app";
  ASSERT_TRUE(Run(request));
  EXPECT_EQ(Read(Root("usr/src/app/rel/a.txt")), "A");
  request.dest = ".";
  ASSERT_TRUE(Run(request));
  EXPECT_EQ(Read(Root("usr/src/app/a.txt")), "A");
}

TEST_F(CopyTest, MissingParentsAreCreatedOwnedByChown) {
  File("a.txt", "A");
  CopyRequest request;
  request.sources = {"a.txt"};
  request.dest = "/x/y/z/a.txt";
  request.chown = Owner{1000, 1001};
  ASSERT_TRUE(Run(request));
  struct stat st = Stat(Root("x/y"));
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_EQ(st.st_uid, 1000u);
  EXPECT_EQ(st.st_gid, 1001u);
}

TEST_F(CopyTest, FileOverwritesExistingFileAndSymlink) {
  File("a.txt", "new");
  ASSERT_TRUE(base::WriteFileAtomic(Root("a.txt"), "old").has_value());
  ASSERT_EQ(::symlink("/etc/passwd", Root("l.txt").c_str()), 0);
  ASSERT_TRUE(Run({"a.txt"}, "/a.txt"));
  EXPECT_EQ(Read(Root("a.txt")), "new");
  ASSERT_TRUE(Run({"a.txt"}, "/inside/"));
  EXPECT_EQ(Read(Root("inside/a.txt")), "new");
}

TEST_F(CopyTest, FileOntoDirectoryInsideACopiedTreeFails) {
  File("src/x", "file");
  fs::create_directories(Root("app/x"));
  Status s = Run({"src"}, "/app");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("cannot replace to directory /app/x"),
            std::string::npos)
      << s.error().message();
}

TEST_F(CopyTest, DirectoryOntoFileFails) {
  File("src/x/y", "file");
  fs::create_directories(Root("app"));
  ASSERT_TRUE(base::WriteFileAtomic(Root("app/x"), "f").has_value());
  Status s = Run({"src"}, "/app");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("cannot copy to non-directory: /app/x"),
            std::string::npos);
}

// --- source selection ---------------------------------------------------

TEST_F(CopyTest, MissingSourceNamesThePattern) {
  Status s = Run({"missing.txt"}, "/x");
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(),
            "COPY failed: file not found in build context: missing.txt");
  EXPECT_EQ(s.error().kind(), ErrorKind::kNotFound);
  // A wildcard below a directory that does not exist is still an error.
  Status w = Run({"nodir/*.none"}, "/x/");
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().message(),
            "COPY failed: file not found in build context: nodir/*.none");
}

TEST_F(CopyTest, AWildcardThatMatchesNothingCopiesNothing) {
  // BuildKit's AllowEmptyWildcard: how Dockerfiles copy optional files.
  File("package.json", "{}");
  ASSERT_TRUE(Run({"package.json", "yarn.lock*"}, "/app/"));
  EXPECT_TRUE(std::filesystem::exists(root_.path() + "/app/package.json"));
  EXPECT_FALSE(std::filesystem::exists(root_.path() + "/app/yarn.lock"));
  ASSERT_TRUE(Run({"requirements.*"}, "/opt/"));
  EXPECT_FALSE(std::filesystem::exists(root_.path() + "/opt/requirements.txt"));
}

TEST_F(CopyTest, RootfsMissingSourceMessage) {
  SourceTree tree = *SourceTree::Rootfs(ctx_.path());
  CopyRequest request;
  request.sources = {"/nope"};
  request.dest = "/";
  Status s = Copy(tree, request, root_.path());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), "COPY failed: /nope: not found");
}

TEST_F(CopyTest, SourcesCannotLeaveTheContext) {
  Status s = Run({"../x"}, "/x");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find(
                "forbidden path outside the build context: ../x"),
            std::string::npos);
  EXPECT_FALSE(Run({"a/../../x"}, "/x"));
}

TEST_F(CopyTest, LeadingSlashIsRelativeToTheContext) {
  File("a.txt", "A");
  ASSERT_TRUE(Run({"/a.txt"}, "/b"));
  EXPECT_EQ(Read(Root("b")), "A");
}

TEST_F(CopyTest, WholeContextWithDot) {
  File("a.txt", "A");
  File("d/b.txt", "B");
  ASSERT_TRUE(Run({"."}, "/"));
  EXPECT_EQ(Read(Root("a.txt")), "A");
  EXPECT_EQ(Read(Root("d/b.txt")), "B");
}

TEST_F(CopyTest, DockerignoredFilesAreNeverCopied) {
  File("a.txt", "A");
  File("secret.key", "S");
  File("build/out.o", "O");
  ASSERT_TRUE(Run({"."}, "/app/", {"*.key", "build"}));
  EXPECT_EQ(Read(Root("app/a.txt")), "A");
  EXPECT_FALSE(Exists(Root("app/secret.key")));
  EXPECT_FALSE(Exists(Root("app/build")));
  Status s = Run({"secret.key"}, "/x", {"*.key"});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("file not found in build context"),
            std::string::npos);
  // A wildcard sees the context without them: it matches nothing, which
  // BuildKit allows.
  EXPECT_TRUE(Run({"*.key"}, "/x/", {"*.key"}));
  EXPECT_FALSE(Exists(Root("x/secret.key")));
}

TEST_F(CopyTest, DockerignoreExceptionsReinclude) {
  File("docs/a.md", "A");
  File("docs/keep.md", "K");
  ASSERT_TRUE(Run({"."}, "/app/", {"docs", "!docs/keep.md"}));
  EXPECT_EQ(Read(Root("app/docs/keep.md")), "K");
  EXPECT_FALSE(Exists(Root("app/docs/a.md")));
  ASSERT_TRUE(Run({"docs"}, "/only/", {"docs", "!docs/keep.md"}));
  EXPECT_EQ(Read(Root("only/keep.md")), "K");
  EXPECT_FALSE(Exists(Root("only/a.md")));
}

TEST_F(CopyTest, ExcludeFlag) {
  File("dir/a.txt", "A");
  File("dir/b.md", "B");
  File("dir/sub/c.txt", "C");
  CopyRequest request;
  request.sources = {"dir"};
  request.dest = "/out/";
  request.excludes = {"*.txt", "sub/*.txt"};
  ASSERT_TRUE(Run(request));
  EXPECT_FALSE(Exists(Root("out/a.txt")));
  EXPECT_EQ(Read(Root("out/b.md")), "B");
  EXPECT_FALSE(Exists(Root("out/sub/c.txt")));
}

TEST_F(CopyTest, ExcludeAppliesToWildcardMatchedFiles) {
  File("home.txt", "T");
  File("home.md", "M");
  CopyRequest request;
  request.sources = {"hom*"};
  request.dest = "/mydir/";
  request.excludes = {"*.txt"};
  ASSERT_TRUE(Run(request));
  EXPECT_FALSE(Exists(Root("mydir/home.txt")));
  EXPECT_EQ(Read(Root("mydir/home.md")), "M");
}

TEST_F(CopyTest, ParentsKeepsSourceDirectories) {
  File("x/a.txt", "XA");
  File("y/a.txt", "YA");
  File("y/other.txt", "O");
  CopyRequest request;
  request.sources = {"./x/a.txt", "./y/a.txt"};
  request.dest = "/parents/";
  request.parents = true;
  ASSERT_TRUE(Run(request));
  EXPECT_EQ(Read(Root("parents/x/a.txt")), "XA");
  EXPECT_EQ(Read(Root("parents/y/a.txt")), "YA");
  EXPECT_FALSE(Exists(Root("parents/y/other.txt")));
}

TEST_F(CopyTest, ParentsPivotAndDoubleStar) {
  File("x/y/a.txt", "A");
  File("x/y/b.bin", "B");
  File("src/q/r/c.txt", "C");
  CopyRequest request;
  request.sources = {"./x/./y/*.txt", "src/**/*.txt"};
  request.dest = "/p/";
  request.parents = true;
  ASSERT_TRUE(Run(request));
  EXPECT_EQ(Read(Root("p/y/a.txt")), "A");
  EXPECT_FALSE(Exists(Root("p/y/b.bin")));
  EXPECT_FALSE(Exists(Root("p/x")));
  EXPECT_EQ(Read(Root("p/src/q/r/c.txt")), "C");
  request.sources = {"./x/missing.txt"};
  EXPECT_FALSE(Run(request));
}

// --- metadata -----------------------------------------------------------

TEST_F(CopyTest, ContextFilesAreOwnedByRootUnlessChown) {
  File("a.txt", "A");
  ASSERT_EQ(::chown(Ctx("a.txt").c_str(), 1234, 1234), 0);
  ASSERT_TRUE(Run({"a.txt"}, "/a"));
  EXPECT_EQ(Stat(Root("a")).st_uid, 0u);
  CopyRequest request;
  request.sources = {"a.txt"};
  request.dest = "/b";
  request.chown = Owner{55, 66};
  ASSERT_TRUE(Run(request));
  EXPECT_EQ(Stat(Root("b")).st_uid, 55u);
  EXPECT_EQ(Stat(Root("b")).st_gid, 66u);
}

TEST_F(CopyTest, RootfsKeepsOwnersUnlessChown) {
  File("etc/conf", "C");
  ASSERT_EQ(::chown(Ctx("etc/conf").c_str(), 1234, 4321), 0);
  SourceTree tree = *SourceTree::Rootfs(ctx_.path());
  CopyRequest request;
  request.sources = {"/etc"};
  request.dest = "/out/";
  ASSERT_TRUE(Copy(tree, request, root_.path()));
  EXPECT_EQ(Stat(Root("out/conf")).st_uid, 1234u);
  EXPECT_EQ(Stat(Root("out/conf")).st_gid, 4321u);
  request.chown = Owner{7, 8};
  request.dest = "/out2/";
  ASSERT_TRUE(Copy(tree, request, root_.path()));
  EXPECT_EQ(Stat(Root("out2/conf")).st_uid, 7u);
}

TEST_F(CopyTest, ChownAppliesToCopiedDirectories) {
  File("src/sub/f", "F");
  CopyRequest request;
  request.sources = {"src"};
  request.dest = "/app";
  request.chown = Owner{10, 20};
  ASSERT_TRUE(Run(request));
  EXPECT_EQ(Stat(Root("app/sub")).st_uid, 10u);
  EXPECT_EQ(Stat(Root("app/sub/f")).st_gid, 20u);
  EXPECT_EQ(Stat(Root("app")).st_uid, 10u);
}

TEST_F(CopyTest, ModesArePreservedAndChmodOctalApplies) {
  File("run.sh", "#!/bin/sh", 0750);
  File("d/f", "x", 0600);
  ASSERT_TRUE(Run({"run.sh"}, "/run.sh"));
  EXPECT_EQ(Stat(Root("run.sh")).st_mode & 07777, 0750u);
  CopyRequest request;
  request.sources = {"d"};
  request.dest = "/d2";
  request.chmod = "0640";
  ASSERT_TRUE(Run(request));
  EXPECT_EQ(Stat(Root("d2/f")).st_mode & 07777, 0640u);
}

TEST_F(CopyTest, ChmodSymbolicAppliesPerFile) {
  File("t/exe", "x", 0700);
  File("t/plain", "x", 0600);
  Dir("t/sub");
  ::chmod(Ctx("t/sub").c_str(), 0700);
  CopyRequest request;
  request.sources = {"t"};
  request.dest = "/t";
  request.chmod = "u=rwX,go=rX";
  ASSERT_TRUE(Run(request));
  EXPECT_EQ(Stat(Root("t/exe")).st_mode & 07777, 0755u);
  EXPECT_EQ(Stat(Root("t/plain")).st_mode & 07777, 0644u);
  EXPECT_EQ(Stat(Root("t/sub")).st_mode & 07777, 0755u);
}

TEST_F(CopyTest, InvalidChmodIsRefused) {
  File("a", "A");
  CopyRequest request;
  request.sources = {"a"};
  request.dest = "/a";
  request.chmod = "999";
  Status s = Run(request);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::kInvalid);
}

TEST_F(CopyTest, MtimePreservedOnFilesAndDirectories) {
  File("d/f", "x");
  struct timespec times[2] = {{1500000000, 123}, {1500000000, 456}};
  ASSERT_EQ(::utimensat(AT_FDCWD, Ctx("d/f").c_str(), times, 0), 0);
  Dir("d/sub");
  struct timespec dtimes[2] = {{1400000000, 0}, {1400000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, Ctx("d/sub").c_str(), dtimes, 0), 0);
  ASSERT_EQ(::utimensat(AT_FDCWD, Ctx("d").c_str(), dtimes, 0), 0);
  ASSERT_TRUE(Run({"d"}, "/out"));
  struct stat st = Stat(Root("out/f"));
  EXPECT_EQ(st.st_mtim.tv_sec, 1500000000);
  EXPECT_EQ(st.st_mtim.tv_nsec, 456);
  EXPECT_EQ(Stat(Root("out/sub")).st_mtim.tv_sec, 1400000000);
  EXPECT_EQ(Stat(Root("out")).st_mtim.tv_sec, 1400000000);
}

TEST_F(CopyTest, SymlinksInsideADirectoryStaySymlinks) {
  File("d/target", "T");
  ASSERT_EQ(::symlink("target", Ctx("d/link").c_str()), 0);
  ASSERT_EQ(::symlink("/etc/passwd", Ctx("d/abs").c_str()), 0);
  ASSERT_TRUE(Run({"d"}, "/out"));
  char buf[64] = {};
  ASSERT_GT(::readlink(Root("out/link").c_str(), buf, sizeof(buf)), 0);
  EXPECT_STREQ(buf, "target");
  EXPECT_TRUE(S_ISLNK(Stat(Root("out/abs")).st_mode));
}

TEST_F(CopyTest, TopLevelSymlinkSourceIsFollowed) {
  File("real.txt", "R");
  File("realdir/x", "X");
  ASSERT_EQ(::symlink("real.txt", Ctx("link.txt").c_str()), 0);
  ASSERT_EQ(::symlink("/realdir", Ctx("dirlink").c_str()), 0);
  ASSERT_TRUE(Run({"link.txt"}, "/out/"));
  EXPECT_TRUE(S_ISREG(Stat(Root("out/link.txt")).st_mode));
  EXPECT_EQ(Read(Root("out/link.txt")), "R");
  ASSERT_TRUE(Run({"dirlink"}, "/d"));
  EXPECT_EQ(Read(Root("d/x")), "X");
}

TEST_F(CopyTest, SymlinkSourceCannotEscapeTheContext) {
  ASSERT_EQ(::symlink("/etc/hostname", Ctx("esc").c_str()), 0);
  Status s = Run({"esc"}, "/out");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("file not found"), std::string::npos);
}

TEST_F(CopyTest, HardlinksArePreserved) {
  File("d/a", "same");
  ASSERT_EQ(::link(Ctx("d/a").c_str(), Ctx("d/b").c_str()), 0);
  ASSERT_TRUE(Run({"d"}, "/out"));
  EXPECT_EQ(Stat(Root("out/a")).st_ino, Stat(Root("out/b")).st_ino);
  EXPECT_EQ(Read(Root("out/b")), "same");
}

TEST_F(CopyTest, FifosAreRecreated) {
  Dir("d");
  ASSERT_EQ(::mkfifo(Ctx("d/pipe").c_str(), 0640), 0);
  ASSERT_TRUE(Run({"d"}, "/out"));
  struct stat st = Stat(Root("out/pipe"));
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0640u);
}

TEST_F(CopyTest, XattrsAreCopiedWhenTheFilesystemHasThem) {
  File("x", "X");
  if (::setxattr(Ctx("x").c_str(), "user.zlayer", "v", 1, 0) != 0) {
    GTEST_SKIP() << "no user xattrs on this filesystem";
  }
  ASSERT_TRUE(Run({"x"}, "/x"));
  char value[8] = {};
  ASSERT_EQ(::getxattr(Root("x").c_str(), "user.zlayer", value, sizeof(value)),
            1);
  EXPECT_EQ(value[0], 'v');
}

TEST_F(CopyTest, LargeFileDataIsCopiedExactly) {
  std::string data(3 * 1024 * 1024 + 17, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  File("big.bin", data);
  ASSERT_TRUE(Run({"big.bin"}, "/big.bin"));
  EXPECT_EQ(Read(Root("big.bin")), data);
}

// --- destination confinement -------------------------------------------

TEST_F(CopyTest, AbsoluteSymlinkInDestinationStaysInsideRoot) {
  File("a.txt", "A");
  base::TempDir outside = *base::TempDir::Create("", "copy-outside-");
  ASSERT_EQ(::symlink(outside.path().c_str(), Root("evil").c_str()), 0);
  ASSERT_TRUE(Run({"a.txt"}, "/evil/"));
  EXPECT_FALSE(Exists(outside.path() + "/a.txt"));
  // The link was resolved as if the root were "/".
  EXPECT_EQ(Read(Root(outside.path().substr(1) + "/a.txt")), "A");
}

TEST_F(CopyTest, DotDotSymlinkInDestinationStaysInsideRoot) {
  File("a.txt", "A");
  ASSERT_EQ(::symlink("../../../../../../tmp", Root("up").c_str()), 0);
  ASSERT_TRUE(Run({"a.txt"}, "/up/esc.txt"));
  EXPECT_EQ(Read(Root("tmp/esc.txt")), "A");
  EXPECT_FALSE(Exists("/tmp/esc.txt"));
}

TEST_F(CopyTest, SymlinkedDestDirectoryInImageIsFollowedInside) {
  File("a.txt", "A");
  fs::create_directories(Root("srv/data"));
  ASSERT_EQ(::symlink("/srv/data", Root("app").c_str()), 0);
  ASSERT_TRUE(Run({"a.txt"}, "/app/"));
  EXPECT_EQ(Read(Root("srv/data/a.txt")), "A");
  EXPECT_TRUE(S_ISLNK(Stat(Root("app")).st_mode));
}

// --- inline files ---------------------------------------------------------

TEST_F(CopyTest, InlineFilesAre0644AndTakeChmod) {
  CopyRequest request;
  request.inline_files = {InlineFile{"hello.sh", "echo hi\n"}};
  request.dest = "/bin/";
  ASSERT_TRUE(Run(request));
  EXPECT_EQ(Read(Root("bin/hello.sh")), "echo hi\n");
  EXPECT_EQ(Stat(Root("bin/hello.sh")).st_mode & 07777, 0644u);
  request.chmod = "755";
  request.chown = Owner{3, 4};
  request.dest = "/x";
  ASSERT_TRUE(Run(request));
  EXPECT_EQ(Stat(Root("x")).st_mode & 07777, 0755u);
  EXPECT_EQ(Stat(Root("x")).st_uid, 3u);
}

// --- COPY/ADD request validation -----------------------------------------

TEST_F(CopyTest, ChecksumOnlyForAddUrls) {
  File("a", "A");
  CopyRequest request;
  request.sources = {"a"};
  request.dest = "/a";
  request.checksum = "sha256:" + std::string(64, '0');
  Status s = Run(request);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), "checksum can't be specified for COPY");
  request.is_add = true;
  s = Run(request);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().message(), "checksum requires HTTP(S) or Git sources");
}

TEST_F(CopyTest, CopyRefusesUrlsAndAddRefusesGit) {
  Status s = Run({"https://example.com/x.txt"}, "/x");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message().find("source can't be a URL for COPY"),
            std::string::npos);
  CopyRequest request;
  request.is_add = true;
  request.sources = {"git@github.com:moby/buildkit.git"};
  request.dest = "/src";
  s = Run(request);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().kind(), ErrorKind::kUnsupported);
  EXPECT_NE(
      s.error().message().find("ADD of git repositories is not supported"),
      std::string::npos);
}

// --- ADD with local archives ---------------------------------------------

class CopyAddTest : public CopyTest {
 protected:
  void MakeTar(const std::string& name, const std::string& flags) {
    File("payload/inner.txt", "inside");
    auto r = base::RunChecked(
        {"tar", flags, Ctx(name), "-C", Ctx("payload"), "inner.txt"});
    ASSERT_TRUE(r.has_value()) << r.error().message();
    fs::remove_all(Ctx("payload"));
  }
};

TEST_F(CopyAddTest, LocalArchiveIsExtracted) {
  MakeTar("a.tar.gz", "-czf");
  CopyRequest request;
  request.is_add = true;
  request.sources = {"a.tar.gz"};
  request.dest = "/opt/";
  ASSERT_TRUE(Run(request)) << Run(request).error().message();
  EXPECT_EQ(Read(Root("opt/inner.txt")), "inside");
  EXPECT_FALSE(Exists(Root("opt/a.tar.gz")));
}

TEST_F(CopyAddTest, UnpackFalseCopiesTheArchive) {
  MakeTar("a.tar", "-cf");
  CopyRequest request;
  request.is_add = true;
  request.unpack = false;
  request.sources = {"a.tar"};
  request.dest = "/opt/";
  ASSERT_TRUE(Run(request));
  EXPECT_TRUE(Exists(Root("opt/a.tar")));
  EXPECT_FALSE(Exists(Root("opt/inner.txt")));
}

TEST_F(CopyAddTest, CopyNeverExtracts) {
  MakeTar("a.tar", "-cf");
  ASSERT_TRUE(Run({"a.tar"}, "/opt/"));
  EXPECT_TRUE(Exists(Root("opt/a.tar")));
}

TEST_F(CopyAddTest, AddOfPlainFileCopiesIt) {
  File("notes.txt", "N");
  CopyRequest request;
  request.is_add = true;
  request.sources = {"notes.txt"};
  request.dest = "/n/";
  ASSERT_TRUE(Run(request));
  EXPECT_EQ(Read(Root("n/notes.txt")), "N");
}

// --- DigestInputs ---------------------------------------------------------

class DigestTest : public CopyTest {
 protected:
  InputDigest Digest(const CopyRequest& request, HashCache* cache,
                     std::vector<std::string> ignore = {}) {
    Result<InputDigest> d = DigestInputs(Context(ignore), request, cache);
    EXPECT_TRUE(d.has_value()) << (d ? "" : d.error().message());
    return d ? *d : InputDigest{};
  }
  CopyRequest All() {
    CopyRequest request;
    request.sources = {"."};
    request.dest = "/app/";
    return request;
  }
  void Settle() { std::this_thread::sleep_for(std::chrono::milliseconds(40)); }
};

TEST_F(DigestTest, StableAndSorted) {
  File("b.txt", "B");
  File("a/c.txt", "C");
  InputDigest one = Digest(All(), nullptr);
  InputDigest two = Digest(All(), nullptr);
  EXPECT_EQ(one.digest, two.digest);
  EXPECT_EQ(one.files, two.files);
  ASSERT_GE(one.files.size(), 3u);
  EXPECT_TRUE(std::is_sorted(
      one.files.begin(), one.files.end(),
      [](const InputFile& x, const InputFile& y) { return x.path < y.path; }));
}

TEST_F(DigestTest, ChangesWithOneFileAndNamesIt) {
  File("a.txt", "A");
  File("b.txt", "B");
  InputDigest before = Digest(All(), nullptr);
  File("b.txt", "B2");
  InputDigest after = Digest(All(), nullptr);
  EXPECT_NE(before.digest, after.digest);
  std::vector<std::string> changed;
  for (size_t i = 0; i < before.files.size(); ++i) {
    if (!(before.files[i] == after.files[i])) {
      changed.push_back(before.files[i].path);
    }
  }
  EXPECT_EQ(changed, std::vector<std::string>{"b.txt"});
}

TEST_F(DigestTest, ModeChangeChangesTheDigest) {
  File("a.txt", "A");
  InputDigest before = Digest(All(), nullptr);
  ::chmod(Ctx("a.txt").c_str(), 0755);
  EXPECT_NE(before.digest, Digest(All(), nullptr).digest);
}

TEST_F(DigestTest, TouchKeepsTheDigestButRehashes) {
  File("a.txt", "A");
  File("b.txt", "B");
  Settle();
  auto cache = *HashCache::Open("");
  InputDigest first = Digest(All(), cache.get());
  EXPECT_EQ(cache->misses(), 2);
  struct timespec times[2] = {{1600000000, 0}, {1600000000, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, Ctx("a.txt").c_str(), times, 0), 0);
  Settle();
  InputDigest second = Digest(All(), cache.get());
  EXPECT_EQ(first.digest, second.digest);
  EXPECT_EQ(cache->misses(), 3);
  EXPECT_EQ(cache->hits(), 1);
}

TEST_F(DigestTest, UntouchedContextIsNotReread) {
  for (int i = 0; i < 50; ++i) File("f" + std::to_string(i), std::to_string(i));
  Settle();
  std::string path =
      ctx_.path() + "/../copy-cache-" + std::to_string(::getpid());
  {
    auto cache = *HashCache::Open(path);
    Digest(All(), cache.get());
    EXPECT_EQ(cache->misses(), 50);
    ASSERT_TRUE(cache->Save());
  }
  auto cache = *HashCache::Open(path);
  InputDigest again = Digest(All(), cache.get());
  EXPECT_EQ(cache->hits(), 50);
  EXPECT_EQ(cache->misses(), 0);
  EXPECT_EQ(again.digest, Digest(All(), nullptr).digest);
  ::unlink(path.c_str());
}

TEST_F(DigestTest, MissingSourceIsAnError) {
  CopyRequest request;
  request.sources = {"missing.txt"};
  request.dest = "/x";
  Result<InputDigest> d = DigestInputs(Context(), request, nullptr);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().message(),
            "COPY failed: file not found in build context: missing.txt");
  request.sources = {"../x"};
  EXPECT_FALSE(DigestInputs(Context(), request, nullptr));
}

TEST_F(DigestTest, IgnoredAndExcludedFilesDoNotCount) {
  File("a.txt", "A");
  File("junk.log", "1");
  CopyRequest request = All();
  request.excludes = {"*.tmp"};
  File("x.tmp", "1");
  InputDigest before = Digest(request, nullptr, {"*.log"});
  File("junk.log", "2");
  File("x.tmp", "2");
  InputDigest after = Digest(request, nullptr, {"*.log"});
  EXPECT_EQ(before.digest, after.digest);
  for (const InputFile& f : after.files) {
    EXPECT_NE(f.path, "junk.log");
    EXPECT_NE(f.path, "x.tmp");
  }
}

TEST_F(DigestTest, RequestFieldsAreInTheDigest) {
  File("a.txt", "A");
  CopyRequest request = All();
  base::Digest base = Digest(request, nullptr).digest;
  request.dest = "/other/";
  EXPECT_NE(Digest(request, nullptr).digest, base);
  request = All();
  request.chmod = "755";
  EXPECT_NE(Digest(request, nullptr).digest, base);
  request = All();
  request.inline_files = {InlineFile{"x", "1"}};
  base::Digest with_inline = Digest(request, nullptr).digest;
  request.inline_files = {InlineFile{"x", "2"}};
  EXPECT_NE(Digest(request, nullptr).digest, with_inline);
}

TEST_F(DigestTest, SymlinkTargetCounts) {
  ASSERT_EQ(::symlink("one", Ctx("l").c_str()), 0);
  File("one", "1");
  CopyRequest request;
  request.sources = {"."};
  request.dest = "/";
  InputDigest before = Digest(request, nullptr);
  ::unlink(Ctx("l").c_str());
  ASSERT_EQ(::symlink("two", Ctx("l").c_str()), 0);
  EXPECT_NE(before.digest, Digest(request, nullptr).digest);
}

}  // namespace
}  // namespace zlayer::copy
