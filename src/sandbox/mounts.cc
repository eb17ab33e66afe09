#include "sandbox/mounts.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>

#include "base/log.h"
#include "sandbox/mount_flags.h"
#include "sandbox/overlay.h"

namespace zlayer::sandbox {
namespace {

Status RequireDirectory(const std::string& path, std::string_view role) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    return FailErrno(std::string(role) + " " + path, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    return Fail(std::string(role) + " " + path + ": not a directory",
                ErrorKind::kInvalid);
  }
  return Ok();
}

}  // namespace

ScopedMount::ScopedMount(ScopedMount&& other) noexcept
    : target_(std::move(other.target_)) {
  other.target_.clear();
}

ScopedMount& ScopedMount::operator=(ScopedMount&& other) noexcept {
  if (this != &other) {
    if (Status status = Unmount(); !status) {
      base::LogWarn("{}", status.error().message());
    }
    target_ = std::move(other.target_);
    other.target_.clear();
  }
  return *this;
}

ScopedMount::~ScopedMount() {
  if (Status status = Unmount(); !status) {
    base::LogWarn("{}", status.error().message());
  }
}

Status ScopedMount::Unmount() {
  if (target_.empty()) return Ok();
  std::string target = std::move(target_);
  target_.clear();
  if (::umount2(target.c_str(), MNT_DETACH) != 0) {
    return FailErrno("unmount " + target, errno);
  }
  return Ok();
}

Result<ScopedMount> ScopedMount::Overlay(const std::vector<std::string>& lowers,
                                         const std::string& upper,
                                         const std::string& work,
                                         const std::string& target) {
  ZL_RETURN_IF_ERROR(RequireDirectory(upper, "overlay upper"));
  ZL_RETURN_IF_ERROR(RequireDirectory(work, "overlay work"));
  ZL_RETURN_IF_ERROR(RequireDirectory(target, "overlay target"));
  for (const std::string& lower : lowers) {
    ZL_RETURN_IF_ERROR(RequireDirectory(lower, "overlay lower"));
  }
  std::vector<std::string> layers = lowers;
  if (layers.empty()) {
    // Overlay needs a lower layer; an empty directory beside the work dir
    // (same filesystem, same lifetime) stands in for "nothing below".
    std::string empty = work;
    while (empty.size() > 1 && empty.back() == '/') empty.pop_back();
    empty += ".empty-lower";
    if (::mkdir(empty.c_str(), 0755) != 0 && errno != EEXIST) {
      return FailErrno("mkdir " + empty, errno);
    }
    ZL_RETURN_IF_ERROR(RequireDirectory(empty, "overlay lower"));
    layers.push_back(std::move(empty));
  }
  ZL_RETURN_IF_ERROR(MountOverlay(layers, upper, work, target, false));
  return ScopedMount(target);
}

Result<ScopedMount> ScopedMount::ReadOnlyView(
    const std::vector<std::string>& lowers, const std::string& target) {
  ZL_RETURN_IF_ERROR(RequireDirectory(target, "mount target"));
  if (lowers.size() == 1) return Bind(lowers[0], target, true);
  if (lowers.empty()) {
    if (::mount("tmpfs", target.c_str(), "tmpfs",
                MS_RDONLY | MS_NOSUID | MS_NODEV, "mode=755,size=4k") != 0) {
      return FailErrno("mount empty tmpfs on " + target, errno);
    }
    return ScopedMount(target);
  }
  for (const std::string& lower : lowers) {
    ZL_RETURN_IF_ERROR(RequireDirectory(lower, "overlay lower"));
  }
  ZL_RETURN_IF_ERROR(MountOverlay(lowers, "", "", target, true));
  return ScopedMount(target);
}

Result<ScopedMount> ScopedMount::Bind(const std::string& source,
                                      const std::string& target,
                                      bool readonly) {
  if (::mount(source.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC,
              nullptr) != 0) {
    return FailErrno("bind " + source + " on " + target, errno);
  }
  ScopedMount mount(target);
  if (readonly) {
    unsigned long flags =
        MS_REMOUNT | MS_BIND | MS_RDONLY | InheritedMountFlags(source);
    if (::mount(nullptr, target.c_str(), nullptr, flags, nullptr) != 0) {
      return FailErrno("remount " + target + " read-only", errno);
    }
  }
  return mount;
}

}  // namespace zlayer::sandbox
