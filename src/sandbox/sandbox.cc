#include "sandbox/sandbox.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdlib>
#include <cstring>

#include "base/file_io.h"
#include "base/log.h"
#include "base/temp_dir.h"
#include "base/unique_fd.h"
#include "sandbox/child.h"
#include "sandbox/mount_flags.h"
#include "sandbox/mount_points.h"
#include "sandbox/root_path.h"

namespace zlayer::sandbox {
namespace {

using internal::ChildPlan;
using internal::Op;
using internal::OpKind;

// Docker's default capability set (moby oci/caps/defaults.go).
constexpr uint64_t Cap(int n) { return uint64_t{1} << n; }
constexpr uint64_t kDefaultCaps =
    Cap(0) /* CHOWN */ | Cap(1) /* DAC_OVERRIDE */ | Cap(3) /* FOWNER */ |
    Cap(4) /* FSETID */ | Cap(5) /* KILL */ | Cap(6) /* SETGID */ |
    Cap(7) /* SETUID */ | Cap(8) /* SETPCAP */ |
    Cap(10) /* NET_BIND_SERVICE */ | Cap(13) /* NET_RAW */ |
    Cap(18) /* SYS_CHROOT */ | Cap(27) /* MKNOD */ | Cap(29) /* AUDIT_WRITE */ |
    Cap(31) /* SETFCAP */;

struct Device {
  const char* name;
  unsigned major;
  unsigned minor;
};
constexpr Device kDevices[] = {{"null", 1, 3},    {"zero", 1, 5},
                               {"full", 1, 7},    {"random", 1, 8},
                               {"urandom", 1, 9}, {"tty", 5, 0}};

// Docker's masked and read-only paths: kernel interfaces a container's root
// must not reach (reading kernel memory, rebooting the host through
// sysrq-trigger, changing host sysctls).
constexpr const char* kMaskedPaths[] = {"/proc/asound",
                                        "/proc/acpi",
                                        "/proc/kcore",
                                        "/proc/keys",
                                        "/proc/latency_stats",
                                        "/proc/timer_list",
                                        "/proc/timer_stats",
                                        "/proc/sched_debug",
                                        "/proc/scsi",
                                        "/sys/firmware",
                                        "/sys/devices/virtual/powercap"};
constexpr const char* kReadonlyPaths[] = {"/proc/bus", "/proc/fs", "/proc/irq",
                                          "/proc/sys", "/proc/sysrq-trigger"};

constexpr size_t kMaxLinePiece = 64 * 1024;

bool HasNul(const std::string& s) { return s.find('\0') != std::string::npos; }

bool IsUnder(const std::string& path, const std::string& dir) {
  if (dir == "/") return path != "/";
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

Status Validate(const RunSpec& spec) {
  if (spec.argv.empty() || spec.argv[0].empty()) {
    return Fail("run: empty command", ErrorKind::kInvalid);
  }
  for (const std::string& arg : spec.argv) {
    if (HasNul(arg))
      return Fail("run: argument contains a NUL byte", ErrorKind::kInvalid);
  }
  for (const std::string& entry : spec.env) {
    if (HasNul(entry) || entry.find('=') == std::string::npos) {
      return Fail("run: invalid environment entry \"" + entry + "\"",
                  ErrorKind::kInvalid);
    }
  }
  if (spec.cwd.empty() || spec.cwd[0] != '/' || HasNul(spec.cwd)) {
    return Fail(
        "run: working directory \"" + spec.cwd + "\" is not an absolute path",
        ErrorKind::kInvalid);
  }
  if (spec.hostname.size() > 64 || HasNul(spec.hostname)) {
    return Fail("run: invalid hostname \"" + spec.hostname + "\"",
                ErrorKind::kInvalid);
  }
  for (const Mount& mount : spec.mounts) {
    if (mount.target.empty() || mount.target[0] != '/' ||
        HasNul(mount.target)) {
      return Fail(
          "run: mount target \"" + mount.target + "\" is not an absolute path",
          ErrorKind::kInvalid);
    }
    if (CleanPath(mount.target) == "/") {
      return Fail("run: mounting over / is not supported",
                  ErrorKind::kUnsupported);
    }
    if (mount.kind == Mount::Kind::kBind && HasNul(mount.source)) {
      return Fail("run: bind source contains a NUL byte", ErrorKind::kInvalid);
    }
  }
  return Ok();
}

// Builds the child's plan, creating mount points in the rootfs on the way.
class PlanBuilder {
 public:
  PlanBuilder(std::string root, ChildPlan& plan,
              CreatedMountPoints& mount_points)
      : root_(std::move(root)), plan_(plan), created_(mount_points) {}

  // Where a mount on `target` goes on the host (before pivot_root). A target
  // below an earlier mount cannot be created now (it would land under the
  // mount, not in it): the child creates it right before mounting.
  Result<std::string> Place(const std::string& target, bool directory) {
    std::string clean = CleanPath(target);
    for (const Placed& earlier : placed_) {
      if (IsUnder(clean, earlier.clean)) {
        return Nested(earlier.host, clean.substr(earlier.clean.size()), clean,
                      directory);
      }
    }
    Result<InRootPath> resolved = ResolveInRoot(root_, clean);
    if (!resolved) {
      return std::unexpected(
          resolved.error().AddContext("mount target " + clean));
    }
    std::string container = resolved->ContainerPath();
    for (const Placed& earlier : placed_) {
      if (IsUnder(container, earlier.resolved)) {
        return Nested(earlier.host, container.substr(earlier.resolved.size()),
                      clean, directory);
      }
    }
    Result<std::string> host = created_.Ensure(*resolved, directory);
    if (!host) {
      return std::unexpected(host.error().AddContext("mount target " + clean));
    }
    placed_.push_back({clean, container, *host});
    return *host;
  }

  void AddMount(const char* source, const std::string& target,
                const char* fstype, unsigned long flags, const char* data,
                std::string step) {
    Op op;
    op.kind = OpKind::kMount;
    op.a = source;
    op.b = plan_.Keep(target);
    op.c = fstype;
    op.d = data;
    op.flags = flags;
    op.step = plan_.Step(std::move(step));
    plan_.Add(op);
  }

  void AddRemountReadonly(const std::string& target, unsigned long flags,
                          std::string step) {
    AddMount(nullptr, target, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | flags,
             nullptr, std::move(step));
  }

  void AddPathOp(OpKind kind, const std::string& path, mode_t mode,
                 std::string step) {
    Op op;
    op.kind = kind;
    op.a = plan_.Keep(path);
    op.mode = mode;
    op.step = plan_.Step(std::move(step));
    plan_.Add(op);
  }

 private:
  struct Placed {
    std::string clean;     // the target as given, cleaned
    std::string resolved;  // after following symlinks in the rootfs
    std::string host;
  };

  Result<std::string> Nested(const std::string& base, const std::string& rest,
                             const std::string& clean, bool directory) {
    std::vector<std::string> parts = SplitPath(rest);
    std::string host = base;
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i] == "..") {
        return Fail("mount target " + clean + ": \"..\" below another mount",
                    ErrorKind::kUnsupported);
      }
      host += "/" + parts[i];
      bool last = i + 1 == parts.size();
      if (last && !directory) {
        AddPathOp(OpKind::kCreateFile, host, 0644,
                  "create mount point " + clean);
      } else {
        AddPathOp(OpKind::kMkdir, host, 0755, "create mount point " + clean);
      }
    }
    placed_.push_back({clean, clean, host});
    return host;
  }

  std::string root_;
  ChildPlan& plan_;
  CreatedMountPoints& created_;
  std::vector<Placed> placed_;
};

Status BuildMounts(const RunSpec& spec, const std::string& root,
                   const std::string& etc_dir, PlanBuilder& builder,
                   ChildPlan& plan) {
  const unsigned long kProcFlags = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  builder.AddMount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr,
                   "make / private");
  builder.AddMount(plan.Keep(root), root, nullptr, MS_BIND | MS_REC, nullptr,
                   "bind " + root);
  if (spec.network_none) {
    Op op;
    op.kind = OpKind::kLoopbackUp;
    op.step = plan.Step("bring up lo");
    plan.Add(op);
  }

  ZL_ASSIGN_OR_RETURN(std::string proc, builder.Place("/proc", true));
  builder.AddMount("proc", proc, "proc", kProcFlags, nullptr, "mount /proc");

  ZL_ASSIGN_OR_RETURN(std::string dev, builder.Place("/dev", true));
  builder.AddMount("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME,
                   "mode=755,size=65536k", "mount /dev");
  for (const Device& device : kDevices) {
    std::string host_dev = std::string("/dev/") + device.name;
    std::string path = dev + "/" + device.name;
    struct stat st;
    if (::stat(host_dev.c_str(), &st) == 0 && S_ISCHR(st.st_mode)) {
      builder.AddPathOp(OpKind::kCreateFile, path, 0666, "create " + host_dev);
      builder.AddMount(plan.Keep(host_dev), path, nullptr, MS_BIND, nullptr,
                       "mount " + host_dev);
    } else {
      Op op;
      op.kind = OpKind::kMknod;
      op.a = plan.Keep(path);
      op.mode = S_IFCHR | 0666;
      op.dev = makedev(device.major, device.minor);
      op.step = plan.Step("mknod " + host_dev);
      plan.Add(op);
    }
  }
  builder.AddPathOp(OpKind::kMkdir, dev + "/pts", 0755, "mkdir /dev/pts");
  builder.AddMount("devpts", dev + "/pts", "devpts", MS_NOSUID | MS_NOEXEC,
                   "newinstance,ptmxmode=0666,mode=0620,gid=5",
                   "mount /dev/pts");
  builder.AddPathOp(OpKind::kMkdir, dev + "/shm", 01777, "mkdir /dev/shm");
  builder.AddMount("tmpfs", dev + "/shm", "tmpfs", kProcFlags,
                   "mode=1777,size=65536k", "mount /dev/shm");
  const std::array<std::array<const char*, 2>, 5> links = {{
      {"pts/ptmx", "ptmx"},
      {"/proc/self/fd", "fd"},
      {"/proc/self/fd/0", "stdin"},
      {"/proc/self/fd/1", "stdout"},
      {"/proc/self/fd/2", "stderr"},
  }};
  for (const auto& [target, name] : links) {
    Op op;
    op.kind = OpKind::kSymlink;
    op.a = target;
    op.b = plan.Keep(dev + "/" + name);
    op.step = plan.Step(std::string("symlink /dev/") + name);
    plan.Add(op);
  }

  ZL_ASSIGN_OR_RETURN(std::string sys, builder.Place("/sys", true));
  {
    Op op;
    op.kind = OpKind::kMountSysfs;
    op.a = "/sys";
    op.b = plan.Keep(sys);
    op.step = plan.Step("mount /sys");
    plan.Add(op);
  }

  for (const char* name : {"hosts", "resolv.conf"}) {
    std::string source = etc_dir + "/" + name;
    std::string target = std::string("/etc/") + name;
    ZL_ASSIGN_OR_RETURN(std::string host, builder.Place(target, false));
    builder.AddMount(plan.Keep(source), host, nullptr, MS_BIND, nullptr,
                     "mount " + target);
    builder.AddRemountReadonly(host, InheritedMountFlags(source),
                               "remount " + target + " read-only");
  }

  for (const Mount& mount : spec.mounts) {
    std::string shown = CleanPath(mount.target);
    if (mount.kind == Mount::Kind::kTmpfs) {
      ZL_ASSIGN_OR_RETURN(std::string host, builder.Place(mount.target, true));
      std::string data = fmt::format("mode={:o}", mount.tmpfs_mode & 07777);
      if (mount.tmpfs_size > 0)
        data += fmt::format(",size={}", mount.tmpfs_size);
      unsigned long flags = MS_NOSUID | MS_NODEV;
      if (mount.readonly) flags |= MS_RDONLY;
      builder.AddMount("tmpfs", host, "tmpfs", flags, plan.Keep(data),
                       "mount tmpfs on " + shown);
      continue;
    }
    struct stat st;
    if (::stat(mount.source.c_str(), &st) != 0) {
      return FailErrno("bind mount on " + shown + ": " + mount.source, errno);
    }
    ZL_ASSIGN_OR_RETURN(std::string host,
                        builder.Place(mount.target, S_ISDIR(st.st_mode)));
    builder.AddMount(plan.Keep(mount.source), host, nullptr, MS_BIND | MS_REC,
                     nullptr, "bind mount " + mount.source + " on " + shown);
    if (mount.readonly) {
      builder.AddRemountReadonly(host, InheritedMountFlags(mount.source),
                                 "remount " + shown + " read-only");
    }
  }

  std::string null_dev = dev + "/null";
  for (const char* path : kMaskedPaths) {
    Op op;
    op.kind = OpKind::kMaskPath;
    op.a = plan.Keep(root + path);
    op.b = plan.Keep(null_dev);
    op.step = plan.Step(std::string("mask ") + path);
    plan.Add(op);
  }
  for (const char* path : kReadonlyPaths) {
    Op op;
    op.kind = OpKind::kReadonlyPath;
    op.a = plan.Keep(root + path);
    op.flags = kProcFlags;
    op.step = plan.Step(std::string("make ") + path + " read-only");
    plan.Add(op);
  }
  return Ok();
}

std::string PathOf(const std::vector<std::string>& env) {
  std::string path = kDefaultPath;
  for (const std::string& entry : env) {
    if (entry.starts_with("PATH=")) path = entry.substr(5);
  }
  return path;
}

// Kills and reaps the child unless Run got to reap it.
class ChildGuard {
 public:
  explicit ChildGuard(pid_t pid) : pid_(pid) {}
  ~ChildGuard() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  void Reaped() { pid_ = -1; }

 private:
  pid_t pid_;
};

class Stack {
 public:
  static constexpr size_t kSize = 1 << 20;
  Stack()
      : base_(::mmap(nullptr, kSize, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0)) {}
  ~Stack() {
    if (base_ != MAP_FAILED) ::munmap(base_, kSize);
  }
  bool ok() const { return base_ != MAP_FAILED; }
  void* top() const { return static_cast<char*>(base_) + kSize; }

 private:
  void* base_;
};

struct OutputPipe {
  base::UniqueFd fd;
  OutputStream stream;
  std::string pending;
};

void Deliver(const RunSpec& spec, OutputPipe& pipe, bool at_eof) {
  size_t start = 0;
  while (true) {
    size_t nl = pipe.pending.find('\n', start);
    if (nl == std::string::npos) break;
    spec.on_output(pipe.stream,
                   std::string_view(pipe.pending).substr(start, nl - start));
    start = nl + 1;
  }
  pipe.pending.erase(0, start);
  if (pipe.pending.size() >= kMaxLinePiece ||
      (at_eof && !pipe.pending.empty())) {
    spec.on_output(pipe.stream, pipe.pending);
    pipe.pending.clear();
  }
}

}  // namespace

void AddDefaultEnv(std::vector<std::string>& env, const std::string& home) {
  auto has = [&](std::string_view name) {
    for (const std::string& kv : env) {
      if (kv.size() > name.size() && kv.starts_with(name) &&
          kv[name.size()] == '=') {
        return true;
      }
    }
    return false;
  };
  if (!has("HOME")) env.push_back("HOME=" + home);
  if (!has("PATH")) env.push_back(std::string("PATH=") + kDefaultPath);
}

Result<RunResult> Run(const RunSpec& spec) {
  if (spec.cancel != nullptr && spec.cancel->load()) {
    return Fail("cancelled", ErrorKind::kCancelled);
  }
  ZL_RETURN_IF_ERROR(Validate(spec));
  char real[PATH_MAX];
  if (::realpath(spec.rootfs.c_str(), real) == nullptr) {
    return FailErrno("rootfs " + spec.rootfs, errno);
  }
  std::string root = real;
  struct stat root_st;
  if (::stat(root.c_str(), &root_st) != 0 || !S_ISDIR(root_st.st_mode)) {
    return Fail("rootfs " + spec.rootfs + ": not a directory",
                ErrorKind::kInvalid);
  }
  if (root == "/") {
    return Fail("rootfs must not be the host's /", ErrorKind::kInvalid);
  }

  // The working directory stays, as Docker creates WORKDIR.
  {
    Result<InRootPath> cwd = ResolveInRoot(root, spec.cwd);
    if (!cwd)
      return std::unexpected(cwd.error().AddContext("working directory"));
    ZL_RETURN_IF_ERROR(WithContext(MakeDirectories(root, *cwd),
                                   "working directory " + spec.cwd));
  }

  ZL_ASSIGN_OR_RETURN(base::TempDir etc_dir,
                      base::TempDir::Create("", "zlayer-etc-"));
  std::string hosts = spec.hosts;
  if (hosts.empty()) {
    hosts = "127.0.0.1 localhost";
    if (!spec.hostname.empty()) hosts += " " + spec.hostname;
    hosts += "\n::1 localhost ip6-localhost ip6-loopback\n";
  }
  std::string resolv = spec.resolv_conf;
  if (resolv.empty()) {
    Result<std::string> host_resolv = base::ReadFile("/etc/resolv.conf");
    if (host_resolv) resolv = std::move(*host_resolv);
  }
  ZL_RETURN_IF_ERROR(
      base::WriteFileAtomic(etc_dir.path() + "/hosts", hosts, 0644));
  ZL_RETURN_IF_ERROR(
      base::WriteFileAtomic(etc_dir.path() + "/resolv.conf", resolv, 0644));

  ChildPlan plan;
  CreatedMountPoints mount_points(root);
  PlanBuilder builder(root, plan, mount_points);
  ZL_RETURN_IF_ERROR(BuildMounts(spec, root, etc_dir.path(), builder, plan));
  mount_points.Sealed();
  {
    Op op;
    op.kind = OpKind::kPivotRoot;
    op.a = plan.Keep(root);
    op.step = plan.Step("pivot_root " + root);
    plan.Add(op);
  }
  if (!spec.hostname.empty()) {
    Op op;
    op.kind = OpKind::kSethostname;
    op.a = plan.Keep(spec.hostname);
    op.step = plan.Step("sethostname " + spec.hostname);
    plan.Add(op);
  }
  builder.AddPathOp(OpKind::kChdir, spec.cwd, 0, "chdir " + spec.cwd);

  plan.argv_storage = spec.argv;
  plan.env_storage = spec.env;
  std::string path = PathOf(spec.env);
  size_t pos = 0;
  while (true) {
    size_t end = path.find(':', pos);
    plan.path_dirs_storage.push_back(path.substr(pos, end - pos));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  plan.uid = spec.uid;
  plan.gid = spec.gid;
  // The primary group is listed too, as Docker and BuildKit do.
  plan.groups.push_back(spec.gid);
  for (gid_t gid : spec.supplementary_gids) {
    if (std::find(plan.groups.begin(), plan.groups.end(), gid) ==
        plan.groups.end()) {
      plan.groups.push_back(gid);
    }
  }
  plan.kept_caps = kDefaultCaps;
  plan.last_cap = 63;
  plan.step_stdio = plan.Step("set up stdio");
  plan.step_caps = plan.Step("set capabilities");
  plan.step_setgroups = plan.Step("setgroups");
  plan.step_setgid = plan.Step(fmt::format("setgid {}", spec.gid));
  plan.step_setuid = plan.Step(fmt::format("setuid {}", spec.uid));
  plan.step_exec = plan.Step("exec " + spec.argv[0]);
  plan.Finish();

  std::vector<OutputPipe> outputs;
  base::UniqueFd devnull;
  std::vector<base::UniqueFd> child_ends;
  if (spec.on_output) {
    devnull.reset(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!devnull) return FailErrno("open /dev/null", errno);
    plan.stdio[0] = devnull.get();
    for (OutputStream stream : {OutputStream::kStdout, OutputStream::kStderr}) {
      ZL_ASSIGN_OR_RETURN(base::Pipe pipe, base::MakePipe());
      ::fcntl(pipe.read_end.get(), F_SETFL, O_NONBLOCK);
      plan.stdio[stream == OutputStream::kStdout ? 1 : 2] =
          pipe.write_end.get();
      child_ends.push_back(std::move(pipe.write_end));
      outputs.push_back({std::move(pipe.read_end), stream, {}});
    }
  }
  ZL_ASSIGN_OR_RETURN(base::Pipe error_pipe, base::MakePipe());
  plan.error_fd = error_pipe.write_end.get();

  Stack stack;
  if (!stack.ok()) return FailErrno("allocate the clone stack", errno);
  int flags =
      CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD;
  if (spec.network_none) flags |= CLONE_NEWNET;
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = ::clone(internal::ChildMain, stack.top(), flags, &plan);
  int clone_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid < 0) return FailErrno("clone", clone_errno);
  ChildGuard guard(pid);
  child_ends.clear();
  error_pipe.write_end.reset();
  devnull.reset();

  base::UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  base::UniqueFd error_fd = std::move(error_pipe.read_end);
  std::string failure_bytes;
  bool killed = false;
  int status = 0;
  char buf[65536];
  while (true) {
    if (!killed && spec.cancel != nullptr && spec.cancel->load()) {
      ::kill(pid, SIGKILL);
      killed = true;
    }
    bool pipes_open = error_fd.valid();
    for (const OutputPipe& pipe : outputs) pipes_open |= pipe.fd.valid();
    if (!pipes_open) {
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid) break;
      if (r < 0 && errno != EINTR) return FailErrno("waitpid", errno);
    }
    std::vector<struct pollfd> fds;
    std::vector<int> owners;  // -1: error pipe, -2: pidfd, else output index
    if (error_fd) {
      fds.push_back({error_fd.get(), POLLIN, 0});
      owners.push_back(-1);
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (!outputs[i].fd) continue;
      fds.push_back({outputs[i].fd.get(), POLLIN, 0});
      owners.push_back(static_cast<int>(i));
    }
    if (!pipes_open && pidfd) {
      fds.push_back({pidfd.get(), POLLIN, 0});
      owners.push_back(-2);
    }
    int timeout = (!pipes_open && !pidfd) ? 10 : 50;
    int ready = ::poll(fds.data(), fds.size(), timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return FailErrno("poll", errno);
    }
    for (size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0 || owners[i] == -2) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (owners[i] == -1) {
        if (n > 0) {
          failure_bytes.append(buf, static_cast<size_t>(n));
        } else {
          error_fd.reset();
        }
        continue;
      }
      OutputPipe& pipe = outputs[static_cast<size_t>(owners[i])];
      if (n > 0) {
        pipe.pending.append(buf, static_cast<size_t>(n));
        Deliver(spec, pipe, false);
      } else {
        Deliver(spec, pipe, true);
        pipe.fd.reset();
      }
    }
  }
  guard.Reaped();
  mount_points.Remove();

  if (killed) return Fail("cancelled", ErrorKind::kCancelled);
  if (failure_bytes.size() >= sizeof(internal::ChildFailure)) {
    internal::ChildFailure failure;
    std::memcpy(&failure, failure_bytes.data(), sizeof failure);
    std::string step = failure.step >= 0 && static_cast<size_t>(failure.step) <
                                                plan.steps.size()
                           ? plan.steps[static_cast<size_t>(failure.step)]
                           : "container setup";
    return FailErrno(step, failure.err);
  }
  RunResult result;
  if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
    result.exit_code = 128 + result.signal;
  } else {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

}  // namespace zlayer::sandbox
