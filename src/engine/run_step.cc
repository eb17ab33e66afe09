// RUN: the command line, its environment, user and mounts, run in the
// sandbox on the step's overlay.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <variant>

#include "base/file_io.h"
#include "base/sha256.h"
#include "dockerfile/run_heredoc.h"
#include "engine/backend_support.h"
#include "engine/stage_runner.h"
#include "sandbox/users.h"

namespace zlayer::engine {
namespace {

std::string JoinTarget(const std::string& workdir, const std::string& target) {
  if (!target.empty() && target[0] == '/') {
    return std::filesystem::path(target).lexically_normal().string();
  }
  return (std::filesystem::path(workdir.empty() ? "/" : workdir) / target)
      .lexically_normal()
      .string();
}

// Holds a cache mount's lock for the length of the RUN.
class CacheLock {
 public:
  CacheLock() = default;
  CacheLock(CacheLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  CacheLock& operator=(CacheLock&& other) noexcept {
    std::swap(fd_, other.fd_);
    return *this;
  }
  ~CacheLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  // Blocking (locked) or not (private: false when busy).
  static Result<std::optional<CacheLock>> Acquire(const std::string& dir,
                                                  bool wait) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return FailErrno("open " + dir, errno);
    CacheLock lock;
    lock.fd_ = fd;
    if (::flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
      if (errno == EWOULDBLOCK && !wait) return std::nullopt;
      return FailErrno("lock " + dir, errno);
    }
    return std::optional<CacheLock>(std::move(lock));
  }

 private:
  int fd_ = -1;
};

}  // namespace

Status StageRunner::ExecuteRun(const plan::Step& step,
                               const std::string& merged) {
  const auto& run = std::get<dockerfile::RunCommand>(step.command);
  if (run.security == dockerfile::SecurityMode::kInsecure) {
    return Fail("RUN --security=insecure is not supported",
                ErrorKind::kUnsupported);
  }
  const oci::ContainerConfig& config = step.config_before;
  std::string workdir = config.working_dir.empty() ? "/" : config.working_dir;

  sandbox::RunSpec spec;
  spec.rootfs = merged;
  spec.cwd = workdir;
  spec.env = step.run_env;
  spec.network_none = run.network == dockerfile::NetworkMode::kNone;
  spec.cancel = session_.abort_flag();

  ZL_ASSIGN_OR_RETURN(dockerfile::RunInvocation invocation,
                      dockerfile::PlanRunInvocation(run, false));
  if (run.command.prepend_shell) {
    std::vector<std::string> shell = config.shell;
    if (shell.empty()) shell = {"/bin/sh", "-c"};
    spec.argv = shell;
  }
  spec.argv.insert(spec.argv.end(), invocation.args.begin(),
                   invocation.args.end());
  if (invocation.script) {
    ZL_ASSIGN_OR_RETURN(std::string dir, session_.NewDir("heredoc"));
    std::string path = dir + "/" + invocation.script->name;
    ZL_RETURN_IF_ERROR(base::WriteFileAtomic(path, invocation.script->data));
    ::chmod(path.c_str(), 0755);
    spec.mounts.push_back(
        sandbox::Mount{.kind = sandbox::Mount::Kind::kBind,
                       .source = path,
                       .target = std::string(dockerfile::kHeredocScriptDir) +
                                 invocation.script->name,
                       .readonly = true});
  }

  ZL_ASSIGN_OR_RETURN(
      sandbox::Credentials user,
      sandbox::ResolveUser(merged, config.user, /*with_groups=*/true));
  spec.uid = user.uid;
  spec.gid = user.gid;
  spec.supplementary_gids = user.supplementary_gids;
  sandbox::AddDefaultEnv(spec.env, user.home);

  std::vector<CacheLock> locks;
  for (size_t i = 0; i < run.mounts.size(); ++i) {
    const dockerfile::Mount& mount = run.mounts[i];
    std::string target = JoinTarget(workdir, mount.target);
    plan::SourceRef source = i < step.mount_sources.size()
                                 ? step.mount_sources[i]
                                 : plan::SourceRef{};
    switch (mount.type) {
      case dockerfile::MountType::kBind: {
        std::string source_root;
        if (source.kind == plan::SourceKind::kContext) {
          source_root = session_.context().dir();
          if (!session_.context().matcher().empty()) {
            // Ignored files must stay invisible, as if the context had
            // been sent: bind a filtered copy.
            ZL_ASSIGN_OR_RETURN(std::string dir, session_.NewDir("bindctx"));
            copy::CopyRequest request;
            request.sources = {mount.source.empty() ? "." : mount.source};
            request.dest = "/";
            ZL_RETURN_IF_ERROR(copy::Copy(session_.context(), request, dir));
            source_root = dir;
          } else {
            ZL_ASSIGN_OR_RETURN(source_root,
                                PathInside(source_root, mount.source));
          }
        } else {
          ZL_ASSIGN_OR_RETURN(SourceView view, OpenSource(source));
          ZL_ASSIGN_OR_RETURN(source_root, PathInside(view.dir, mount.source));
          step_views_.push_back(std::move(view));
        }
        if (!mount.read_only) {
          // Writes to a rw bind mount are discarded: give it an overlay
          // of its own.
          ZL_ASSIGN_OR_RETURN(std::string dir, session_.NewDir("bindrw"));
          for (const char* sub : {"/upper", "/work", "/merged"}) {
            ::mkdir((dir + sub).c_str(), 0755);
          }
          SourceView view;
          ZL_ASSIGN_OR_RETURN(view.mount, sandbox::ScopedMount::Overlay(
                                              {source_root}, dir + "/upper",
                                              dir + "/work", dir + "/merged"));
          view.dir = dir + "/merged";
          source_root = view.dir;
          step_views_.push_back(std::move(view));
        }
        spec.mounts.push_back(
            sandbox::Mount{.kind = sandbox::Mount::Kind::kBind,
                           .source = source_root,
                           .target = target,
                           .readonly = mount.read_only});
        break;
      }
      case dockerfile::MountType::kCache: {
        if (!mount.from.empty()) {
          return Fail("RUN --mount=type=cache,from=" + mount.from +
                          ": seeding a cache mount from a stage or image is "
                          "not supported",
                      ErrorKind::kUnsupported);
        }
        std::string id = dockerfile::CacheMountId(mount);
        std::string dir = session_.store().CacheMountsDir() + "/" +
                          base::Sha256Hex(id).substr(0, 32);
        std::error_code ec;
        std::filesystem::create_directories(session_.store().CacheMountsDir(),
                                            ec);
        if (::mkdir(dir.c_str(), dockerfile::CacheMountMode(mount)) == 0) {
          ::chmod(dir.c_str(), dockerfile::CacheMountMode(mount));
          if (::chown(dir.c_str(), mount.uid.value_or(0),
                      mount.gid.value_or(0)) != 0) {
            return FailErrno("chown cache mount " + id, errno);
          }
        } else if (errno != EEXIST) {
          return FailErrno("create cache mount " + id, errno);
        }
        switch (dockerfile::CacheMountSharing(mount)) {
          case dockerfile::MountSharing::kShared:
            break;
          case dockerfile::MountSharing::kLocked: {
            ZL_ASSIGN_OR_RETURN(std::optional<CacheLock> lock,
                                CacheLock::Acquire(dir, true));
            locks.push_back(std::move(*lock));
            break;
          }
          case dockerfile::MountSharing::kPrivate: {
            ZL_ASSIGN_OR_RETURN(std::optional<CacheLock> lock,
                                CacheLock::Acquire(dir, false));
            if (lock) {
              locks.push_back(std::move(*lock));
            } else {
              // In use by another build: this RUN gets a fresh, empty
              // instance, as BuildKit does.
              ZL_ASSIGN_OR_RETURN(dir, session_.NewDir("cache-private"));
            }
            break;
          }
        }
        spec.mounts.push_back(
            sandbox::Mount{.kind = sandbox::Mount::Kind::kBind,
                           .source = dir,
                           .target = target,
                           .readonly = mount.read_only});
        break;
      }
      case dockerfile::MountType::kTmpfs:
        spec.mounts.push_back(sandbox::Mount{
            .kind = sandbox::Mount::Kind::kTmpfs,
            .target = target,
            .tmpfs_size =
                static_cast<uint64_t>(std::max<int64_t>(0, mount.size_limit))});
        break;
      case dockerfile::MountType::kSecret: {
        ZL_ASSIGN_OR_RETURN(dockerfile::SecretMount secret,
                            dockerfile::ResolveSecretMount(mount));
        const std::string* value = session_.Secret(secret.id);
        if (value == nullptr) {
          if (secret.required) {
            return Fail("secret " + secret.id +
                            " is required but was not provided (--secret "
                            "id=" +
                            secret.id + ",src=FILE)",
                        ErrorKind::kNotFound);
          }
          break;
        }
        if (secret.env) spec.env.push_back(*secret.env + "=" + *value);
        if (secret.target) {
          ZL_ASSIGN_OR_RETURN(std::string path, session_.WriteSecretFile(
                                                    secret.id, secret.uid,
                                                    secret.gid, secret.mode));
          spec.mounts.push_back(
              sandbox::Mount{.kind = sandbox::Mount::Kind::kBind,
                             .source = path,
                             .target = JoinTarget(workdir, *secret.target),
                             .readonly = true});
        }
        break;
      }
      case dockerfile::MountType::kSsh:
        return Fail(
            "RUN --mount=type=ssh is not supported (no SSH agent forwarding)",
            ErrorKind::kUnsupported);
    }
  }

  int stage = stage_.index;
  int index = step.index;
  spec.on_output = [&](sandbox::OutputStream stream, std::string_view line) {
    session_.Emit(
        progress::OutputLine{.stage = stage,
                             .step = index,
                             .stream = stream == sandbox::OutputStream::kStdout
                                           ? progress::Stream::kStdout
                                           : progress::Stream::kStderr,
                             .line = session_.Redact(std::string(line))});
  };
  ZL_ASSIGN_OR_RETURN(sandbox::RunResult result, sandbox::Run(spec));
  if (session_.cancelled()) return Fail("cancelled", ErrorKind::kCancelled);
  if (!result.success()) {
    std::string text = result.signal != 0
                           ? "killed by signal " + std::to_string(result.signal)
                           : "exit code " + std::to_string(result.exit_code);
    return Fail("process did not complete successfully: " + text);
  }
  return Ok();
}

}  // namespace zlayer::engine
