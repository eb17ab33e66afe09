#include "buildah/support.h"

#include <variant>

#include "copy/add.h"
#include "oci/media_types.h"

namespace zlayer::buildah {
namespace {

Status Refuse(const plan::Step& step, const std::string& what) {
  std::string message = what + " is not supported by the buildah backend";
  if (!step.file.empty()) message = step.file + ": " + message;
  return Fail(std::move(message), ErrorKind::kUnsupported);
}

// COPY and ADD share their flags; `name` is the keyword.
template <typename Command>
Status CheckFileFlags(const plan::Step& step, const Command& command,
                      const std::string& name) {
  if (command.link) return Refuse(step, name + " --link");
  if (!command.exclude_patterns.empty()) {
    return Refuse(step, name + " --exclude");
  }
  if (!command.chmod.empty() && !IsOctalMode(command.chmod)) {
    return Refuse(step,
                  name + " --chmod=" + command.chmod + " (only octal modes)");
  }
  if (!command.files.source_contents.empty() &&
      !command.files.source_paths.empty()) {
    return Refuse(step, name + " with both heredoc and file sources");
  }
  return Ok();
}

Status CheckRun(const plan::Step& step, const dockerfile::RunCommand& run) {
  if (run.security == dockerfile::SecurityMode::kInsecure) {
    return Refuse(step, "RUN --security=insecure");
  }
  for (const dockerfile::Mount& mount : run.mounts) {
    switch (mount.type) {
      case dockerfile::MountType::kSsh:
        return Refuse(step, "RUN --mount=type=ssh");
      case dockerfile::MountType::kSecret:
        // buildah run takes environment values only on its command line,
        // where any user of the machine could read the secret.
        if (mount.env) return Refuse(step, "RUN --mount=type=secret,env=");
        break;
      case dockerfile::MountType::kCache:
        if (!mount.from.empty()) {
          return Refuse(step, "RUN --mount=type=cache,from=" + mount.from);
        }
        break;
      default:
        break;
    }
  }
  return Ok();
}

Status CheckStep(const plan::Step& step) {
  if (const auto* run = std::get_if<dockerfile::RunCommand>(&step.command)) {
    return CheckRun(step, *run);
  }
  if (const auto* copy = std::get_if<dockerfile::CopyCommand>(&step.command)) {
    if (copy->parents) return Refuse(step, "COPY --parents");
    return CheckFileFlags(step, *copy, "COPY");
  }
  if (const auto* add = std::get_if<dockerfile::AddCommand>(&step.command)) {
    ZL_RETURN_IF_ERROR(CheckFileFlags(step, *add, "ADD"));
    if (!add->checksum.empty()) return Refuse(step, "ADD --checksum");
    if (add->keep_git_dir) return Refuse(step, "ADD --keep-git-dir");
    if (add->unpack) return Refuse(step, "ADD --unpack");
    for (const std::string& source : add->files.source_paths) {
      if (copy::IsRemoteSource(source) && !copy::IsUrl(source)) {
        return Refuse(step, "ADD from " + source + " (git, ssh or ftp)");
      }
    }
  }
  return Ok();
}

}  // namespace

bool IsOctalMode(const std::string& mode) {
  if (mode.empty() || mode.size() > 5) return false;
  for (char c : mode) {
    if (c < '0' || c > '7') return false;
  }
  return true;
}

Status CheckSupported(const plan::Plan& plan,
                      const engine::BuildOptions& options) {
  ZL_RETURN_IF_ERROR(oci::LayerMediaType(options.format, options.compression));
  for (const plan::PlannedStage& stage : plan.stages) {
    for (const plan::Step& step : stage.steps) {
      ZL_RETURN_IF_ERROR(CheckStep(step));
    }
  }
  const plan::PlannedStage& target = plan.stages[plan.target];
  const oci::ContainerConfig& config = target.final_config;
  if (config.healthcheck && config.healthcheck->start_interval.count() != 0) {
    return Fail(
        "HEALTHCHECK --start-interval is not supported by the buildah "
        "backend (buildah 1.28 has no such setting)",
        ErrorKind::kUnsupported);
  }
  for (const std::string& volume : config.volumes) {
    // `buildah config --volume X-` removes X: such a name cannot be added.
    if (volume.ends_with('-')) {
      return Fail("VOLUME " + volume +
                      ": a path ending in \"-\" is not supported by the "
                      "buildah backend",
                  ErrorKind::kUnsupported);
    }
  }
  return Ok();
}

std::vector<std::string> FormatWarnings(const oci::ContainerConfig& config,
                                        oci::Format format) {
  std::vector<std::string> warnings;
  if (format == oci::Format::kDocker) return warnings;
  if (config.healthcheck) {
    warnings.push_back(
        "HEALTHCHECK is not supported for OCI image format and will be "
        "ignored. Must use `docker` format (--format docker)");
  }
  if (!config.shell.empty()) {
    warnings.push_back(
        "SHELL is not supported for OCI image format by buildah and will be "
        "ignored. Must use `docker` format (--format docker)");
  }
  if (!config.on_build.empty()) {
    warnings.push_back(
        "ONBUILD is not supported for OCI image format by buildah and will "
        "be ignored. Must use `docker` format (--format docker)");
  }
  return warnings;
}

}  // namespace zlayer::buildah
