#include "tests/integration/dockerfile/base_image.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/temp_dir.h"
#include "tests/integration/cli_runner.h"

namespace zlayer::integration {
namespace {

constexpr char kPasswd[] =
    "root:x:0:0:root:/root:/bin/sh\n"
    "app:x:1000:1000:app:/home/app:/bin/sh\n"
    "svc:x:1001:50:svc:/nonexistent:/bin/false\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n";
constexpr char kGroup[] =
    "root:x:0:\n"
    "staff:x:50:app\n"
    "app:x:1000:\n"
    "nogroup:x:65534:\n";

bool MakeDir(const std::string& path, mode_t mode, uid_t uid = 0,
             gid_t gid = 0) {
  if (::mkdir(path.c_str(), mode) != 0 || ::chmod(path.c_str(), mode) != 0 ||
      ::lchown(path.c_str(), uid, gid) != 0) {
    ADD_FAILURE() << "mkdir " << path << ": " << std::strerror(errno);
    return false;
  }
  return true;
}

bool MakeFile(const std::string& path, const std::string& text,
              mode_t mode = 0644) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  if (::chmod(path.c_str(), mode) != 0) {
    ADD_FAILURE() << "write " << path << ": " << std::strerror(errno);
    return false;
  }
  return true;
}

bool MakeRootfs(const std::string& root) {
  bool ok = MakeDir(root, 0755);
  for (const char* dir : {"/bin", "/etc", "/dev", "/proc", "/sys", "/run",
                          "/mnt", "/var", "/var/cache", "/home", "/srv",
                          "/srv/data", "/srv/data/sub", "/opt", "/opt/conf"}) {
    ok = ok && MakeDir(root + dir, 0755);
  }
  ok = ok && MakeDir(root + "/tmp", 01777) && MakeDir(root + "/root", 0700) &&
       MakeDir(root + "/home/app", 0755, 1000, 1000);
  if (!ok) return false;
  ok = MakeFile(root + "/etc/passwd", kPasswd) &&
       MakeFile(root + "/etc/group", kGroup) &&
       // A RUN bind-mounts over these; present in the base, they do not
       // show up as additions in every case's listing.
       MakeFile(root + "/etc/hostname", "") &&
       MakeFile(root + "/etc/hosts", "") &&
       MakeFile(root + "/etc/resolv.conf", "") &&
       MakeFile(root + "/srv/keep.txt", "keep\n") &&
       MakeFile(root + "/srv/data/a.txt", "a\n") &&
       MakeFile(root + "/srv/data/sub/b.txt", "b\n") &&
       MakeFile(root + "/opt/conf/x", "x\n");
  if (!ok) return false;
  CommandResult copy = RunCommand(
      {"cp", "--no-preserve=all", "/bin/busybox", root + "/bin/busybox"});
  if (copy.exit_code != 0 || ::chmod((root + "/bin/busybox").c_str(), 0755)) {
    ADD_FAILURE() << "copy busybox: " << copy.err;
    return false;
  }
  CommandResult applets = RunCommand({"/bin/busybox", "--list"});
  if (applets.exit_code != 0) {
    ADD_FAILURE() << "busybox --list: " << applets.err;
    return false;
  }
  std::istringstream names(applets.out);
  for (std::string name; std::getline(names, name);) {
    if (name.empty() || name == "busybox") continue;
    if (::symlink("busybox", (root + "/bin/" + name).c_str()) != 0) {
      ADD_FAILURE() << "symlink " << name << ": " << std::strerror(errno);
      return false;
    }
  }
  return true;
}

}  // namespace

const std::string& ProcessTempDir() {
  static base::TempDir dir = [] {
    auto created = base::TempDir::Create("", "zlayer-dockerfile-itest-");
    if (!created) {
      ADD_FAILURE() << created.error().message();
      return base::TempDir();
    }
    return std::move(*created);
  }();
  return dir.path();
}

const BaseImage& SharedBaseImage() {
  static const BaseImage base = [] {
    BaseImage out;
    std::string root = ProcessTempDir() + "/base-rootfs";
    std::string tar = ProcessTempDir() + "/base-rootfs.tar";
    if (!MakeRootfs(root)) return out;
    CommandResult tarred = RunCommand(
        {"tar", "--numeric-owner", "--sort=name", "-C", root, "-cf", tar, "."});
    if (tarred.exit_code != 0) {
      ADD_FAILURE() << "tar: " << tarred.err;
      return out;
    }
    auto listing = ListRootfs(root);
    if (!listing) {
      ADD_FAILURE() << listing.error().message();
      return out;
    }
    out.rootfs_tar = tar;
    out.listing = std::move(*listing);
    return out;
  }();
  return base;
}

}  // namespace zlayer::integration
