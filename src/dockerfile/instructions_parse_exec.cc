// RUN, CMD, ENTRYPOINT, SHELL and HEALTHCHECK: the instructions that name a
// command to execute.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>

#include "base/units.h"
#include "dockerfile/instructions_request.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {
namespace {

ShellDependentCmdLine ParseShellDependent(const ParseRequest& req) {
  ShellDependentCmdLine line;
  for (const Heredoc& heredoc : req.heredocs) {
    line.files.push_back({heredoc.name, heredoc.content, heredoc.chomp});
  }
  line.cmd_line = HandleJsonArgs(req.args, req.json);
  line.prepend_shell = !req.json;
  return line;
}

Result<NetworkMode> ParseNetwork(const std::string& value) {
  if (value == "default") return NetworkMode::kDefault;
  if (value == "none") return NetworkMode::kNone;
  if (value == "host") return NetworkMode::kHost;
  return Invalid("invalid network mode " + text::GoQuote(value));
}

Result<SecurityMode> ParseSecurity(const std::string& value) {
  if (value == "sandbox") return SecurityMode::kSandbox;
  if (value == "insecure") return SecurityMode::kInsecure;
  return Invalid("security " + text::GoQuote(value) + " is not valid");
}

// parseOptInterval: empty means 0; otherwise a Go duration that is 0 or at
// least 1ms (negative durations are below the minimum too).
Result<std::chrono::nanoseconds> ParseInterval(const Flag& flag) {
  if (flag.value.empty()) return std::chrono::nanoseconds{0};
  ZL_ASSIGN_OR_RETURN(std::chrono::nanoseconds duration,
                      base::ParseGoDuration(flag.value));
  if (duration.count() != 0 && duration < std::chrono::milliseconds(1)) {
    return Invalid("Interval " + text::GoQuote(flag.name) +
                   " cannot be less than 1ms");
  }
  return duration;
}

// strconv.ParseInt(value, 10, 32), with Go's error text.
Result<int32_t> ParseInt32(const std::string& value) {
  std::string_view digits = value;
  if (digits.starts_with('+')) digits.remove_prefix(1);
  int64_t parsed = 0;
  auto [end, ec] =
      std::from_chars(digits.data(), digits.data() + digits.size(), parsed);
  std::string prefix = "strconv.ParseInt: parsing " + text::GoQuote(value);
  bool all_used = end == digits.data() + digits.size();
  bool signed_twice = value.starts_with('+') && digits.starts_with('-');
  if (digits.empty() || signed_twice ||
      (ec != std::errc() && ec != std::errc::result_out_of_range) ||
      !all_used) {
    return Invalid(prefix + ": invalid syntax");
  }
  if (ec == std::errc::result_out_of_range ||
      parsed < std::numeric_limits<int32_t>::min() ||
      parsed > std::numeric_limits<int32_t>::max()) {
    return Invalid(prefix + ": value out of range");
  }
  return static_cast<int32_t>(parsed);
}

struct HealthFlags {
  Flag* interval;
  Flag* timeout;
  Flag* start_period;
  Flag* start_interval;
  Flag* retries;
};

Status ApplyHealthFlags(const HealthFlags& flags, HealthcheckConfig& health) {
  ZL_ASSIGN_OR_RETURN(health.interval, ParseInterval(*flags.interval));
  ZL_ASSIGN_OR_RETURN(health.timeout, ParseInterval(*flags.timeout));
  ZL_ASSIGN_OR_RETURN(health.start_period, ParseInterval(*flags.start_period));
  ZL_ASSIGN_OR_RETURN(health.start_interval,
                      ParseInterval(*flags.start_interval));
  if (!flags.retries->value.empty()) {
    ZL_ASSIGN_OR_RETURN(int32_t retries, ParseInt32(flags.retries->value));
    if (retries < 0) {
      return Invalid("--retries cannot be negative (" +
                     std::to_string(retries) + ")");
    }
    health.retries = retries;
  }
  return Ok();
}

}  // namespace

Result<RunCommand> ParseRun(ParseRequest& req) {
  Flag& mount = req.flags.AddStrings("mount");
  Flag& network = req.flags.AddString("network", "default");
  Flag& security = req.flags.AddString("security", "sandbox");
  ZL_RETURN_IF_ERROR(req.flags.Parse());

  RunCommand cmd{req.Base()};
  cmd.flags_used = req.flags.Used();
  cmd.command = ParseShellDependent(req);
  cmd.mount_specs = mount.values;
  for (const std::string& spec : cmd.mount_specs) {
    ZL_ASSIGN_OR_RETURN(Mount parsed, ParseMount(spec, nullptr));
    cmd.mounts.push_back(std::move(parsed));
  }
  ZL_ASSIGN_OR_RETURN(cmd.network, ParseNetwork(network.value));
  ZL_ASSIGN_OR_RETURN(cmd.security, ParseSecurity(security.value));
  return cmd;
}

Result<CmdCommand> ParseCmd(ParseRequest& req) {
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  CmdCommand cmd{req.Base()};
  cmd.command = ParseShellDependent(req);
  return cmd;
}

Result<EntrypointCommand> ParseEntrypoint(ParseRequest& req) {
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  EntrypointCommand cmd{req.Base()};
  cmd.command = ParseShellDependent(req);
  return cmd;
}

Result<ShellCommand> ParseShell(ParseRequest& req) {
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  std::vector<std::string> shell = HandleJsonArgs(req.args, req.json);
  if (shell.empty()) return ErrAtLeastOneArgument("SHELL");
  if (!req.json)
    return Invalid("SHELL requires the arguments to be in JSON form");
  ShellCommand cmd{req.Base()};
  cmd.shell = std::move(shell);
  return cmd;
}

Result<HealthcheckCommand> ParseHealthcheck(ParseRequest& req) {
  if (req.args.empty()) return ErrAtLeastOneArgument("HEALTHCHECK");
  HealthcheckCommand cmd{req.Base()};
  std::string type = text::ToLower(req.args[0]);
  std::vector<std::string> rest(req.args.begin() + 1, req.args.end());
  if (type == "none") {
    if (!rest.empty()) return Invalid("HEALTHCHECK NONE takes no arguments");
    // BuildKit silently drops options here; they would have no effect.
    if (!req.flags.args().empty()) {
      return Invalid("HEALTHCHECK NONE takes no flags");
    }
    cmd.health.test = {"NONE"};
    return cmd;
  }
  HealthFlags flags{&req.flags.AddString("interval", ""),
                    &req.flags.AddString("timeout", ""),
                    &req.flags.AddString("start-period", ""),
                    &req.flags.AddString("start-interval", ""),
                    &req.flags.AddString("retries", "")};
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  if (type != "cmd") {
    return Invalid("Unknown type " + text::GoQuote(AsciiUpper(req.args[0])) +
                   " in HEALTHCHECK (try CMD)");
  }
  std::vector<std::string> command = HandleJsonArgs(rest, req.json);
  if (command.empty()) return Invalid("Missing command after HEALTHCHECK CMD");
  cmd.health.test.push_back(req.json ? "CMD" : "CMD-SHELL");
  cmd.health.test.insert(cmd.health.test.end(), command.begin(), command.end());
  ZL_RETURN_IF_ERROR(ApplyHealthFlags(flags, cmd.health));
  return cmd;
}

}  // namespace zlayer::dockerfile
