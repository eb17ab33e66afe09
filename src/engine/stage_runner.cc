#include "engine/stage_runner.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <variant>

#include "base/temp_dir.h"
#include "base/unique_fd.h"
#include "engine/cache_key.h"
#include "imageio/blob_copy.h"
#include "layer/layer_writer.h"
#include "oci/timestamp.h"

namespace zlayer::engine {
namespace {

using Clock = std::chrono::steady_clock;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatSeconds(int64_t seconds) {
  return oci::FormatTimestamp(oci::Timestamp(std::chrono::seconds(seconds)));
}

bool IsEmptyDir(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::is_empty(dir, ec) && !ec;
}

}  // namespace

StageRunner::StageRunner(Session& session, int stage_index)
    : session_(session),
      stage_(session.plan().stages[stage_index]),
      stage_index_(stage_index) {}

std::string StageRunner::Location(const plan::Step& step) const {
  return step.file.empty() ? step.text : step.file + ": " + step.text;
}

Result<StageResult> StageRunner::Run() {
  auto started = Clock::now();
  session_.Emit(
      progress::StageStarted{.stage = stage_.index,
                             .name = stage_.name,
                             .base = stage_.base_text,
                             .steps = static_cast<int>(stage_.steps.size())});

  config_ = stage_.base_config;
  switch (stage_.base.kind) {
    case plan::SourceKind::kStage: {
      const StageResult* base = session_.Wait(stage_.base.stage);
      if (base == nullptr) {
        return Fail("stage " + stage_.base_text + " failed",
                    ErrorKind::kFailed);
      }
      layers_ = base->layers;
      key_ = base->key;
      config_.rootfs = base->config.rootfs;
      config_.history = base->config.history;
      break;
    }
    case plan::SourceKind::kImage: {
      ZL_ASSIGN_OR_RETURN(layers_, session_.ImageLayers(stage_.base.image_id));
      key_ = "image:" + stage_.base.image_id;
      break;
    }
    default:
      key_ = "scratch";
      config_.rootfs.diff_ids.clear();
      config_.history.clear();
      break;
  }
  if (!config_.created.empty()) {
    if (auto created = oci::ParseTimestamp(config_.created)) {
      last_created_ = std::chrono::duration_cast<std::chrono::seconds>(
                          created->time_since_epoch())
                          .count();
    }
  }

  for (const plan::Step& step : stage_.steps) {
    if (session_.cancelled()) return Fail("cancelled", ErrorKind::kCancelled);
    Status status = RunStep(step);
    step_views_.clear();
    if (!status) {
      failed_step_ = step.index;
      Error error = std::move(status).error();
      if (error.kind() != ErrorKind::kCancelled) {
        // copy/ names the instruction itself ("COPY failed: ...").
        bool named = error.message().starts_with("COPY failed") ||
                     error.message().starts_with("ADD failed");
        error.AddContext(named && !step.file.empty() ? step.file
                                                     : Location(step));
      }
      return std::unexpected(std::move(error));
    }
  }

  config_.config = stage_.final_config;
  if (!stage_.author.empty()) config_.author = stage_.author;
  if (last_created_ > 0) config_.created = FormatSeconds(last_created_);
  config_.architecture = stage_.platform.architecture.empty()
                             ? config_.architecture
                             : stage_.platform.architecture;
  config_.os = stage_.platform.os.empty() ? config_.os : stage_.platform.os;
  config_.variant = stage_.platform.variant;

  session_.Emit(progress::StageComplete{.stage = stage_.index,
                                        .duration = Clock::now() - started});
  return StageResult{.layers = layers_,
                     .config = config_,
                     .key = key_,
                     .steps = steps_,
                     .cached_steps = cached_steps_};
}

Status StageRunner::ApplyMetadataStep(const plan::Step& step) {
  key_ = StepKey(key_, step, "");
  if (!step.history) return Ok();
  oci::HistoryEntry history;
  if (last_created_ > 0) history.created = FormatSeconds(last_created_);
  history.created_by = step.created_by;
  history.comment = "zlayer";
  history.empty_layer = true;
  config_.history.push_back(std::move(history));
  return Ok();
}

Status StageRunner::RunStep(const plan::Step& step) {
  auto started = Clock::now();
  ++steps_;
  session_.Emit(progress::InstructionStarted{
      .stage = stage_.index, .step = step.index, .text = step.text});
  progress::InstructionComplete complete{.stage = stage_.index,
                                         .step = step.index};
  if (!step.changes_filesystem) {
    ZL_RETURN_IF_ERROR(ApplyMetadataStep(step));
    complete.duration = Clock::now() - started;
    session_.Emit(complete);
    return Ok();
  }

  const BuildOptions& options = session_.options();
  std::vector<copy::InputFile> files;
  ZL_ASSIGN_OR_RETURN(std::string inputs, InputsDigest(step, &files));
  bool link = IsLinkCopy(step);
  std::string parent = link ? "link" : key_;
  std::string key = StepKey(parent, step, inputs);

  std::optional<store::CacheEntry> hit;
  if (options.layers && !options.no_cache) {
    ZL_ASSIGN_OR_RETURN(
        hit, session_.store().LookupCacheEntry(key, options.cache_ttl_seconds));
    // A pruned blob makes the entry useless; treat it as a miss.
    if (hit && !hit->empty_layer) {
      ZL_ASSIGN_OR_RETURN(bool present,
                          session_.store().blobs().Has(hit->blob));
      if (!present) hit.reset();
    }
  }

  StepRecord record{.key = key,
                    .parent = key_,
                    .canonical = step.canonical,
                    .args = step.cache_args,
                    .env = step.config_before.env,
                    .files = std::move(files),
                    .inputs = inputs};
  std::string location = StepLocation(
      session_.context().dir(), options.dockerfile, stage_.index, step.index);
  StepOutcome outcome;
  if (hit) {
    complete.cached = true;
    ++cached_steps_;
    outcome.created = hit->created;
    if (!hit->empty_layer) {
      outcome.layer = LayerRef{.diff_id = hit->diff_id,
                               .blob = hit->blob,
                               .media_type = hit->media_type,
                               .size = hit->size};
    }
  } else {
    if (options.explain_cache) {
      if (options.no_cache) {
        complete.cache_miss_reason = "--no-cache";
      } else if (!options.layers) {
        complete.cache_miss_reason = "--layers=false";
      } else {
        std::optional<StepRecord> previous;
        ZL_ASSIGN_OR_RETURN(std::optional<std::string> text,
                            session_.store().GetStepRecord(location));
        if (text) {
          if (auto parsed = ParseStepRecord(*text)) previous = *parsed;
        }
        complete.cache_miss_reason =
            ExplainMiss(previous, record, step.index == 0);
      }
    }
    std::vector<LayerRef> lowers = link ? std::vector<LayerRef>{} : layers_;
    std::function<Status(const std::string&)> op;
    if (std::holds_alternative<dockerfile::RunCommand>(step.command)) {
      op = [&](const std::string& merged) { return ExecuteRun(step, merged); };
    } else if (std::holds_alternative<dockerfile::WorkdirCommand>(
                   step.command)) {
      op = [&](const std::string& merged) {
        return ExecuteWorkdir(step, merged);
      };
    } else {
      op = [&](const std::string& merged) { return ExecuteCopy(step, merged); };
    }
    int attempts = 1;
    if (std::holds_alternative<dockerfile::RunCommand>(step.command)) {
      attempts += std::max(0, options.retries);
    }
    Result<StepOutcome> result = Fail("not run");
    for (int attempt = 1; attempt <= attempts; ++attempt) {
      result = OnSnapshot(step, lowers, op);
      if (result || result.error().kind() == ErrorKind::kCancelled ||
          attempt == attempts) {
        break;
      }
      session_.Emit(progress::OutputLine{
          .stage = stage_.index,
          .step = step.index,
          .stream = progress::Stream::kStderr,
          .line = "zlayer: attempt " + std::to_string(attempt) + " of " +
                  std::to_string(attempts) + " failed (" +
                  result.error().message() + "), retrying"});
    }
    if (!result) return std::unexpected(std::move(result).error());
    outcome = *result;
    if (options.layers) {
      store::CacheEntry entry{.key = key,
                              .empty_layer = !outcome.layer.has_value(),
                              .created = outcome.created,
                              .last_used = outcome.created};
      if (outcome.layer) {
        entry.diff_id = outcome.layer->diff_id;
        entry.blob = outcome.layer->blob;
        entry.media_type = outcome.layer->media_type;
        entry.size = outcome.layer->size;
      }
      ZL_RETURN_IF_ERROR(session_.store().PutCacheEntry(entry));
      ZL_RETURN_IF_ERROR(session_.store().PutStepRecord(
          location, SerializeStepRecord(record)));
    }
  }

  key_ = key;
  last_created_ = std::max(last_created_, outcome.created);
  oci::HistoryEntry history;
  history.created = FormatSeconds(outcome.created);
  history.created_by = step.created_by;
  history.comment = "zlayer";
  if (outcome.layer) {
    layers_.push_back(*outcome.layer);
    config_.rootfs.diff_ids.push_back(outcome.layer->diff_id);
  } else {
    history.empty_layer = true;
  }
  config_.history.push_back(std::move(history));
  complete.duration = Clock::now() - started;
  session_.Emit(complete);
  return Ok();
}

Result<StepOutcome> StageRunner::OnSnapshot(
    const plan::Step& step, const std::vector<LayerRef>& lowers,
    const std::function<Status(const std::string& merged)>& op) {
  ZL_ASSIGN_OR_RETURN(std::vector<std::string> lower_dirs,
                      session_.snapshots().Lowers(lowers));
  ZL_ASSIGN_OR_RETURN(std::string dir,
                      session_.NewDir("s" + std::to_string(stage_.index) + "-" +
                                      std::to_string(step.index)));
  std::string upper = dir + "/upper";
  std::string work = dir + "/work";
  std::string merged = dir + "/merged";
  for (const std::string& path : {upper, work, merged}) {
    if (::mkdir(path.c_str(), 0755) != 0) {
      return FailErrno("mkdir " + path, errno);
    }
  }
  {
    ZL_ASSIGN_OR_RETURN(
        sandbox::ScopedMount mount,
        sandbox::ScopedMount::Overlay(lower_dirs, upper, work, merged));
    Status status = op(merged);
    step_views_.clear();
    Status unmounted = mount.Unmount();
    if (!status) {
      (void)base::RemoveTree(dir);
      return std::unexpected(std::move(status).error());
    }
    ZL_RETURN_IF_ERROR(unmounted);
  }
  Result<StepOutcome> outcome = CommitUpper(upper);
  (void)base::RemoveTree(dir);
  return outcome;
}

Result<StepOutcome> StageRunner::CommitUpper(const std::string& upper) {
  const BuildOptions& options = session_.options();
  StepOutcome outcome;
  outcome.created = options.source_date_epoch.value_or(NowSeconds());
  if (IsEmptyDir(upper)) return outcome;
  ZL_ASSIGN_OR_RETURN(store::BlobWriter writer,
                      session_.store().blobs().NewWriter(session_.lease()));
  layer::ChangeSet changes{.root = upper,
                           .kind = layer::SourceKind::kOverlayUpper};
  layer::LayerOptions layer_options;
  layer_options.compression = options.compression;
  layer_options.source_date_epoch = options.source_date_epoch;
  ZL_ASSIGN_OR_RETURN(layer::LayerResult written,
                      layer::WriteLayer(changes, layer_options,
                                        imageio::BlobWriterSink(writer)));
  ZL_RETURN_IF_ERROR(writer.Commit(written.digest));
  ZL_RETURN_IF_ERROR(session_.snapshots().Adopt(upper, written.diff_id));
  outcome.layer =
      LayerRef{.diff_id = written.diff_id,
               .blob = written.digest,
               .media_type = written.media_type,
               .size = static_cast<int64_t>(written.compressed_size)};
  return outcome;
}

Result<const StageResult*> StageRunner::WaitForStage(
    const plan::SourceRef& source) {
  const StageResult* result = session_.Wait(source.stage);
  if (result == nullptr) {
    const plan::PlannedStage& stage = session_.plan().stages[source.stage];
    return Fail(
        "stage " +
        (stage.name.empty() ? std::to_string(stage.index) : stage.name) +
        " failed");
  }
  return result;
}

Result<std::string> StageRunner::SourceIdentity(const plan::SourceRef& source) {
  switch (source.kind) {
    case plan::SourceKind::kStage: {
      ZL_ASSIGN_OR_RETURN(const StageResult* result, WaitForStage(source));
      return "stage:" + result->key;
    }
    case plan::SourceKind::kImage:
      return "image:" + source.image_id;
    case plan::SourceKind::kScratch:
      return std::string("scratch");
    case plan::SourceKind::kContext:
      return std::string("context");
  }
  return std::string();
}

Result<std::vector<LayerRef>> StageRunner::SourceLayers(
    const plan::SourceRef& source) {
  switch (source.kind) {
    case plan::SourceKind::kStage: {
      ZL_ASSIGN_OR_RETURN(const StageResult* result, WaitForStage(source));
      return result->layers;
    }
    case plan::SourceKind::kImage:
      return session_.ImageLayers(source.image_id);
    default:
      return std::vector<LayerRef>{};
  }
}

Result<SourceView> StageRunner::OpenSource(const plan::SourceRef& source) {
  SourceView view;
  if (source.kind == plan::SourceKind::kContext) {
    view.dir = session_.context().dir();
    view.tree = session_.context();
    return view;
  }
  ZL_ASSIGN_OR_RETURN(std::vector<LayerRef> layers, SourceLayers(source));
  ZL_ASSIGN_OR_RETURN(std::vector<std::string> lowers,
                      session_.snapshots().Lowers(layers));
  ZL_ASSIGN_OR_RETURN(std::string dir, session_.NewDir("view"));
  ZL_ASSIGN_OR_RETURN(view.mount,
                      sandbox::ScopedMount::ReadOnlyView(lowers, dir));
  view.dir = dir;
  ZL_ASSIGN_OR_RETURN(copy::SourceTree tree, copy::SourceTree::Rootfs(dir));
  view.tree = std::move(tree);
  return view;
}

Status MkdirAllInRoot(const std::string& root, const std::string& path,
                      uid_t uid, gid_t gid) {
  base::UniqueFd root_fd(
      ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd) return FailErrno("open " + root, errno);
  std::string prefix;
  for (const auto& part : std::filesystem::path(path)) {
    std::string name = part.string();
    if (name.empty() || name == "/" || name == ".") continue;
    std::string parent = prefix.empty() ? "." : prefix;
    struct open_how how = {};
    how.flags = O_PATH | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_IN_ROOT;
    base::UniqueFd parent_fd(static_cast<int>(::syscall(
        SYS_openat2, root_fd.get(), parent.c_str(), &how, sizeof(how))));
    if (!parent_fd) return FailErrno("open " + path, errno);
    // O_PATH descriptors cannot be written through; reopen for mkdirat.
    std::string fd_path = "/proc/self/fd/" + std::to_string(parent_fd.get());
    base::UniqueFd dir_fd(
        ::open(fd_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir_fd) return FailErrno("open " + path, errno);
    if (::mkdirat(dir_fd.get(), name.c_str(), 0755) == 0) {
      if (::fchownat(dir_fd.get(), name.c_str(), uid, gid,
                     AT_SYMLINK_NOFOLLOW) != 0) {
        return FailErrno("chown " + path, errno);
      }
    } else if (errno != EEXIST) {
      return FailErrno("mkdir " + path, errno);
    }
    prefix = prefix.empty() ? name : prefix + "/" + name;
  }
  return Ok();
}

}  // namespace zlayer::engine
