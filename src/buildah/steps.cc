// RUN, COPY/ADD and WORKDIR in the stage's working container.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <variant>

#include "base/file_io.h"
#include "buildah/mount_points.h"
#include "buildah/stage_builder.h"
#include "copy/add.h"
#include "dockerfile/run_heredoc.h"
#include "engine/backend_support.h"
#include "engine/stage_runner.h"

namespace zlayer::buildah {
namespace {

std::string ExitText(const base::ExitStatus& status) {
  return status.signal != 0
             ? "killed by signal " + std::to_string(status.signal)
             : "exit code " + std::to_string(status.code);
}

}  // namespace

Result<RunMount> StageBuilder::MapContextBind(const dockerfile::Mount& mount,
                                              const std::string& target) {
  std::string source = mount.source.empty() ? "." : mount.source;
  ZL_ASSIGN_OR_RETURN(std::string host,
                      engine::PathInside(build_.context_dir, source));
  RunMount bind{.type = RunMount::Type::kBind,
                .source = host,
                .target = target,
                .read_only = mount.read_only};
  if (build_.context.matcher().empty() && mount.read_only) return bind;
  // Ignored files stay invisible, as if the context had been sent, and
  // writes to a rw mount are dropped: the RUN gets a copy.
  ZL_ASSIGN_OR_RETURN(std::string dir, build_.work.NewDir("bind"));
  copy::CopyRequest request;
  request.sources = {source};
  request.dest = "/";
  ZL_RETURN_IF_ERROR(copy::Copy(build_.context, request, dir));
  std::error_code ec;
  bind.source =
      std::filesystem::is_directory(host, ec)
          ? dir
          : dir + "/" + std::filesystem::path(host).filename().string();
  return bind;
}

Result<RunMount> StageBuilder::MapImageBind(const plan::Step& step, size_t i,
                                            const std::string& image,
                                            const std::string& target) {
  const dockerfile::Mount& mount =
      std::get<dockerfile::RunCommand>(step.command).mounts[i];
  if (mount.read_only) {
    return RunMount{.type = RunMount::Type::kBind,
                    .source = CleanFromRoot(mount.source),
                    .from = image,
                    .target = target,
                    .read_only = true};
  }
  // buildah mounts an image read-only whatever the flags say; a container
  // of its own gives the RUN a writable copy that goes away afterwards.
  ScratchView view;
  ZL_ASSIGN_OR_RETURN(
      view.container,
      Container::From(build_.cli, image,
                      ContainerName(build_.build_id,
                                    "stage-" + std::to_string(stage_.index) +
                                        "-step-" + std::to_string(step.index) +
                                        "-mount-" + std::to_string(i))));
  ZL_ASSIGN_OR_RETURN(view.mount,
                      RootfsMount::Mount(build_.cli, view.container.name()));
  ZL_ASSIGN_OR_RETURN(std::string host,
                      engine::PathInside(view.mount.path(), mount.source));
  views_.push_back(std::move(view));
  return RunMount{.type = RunMount::Type::kBind,
                  .source = host,
                  .target = target,
                  .read_only = false};
}

Result<std::optional<RunMount>> StageBuilder::MapMount(const plan::Step& step,
                                                       size_t i) {
  const auto& run = std::get<dockerfile::RunCommand>(step.command);
  const dockerfile::Mount& mount = run.mounts[i];
  std::string workdir = step.config_before.working_dir;
  std::string target = MountTarget(workdir, mount.target);
  plan::SourceRef source =
      i < step.mount_sources.size() ? step.mount_sources[i] : plan::SourceRef{};
  switch (mount.type) {
    case dockerfile::MountType::kBind: {
      if (source.kind == plan::SourceKind::kContext) {
        return MapContextBind(mount, target);
      }
      ZL_ASSIGN_OR_RETURN(std::string image, ImageOf(source));
      return MapImageBind(step, i, image, target);
    }
    case dockerfile::MountType::kCache:
      return RunMount{.type = RunMount::Type::kCache,
                      .target = target,
                      .read_only = mount.read_only,
                      .id = dockerfile::CacheMountId(mount),
                      .sharing = std::string(dockerfile::MountSharingName(
                          dockerfile::CacheMountSharing(mount))),
                      .mode = dockerfile::CacheMountMode(mount),
                      .uid = mount.uid.value_or(0),
                      .gid = mount.gid.value_or(0)};
    case dockerfile::MountType::kTmpfs:
      return RunMount{.type = RunMount::Type::kTmpfs,
                      .target = target,
                      .read_only = false,
                      .tmpfs_size = std::max<int64_t>(0, mount.size_limit)};
    case dockerfile::MountType::kSecret: {
      ZL_ASSIGN_OR_RETURN(dockerfile::SecretMount secret,
                          dockerfile::ResolveSecretMount(mount));
      auto value = build_.secrets.find(secret.id);
      if (value == build_.secrets.end()) {
        if (secret.required) {
          return Fail("secret " + secret.id +
                          " is required but was not provided (--secret id=" +
                          secret.id + ",src=FILE)",
                      ErrorKind::kNotFound);
        }
        return std::nullopt;
      }
      if (!secret.target) return std::nullopt;  // env only: refused earlier
      ZL_ASSIGN_OR_RETURN(std::string dir, build_.work.SecretsDir());
      std::string path = dir + "/" + std::to_string(stage_.index) + "-" +
                         std::to_string(step.index) + "-" + std::to_string(i);
      ZL_RETURN_IF_ERROR(base::WriteFileAtomic(path, value->second, 0600));
      if (::chown(path.c_str(), secret.uid, secret.gid) != 0) {
        return FailErrno("chown secret file", errno);
      }
      if (::chmod(path.c_str(), secret.mode) != 0) {
        return FailErrno("chmod secret file", errno);
      }
      return RunMount{.type = RunMount::Type::kBind,
                      .source = path,
                      .target = MountTarget(workdir, *secret.target),
                      .read_only = true};
    }
    case dockerfile::MountType::kSsh:
      break;
  }
  return Fail("RUN --mount=type=ssh is not supported by the buildah backend",
              ErrorKind::kUnsupported);
}

Status StageBuilder::ExecuteRun(const plan::Step& step) {
  const auto& run = std::get<dockerfile::RunCommand>(step.command);
  const oci::ContainerConfig& config = step.config_before;
  RunSpec spec{.container = container_.name(),
               .env = step.run_env,
               .user = config.user,
               .workdir = config.working_dir,
               .network_none = run.network == dockerfile::NetworkMode::kNone};
  ZL_ASSIGN_OR_RETURN(dockerfile::RunInvocation invocation,
                      dockerfile::PlanRunInvocation(run, false));
  if (run.command.prepend_shell) {
    spec.argv = config.shell.empty() ? std::vector<std::string>{"/bin/sh", "-c"}
                                     : config.shell;
  }
  spec.argv.insert(spec.argv.end(), invocation.args.begin(),
                   invocation.args.end());
  if (invocation.script) {
    ZL_ASSIGN_OR_RETURN(std::string dir, build_.work.NewDir("heredoc"));
    std::string path = dir + "/script";
    ZL_RETURN_IF_ERROR(
        base::WriteFileAtomic(path, invocation.script->data, 0755));
    spec.mounts.push_back(
        RunMount{.type = RunMount::Type::kBind,
                 .source = path,
                 .target = std::string(dockerfile::kHeredocScriptDir) +
                           invocation.script->name,
                 .read_only = true});
  }
  for (size_t i = 0; i < run.mounts.size(); ++i) {
    ZL_ASSIGN_OR_RETURN(std::optional<RunMount> mount, MapMount(step, i));
    if (mount) spec.mounts.push_back(std::move(*mount));
  }
  ZL_ASSIGN_OR_RETURN(std::vector<std::string> args, RunArgs(spec));
  // What buildah mounts into every container, and this RUN's mounts.
  std::vector<std::string> targets = {"/dev",         "/proc",
                                      "/sys",         "/run/.containerenv",
                                      "/etc/hosts",   "/etc/resolv.conf",
                                      "/etc/hostname"};
  for (size_t i = invocation.script ? 1 : 0; i < spec.mounts.size(); ++i) {
    targets.push_back(spec.mounts[i].target);
  }
  ZL_ASSIGN_OR_RETURN(std::string rootfs, Rootfs());
  ZL_ASSIGN_OR_RETURN(MountPoints points, MountPoints::Record(rootfs, targets));
  int stage = stage_.index;
  int index = step.index;
  ZL_ASSIGN_OR_RETURN(
      base::ExitStatus status,
      build_.cli.Stream(args, [&](std::string_view line, bool is_stderr) {
        build_.Emit(progress::OutputLine{
            .stage = stage,
            .step = index,
            .stream = is_stderr ? progress::Stream::kStderr
                                : progress::Stream::kStdout,
            .line = build_.Redact(std::string(line))});
      }));
  ZL_RETURN_IF_ERROR(points.Remove());
  if (!status.success()) {
    return Fail("process did not complete successfully: " + ExitText(status));
  }
  return Ok();
}

Status StageBuilder::ExecuteCopy(const plan::Step& step) {
  const dockerfile::SourcesAndDest* files = nullptr;
  CopySpec spec{.container = container_.name()};
  if (const auto* copy = std::get_if<dockerfile::CopyCommand>(&step.command)) {
    files = &copy->files;
    spec.chown = copy->chown;
    spec.chmod = copy->chmod;
  } else {
    const auto& add = std::get<dockerfile::AddCommand>(step.command);
    files = &add.files;
    spec.add = true;
    spec.chown = add.chown;
    spec.chmod = add.chmod;
  }
  spec.dest = CopyDestination(step.config_before.working_dir, files->dest_path);

  if (!files->source_contents.empty()) {
    // Heredoc sources become files of a context of their own.
    ZL_ASSIGN_OR_RETURN(std::string dir, build_.work.NewDir("inline"));
    for (const dockerfile::SourceContent& content : files->source_contents) {
      if (content.path.empty() || content.path == "." || content.path == ".." ||
          content.path.find('/') != std::string::npos) {
        return Fail("heredoc name \"" + content.path +
                        "\" as a file name is not supported by the buildah "
                        "backend",
                    ErrorKind::kUnsupported);
      }
      std::string path = dir + "/" + content.path;
      ZL_RETURN_IF_ERROR(base::WriteFileAtomic(path, content.data, 0644));
      ::chmod(path.c_str(), 0644);
      spec.sources.push_back(path);
    }
    spec.context_dir = dir;
    spec.ignore_file = build_.empty_ignore_file;
  } else if (step.copy_source.kind == plan::SourceKind::kContext) {
    for (const std::string& source : files->source_paths) {
      spec.sources.push_back(spec.add && copy::IsUrl(source)
                                 ? source
                                 : ContextSource(build_.context_dir, source));
    }
    spec.context_dir = build_.context_dir;
    spec.ignore_file = build_.ignore_file;
  } else {
    ZL_ASSIGN_OR_RETURN(spec.from, ImageOf(step.copy_source));
    if (spec.chown.empty()) return CopyKeepingOwners(step, spec.from);
    for (const std::string& source : files->source_paths) {
      spec.sources.push_back(CleanFromRoot(source));
    }
  }
  ZL_RETURN_IF_ERROR(build_.cli.Output(CopyArgs(spec)));
  return Ok();
}

Status StageBuilder::CopyKeepingOwners(const plan::Step& step,
                                       const std::string& image) {
  const auto& command = std::get<dockerfile::CopyCommand>(step.command);
  ScratchView source;
  ZL_ASSIGN_OR_RETURN(
      source.container,
      Container::From(
          build_.cli, image,
          ContainerName(build_.build_id,
                        "stage-" + std::to_string(stage_.index) + "-step-" +
                            std::to_string(step.index) + "-source")));
  ZL_ASSIGN_OR_RETURN(source.mount,
                      RootfsMount::Mount(build_.cli, source.container.name()));
  ZL_ASSIGN_OR_RETURN(std::string dest, Rootfs());
  ZL_ASSIGN_OR_RETURN(copy::SourceTree tree,
                      copy::SourceTree::Rootfs(source.mount.path()));
  copy::CopyRequest request;
  request.sources = command.files.source_paths;
  request.dest = command.files.dest_path;
  request.workdir = step.config_before.working_dir.empty()
                        ? "/"
                        : step.config_before.working_dir;
  request.chmod = command.chmod;
  request.location = step.file;
  return copy::Copy(tree, request, dest);
}

Status StageBuilder::ExecuteWorkdir(const plan::Step& step) {
  ZL_ASSIGN_OR_RETURN(std::string rootfs, Rootfs());
  return engine::MakeWorkdir(rootfs, step);
}

}  // namespace zlayer::buildah
