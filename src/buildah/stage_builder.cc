#include "buildah/stage_builder.h"

#include <chrono>
#include <variant>

#include "base/file_io.h"

namespace zlayer::buildah {
namespace {

using Clock = std::chrono::steady_clock;

std::string Location(const plan::Step& step) {
  return step.file.empty() ? step.text : step.file + ": " + step.text;
}

std::string StripDigestPrefix(std::string id) {
  while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
  if (id.starts_with("sha256:")) id.erase(0, 7);
  return id;
}

}  // namespace

StageBuilder::StageBuilder(BuildState& build, int stage_index)
    : build_(build),
      stage_(build.plan.stages[stage_index]),
      stage_index_(stage_index) {}

Result<std::string> StageBuilder::ImageOf(const plan::SourceRef& source) {
  switch (source.kind) {
    case plan::SourceKind::kStage:
      if (source.stage < 0 ||
          static_cast<size_t>(source.stage) >= build_.stage_images.size() ||
          build_.stage_images[source.stage].empty()) {
        return Fail("stage " + std::to_string(source.stage) +
                    " has no image yet");
      }
      return build_.stage_images[source.stage];
    case plan::SourceKind::kImage:
      return build_.bases.Ensure(source.image_id);
    default:
      return Fail("not an image source");
  }
}

Result<std::string> StageBuilder::Rootfs() {
  if (rootfs_.path().empty()) {
    ZL_ASSIGN_OR_RETURN(rootfs_,
                        RootfsMount::Mount(build_.cli, container_.name()));
  }
  return rootfs_.path();
}

Status StageBuilder::Run() {
  auto started = Clock::now();
  build_.Emit(
      progress::StageStarted{.stage = stage_.index,
                             .name = stage_.name,
                             .base = stage_.base_text,
                             .steps = static_cast<int>(stage_.steps.size())});
  std::string base = "scratch";
  if (stage_.base.kind != plan::SourceKind::kScratch) {
    ZL_ASSIGN_OR_RETURN(base, ImageOf(stage_.base));
  }
  ZL_ASSIGN_OR_RETURN(
      container_,
      Container::From(build_.cli, base,
                      ContainerName(build_.build_id,
                                    "stage-" + std::to_string(stage_.index))));

  for (const plan::Step& step : stage_.steps) {
    if (build_.cancelled()) return Fail("cancelled", ErrorKind::kCancelled);
    Status status = RunStep(step);
    views_.clear();
    if (!status) {
      failed_step_ = step.index;
      Error error = std::move(status).error();
      if (error.kind() != ErrorKind::kCancelled) {
        error.AddContext(Location(step));
      }
      return std::unexpected(std::move(error));
    }
  }
  build_.Emit(progress::StageComplete{.stage = stage_.index,
                                      .duration = Clock::now() - started});
  return Ok();
}

Status StageBuilder::RunStep(const plan::Step& step) {
  auto started = Clock::now();
  ++steps_;
  build_.Emit(progress::InstructionStarted{
      .stage = stage_.index, .step = step.index, .text = step.text});
  progress::InstructionComplete complete{.stage = stage_.index,
                                         .step = step.index};
  if (step.changes_filesystem) {
    if (build_.options.explain_cache) {
      complete.cache_miss_reason = "the buildah backend keeps no layer cache";
    }
    if (std::holds_alternative<dockerfile::RunCommand>(step.command)) {
      int attempts = 1 + std::max(0, build_.options.retries);
      for (int attempt = 1;; ++attempt) {
        Status ran = ExecuteRun(step);
        if (ran) break;
        if (ran.error().kind() == ErrorKind::kCancelled ||
            attempt == attempts) {
          return ran;
        }
        build_.Emit(progress::OutputLine{
            .stage = stage_.index,
            .step = step.index,
            .stream = progress::Stream::kStderr,
            .line = "zlayer: attempt " + std::to_string(attempt) + " of " +
                    std::to_string(attempts) + " failed (" +
                    ran.error().message() + "), retrying"});
      }
    } else if (std::holds_alternative<dockerfile::WorkdirCommand>(
                   step.command)) {
      ZL_RETURN_IF_ERROR(ExecuteWorkdir(step));
    } else {
      ZL_RETURN_IF_ERROR(ExecuteCopy(step));
    }
  }
  // Metadata steps only change the config, which Commit applies whole.
  complete.duration = Clock::now() - started;
  build_.Emit(complete);
  return Ok();
}

std::string StageBuilder::CreatedBy() const {
  std::string text;
  for (const plan::Step& step : stage_.steps) {
    if (!step.changes_filesystem || !step.history) continue;
    if (!text.empty()) text += " && ";
    text += step.created_by;
  }
  return text;
}

Result<std::string> StageBuilder::Commit(const std::string& image,
                                         bool is_target) {
  ZL_RETURN_IF_ERROR(rootfs_.Unmount());
  ConfigTarget target{.config = stage_.final_config,
                      .author = stage_.author,
                      .platform = stage_.platform,
                      .onbuild = is_target,
                      .created_by = CreatedBy()};
  if (!is_target) target.config.on_build.clear();
  std::vector<std::string> flags =
      ConfigArgs(stage_.base_config.config, stage_.base_config.author, target);
  if (!flags.empty()) {
    std::vector<std::string> args = {"config"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(container_.name());
    ZL_RETURN_IF_ERROR(build_.cli.Output(args));
  }
  const engine::BuildOptions& options = build_.options;
  ZL_ASSIGN_OR_RETURN(std::string dir, build_.work.NewDir("commit"));
  // Registered by name before it exists, so that no failure from here on
  // leaves it behind.
  if (!is_target) build_.intermediates.Add(image);
  CommitSpec commit{
      .container = container_.name(),
      .image = image,
      .docker_format = !is_target || options.format == oci::Format::kDocker,
      .squash = is_target && options.squash,
      .timestamp = options.source_date_epoch,
      .iidfile = dir + "/iid"};
  ZL_RETURN_IF_ERROR(build_.cli.Output(CommitArgs(commit)));
  ZL_ASSIGN_OR_RETURN(std::string iid, base::ReadFile(commit.iidfile));
  std::string id = StripDigestPrefix(std::move(iid));
  if (id.empty()) return Fail("buildah commit wrote no image id");
  ZL_RETURN_IF_ERROR(container_.Remove());
  return id;
}

}  // namespace zlayer::buildah
