#include "layer/change_set.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "layer/test_tree.h"

namespace zlayer::layer {
namespace {

using testing::Shell;
using testing::TestTree;
using testing::TreeOf;

struct Seen {
  std::string path;
  EntryKind kind;
  mode_t mode;
  Xattrs xattrs;
};

Result<std::vector<Seen>> Walk(const ChangeSet& changes) {
  std::vector<Seen> seen;
  ZL_RETURN_IF_ERROR(WalkChangeSet(changes, [&](const Entry& e) -> Status {
    seen.push_back({e.path, e.kind, e.st.st_mode, e.xattrs});
    return Ok();
  }));
  return seen;
}

std::vector<std::string> Paths(const ChangeSet& changes) {
  auto seen = Walk(changes);
  EXPECT_TRUE(seen.has_value()) << seen.error().message();
  std::vector<std::string> paths;
  if (seen) {
    for (const Seen& s : *seen) paths.push_back(s.path);
  }
  return paths;
}

std::string WalkError(const ChangeSet& changes) {
  auto seen = Walk(changes);
  EXPECT_FALSE(seen.has_value());
  return seen ? std::string() : seen.error().message();
}

TEST(ChangeSetTest, ParentsFirstThenNamesInByteOrder) {
  TestTree tree;
  tree.Dir("a");
  tree.File("a/z", "");
  tree.Dir("a/b");
  tree.File("a/b/c", "");
  tree.File("a-c", "");  // '-' sorts before '/', but a's children come first
  tree.File("B", "");
  tree.File("\xc3\xa9", "");  // bytes above 0x7f sort last
  std::vector<std::string> expected = {"B",   "a",   "a/b",     "a/b/c",
                                       "a/z", "a-c", "\xc3\xa9"};
  EXPECT_EQ(Paths(TreeOf(tree)), expected);

  // GNU tar's --sort=name gives the same order.
  std::string listing =
      Shell("tar -C '" + tree.root() + "' --sort=name -cf - . | tar -tf -");
  std::string ours = "./\n";
  for (const std::string& p : expected) {
    ours += "./" + p + (p == "a" || p == "a/b" ? "/" : "") + "\n";
  }
  EXPECT_EQ(listing, ours);
}

TEST(ChangeSetTest, SocketsAreSkipped) {
  TestTree tree;
  tree.File("file", "");
  base::UniqueFd sock(::socket(AF_UNIX, SOCK_STREAM, 0));
  ASSERT_TRUE(sock.valid());
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::string path = tree.Path("sock");
  ASSERT_LT(path.size(), sizeof(addr.sun_path));
  std::strcpy(addr.sun_path, path.c_str());
  ASSERT_EQ(
      ::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(Paths(TreeOf(tree)), std::vector<std::string>{"file"});
}

TEST(ChangeSetTest, OverlayWhiteoutDeviceBecomesWhFile) {
  TestTree tree;
  tree.Dir("etc");
  tree.Node("etc/shadow", S_IFCHR | 0600, makedev(0, 0));
  tree.File("etc/passwd", "root");
  tree.File("etc/sudoers", "");

  auto seen = Walk(TreeOf(tree, SourceKind::kOverlayUpper));
  ASSERT_TRUE(seen.has_value()) << seen.error().message();
  ASSERT_EQ(seen->size(), 4u);
  // ".wh.shadow" sorts as itself, before "passwd".
  EXPECT_EQ((*seen)[1].path, "etc/.wh.shadow");
  EXPECT_EQ((*seen)[1].kind, EntryKind::kWhiteout);
  EXPECT_EQ((*seen)[1].mode, static_cast<mode_t>(S_IFREG | 0600));
  EXPECT_EQ((*seen)[2].path, "etc/passwd");

  // In a plain tree the same node is just a device.
  auto plain = Walk(TreeOf(tree));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ((*plain)[1].path, "etc/passwd");
  EXPECT_EQ((*plain)[2].path, "etc/shadow");
  EXPECT_EQ((*plain)[2].kind, EntryKind::kCharDevice);
}

TEST(ChangeSetTest, OpaqueDirectoryIsFollowedByItsMarker) {
  TestTree tree;
  tree.Dir("trusted", 0750);
  tree.File("trusted/!first", "");  // sorts before ".wh..wh..opq"
  tree.Dir("user");
  tree.Dir("xattr-whiteouts");
  ASSERT_EQ(tree.SetXattr("trusted", "trusted.overlay.opaque", "y"), 0);
  if (int err = tree.SetXattr("user", "user.overlay.opaque", "y"); err != 0) {
    GTEST_SKIP() << "user xattrs refused: " << std::strerror(err);
  }
  // "x" marks a directory with xattr whiteouts, not an opaque one.
  ASSERT_EQ(tree.SetXattr("xattr-whiteouts", "trusted.overlay.opaque", "x"), 0);

  auto seen = Walk(TreeOf(tree, SourceKind::kOverlayUpper));
  ASSERT_TRUE(seen.has_value()) << seen.error().message();
  std::vector<std::string> paths;
  for (const Seen& s : *seen) paths.push_back(s.path);
  EXPECT_EQ(paths, (std::vector<std::string>{
                       "trusted", "trusted/.wh..wh..opq", "trusted/!first",
                       "user", "user/.wh..wh..opq", "xattr-whiteouts"}));
  EXPECT_EQ((*seen)[1].kind, EntryKind::kOpaque);
  EXPECT_EQ((*seen)[1].mode, static_cast<mode_t>(S_IFREG | 0750));
  for (const Seen& s : *seen) EXPECT_TRUE(s.xattrs.empty()) << s.path;
}

TEST(ChangeSetTest, OverlayXattrsAreDroppedOthersKept) {
  TestTree tree;
  tree.File("f", "");
  ASSERT_EQ(tree.SetXattr("f", "trusted.overlay.origin", "xyz"), 0);
  ASSERT_EQ(tree.SetXattr("f", "trusted.zlayer", "kept"), 0);
  for (SourceKind kind : {SourceKind::kDirectory, SourceKind::kOverlayUpper}) {
    auto seen = Walk(TreeOf(tree, kind));
    ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(seen->at(0).xattrs, (Xattrs{{"trusted.zlayer", "kept"}}));
  }
}

TEST(ChangeSetTest, OverlayRedirectIsUnsupported) {
  TestTree tree;
  tree.Dir("moved");
  ASSERT_EQ(tree.SetXattr("moved", "trusted.overlay.redirect", "/old"), 0);
  auto seen = Walk(TreeOf(tree, SourceKind::kOverlayUpper));
  ASSERT_FALSE(seen.has_value());
  EXPECT_EQ(seen.error().kind(), ErrorKind::kUnsupported);
  EXPECT_NE(seen.error().message().find(tree.Path("moved")), std::string::npos);
}

TEST(ChangeSetTest, ExplicitDeletionsAndOpaqueDirectories) {
  TestTree tree;
  tree.Dir("etc");
  tree.File("etc/hosts", "");
  tree.Dir("var");
  ChangeSet changes = TreeOf(tree);
  changes.deletions = {"/etc/shadow/", "./gone", "etc//group", "gone"};
  changes.opaque_dirs = {"var/"};
  auto seen = Walk(changes);
  ASSERT_TRUE(seen.has_value()) << seen.error().message();
  std::vector<std::string> paths;
  for (const Seen& s : *seen) paths.push_back(s.path);
  EXPECT_EQ(paths, (std::vector<std::string>{".wh.gone", "etc", "etc/.wh.group",
                                             "etc/.wh.shadow", "etc/hosts",
                                             "var", "var/.wh..wh..opq"}));
  EXPECT_EQ((*seen)[0].kind, EntryKind::kWhiteout);
}

TEST(ChangeSetTest, ExplicitChangesMustFitTheTree) {
  TestTree tree;
  tree.File("file", "");
  ChangeSet changes = TreeOf(tree);
  changes.deletions = {"missing/dir/x"};
  EXPECT_NE(WalkError(changes).find("deletion missing/dir/x: parent "
                                    "directory \"missing/dir\""),
            std::string::npos);
  changes.deletions = {"file"};
  EXPECT_NE(WalkError(changes).find("also present"), std::string::npos);
  changes.deletions = {"a/../b"};
  EXPECT_NE(WalkError(changes).find("\"..\" is not allowed"),
            std::string::npos);
  changes.deletions = {"/"};
  EXPECT_NE(WalkError(changes).find("root"), std::string::npos);
  changes.deletions = {};
  changes.opaque_dirs = {"file"};
  EXPECT_NE(WalkError(changes).find("opaque directory file is not a "
                                    "directory"),
            std::string::npos);
}

TEST(ChangeSetTest, WhiteoutNamesInTheSourceAreRefused) {
  TestTree tree;
  tree.File(".wh.sneaky", "");
  std::string error = WalkError(TreeOf(tree));
  EXPECT_NE(error.find(tree.Path(".wh.sneaky")), std::string::npos);
  EXPECT_NE(error.find("reserved for whiteouts"), std::string::npos);
}

TEST(ChangeSetTest, MissingRootIsNamed) {
  ChangeSet changes;
  changes.root = "/nonexistent/zlayer-root";
  EXPECT_EQ(WalkError(changes),
            "open change set /nonexistent/zlayer-root: No such file or "
            "directory");
}

TEST(ChangeSetTest, CallbackErrorStopsTheWalk) {
  TestTree tree;
  tree.File("a", "");
  tree.File("b", "");
  int calls = 0;
  auto status = WalkChangeSet(TreeOf(tree), [&](const Entry&) -> Status {
    ++calls;
    return Fail("stop here");
  });
  ASSERT_FALSE(status.has_value());
  EXPECT_EQ(status.error().message(), "stop here");
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace zlayer::layer
