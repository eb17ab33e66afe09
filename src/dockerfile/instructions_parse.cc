#include "dockerfile/instructions_parse.h"

#include <algorithm>
#include <array>

#include "base/utf8.h"
#include "dockerfile/instructions_request.h"
#include "dockerfile/suggest.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {
namespace {

constexpr std::array<std::string_view, 18> kInstructionNames = {
    "ADD",    "ARG",   "CMD",         "COPY",  "ENTRYPOINT", "ENV",
    "EXPOSE", "FROM",  "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD",
    "RUN",    "SHELL", "STOPSIGNAL",  "USER",  "VOLUME",     "WORKDIR"};

Result<std::vector<KeyValuePair>> ParseKeyValuePairs(
    const std::vector<std::string>& args, std::string_view command) {
  if (args.empty()) return ErrAtLeastOneArgument(command);
  if (args.size() % 3 != 0) {
    // The parser always emits triples; this guards hand-built nodes.
    return Invalid("Bad input to " + std::string(command) +
                   ", too many arguments");
  }
  std::vector<KeyValuePair> pairs;
  for (size_t i = 0; i < args.size(); i += 3) {
    if (args[i].empty()) {
      return Invalid(std::string(command) + " names can not be blank");
    }
    pairs.push_back({args[i], args[i + 1], args[i + 2].empty()});
  }
  return pairs;
}

Result<EnvCommand> ParseEnv(ParseRequest& req) {
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  EnvCommand cmd{req.Base()};
  ZL_ASSIGN_OR_RETURN(cmd.env, ParseKeyValuePairs(req.args, "ENV"));
  return cmd;
}

Result<LabelCommand> ParseLabel(ParseRequest& req) {
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  LabelCommand cmd{req.Base()};
  ZL_ASSIGN_OR_RETURN(cmd.labels, ParseKeyValuePairs(req.args, "LABEL"));
  return cmd;
}

// MAINTAINER, WORKDIR, USER and STOPSIGNAL take one word and no flags.
Result<std::string> SingleArgument(ParseRequest& req,
                                   std::string_view command) {
  if (req.args.size() != 1) return ErrExactlyOneArgument(command);
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  return req.args[0];
}

Result<ArgCommand> ParseArg(ParseRequest& req) {
  if (req.args.empty()) return ErrAtLeastOneArgument("ARG");
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  ArgCommand cmd{req.Base()};
  for (const std::string& arg : req.args) {
    // The parser leaves `name=value` whole for ARG (unlike ENV) because a
    // name without a value is allowed.
    KeyValuePairOptional pair;
    size_t equals = arg.find('=');
    if (equals != std::string::npos) {
      if (equals == 0) return Invalid("ARG names can not be blank");
      pair.key = arg.substr(0, equals);
      pair.value = arg.substr(equals + 1);
    } else {
      pair.key = arg;
    }
    pair.doc_comment = DocComment(req.comments, pair.key);
    cmd.args.push_back(std::move(pair));
  }
  return cmd;
}

Result<ExposeCommand> ParseExpose(ParseRequest& req) {
  if (req.args.empty()) return ErrAtLeastOneArgument("EXPOSE");
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  ExposeCommand cmd{req.Base()};
  cmd.ports = req.args;
  std::sort(cmd.ports.begin(), cmd.ports.end());
  return cmd;
}

Result<VolumeCommand> ParseVolume(ParseRequest& req) {
  if (req.args.empty()) return ErrAtLeastOneArgument("VOLUME");
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  VolumeCommand cmd{req.Base()};
  for (const std::string& arg : req.args) {
    std::string_view volume = base::TrimSpace(arg);
    if (volume.empty()) {
      return Invalid("VOLUME specified can not be an empty string");
    }
    cmd.volumes.emplace_back(volume);
  }
  return cmd;
}

// BuildKit's validStageName: ^[a-z][a-z0-9-_.]*$
bool IsValidStageName(std::string_view name) {
  if (name.empty() || name[0] < 'a' || name[0] > 'z') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return text::ToLower(a) == text::ToLower(b);
}

Result<FromCommand> ParseFrom(ParseRequest& req) {
  FromCommand cmd{req.Base()};
  const std::vector<std::string>& args = req.args;
  if (args.size() == 3 && EqualsIgnoreCase(args[1], "as")) {
    cmd.name = text::ToLower(args[2]);
    if (!IsValidStageName(cmd.name)) {
      return Invalid("invalid name for build stage: " + text::GoQuote(args[2]) +
                     ", name can't start with a number or contain symbols");
    }
  } else if (args.size() != 1) {
    return Invalid("FROM requires either one or three arguments");
  }
  Flag& platform = req.flags.AddString("platform", "");
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  cmd.base_name = args[0];
  cmd.platform = platform.value;
  cmd.doc_comment = DocComment(req.comments, cmd.name);
  return cmd;
}

// The ONBUILD line without its keyword: regexp `(?i)^\s*ONBUILD\s*`.
std::string StripOnbuildKeyword(std::string_view line) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
  };
  size_t pos = 0;
  while (pos < line.size() && is_space(line[pos])) ++pos;
  if (!EqualsIgnoreCase(line.substr(pos, 7), "onbuild")) {
    return std::string(line);
  }
  pos += 7;
  while (pos < line.size() && is_space(line[pos])) ++pos;
  return std::string(line.substr(pos));
}

Result<OnbuildCommand> ParseOnbuild(ParseRequest& req) {
  if (req.args.empty()) return ErrAtLeastOneArgument("ONBUILD");
  ZL_RETURN_IF_ERROR(req.flags.Parse());
  OnbuildCommand cmd{req.Base()};
  cmd.trigger = AsciiUpper(base::TrimSpace(req.args[0]));
  if (cmd.trigger == "ONBUILD") {
    return Invalid("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
  }
  if (cmd.trigger == "MAINTAINER" || cmd.trigger == "FROM") {
    return Invalid(cmd.trigger + " isn't allowed as an ONBUILD trigger");
  }
  cmd.expression = StripOnbuildKeyword(req.original);
  // The trigger runs in another build, so its heredoc bodies travel with it.
  for (const Heredoc& heredoc : req.heredocs) {
    cmd.expression += '\n';
    cmd.expression += heredoc.content;
    cmd.expression += heredoc.name;
  }
  return cmd;
}

template <typename T>
Result<Instruction> AsInstruction(Result<T> parsed) {
  if (!parsed) return std::unexpected(std::move(parsed).error());
  if constexpr (std::is_same_v<T, FromCommand>) {
    return Instruction(std::move(*parsed));
  } else {
    return Instruction(Command(std::move(*parsed)));
  }
}

template <typename T>
Result<Instruction> SimpleCommand(ParseRequest& req, std::string_view command,
                                  std::string T::*field) {
  ZL_ASSIGN_OR_RETURN(std::string value, SingleArgument(req, command));
  T cmd{req.Base()};
  cmd.*field = std::move(value);
  return Instruction(Command(std::move(cmd)));
}

Result<Instruction> Dispatch(ParseRequest& req, std::string_view name) {
  if (name == "env") return AsInstruction(ParseEnv(req));
  if (name == "maintainer") {
    return SimpleCommand(req, "MAINTAINER", &MaintainerCommand::maintainer);
  }
  if (name == "label") return AsInstruction(ParseLabel(req));
  if (name == "add") return AsInstruction(ParseAdd(req));
  if (name == "copy") return AsInstruction(ParseCopy(req));
  if (name == "from") return AsInstruction(ParseFrom(req));
  if (name == "onbuild") return AsInstruction(ParseOnbuild(req));
  if (name == "workdir") {
    return SimpleCommand(req, "WORKDIR", &WorkdirCommand::path);
  }
  if (name == "run") return AsInstruction(ParseRun(req));
  if (name == "cmd") return AsInstruction(ParseCmd(req));
  if (name == "healthcheck") return AsInstruction(ParseHealthcheck(req));
  if (name == "entrypoint") return AsInstruction(ParseEntrypoint(req));
  if (name == "expose") return AsInstruction(ParseExpose(req));
  if (name == "user") return SimpleCommand(req, "USER", &UserCommand::user);
  if (name == "volume") return AsInstruction(ParseVolume(req));
  if (name == "stopsignal") {
    return SimpleCommand(req, "STOPSIGNAL", &StopSignalCommand::signal);
  }
  if (name == "arg") return AsInstruction(ParseArg(req));
  if (name == "shell") return AsInstruction(ParseShell(req));
  return Invalid(WithSuggestion("unknown instruction: " + req.keyword,
                                req.keyword, kInstructionNames, false));
}

bool IsKnownInstruction(std::string_view upper) {
  return std::find(kInstructionNames.begin(), kInstructionNames.end(), upper) !=
         kInstructionNames.end();
}

void LintNode(const Node& node, const Instruction& parsed,
              std::vector<Warning>& warnings) {
  auto warn = [&](std::string message) {
    warnings.push_back({std::move(message), node.start_line});
  };
  if (node.Name() == "maintainer") {
    warn(
        "MaintainerDeprecated: Maintainer instruction is deprecated in favor "
        "of using label");
  }
  if (!std::holds_alternative<FromCommand>(parsed) || node.args.size() != 3) {
    return;
  }
  const std::string& as_name = node.args[2];
  if (as_name != text::ToLower(as_name)) {
    warn("StageNameCasing: Stage name '" + as_name + "' should be lowercase");
  }
  // Only a keyword written all in one case sets an expectation for `AS`.
  bool from_lower = node.keyword == text::ToLower(node.keyword);
  bool from_upper = node.keyword == AsciiUpper(node.keyword);
  const std::string& as = node.args[1];
  if ((from_lower && as != text::ToLower(as)) ||
      (from_upper && !from_lower && as != AsciiUpper(as))) {
    warn("FromAsCasing: '" + as + "' and '" + node.keyword +
         "' keywords' casing do not match");
  }
}

}  // namespace

Result<Instruction> ParseInstruction(const Node& node,
                                     std::string_view filename,
                                     std::vector<Warning>* warnings) {
  ParseRequest req(node);
  Result<Instruction> parsed = Dispatch(req, node.Name());
  if (!parsed) {
    std::string upper = AsciiUpper(node.keyword);
    const std::string& message = parsed.error().message();
    if (IsKnownInstruction(upper) && !message.starts_with(upper + " ")) {
      parsed.error().AddContext(upper);
    }
    parsed.error().AddContext(std::string(filename) + ":" +
                              std::to_string(node.start_line));
    return parsed;
  }
  if (warnings != nullptr) LintNode(node, *parsed, *warnings);
  return parsed;
}

}  // namespace zlayer::dockerfile
