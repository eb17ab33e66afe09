// The dispatcher: expansion, then one handler per instruction kind (the
// filesystem ones are in dispatch_files.cc).
#include "plan/dispatch.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <variant>

#include "dockerfile/suggest.h"
#include "dockerfile/text.h"
#include "plan/canonical.h"
#include "plan/config_rules.h"
#include "plan/dispatcher.h"
#include "plan/go_format.h"

namespace zlayer::plan {

using dockerfile::Command;

Status Dispatcher::ExpandFields(PendingCommand& pending) {
  Command& command = pending.command;
  if (auto* run = std::get_if<dockerfile::RunCommand>(&command)) {
    // The default cache mounts join the RUN's own before expansion.
    for (const std::string& spec : ctx_.default_cache_mounts) {
      run->mount_specs.push_back(spec);
    }
  }
  if (!std::holds_alternative<dockerfile::ArgCommand>(command)) {
    ZL_RETURN_IF_ERROR(dockerfile::ExpandCommand(
        command, MakeExpander(ctx_.lexer, d_.env, log_)));
  }
  // Heredoc bodies use a fresh lexer with the default escape, quotes kept.
  shell::Lexer raw(
      shell::LexerOptions{.escape = '\\', .skip_process_quotes = true});
  ZL_RETURN_IF_ERROR(
      dockerfile::ExpandCommandRaw(command, MakeExpander(raw, d_.env, log_)));
  return Ok();
}

void Dispatcher::ReportUnmatched(int line) {
  std::set<std::string> names = std::move(log_.unmatched);
  log_.unmatched.clear();
  for (const auto& arg : d_.build_args) names.erase(arg.key);
  if (names.empty()) return;
  std::vector<std::string> keys = d_.env.Keys();
  std::vector<std::string_view> options(keys.begin(), keys.end());
  for (const std::string& name : names) {
    if (IsNonEnvArg(name)) continue;
    std::string message = "Usage of undefined variable '$" + name + "'";
    if (auto match = dockerfile::SuggestClosest(name, options, true)) {
      message += " (did you mean $" + *match + "?)";
    }
    ctx_.Lint(line, "UndefinedVar", std::move(message));
  }
}

// runCommandString's view of the args: first-declaration order, the value
// from the build state (where a later ENV may have replaced it).
std::vector<std::string> Dispatcher::ArgsInScope() const {
  std::vector<std::string> out;
  std::map<std::string, size_t> index;
  for (const auto& arg : d_.build_args) {
    auto value = d_.env.Get(arg.key);
    std::string entry =
        arg.key + "=" +
        (value ? std::string(*value) : arg.value.value_or(std::string()));
    auto it = index.find(arg.key);
    if (it != index.end()) {
      out[it->second] = std::move(entry);
    } else {
      index.emplace(arg.key, out.size());
      out.push_back(std::move(entry));
    }
  }
  return out;
}

std::vector<std::string> Dispatcher::MatchedArgs() const {
  std::vector<std::string> out;
  for (const std::string& entry : ArgsInScope()) {
    if (log_.matched.contains(SplitKeyValue(entry).first)) {
      out.push_back(entry);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<SourceRef> Dispatcher::Resolve(const SourceSpec& spec, bool copy,
                                      const std::string& from,
                                      const std::string& target) const {
  if (spec.kind == SourceSpec::Kind::kNone) return SourceRef{};
  ZL_ASSIGN_OR_RETURN(std::optional<SourceRef> ref, ctx_.resolve(spec));
  if (ref) return *ref;
  if (copy) {
    return Fail("cannot copy from stage " + dockerfile::text::GoQuote(from) +
                    ", it needs to be defined before current stage " +
                    dockerfile::text::GoQuote(stage_name_),
                ErrorKind::kInvalid);
  }
  return Fail("cannot mount from stage " + dockerfile::text::GoQuote(from) +
                  " to " + dockerfile::text::GoQuote(target) +
                  ", stage needs to be defined before current command",
              ErrorKind::kInvalid);
}

void Dispatcher::UsedOnce(bool& seen, const dockerfile::CommandBase& c) {
  if (seen) {
    std::string name = c.keyword;
    for (char& ch : name) {
      ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    }
    ctx_.Lint(line_, "MultipleInstructionsDisallowed",
              "Multiple " + name +
                  " instructions should not be used in the same stage "
                  "because only the last one will be used");
  }
  seen = true;
}

void Dispatcher::JsonArgsLint(const dockerfile::CommandBase& c,
                              const dockerfile::ShellDependentCmdLine& cmd) {
  if (cmd.prepend_shell && d_.image.config.shell.empty()) {
    ctx_.Lint(line_, "JSONArgsRecommended",
              "JSON arguments recommended for " + c.keyword +
                  " to prevent unintended behavior related to OS signals");
  }
}

Status Dispatcher::Env(const dockerfile::EnvCommand& c) {
  std::string message = "ENV";
  Canonical canon("ENV");
  for (const dockerfile::KeyValuePair& pair : c.env) {
    if (pair.no_delim) {
      ctx_.Lint(line_, "LegacyKeyValueFormat",
                "\"ENV key=value\" should be used instead of legacy \"ENV "
                "key value\" format");
    }
    message += " " + pair.key + "=" + pair.value;
    canon.Add("env", pair.key + "=" + pair.value);
    d_.env.Set(pair.key, pair.value);
    AddImageEnv(d_.image.config.env, pair.key, pair.value);
  }
  step_.created_by = std::move(message);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Label(const dockerfile::LabelCommand& c) {
  std::string message = "LABEL";
  Canonical canon("LABEL");
  for (const dockerfile::KeyValuePair& pair : c.labels) {
    if (pair.no_delim) {
      ctx_.Lint(line_, "LegacyKeyValueFormat",
                "\"LABEL key=value\" should be used instead of legacy "
                "\"LABEL key value\" format");
    }
    d_.image.config.labels[pair.key] = pair.value;
    message += " " + pair.key + "=" + pair.value;
    canon.Add("label", pair.key + "=" + pair.value);
  }
  step_.created_by = std::move(message);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Cmd(const dockerfile::CmdCommand& c) {
  UsedOnce(d_.cmd_set, c);
  JsonArgsLint(c, c.command);
  std::vector<std::string> args = c.command.cmd_line;
  if (c.command.prepend_shell) args = WithShell(d_.image, args);
  d_.image.config.cmd = args;
  d_.image.config.args_escaped = true;
  step_.created_by = "CMD " + GoListQ(args);
  Canonical canon("CMD");
  canon.AddList("cmd", args);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Entrypoint(const dockerfile::EntrypointCommand& c) {
  UsedOnce(d_.entrypoint_set, c);
  JsonArgsLint(c, c.command);
  std::vector<std::string> args = c.command.cmd_line;
  if (c.command.prepend_shell) args = WithShell(d_.image, args);
  d_.image.config.entrypoint = args;
  // An ENTRYPOINT drops the CMD it inherited, not one set in this stage.
  if (!d_.cmd_set) d_.image.config.cmd.clear();
  step_.created_by = "ENTRYPOINT " + GoListQ(args);
  Canonical canon("ENTRYPOINT");
  canon.AddList("entrypoint", args);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Healthcheck(const dockerfile::HealthcheckCommand& c) {
  UsedOnce(d_.healthcheck_set, c);
  oci::HealthConfig health{.test = c.health.test,
                           .interval = c.health.interval,
                           .timeout = c.health.timeout,
                           .start_period = c.health.start_period,
                           .start_interval = c.health.start_interval,
                           .retries = c.health.retries};
  d_.image.config.healthcheck = health;
  step_.created_by = "HEALTHCHECK {Test:" + GoListV(health.test) +
                     " Interval:" + GoDuration(health.interval) +
                     " Timeout:" + GoDuration(health.timeout) +
                     " StartPeriod:" + GoDuration(health.start_period) +
                     " StartInterval:" + GoDuration(health.start_interval) +
                     " Retries:" + std::to_string(health.retries) + "}";
  Canonical canon("HEALTHCHECK");
  canon.Add("health", step_.created_by);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Expose(dockerfile::ExposeCommand& c) {
  ZL_RETURN_IF_ERROR(c.ExpandWords(
      [&](std::string_view word) -> Result<std::vector<std::string>> {
        // ProcessWord only to learn which variables the word reads.
        ZL_ASSIGN_OR_RETURN(shell::ExpandResult seen,
                            ctx_.lexer.ProcessWord(word, d_.env));
        log_.matched.insert(seen.matched.begin(), seen.matched.end());
        log_.unmatched.insert(seen.unmatched.begin(), seen.unmatched.end());
        return ctx_.lexer.ProcessWords(word, d_.env);
      }));
  std::vector<std::string> ports;
  std::vector<std::string> lint;
  for (const std::string& raw : c.ports) {
    ZL_ASSIGN_OR_RETURN(std::vector<std::string> parsed,
                        ParseExposePort(raw, &lint));
    ports.insert(ports.end(), parsed.begin(), parsed.end());
  }
  for (std::string& finding : lint) {
    size_t colon = finding.find(": ");
    ctx_.Lint(line_, finding.substr(0, colon), finding.substr(colon + 2));
  }
  for (const std::string& port : ports) {
    d_.image.config.exposed_ports.insert(port);
  }
  step_.created_by = "EXPOSE " + GoListV(ports);
  Canonical canon("EXPOSE");
  canon.AddList("ports", ports);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::User(const dockerfile::UserCommand& c) {
  d_.image.config.user = c.user;
  step_.created_by = "USER " + c.user;
  Canonical canon("USER");
  canon.Add("user", c.user);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Volume(const dockerfile::VolumeCommand& c) {
  for (const std::string& volume : c.volumes) {
    if (volume.empty()) {
      return Fail("VOLUME specified can not be an empty string",
                  ErrorKind::kInvalid);
    }
    d_.image.config.volumes.insert(volume);
  }
  step_.created_by = "VOLUME " + GoListV(c.volumes);
  Canonical canon("VOLUME");
  canon.AddList("volumes", c.volumes);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::StopSignal(const dockerfile::StopSignalCommand& c) {
  ZL_RETURN_IF_ERROR(ValidateStopSignal(c.signal));
  d_.image.config.stop_signal = c.signal;
  step_.created_by = "STOPSIGNAL " + c.signal;
  Canonical canon("STOPSIGNAL");
  canon.Add("signal", c.signal);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Shell(const dockerfile::ShellCommand& c) {
  d_.image.config.shell = c.shell;
  step_.created_by = "SHELL " + GoListV(c.shell);
  Canonical canon("SHELL");
  canon.AddList("shell", c.shell);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Arg(dockerfile::ArgCommand& c) {
  std::vector<std::string> parts;
  Canonical canon("ARG");
  for (dockerfile::KeyValuePairOptional& arg : c.args) {
    auto given = ctx_.build_args->find(arg.key);
    bool has_value = given != ctx_.build_args->end();
    bool has_default = arg.value.has_value();
    if (!has_default && !has_value) {
      if (auto global = ctx_.global_args.Get(arg.key)) {
        arg.value = std::string(*global);
      }
    }
    if (has_value) {
      arg.value = given->second;
    } else if (has_default) {
      ZL_ASSIGN_OR_RETURN(std::string expanded,
                          MakeExpander(ctx_.lexer, d_.env, log_)(*arg.value));
      arg.value = std::move(expanded);
    }
    if (arg.value && !IsNonEnvArg(arg.key)) d_.env.Set(arg.key, *arg.value);
    d_.build_args.push_back(arg);
    parts.push_back(arg.value ? arg.key + "=" + *arg.value : arg.key);
    // The value reaches later steps through their cache args, so a changed
    // --build-arg does not invalidate steps that never read it.
    canon.Add("arg", arg.key);
  }
  std::string message = "ARG";
  for (const std::string& part : parts) message += " " + part;
  step_.created_by = std::move(message);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Onbuild(const dockerfile::OnbuildCommand& c) {
  d_.image.config.on_build.push_back(c.expression);
  // BuildKit writes no history entry for ONBUILD.
  step_.history = false;
  Canonical canon("ONBUILD");
  canon.Add("expression", c.expression);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Maintainer(const dockerfile::MaintainerCommand& c) {
  d_.image.author = c.maintainer;
  step_.created_by = "MAINTAINER " + c.maintainer;
  Canonical canon("MAINTAINER");
  canon.Add("maintainer", c.maintainer);
  step_.canonical = canon.Text();
  return Ok();
}

Status Dispatcher::Dispatch(PendingCommand& pending) {
  line_ = dockerfile::BaseOf(pending.command).location.start_line;
  ZL_RETURN_IF_ERROR(ExpandFields(pending));
  Command& command = pending.command;
  Status status = std::visit(
      [&](auto& c) -> Status {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, dockerfile::EnvCommand>) {
          return Env(c);
        } else if constexpr (std::is_same_v<T, dockerfile::LabelCommand>) {
          return Label(c);
        } else if constexpr (std::is_same_v<T, dockerfile::RunCommand>) {
          return Run(c, pending);
        } else if constexpr (std::is_same_v<T, dockerfile::WorkdirCommand>) {
          return Workdir(c);
        } else if constexpr (std::is_same_v<T, dockerfile::CopyCommand>) {
          return Copy(c, pending);
        } else if constexpr (std::is_same_v<T, dockerfile::AddCommand>) {
          return Add(c);
        } else if constexpr (std::is_same_v<T, dockerfile::CmdCommand>) {
          return Cmd(c);
        } else if constexpr (std::is_same_v<T, dockerfile::EntrypointCommand>) {
          return Entrypoint(c);
        } else if constexpr (std::is_same_v<T,
                                            dockerfile::HealthcheckCommand>) {
          return Healthcheck(c);
        } else if constexpr (std::is_same_v<T, dockerfile::ExposeCommand>) {
          return Expose(c);
        } else if constexpr (std::is_same_v<T, dockerfile::UserCommand>) {
          return User(c);
        } else if constexpr (std::is_same_v<T, dockerfile::VolumeCommand>) {
          return Volume(c);
        } else if constexpr (std::is_same_v<T, dockerfile::StopSignalCommand>) {
          return StopSignal(c);
        } else if constexpr (std::is_same_v<T, dockerfile::ShellCommand>) {
          return Shell(c);
        } else if constexpr (std::is_same_v<T, dockerfile::ArgCommand>) {
          return Arg(c);
        } else if constexpr (std::is_same_v<T, dockerfile::OnbuildCommand>) {
          return Onbuild(c);
        } else {
          static_assert(std::is_same_v<T, dockerfile::MaintainerCommand>);
          return Maintainer(c);
        }
      },
      command);
  ZL_RETURN_IF_ERROR(status);
  ReportUnmatched(line_);
  if (!std::holds_alternative<dockerfile::RunCommand>(command)) {
    step_.cache_args = MatchedArgs();
  }
  return Ok();
}

void DispatchContext::Lint(int line, std::string_view rule,
                           std::string message) const {
  if (warnings == nullptr || lint_skip.contains("all") ||
      lint_skip.contains(std::string(rule))) {
    return;
  }
  std::string text = filename + ":" + std::to_string(line) + ": " +
                     std::string(rule) + ": " + std::move(message);
  if (std::find(warnings->begin(), warnings->end(), text) == warnings->end()) {
    warnings->push_back(std::move(text));
  }
}

std::string LocationOf(const std::string& filename,
                       const dockerfile::CommandBase& command) {
  return filename + ":" + std::to_string(command.location.start_line);
}

Result<Step> DispatchCommand(const DispatchContext& ctx, StageState& stage,
                             const std::string& stage_name,
                             PendingCommand pending) {
  Step step;
  const dockerfile::CommandBase& base = dockerfile::BaseOf(pending.command);
  step.text = base.code;
  step.from_onbuild = pending.from_onbuild;
  step.config_before = stage.image.config;
  std::string location = LocationOf(ctx.filename, base);
  Dispatcher dispatcher(ctx, stage, stage_name, step);
  Status status = dispatcher.Dispatch(pending);
  if (!status) {
    Error error = std::move(status).error();
    error.AddContext(location);
    return std::unexpected(std::move(error));
  }
  step.command = std::move(pending.command);
  step.config_after = stage.image.config;
  return step;
}

void InitStageFromImage(StageState& stage) {
  oci::ContainerConfig& config = stage.image.config;
  bool has_path = false;
  for (const std::string& entry : config.env) {
    if (SplitKeyValue(entry).first == "PATH") has_path = true;
  }
  if (!has_path && stage.platform.os != "windows") {
    config.env.push_back(
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  }
  for (const std::string& entry : config.env) {
    auto [key, value] = SplitKeyValue(entry);
    stage.env.Set(key, std::move(value));
  }
  if (!config.working_dir.empty()) {
    // dispatchWorkdir(WorkingDir) against itself: a relative WorkingDir of
    // an image ("app") comes out doubled ("/app/app"), as under BuildKit.
    config.working_dir =
        NormalizePath(config.working_dir, config.working_dir, false);
  }
}

}  // namespace zlayer::plan
