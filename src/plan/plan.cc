// MakePlan follows dockerfile2llb's toDispatchState: global ARGs, FROM
// expansion, target lookup, the stage dependency graph, reachable stages
// with their base images and ONBUILD triggers, then dispatch in file order.
#include "plan/plan.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>
#include <set>
#include <variant>

#include "dockerfile/instructions_parse.h"
#include "dockerfile/parser.h"
#include "dockerfile/suggest.h"
#include "dockerfile/text.h"
#include "oci/platform.h"
#include "plan/dispatch.h"
#include "plan/go_format.h"
#include "plan/windows_deps.h"
#include "shell/lexer.h"

namespace zlayer::plan {
namespace {

using dockerfile::Command;

constexpr std::string_view kScratch = "scratch";

std::string Lower(std::string_view s) { return dockerfile::text::ToLower(s); }

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

// Build args BuildKit knows without a declaration: never "not consumed".
bool IsBuiltinArg(const std::string& key) {
  static const std::set<std::string> kBuiltin = {"HTTP_PROXY",
                                                 "http_proxy",
                                                 "HTTPS_PROXY",
                                                 "https_proxy",
                                                 "FTP_PROXY",
                                                 "ftp_proxy",
                                                 "NO_PROXY",
                                                 "no_proxy",
                                                 "ALL_PROXY",
                                                 "all_proxy",
                                                 "BUILDPLATFORM",
                                                 "BUILDOS",
                                                 "BUILDOSVERSION",
                                                 "BUILDARCH",
                                                 "BUILDVARIANT",
                                                 "TARGETPLATFORM",
                                                 "TARGETOS",
                                                 "TARGETOSVERSION",
                                                 "TARGETARCH",
                                                 "TARGETVARIANT",
                                                 "TARGETSTAGE",
                                                 "SOURCE_DATE_EPOCH",
                                                 "BUILDKIT_SBOM_SCAN_CONTEXT",
                                                 "BUILDKIT_SBOM_SCAN_STAGE"};
  return kBuiltin.contains(key);
}

// strconv.Atoi: an optional sign and decimal digits.
std::optional<long long> GoAtoi(std::string_view s) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return std::nullopt;
  long long value = 0;
  auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

// The rules `# check=skip=A,B` turns off.
std::set<std::string> LintSkips(const std::string& check) {
  std::set<std::string> skip;
  size_t from = 0;
  while (from <= check.size()) {
    size_t semi = check.find(';', from);
    std::string part = check.substr(from, semi - from);
    size_t eq = part.find('=');
    if (eq != std::string::npos && Lower(part.substr(0, eq)) == "skip") {
      std::string list = part.substr(eq + 1);
      size_t start = 0;
      while (start <= list.size()) {
        size_t comma = list.find(',', start);
        std::string name = list.substr(start, comma - start);
        if (!name.empty()) skip.insert(Lower(name) == "all" ? "all" : name);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    if (semi == std::string::npos) break;
    from = semi + 1;
  }
  return skip;
}

std::unexpected<Error> FailAtLine(const std::string& filename, int line,
                                  std::string message,
                                  ErrorKind kind = ErrorKind::kInvalid) {
  return Fail(filename + ":" + std::to_string(line) + ": " + message, kind);
}

oci::Platform WithDefaults(oci::Platform platform,
                           const oci::Platform& fallback) {
  if (platform.architecture.empty()) return fallback;
  if (platform.os.empty()) platform.os = "linux";
  return platform;
}

oci::ImageConfig EmptyImage(const oci::Platform& platform) {
  oci::ImageConfig image;
  image.architecture = platform.architecture;
  image.os = platform.os;
  image.os_version = platform.os_version;
  image.os_features = platform.os_features;
  image.variant = platform.variant;
  image.config.working_dir = "/";
  if (platform.os != "windows") {
    image.config.env = {
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  }
  return image;
}

struct StageInfo {
  const dockerfile::Stage* stage = nullptr;
  std::string base_name;                  // expanded
  std::optional<oci::Platform> platform;  // FROM --platform
  int base_stage = -1;                    // an earlier stage of that name
  std::string display_name;
  std::vector<PendingCommand> commands;
  bool onbuild_init = false;
  bool resolved = false;
  std::optional<ImageInfo> image;  // the base image
  oci::Platform resolved_platform;
};

class Planner {
 public:
  Planner(const dockerfile::Dockerfile& file, const PlanOptions& options,
          ImageResolver& images)
      : file_(file),
        options_(options),
        images_(images),
        filename_(file.filename.empty() ? "Dockerfile" : file.filename),
        lexer_(file.escape_token) {}

  Result<Plan> Run();

 private:
  Status SetUpPlatformsAndArgs();
  Status ExpandFromLines();
  Result<int> FindTarget() const;
  std::optional<int> StageByName(std::string_view name) const;
  Result<std::vector<SourceSpec>> SourcesOf(const Command& command) const;
  Status BuildDependencyGraph();
  Status CheckCircular() const;
  std::set<int> Reachable(int target) const;
  Result<ImageInfo> ResolveImage(const std::string& ref,
                                 const oci::Platform& platform);
  Status ResolveStages(int target);
  // Package managers called on nanoserver bases (windows_deps.h).
  Status CheckPackageManagers() const;
  Result<bool> InitTriggers(StageInfo& info);
  Status DispatchStages(const std::set<int>& reachable, Plan& plan);
  void WarnUnusedArgs(const std::set<int>& reachable, Plan& plan) const;

  const dockerfile::Dockerfile& file_;
  const PlanOptions& options_;
  ImageResolver& images_;
  std::string filename_;
  shell::Lexer lexer_;

  oci::Platform build_platform_;
  oci::Platform target_platform_;
  EnvList global_args_;
  std::set<std::string> meta_arg_keys_;
  std::vector<StageInfo> stages_;
  std::vector<dockerfile::Mount> default_mounts_;  // parse-time pass
  std::map<std::string, ImageInfo> resolved_images_;
  std::vector<std::string> warnings_;
  std::set<std::string> lint_skip_;
};

Status Planner::SetUpPlatformsAndArgs() {
  build_platform_ = WithDefaults(options_.build_platform, oci::HostPlatform());
  target_platform_ = WithDefaults(options_.target_platform, build_platform_);

  std::string target_name = options_.target;
  if (target_name.empty()) target_name = file_.stages.back().name;
  if (target_name.empty()) target_name = "default";
  const oci::Platform& bp = build_platform_;
  const oci::Platform& tp = target_platform_;
  const std::pair<std::string, std::string> defaults[] = {
      {"BUILDPLATFORM", oci::FormatPlatform(bp)},
      {"BUILDOS", bp.os},
      {"BUILDOSVERSION", bp.os_version},
      {"BUILDARCH", bp.architecture},
      {"BUILDVARIANT", bp.variant},
      {"TARGETPLATFORM", oci::FormatPlatformAll(tp)},
      {"TARGETOS", tp.os},
      {"TARGETOSVERSION", tp.os_version},
      {"TARGETARCH", tp.architecture},
      {"TARGETVARIANT", tp.variant},
      {"TARGETSTAGE", target_name},
  };
  for (const auto& [key, value] : defaults) {
    auto given = options_.build_args.find(key);
    global_args_.Set(
        key, given != options_.build_args.end() ? given->second : value);
  }

  // buildMetaArgs: a --build-arg wins; a default is expanded against the
  // global args so far.
  for (const dockerfile::ArgCommand& command : file_.meta_args) {
    for (const dockerfile::KeyValuePairOptional& arg : command.args) {
      meta_arg_keys_.insert(arg.key);
      std::optional<std::string> value;
      auto given = options_.build_args.find(arg.key);
      if (given != options_.build_args.end()) {
        value = given->second;
      } else if (arg.value) {
        auto expanded = lexer_.ProcessWord(*arg.value, global_args_);
        if (!expanded) {
          return FailAtLine(filename_, command.location.start_line,
                            expanded.error().message());
        }
        value = std::move(expanded->word);
      }
      if (value) global_args_.Set(arg.key, std::move(*value));
    }
  }
  return Ok();
}

std::optional<int> Planner::StageByName(std::string_view name) const {
  std::string lower = Lower(name);
  std::optional<int> found;
  for (const StageInfo& info : stages_) {
    if (!info.stage->name.empty() && info.stage->name == lower) {
      found = info.stage->index;
    }
  }
  return found;
}

Status Planner::ExpandFromLines() {
  std::vector<std::string> arg_keys = global_args_.Keys();
  std::set<std::string> known(arg_keys.begin(), arg_keys.end());
  known.insert(meta_arg_keys_.begin(), meta_arg_keys_.end());
  std::vector<std::string> known_list(known.begin(), known.end());
  std::vector<std::string_view> options(known_list.begin(), known_list.end());
  DispatchContext lint{.filename = filename_, .warnings = &warnings_};
  lint.lint_skip = lint_skip_;

  auto report_unknown = [&](const shell::ExpandResult& result, int line) {
    for (const std::string& name : result.unmatched) {
      if (known.contains(name)) continue;
      std::string message = "FROM argument '" + name + "' is not declared";
      if (auto match = dockerfile::SuggestClosest(name, options, true)) {
        message += " (did you mean " + *match + "?)";
      }
      lint.Lint(line, "UndefinedArgInFrom", std::move(message));
    }
  };

  for (const dockerfile::Stage& stage : file_.stages) {
    StageInfo info;
    info.stage = &stage;
    int line = stage.location.start_line;
    auto name = lexer_.ProcessWord(stage.base_name, global_args_);
    if (!name) return FailAtLine(filename_, line, name.error().message());
    report_unknown(*name, line);
    if (name->word.empty()) {
      return FailAtLine(
          filename_, line,
          "base name (" + stage.base_name + ") should not be blank");
    }
    info.base_name = name->word;
    if (!stage.platform.empty()) {
      auto platform = lexer_.ProcessWord(stage.platform, global_args_);
      if (!platform) {
        return FailAtLine(filename_, line,
                          "failed to process arguments for platform: " +
                              platform.error().message());
      }
      report_unknown(*platform, line);
      if (platform->word.empty()) {
        return FailAtLine(
            filename_, line,
            "empty platform value from expression " + stage.platform);
      }
      auto parsed = oci::ParsePlatform(platform->word);
      if (!parsed) {
        return FailAtLine(filename_, line,
                          "failed to parse platform " + stage.platform + ": " +
                              parsed.error().message());
      }
      info.platform = *parsed;
    }
    // Only a stage defined earlier can be a base, matched as written
    // against the lower-cased stage names (BuildKit's addState).
    for (const StageInfo& earlier : stages_) {
      if (!earlier.stage->name.empty() &&
          earlier.stage->name == info.base_name) {
        info.base_stage = earlier.stage->index;
      }
    }
    info.display_name = stage.name.empty()
                            ? "stage-" + std::to_string(stage.index)
                            : stage.name;
    stages_.push_back(std::move(info));
  }
  return Ok();
}

Result<int> Planner::FindTarget() const {
  if (options_.target.empty()) return static_cast<int>(stages_.size()) - 1;
  if (auto by_name = StageByName(options_.target)) return *by_name;
  int index = -1;
  const std::string& t = options_.target;
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), index);
  if (ec == std::errc() && end == t.data() + t.size() && index >= 0 &&
      index < static_cast<int>(stages_.size())) {
    return index;
  }
  std::vector<std::string_view> names;
  for (const StageInfo& info : stages_) {
    if (!info.stage->name.empty()) names.push_back(info.stage->name);
  }
  return Fail(dockerfile::WithSuggestion("target stage " +
                                             dockerfile::text::GoQuote(t) +
                                             " could not be found",
                                         t, names, false),
              ErrorKind::kUsage);
}

// toCommand and detectRunMount: what a command reads, known before any
// variable is.
Result<std::vector<SourceSpec>> Planner::SourcesOf(
    const Command& command) const {
  std::vector<SourceSpec> sources;
  if (const auto* copy = std::get_if<dockerfile::CopyCommand>(&command)) {
    if (copy->from.empty()) return sources;
    shell::VariableMap none;
    ZL_ASSIGN_OR_RETURN(shell::ExpandResult result,
                        lexer_.ProcessWord(copy->from, none));
    if (result.word != copy->from) {
      return Fail(
          "variable expansion is not supported for --from, define a new "
          "stage with FROM using ARG from global scope as a workaround",
          ErrorKind::kInvalid);
    }
    if (auto index = GoAtoi(copy->from)) {
      if (*index < 0 || *index >= static_cast<long long>(stages_.size())) {
        return Fail("invalid stage index " + std::to_string(*index),
                    ErrorKind::kInvalid);
      }
      sources.push_back(
          {SourceSpec::Kind::kStage, static_cast<int>(*index), ""});
    } else if (auto stage = StageByName(copy->from)) {
      sources.push_back({SourceSpec::Kind::kStage, *stage, ""});
    } else {
      sources.push_back({SourceSpec::Kind::kImage, -1, copy->from});
    }
    return sources;
  }
  if (const auto* run = std::get_if<dockerfile::RunCommand>(&command)) {
    auto add = [&](const dockerfile::Mount& mount) {
      if (mount.from.empty()) {
        sources.push_back({});
      } else if (auto stage = StageByName(mount.from)) {
        sources.push_back({SourceSpec::Kind::kStage, *stage, ""});
      } else {
        sources.push_back({SourceSpec::Kind::kImage, -1, mount.from});
      }
    };
    for (const dockerfile::Mount& mount : run->mounts) add(mount);
    for (const dockerfile::Mount& mount : default_mounts_) add(mount);
  }
  return sources;
}

Status Planner::BuildDependencyGraph() {
  for (StageInfo& info : stages_) {
    for (const Command& command : info.stage->commands) {
      PendingCommand pending{.command = command};
      auto sources = SourcesOf(command);
      if (!sources) {
        return FailAtLine(filename_,
                          dockerfile::BaseOf(command).location.start_line,
                          sources.error().message());
      }
      pending.sources = std::move(*sources);
      if (const auto* run = std::get_if<dockerfile::RunCommand>(&command)) {
        pending.own_mounts = run->mount_specs.size();
      }
      info.commands.push_back(std::move(pending));
    }
  }
  return CheckCircular();
}

Status Planner::CheckCircular() const {
  std::set<int> visited;
  std::set<int> path;
  // The line of the first command on a cycle through `stage`, or 0.
  std::function<int(int, int)> visit = [&](int stage, int first_line) -> int {
    if (visited.contains(stage)) return 0;
    visited.insert(stage);
    path.insert(stage);
    for (const PendingCommand& pending : stages_[stage].commands) {
      int line = first_line != 0
                     ? first_line
                     : dockerfile::BaseOf(pending.command).location.start_line;
      for (const SourceSpec& source : pending.sources) {
        if (source.kind != SourceSpec::Kind::kStage) continue;
        if (path.contains(source.stage)) return line;
        if (int found = visit(source.stage, line)) return found;
      }
    }
    path.erase(stage);
    return 0;
  };
  for (const StageInfo& info : stages_) {
    if (int line = visit(info.stage->index, 0)) {
      return FailAtLine(
          filename_, line,
          "circular dependency detected on stage: " + info.display_name);
    }
  }
  return Ok();
}

std::set<int> Planner::Reachable(int target) const {
  std::set<int> out;
  std::vector<int> work = {target};
  while (!work.empty()) {
    int stage = work.back();
    work.pop_back();
    if (!out.insert(stage).second) continue;
    const StageInfo& info = stages_[stage];
    if (info.base_stage >= 0) work.push_back(info.base_stage);
    for (const PendingCommand& pending : info.commands) {
      for (const SourceSpec& source : pending.sources) {
        if (source.kind == SourceSpec::Kind::kStage) {
          work.push_back(source.stage);
        }
      }
    }
  }
  return out;
}

Result<ImageInfo> Planner::ResolveImage(const std::string& ref,
                                        const oci::Platform& platform) {
  std::string key = ref + "\n" + oci::FormatPlatformAll(platform);
  auto it = resolved_images_.find(key);
  if (it != resolved_images_.end()) return it->second;
  ZL_ASSIGN_OR_RETURN(ImageInfo info, images_.Resolve(ref, platform));
  resolved_images_.emplace(key, info);
  return info;
}

// initOnBuildTriggers: the base's triggers become the stage's first
// commands. Returns whether they read other stages or images.
Result<bool> Planner::InitTriggers(StageInfo& info) {
  info.onbuild_init = true;
  std::vector<std::string> triggers;
  if (info.base_stage >= 0) {
    for (const PendingCommand& pending : stages_[info.base_stage].commands) {
      if (const auto* onbuild =
              std::get_if<dockerfile::OnbuildCommand>(&pending.command)) {
        triggers.push_back(onbuild->expression);
      }
    }
  } else if (info.image) {
    triggers = info.image->config.config.on_build;
  }
  if (triggers.empty()) return false;
  int line = info.stage->location.start_line;
  bool new_deps = false;
  std::vector<PendingCommand> commands;
  for (const std::string& trigger : triggers) {
    std::string what = "ONBUILD trigger " + dockerfile::text::GoQuote(trigger);
    auto parsed = dockerfile::Parse(trigger, filename_);
    if (!parsed) {
      return FailAtLine(filename_, line,
                        what + ": " + parsed.error().message());
    }
    if (parsed->nodes.size() != 1) {
      return FailAtLine(filename_, line,
                        "onbuild trigger should be a single expression");
    }
    dockerfile::Node node = std::move(parsed->nodes[0]);
    std::string keyword = Upper(node.keyword);
    if (keyword == "ONBUILD") {
      return FailAtLine(filename_, line,
                        what +
                            ": Chaining ONBUILD via `ONBUILD ONBUILD` "
                            "isn't allowed");
    }
    if (keyword == "FROM" || keyword == "MAINTAINER") {
      return FailAtLine(
          filename_, line,
          what + ": " + keyword + " isn't allowed as an ONBUILD trigger");
    }
    // Errors and steps of a trigger point at the FROM line.
    node.start_line = line;
    node.end_line = info.stage->location.end_line;
    ZL_ASSIGN_OR_RETURN(dockerfile::Instruction instruction,
                        dockerfile::ParseInstruction(node, filename_));
    PendingCommand pending{.command = std::get<Command>(std::move(instruction)),
                           .from_onbuild = true};
    auto sources = SourcesOf(pending.command);
    if (!sources) {
      return FailAtLine(filename_, line, sources.error().message());
    }
    pending.sources = std::move(*sources);
    if (const auto* run =
            std::get_if<dockerfile::RunCommand>(&pending.command)) {
      pending.own_mounts = run->mount_specs.size();
    }
    for (const SourceSpec& source : pending.sources) {
      if (source.kind != SourceSpec::Kind::kNone) new_deps = true;
    }
    commands.push_back(std::move(pending));
  }
  info.commands.insert(info.commands.begin(),
                       std::make_move_iterator(commands.begin()),
                       std::make_move_iterator(commands.end()));
  if (new_deps) ZL_RETURN_IF_ERROR(CheckCircular());
  return new_deps;
}

Status Planner::CheckPackageManagers() const {
  // The nanoserver image each stage descends from ("" for none).
  std::vector<std::string> nanoserver(stages_.size());
  for (size_t i = 0; i < stages_.size(); ++i) {
    const StageInfo& info = stages_[i];
    if (info.base_stage >= 0) {
      nanoserver[i] = nanoserver[info.base_stage];
    } else if (IsNanoserverImage(info.base_name)) {
      nanoserver[i] = info.base_name;
    }
    if (!nanoserver[i].empty()) {
      ZL_RETURN_IF_ERROR(
          CheckNanoserverStage(*info.stage, nanoserver[i], filename_));
    }
  }
  return Ok();
}

Status Planner::ResolveStages(int target) {
  while (true) {
    std::set<int> reachable = Reachable(target);
    for (int index : reachable) {
      StageInfo& info = stages_[index];
      if (info.resolved) continue;
      info.resolved = true;
      if (info.base_stage >= 0) continue;
      if (info.base_name == kScratch) {
        // BuildKit gives scratch the target platform, --platform or not.
        info.resolved_platform = target_platform_;
        continue;
      }
      info.resolved_platform = info.platform.value_or(target_platform_);
      auto image = ResolveImage(info.base_name, info.resolved_platform);
      if (!image) {
        Error error = std::move(image).error();
        error.AddContext(filename_ + ":" +
                         std::to_string(info.stage->location.start_line));
        return std::unexpected(std::move(error));
      }
      info.image = std::move(*image);
    }
    // Images named by COPY --from and RUN --mount from=.
    for (int index : reachable) {
      for (const PendingCommand& pending : stages_[index].commands) {
        for (const SourceSpec& source : pending.sources) {
          if (source.kind != SourceSpec::Kind::kImage) continue;
          auto image = ResolveImage(source.image, target_platform_);
          if (!image) {
            Error error = std::move(image).error();
            error.AddContext(
                LocationOf(filename_, dockerfile::BaseOf(pending.command)));
            return std::unexpected(std::move(error));
          }
        }
      }
    }
    bool new_deps = false;
    for (int index : reachable) {
      StageInfo& info = stages_[index];
      if (info.onbuild_init) continue;
      ZL_ASSIGN_OR_RETURN(bool added, InitTriggers(info));
      new_deps = new_deps || added;
    }
    if (!new_deps) return Ok();
  }
}

Status Planner::DispatchStages(const std::set<int>& reachable, Plan& plan) {
  std::map<int, int> plan_index;  // Dockerfile index -> Plan::stages index
  for (int index : reachable) {
    int next = static_cast<int>(plan_index.size());
    plan_index[index] = next;
  }
  std::map<int, StageState> finished;

  std::vector<std::string> proxy_env;
  {
    // proxyEnvFromBuildArgs: sorted keys, any case; a later key wins.
    std::map<std::string, std::string> proxies;
    for (const auto& [key, value] : options_.build_args) {
      std::string upper = Upper(key);
      if (upper == "HTTP_PROXY" || upper == "HTTPS_PROXY" ||
          upper == "FTP_PROXY" || upper == "NO_PROXY" || upper == "ALL_PROXY") {
        proxies[upper] = value;
      }
    }
    for (std::string_view key :
         {"HTTP_PROXY", "HTTPS_PROXY", "FTP_PROXY", "NO_PROXY", "ALL_PROXY"}) {
      auto it = proxies.find(std::string(key));
      if (it == proxies.end() || it->second.empty()) continue;
      proxy_env.push_back(std::string(key) + "=" + it->second);
      proxy_env.push_back(Lower(key) + "=" + it->second);
    }
  }

  for (int index : reachable) {
    StageInfo& info = stages_[index];
    PlannedStage planned;
    planned.index = index;
    planned.name = info.stage->name;
    planned.base_text = info.base_name;
    StageState state;
    if (info.base_stage >= 0) {
      const StageState& base = finished.at(info.base_stage);
      const PlannedStage& base_plan =
          plan.stages[plan_index.at(info.base_stage)];
      state.image = base.image;
      state.env = base.env;
      state.build_args = base.build_args;
      state.platform = base.platform;
      state.workdir_set = base.workdir_set;
      planned.base = SourceRef{.kind = SourceKind::kStage,
                               .stage = plan_index.at(info.base_stage)};
      planned.base_config = base_plan.base_config;
      planned.base_config.config = base.image.config;
      planned.base_config.author = base.image.author;
      planned.base_config.config.on_build.clear();
    } else if (info.base_name == kScratch) {
      state.platform = info.resolved_platform;
      state.image = EmptyImage(state.platform);
      planned.base = SourceRef{.kind = SourceKind::kScratch};
      planned.base_config = state.image;
    } else {
      state.platform = info.resolved_platform;
      state.image = info.image->config;
      state.image.config.on_build.clear();
      planned.base = SourceRef{.kind = SourceKind::kImage,
                               .image_ref = info.image->ref,
                               .image_id = info.image->id};
      planned.base_config = state.image;
    }
    state.image.config.on_build.clear();
    InitStageFromImage(state);
    planned.platform = state.platform;

    DispatchContext ctx{
        .filename = filename_,
        .lexer = lexer_,
        .global_args = global_args_,
        .build_args = &options_.build_args,
        .proxy_env = proxy_env,
        .default_cache_mounts = options_.default_cache_mounts,
        .warnings = &warnings_,
        .lint_skip = lint_skip_,
    };
    ctx.resolve =
        [&](const SourceSpec& spec) -> Result<std::optional<SourceRef>> {
      if (spec.kind == SourceSpec::Kind::kStage) {
        if (!finished.contains(spec.stage)) return std::nullopt;
        return SourceRef{.kind = SourceKind::kStage,
                         .stage = plan_index.at(spec.stage)};
      }
      ZL_ASSIGN_OR_RETURN(ImageInfo image,
                          ResolveImage(spec.image, target_platform_));
      return SourceRef{.kind = SourceKind::kImage,
                       .image_ref = image.ref,
                       .image_id = image.id};
    };

    for (PendingCommand& pending : info.commands) {
      bool onbuild = pending.from_onbuild;
      ZL_ASSIGN_OR_RETURN(
          Step step,
          DispatchCommand(ctx, state, info.display_name, std::move(pending)));
      step.index = static_cast<int>(planned.steps.size());
      step.file = onbuild
                      ? "ONBUILD from " + info.base_name
                      : LocationOf(filename_, dockerfile::BaseOf(step.command));
      planned.steps.push_back(std::move(step));
    }

    std::set<int> deps;
    if (planned.base.kind == SourceKind::kStage)
      deps.insert(planned.base.stage);
    for (const Step& step : planned.steps) {
      if (step.copy_source.kind == SourceKind::kStage) {
        deps.insert(step.copy_source.stage);
      }
      for (const SourceRef& source : step.mount_sources) {
        if (source.kind == SourceKind::kStage) deps.insert(source.stage);
      }
    }
    planned.deps.assign(deps.begin(), deps.end());
    planned.final_config = state.image.config;
    planned.author = state.image.author;
    plan.stages.push_back(std::move(planned));
    finished.emplace(index, std::move(state));
  }
  return Ok();
}

// Docker's "[Warning] One or more build-args [...] were not consumed": a
// build arg no ARG of the build declares (globally or in a built stage).
void Planner::WarnUnusedArgs(const std::set<int>& reachable, Plan& plan) const {
  std::set<std::string> declared = meta_arg_keys_;
  for (int index : reachable) {
    for (const PendingCommand& pending : stages_[index].commands) {
      if (const auto* arg =
              std::get_if<dockerfile::ArgCommand>(&pending.command)) {
        for (const auto& kv : arg->args) declared.insert(kv.key);
      }
    }
  }
  std::vector<std::string> unused;
  for (const auto& [key, value] : options_.build_args) {
    if (!declared.contains(key) && !IsBuiltinArg(key)) unused.push_back(key);
  }
  if (!unused.empty()) {
    plan.warnings.push_back("[Warning] One or more build-args " +
                            GoListV(unused) + " were not consumed");
  }
}

Result<Plan> Planner::Run() {
  if (file_.stages.empty()) {
    return Fail("dockerfile contains no stages to build", ErrorKind::kInvalid);
  }
  lint_skip_ = LintSkips(file_.check);
  for (const std::string& spec : options_.default_cache_mounts) {
    auto mount = dockerfile::ParseMount(spec, nullptr);
    if (!mount) {
      return Fail("default cache mount " + dockerfile::text::GoQuote(spec) +
                      ": " + mount.error().message(),
                  ErrorKind::kUsage);
    }
    default_mounts_.push_back(std::move(*mount));
  }
  ZL_RETURN_IF_ERROR(SetUpPlatformsAndArgs());
  ZL_RETURN_IF_ERROR(ExpandFromLines());
  ZL_RETURN_IF_ERROR(CheckPackageManagers());
  ZL_ASSIGN_OR_RETURN(int target, FindTarget());
  ZL_RETURN_IF_ERROR(BuildDependencyGraph());
  ZL_RETURN_IF_ERROR(ResolveStages(target));
  std::set<int> reachable = Reachable(target);

  Plan plan;
  // Before dispatch, which consumes the pending commands.
  WarnUnusedArgs(reachable, plan);
  ZL_RETURN_IF_ERROR(DispatchStages(reachable, plan));
  plan.target = static_cast<int>(
      std::distance(reachable.begin(), reachable.find(target)));
  plan.warnings.insert(plan.warnings.end(), warnings_.begin(), warnings_.end());
  return plan;
}

}  // namespace

Result<Plan> MakePlan(const dockerfile::Dockerfile& dockerfile,
                      const PlanOptions& options, ImageResolver& images) {
  Planner planner(dockerfile, options, images);
  return planner.Run();
}

}  // namespace zlayer::plan
