#include "sandbox/child.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace zlayer::sandbox::internal {

namespace {

// Everything below runs in the child: system calls only, no allocation, no
// locks, nothing that glibc implements with a process-wide broadcast (its
// setuid/setgroups wrappers signal every thread of the parent they believe
// still exists), hence the raw syscall() calls.

[[noreturn]] void Fail(const ChildPlan& plan, int step) {
  ChildFailure failure{step, errno};
  ssize_t ignored = ::write(plan.error_fd, &failure, sizeof failure);
  (void)ignored;
  ::_exit(125);
}

// A handler copied from the parent must never run here, and an ignored
// SIGPIPE would survive exec and confuse pipelines in the container.
void ResetSignals() {
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    ::sigaction(sig, &dfl, nullptr);
  }
}

bool InstallStdio(const ChildPlan& plan) {
  // Move the sources out of 0-2 first, so that one dup2 cannot overwrite a
  // source another still needs.
  int moved[3] = {-1, -1, -1};
  for (int i = 0; i < 3; ++i) {
    if (plan.stdio[i] < 0) continue;
    moved[i] = ::fcntl(plan.stdio[i], F_DUPFD_CLOEXEC, 10);
    if (moved[i] < 0) return false;
  }
  for (int i = 0; i < 3; ++i) {
    if (moved[i] < 0) continue;
    if (::dup2(moved[i], i) < 0) return false;
  }
  return true;
}

bool DoMount(const Op& op) {
  return ::mount(op.a, op.b, op.c, op.flags, op.d) == 0;
}

bool RemountReadonly(const char* path, unsigned long flags) {
  return ::mount(nullptr, path, nullptr,
                 MS_REMOUNT | MS_BIND | MS_RDONLY | flags, nullptr) == 0;
}

bool RunOp(const Op& op) {
  switch (op.kind) {
    case OpKind::kMount:
      return DoMount(op);
    case OpKind::kMkdir:
      if (::mkdir(op.a, op.mode) == 0) return true;
      return errno == EEXIST;
    case OpKind::kCreateFile: {
      int fd = ::open(op.a, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, op.mode);
      if (fd < 0) return errno == EEXIST;
      ::close(fd);
      return true;
    }
    case OpKind::kSymlink:
      return ::symlink(op.a, op.b) == 0;
    case OpKind::kMknod:
      return ::mknod(op.a, op.mode, op.dev) == 0;
    case OpKind::kMountSysfs: {
      const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
      if (::mount("sysfs", op.b, "sysfs", MS_RDONLY | flags, nullptr) == 0) {
        return true;
      }
      if (::mount(op.a, op.b, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
        return false;
      }
      return RemountReadonly(op.b, flags);
    }
    case OpKind::kMaskPath: {
      struct stat st;
      if (::stat(op.a, &st) != 0) return errno == ENOENT;
      if (S_ISDIR(st.st_mode)) {
        return ::mount("tmpfs", op.a, "tmpfs", MS_RDONLY, "size=0") == 0;
      }
      return ::mount(op.b, op.a, nullptr, MS_BIND, nullptr) == 0;
    }
    case OpKind::kReadonlyPath:
      if (::mount(op.a, op.a, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
        return errno == ENOENT;
      }
      return RemountReadonly(op.a, op.flags);
    case OpKind::kLoopbackUp: {
      int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) return false;
      struct ifreq ifr = {};
      std::memcpy(ifr.ifr_name, "lo", 3);
      bool ok = ::ioctl(fd, SIOCGIFFLAGS, &ifr) == 0;
      if (ok) {
        ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
        ok = ::ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
      }
      int saved = errno;
      ::close(fd);
      errno = saved;
      return ok;
    }
    case OpKind::kPivotRoot:
      // pivot_root(".", ".") stacks the old root on the new one, so no
      // put_old directory has to be created in (and removed from) the
      // rootfs; detaching "." then drops the old root.
      if (::chdir(op.a) != 0) return false;
      if (::syscall(SYS_pivot_root, ".", ".") != 0) return false;
      if (::umount2(".", MNT_DETACH) != 0) return false;
      return ::chdir("/") == 0;
    case OpKind::kSethostname:
      return ::sethostname(op.a, std::strlen(op.a)) == 0;
    case OpKind::kChdir:
      return ::chdir(op.a) == 0;
  }
  errno = EINVAL;
  return false;
}

bool SetCapabilities(const ChildPlan& plan) {
  for (int cap = 0; cap <= plan.last_cap; ++cap) {
    if (plan.kept_caps & (uint64_t{1} << cap)) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
      return false;
    }
  }
  ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
  struct __user_cap_header_struct header = {};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  struct __user_cap_data_struct data[2] = {};
  data[0].effective = data[0].permitted =
      static_cast<uint32_t>(plan.kept_caps & 0xffffffffu);
  data[1].effective = data[1].permitted =
      static_cast<uint32_t>(plan.kept_caps >> 32);
  return ::syscall(SYS_capset, &header, data) == 0;
}

[[noreturn]] void NotFound(const char* name, const char* why) {
  struct iovec iov[3];
  static const char kPrefix[] = "zlayer: exec: \"";
  iov[0].iov_base = const_cast<char*>(kPrefix);
  iov[0].iov_len = sizeof kPrefix - 1;
  iov[1].iov_base = const_cast<char*>(name);
  iov[1].iov_len = std::strlen(name);
  iov[2].iov_base = const_cast<char*>(why);
  iov[2].iov_len = std::strlen(why);
  ssize_t ignored = ::writev(2, iov, 3);
  (void)ignored;
  ::_exit(127);
}

// execvpe(3) with the container's PATH, but like Docker (Go's LookPath) a
// file that is found and cannot be executed is skipped, and a script
// without "#!" is an error rather than a /bin/sh fallback.
[[noreturn]] void Exec(const ChildPlan& plan) {
  char* const* argv = plan.argv.data();
  char* const* envp = plan.envp.data();
  const char* name = argv[0];
  if (std::strchr(name, '/') != nullptr) {
    ::execve(name, argv, envp);
    if (errno == ENOENT) NotFound(name, "\": no such file or directory\n");
    Fail(plan, plan.step_exec);
  }
  size_t name_len = std::strlen(name);
  char path[8192];
  for (const char* dir : plan.path_dirs) {
    size_t dir_len = std::strlen(dir);
    if (dir_len + name_len + 2 > sizeof path) continue;
    size_t len = 0;
    if (dir_len > 0) {
      std::memcpy(path, dir, dir_len);
      path[dir_len] = '/';
      len = dir_len + 1;
    }
    std::memcpy(path + len, name, name_len + 1);
    ::execve(path, argv, envp);
    switch (errno) {
      case ENOENT:
      case ENOTDIR:
      case ENAMETOOLONG:
      case ELOOP:
      case EACCES:
      case ESTALE:
      case ENODEV:
      case ETIMEDOUT:
        continue;
      default:
        Fail(plan, plan.step_exec);
    }
  }
  NotFound(name, "\": executable file not found in $PATH\n");
}

}  // namespace

int ChildMain(void* arg) {
  const ChildPlan& plan = *static_cast<const ChildPlan*>(arg);
  // Every signal is blocked (the parent blocked them around clone).
  ResetSignals();
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  ::umask(0);
  if (!InstallStdio(plan)) Fail(plan, plan.step_stdio);
  // Descriptors other threads of the parent opened without O_CLOEXEC must
  // not leak into the container.
  ::syscall(SYS_close_range, 3u, ~0u, 4u /* CLOSE_RANGE_CLOEXEC */);

  for (const Op& op : plan.ops) {
    if (!RunOp(op)) Fail(plan, op.step);
  }

  if (!SetCapabilities(plan)) Fail(plan, plan.step_caps);
  if (::syscall(SYS_setgroups, plan.groups.size(), plan.groups.data()) != 0) {
    Fail(plan, plan.step_setgroups);
  }
  if (::syscall(SYS_setresgid, plan.gid, plan.gid, plan.gid) != 0) {
    Fail(plan, plan.step_setgid);
  }
  if (::syscall(SYS_setresuid, plan.uid, plan.uid, plan.uid) != 0) {
    Fail(plan, plan.step_setuid);
  }
  // The kernel clears the parent-death signal when the effective uid or gid
  // changes, so a container running as USER would outlive a killed parent.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);

  ::umask(022);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  Exec(plan);
}

}  // namespace zlayer::sandbox::internal
