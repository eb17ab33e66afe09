// The native backend: the plan's stages on their own threads, each step in
// an overlay snapshot (stage_runner.h), then image assembly and outputs.
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <thread>

#include "base/file_io.h"
#include "base/temp_dir.h"
#include "dockerignore/ignore_file.h"
#include "engine/assemble.h"
#include "engine/backend_support.h"
#include "engine/engine.h"
#include "engine/session.h"
#include "engine/stage_runner.h"

namespace zlayer::engine {
namespace {

using Clock = std::chrono::steady_clock;

// The build's scratch directory on the store's filesystem, with a tmpfs
// for secrets; both go away when the build ends (and with the process's
// private mount namespace if it dies).
class WorkArea {
 public:
  static Result<WorkArea> Create(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      return Fail("create " + dir + ": " + ec.message(), ErrorKind::kIo);
    }
    WorkArea area(dir);
    std::string secrets = dir + "/secrets";
    if (::mkdir(secrets.c_str(), 0700) != 0) {
      return FailErrno("mkdir " + secrets, errno);
    }
    if (::mount("tmpfs", secrets.c_str(), "tmpfs",
                MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700,size=16m") != 0) {
      return FailErrno("mount tmpfs for secrets", errno);
    }
    area.secrets_ = secrets;
    return area;
  }
  WorkArea(WorkArea&& other) noexcept
      : dir_(std::exchange(other.dir_, "")),
        secrets_(std::exchange(other.secrets_, "")) {}
  WorkArea& operator=(WorkArea&&) = delete;
  ~WorkArea() {
    if (!secrets_.empty()) ::umount2(secrets_.c_str(), MNT_DETACH);
    if (!dir_.empty()) (void)base::RemoveTree(dir_);
  }
  const std::string& dir() const { return dir_; }
  const std::string& secrets() const { return secrets_; }

 private:
  explicit WorkArea(std::string dir) : dir_(std::move(dir)) {}
  std::string dir_;
  std::string secrets_;
};

class NativeEngine final : public Backend {
 public:
  std::string_view name() const override { return "native"; }
  Result<BuildResult> Run(store::Store& store, const plan::Plan& plan,
                          const BuildOptions& options) override;
};

Result<BuildResult> NativeEngine::Run(store::Store& store,
                                      const plan::Plan& plan,
                                      const BuildOptions& options) {
  auto started = Clock::now();
  std::string filename =
      options.dockerfile.empty() ? "Dockerfile" : options.dockerfile;
  ZL_ASSIGN_OR_RETURN(auto secrets, ReadSecrets(options.secrets));

  std::error_code ec;
  std::string context_dir =
      std::filesystem::absolute(options.context_dir, ec).lexically_normal();
  if (!std::filesystem::is_directory(context_dir, ec)) {
    return Fail("build context " + options.context_dir + " is not a directory",
                ErrorKind::kNotFound);
  }
  if (context_dir.size() > 1 && context_dir.back() == '/') {
    context_dir.pop_back();
  }
  std::filesystem::path dockerfile_path =
      options.dockerfile.empty() || options.dockerfile == "-"
          ? std::filesystem::path()
          : std::filesystem::path(options.dockerfile);
  ZL_ASSIGN_OR_RETURN(
      dockerignore::Matcher matcher,
      dockerignore::LoadBuildIgnore(context_dir, dockerfile_path));
  ZL_ASSIGN_OR_RETURN(
      copy::SourceTree context,
      copy::SourceTree::Context(context_dir, std::move(matcher)));
  std::filesystem::create_directories(store.root() + "/cache", ec);
  ZL_ASSIGN_OR_RETURN(
      std::unique_ptr<copy::HashCache> hashes,
      copy::HashCache::Open(store.root() + "/cache/context-hashes"));

  ZL_ASSIGN_OR_RETURN(store::Lease lease, store.AcquireLease());
  std::string build_id = NewBuildId();
  ZL_ASSIGN_OR_RETURN(WorkArea work,
                      WorkArea::Create(store.WorkDir() + "/" + build_id));
  Session session(store, lease, options, plan, build_id, work.dir(),
                  std::move(context), std::move(hashes), std::move(secrets));
  session.set_secrets_dir(work.secrets());

  session.Emit(progress::BuildStarted{
      .build_id = build_id,
      .file = filename,
      .total_stages = static_cast<int>(plan.stages.size()),
      .total_steps = CountSteps(plan)});

  // Independent stages build in parallel; a stage waits for the results
  // of the stages it reads from (Session::Wait).
  std::mutex error_mu;
  std::optional<Error> first_error;
  int failed_stage = -1;
  int failed_step = -1;
  std::vector<std::thread> threads;
  std::atomic<bool> finished{false};
  std::thread watcher([&] {
    while (!finished.load()) {
      if (options.cancel != nullptr && options.cancel->load()) {
        session.Abort();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    threads.emplace_back([&, i] {
      StageRunner runner(session, static_cast<int>(i));
      Result<StageResult> result = runner.Run();
      if (!result) {
        std::lock_guard<std::mutex> lock(error_mu);
        bool cancelled = result.error().kind() == ErrorKind::kCancelled;
        if (!first_error ||
            (first_error->kind() == ErrorKind::kCancelled && !cancelled)) {
          first_error = result.error();
          failed_stage = plan.stages[i].index;
          failed_step = runner.failed_step();
        }
        session.Abort();
        session.Publish(static_cast<int>(i), std::nullopt);
        return;
      }
      session.Publish(static_cast<int>(i), std::move(*result));
    });
  }
  for (std::thread& thread : threads) thread.join();
  finished.store(true);
  watcher.join();
  (void)session.hashes()->Save();

  auto fail = [&](Error error) -> Result<BuildResult> {
    session.Emit(progress::BuildFailed{
        .error = error.message(), .stage = failed_stage, .step = failed_step});
    return std::unexpected(std::move(error));
  };
  if (first_error) {
    if (options.cancel != nullptr && options.cancel->load()) {
      return fail(Error("build cancelled", ErrorKind::kCancelled));
    }
    return fail(*first_error);
  }

  const StageResult* target = session.Wait(plan.target);
  BuildResult result;
  result.warnings = plan.warnings;
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    const StageResult* stage = session.Wait(static_cast<int>(i));
    result.steps += stage->steps;
    result.cached_steps += stage->cached_steps;
  }
  auto image = CommitImage(session, *target, result.warnings);
  if (!image) return fail(std::move(image).error());
  Status outputs = WriteOutputs(session, *image, target->layers, result.pushed);
  if (!outputs) return fail(std::move(outputs).error());

  result.image_id = image->id.ToString();
  result.manifest_digest = image->manifest_digest.ToString();
  result.tags = image->tags;
  session.Emit(progress::BuildComplete{.image_id = result.image_id,
                                       .tags = result.tags,
                                       .duration = Clock::now() - started});
  return result;
}

}  // namespace

Backend& NativeBackend() {
  static NativeEngine engine;
  return engine;
}

}  // namespace zlayer::engine
