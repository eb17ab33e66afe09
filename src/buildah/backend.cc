// The buildah backend's build: stages in file order, each in its own
// working container, then the image into the zlayer store and the outputs.
#include <chrono>
#include <filesystem>

#include "base/file_io.h"
#include "buildah/build_state.h"
#include "buildah/buildah.h"
#include "buildah/stage_builder.h"
#include "buildah/support.h"
#include "dockerignore/ignore_file.h"
#include "engine/assemble.h"
#include "engine/backend_support.h"
#include "engine/session.h"
#include "engine/snapshots.h"

namespace zlayer::buildah {
namespace {

using Clock = std::chrono::steady_clock;

Result<std::string> ContextDir(const std::string& given) {
  std::error_code ec;
  std::string dir = std::filesystem::absolute(given, ec).lexically_normal();
  if (ec || !std::filesystem::is_directory(dir, ec)) {
    return Fail("build context " + given + " is not a directory",
                ErrorKind::kNotFound);
  }
  if (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

class BuildahBackend final : public engine::Backend {
 public:
  explicit BuildahBackend(std::string binary) : binary_(std::move(binary)) {}
  std::string_view name() const override { return "buildah"; }
  Result<engine::BuildResult> Run(store::Store& store, const plan::Plan& plan,
                                  const engine::BuildOptions& options) override;

 private:
  std::string binary_;
};

Result<engine::BuildResult> BuildahBackend::Run(
    store::Store& store, const plan::Plan& plan,
    const engine::BuildOptions& options) {
  auto started = Clock::now();
  std::string filename =
      options.dockerfile.empty() ? "Dockerfile" : options.dockerfile;
  ZL_RETURN_IF_ERROR(CheckSupported(plan, options));
  ZL_ASSIGN_OR_RETURN(auto secrets, engine::ReadSecrets(options.secrets));
  ZL_ASSIGN_OR_RETURN(std::string context_dir, ContextDir(options.context_dir));
  std::filesystem::path dockerfile_path =
      options.dockerfile.empty() || options.dockerfile == "-"
          ? std::filesystem::path()
          : std::filesystem::path(options.dockerfile);
  ZL_ASSIGN_OR_RETURN(
      std::filesystem::path ignore_path,
      dockerignore::FindBuildIgnoreFile(context_dir, dockerfile_path));
  ZL_ASSIGN_OR_RETURN(dockerignore::Matcher matcher,
                      dockerignore::LoadIgnoreFile(ignore_path));
  ZL_ASSIGN_OR_RETURN(copy::SourceTree context,
                      copy::SourceTree::Context(context_dir, matcher));

  ZL_ASSIGN_OR_RETURN(store::Lease lease, store.AcquireLease());
  std::string build_id = engine::NewBuildId();
  ZL_ASSIGN_OR_RETURN(WorkDir work,
                      WorkDir::Create(store.WorkDir() + "/" + build_id));
  std::string empty_ignore = work.path() + "/empty.dockerignore";
  ZL_RETURN_IF_ERROR(base::WriteFileAtomic(empty_ignore, ""));
  std::error_code ec;
  bool has_ignore_file =
      !ignore_path.empty() && std::filesystem::is_regular_file(ignore_path, ec);

  Cli cli(binary_, options.cancel);
  BaseImages bases(cli, store, work.path());
  // Declared before every container: destroyed after them, as images in
  // use by a container cannot be removed.
  ImageSet intermediates(cli);
  BuildState build{
      .cli = cli,
      .store = store,
      .plan = plan,
      .options = options,
      .build_id = build_id,
      .work = work,
      .context_dir = context_dir,
      .ignore_file = has_ignore_file ? ignore_path.string() : empty_ignore,
      .empty_ignore_file = empty_ignore,
      .context = context,
      .secrets = std::move(secrets),
      .bases = bases,
      .intermediates = intermediates,
      .stage_images = std::vector<std::string>(plan.stages.size())};

  build.Emit(progress::BuildStarted{
      .build_id = build_id,
      .file = filename,
      .total_stages = static_cast<int>(plan.stages.size()),
      .total_steps = engine::CountSteps(plan)});
  int failed_stage = -1;
  int failed_step = -1;
  auto fail = [&](Error error) -> Result<engine::BuildResult> {
    if (build.cancelled())
      error = Error("build cancelled", ErrorKind::kCancelled);
    build.Emit(progress::BuildFailed{
        .error = error.message(), .stage = failed_stage, .step = failed_step});
    return std::unexpected(std::move(error));
  };

  engine::BuildResult result;
  result.warnings = plan.warnings;
  std::string target_id;
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    const plan::PlannedStage& stage = plan.stages[i];
    bool is_target = static_cast<int>(i) == plan.target;
    StageBuilder builder(build, static_cast<int>(i));
    Status ran = builder.Run();
    result.steps += builder.steps();
    if (!ran) {
      failed_stage = stage.index;
      failed_step = builder.failed_step();
      return fail(std::move(ran).error());
    }
    std::string image = is_target
                            ? (options.tags.empty() ? "" : options.tags.front())
                            : StageImageName(build_id, stage.name, stage.index);
    Result<std::string> committed = builder.Commit(image, is_target);
    if (!committed) {
      failed_stage = stage.index;
      return fail(std::move(committed).error());
    }
    if (is_target) {
      target_id = *committed;
    } else {
      build.stage_images[i] = *committed;
    }
  }
  for (size_t i = 1; i < options.tags.size(); ++i) {
    Result<std::string> tagged =
        cli.Output({"tag", target_id, options.tags[i]});
    if (!tagged) return fail(std::move(tagged).error());
  }
  Status removed = intermediates.RemoveAll();
  if (!removed) return fail(std::move(removed).error());

  auto image = ImportBuiltImage(cli, store, target_id, options.compression,
                                options.tags, work.path());
  if (!image) return fail(std::move(image).error());
  std::vector<std::string> warnings =
      FormatWarnings(plan.stages[plan.target].final_config, options.format);
  result.warnings.insert(result.warnings.end(), warnings.begin(),
                         warnings.end());

  // The native engine's outputs, over a session that only serves them.
  auto outputs_dir = work.NewDir("outputs");
  if (!outputs_dir) return fail(std::move(outputs_dir).error());
  engine::Session session(store, lease, options, plan, build_id, *outputs_dir,
                          context, nullptr, {});
  Status outputs = engine::WriteOutputs(
      session, *image, engine::LayersOf(*image), result.pushed);
  if (!outputs) return fail(std::move(outputs).error());

  result.image_id = image->id.ToString();
  result.manifest_digest = image->manifest_digest.ToString();
  result.tags = image->tags;
  build.Emit(progress::BuildComplete{.image_id = result.image_id,
                                     .tags = result.tags,
                                     .duration = Clock::now() - started});
  return result;
}

}  // namespace

Result<std::unique_ptr<engine::Backend>> OpenBackend() {
  ZL_ASSIGN_OR_RETURN(std::string binary, FindBinary());
  return std::unique_ptr<engine::Backend>(
      std::make_unique<BuildahBackend>(std::move(binary)));
}

}  // namespace zlayer::buildah
