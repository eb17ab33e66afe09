#include "sandbox/overlay.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"

namespace zlayer::sandbox {
namespace {

std::atomic<bool> g_use_new_api{true};

// Fixed options: the upper dir must be a plain diff that the layer writer
// can read (no redirect xattrs, no metadata-only copy-ups, no index).
constexpr const char* kFixedOptions[][2] = {
    {"redirect_dir", "off"}, {"metacopy", "off"}, {"index", "off"}};

std::string Escape(const std::string& path) {
  std::string out;
  for (char c : path) {
    if (c == ',' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// The messages the kernel left in a filesystem context ("e overlayfs: ..."),
// which say far more than the errno.
std::string ContextLog(int fs_fd) {
  std::string log;
  char buf[1024];
  while (true) {
    ssize_t n = ::read(fs_fd, buf, sizeof buf);
    if (n <= 0) break;
    std::string_view line(buf, static_cast<size_t>(n));
    if (line.size() > 2 && line[1] == ' ') line.remove_prefix(2);
    if (!log.empty()) log += "; ";
    log += line;
  }
  return log;
}

enum class NewApi { kMounted, kUnavailable };

Result<NewApi> MountWithNewApi(const std::vector<std::string>& lowers,
                               const std::string& upper,
                               const std::string& work,
                               const std::string& target, bool readonly) {
  base::UniqueFd fs(::fsopen("overlay", FSOPEN_CLOEXEC));
  if (!fs) {
    if (errno == ENOSYS || errno == EPERM) return NewApi::kUnavailable;
    return FailErrno("fsopen overlay", errno);
  }
  auto set = [&](const char* key, const std::string& value) {
    return ::fsconfig(fs.get(), FSCONFIG_SET_STRING, key, value.c_str(), 0);
  };
  auto fail = [&](const std::string& what) {
    int err = errno;
    std::string log = ContextLog(fs.get());
    std::string message = what + ": " + std::strerror(err);
    if (!log.empty()) message += " (" + log + ")";
    return std::unexpected(Error(std::move(message), ErrorKind::kIo, err));
  };
  for (size_t i = 0; i < lowers.size(); ++i) {
    if (set("lowerdir+", lowers[i]) != 0) {
      // Kernels before 6.8 do not know "lowerdir+".
      if (i == 0 && errno == EINVAL) return NewApi::kUnavailable;
      return fail("overlay lowerdir " + lowers[i]);
    }
  }
  if (!upper.empty()) {
    if (set("upperdir", Escape(upper)) != 0) {
      return fail("overlay upperdir " + upper);
    }
    if (set("workdir", Escape(work)) != 0) {
      return fail("overlay workdir " + work);
    }
  }
  for (const auto& option : kFixedOptions) {
    if (set(option[0], option[1]) != 0) {
      return fail(std::string("overlay option ") + option[0]);
    }
  }
  if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) {
    return fail("mount overlay on " + target);
  }
  base::UniqueFd mnt(
      ::fsmount(fs.get(), FSMOUNT_CLOEXEC, readonly ? MOUNT_ATTR_RDONLY : 0));
  if (!mnt) return fail("mount overlay on " + target);
  if (::move_mount(mnt.get(), "", AT_FDCWD, target.c_str(),
                   MOVE_MOUNT_F_EMPTY_PATH) != 0) {
    return FailErrno("mount overlay on " + target, errno);
  }
  return NewApi::kMounted;
}

}  // namespace

void SetOverlayMountApiForTesting(bool use_new_api) {
  g_use_new_api = use_new_api;
}

Result<std::string> OverlayOptions(const std::vector<std::string>& lowers,
                                   const std::string& upper,
                                   const std::string& work) {
  std::string options = "lowerdir=";
  for (size_t i = 0; i < lowers.size(); ++i) {
    if (i > 0) options += ':';
    options += Escape(lowers[i]);
  }
  if (!upper.empty()) {
    options += ",upperdir=" + Escape(upper) + ",workdir=" + Escape(work);
  }
  for (const auto& option : kFixedOptions) {
    options += std::string(",") + option[0] + "=" + option[1];
  }
  // The kernel copies the data argument into one page, NUL included.
  size_t page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
  if (options.size() + 1 > page) {
    return Fail("overlay mount options for " + std::to_string(lowers.size()) +
                    " layers take " + std::to_string(options.size() + 1) +
                    " bytes, more than the " + std::to_string(page) +
                    "-byte page this kernel accepts (kernel 6.8+ lifts the "
                    "limit)",
                ErrorKind::kUnsupported);
  }
  return options;
}

Status MountOverlay(const std::vector<std::string>& lowers,
                    const std::string& upper, const std::string& work,
                    const std::string& target, bool readonly) {
  if (g_use_new_api) {
    ZL_ASSIGN_OR_RETURN(NewApi outcome,
                        MountWithNewApi(lowers, upper, work, target, readonly));
    if (outcome == NewApi::kMounted) return Ok();
  }
  ZL_ASSIGN_OR_RETURN(std::string options, OverlayOptions(lowers, upper, work));
  unsigned long flags = readonly ? MS_RDONLY : 0;
  if (::mount("overlay", target.c_str(), "overlay", flags, options.c_str()) !=
      0) {
    return FailErrno("mount overlay on " + target, errno);
  }
  return Ok();
}

}  // namespace zlayer::sandbox
