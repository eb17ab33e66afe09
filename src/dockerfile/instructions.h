// Typed Dockerfile instructions, BuildKit's frontend/dockerfile/instructions
// done the C++ way: one struct per instruction, built from a parse-tree Node
// by ParseInstruction (instructions_parse.h).
//
// Nothing here expands variables. Each instruction whose fields BuildKit
// expands has an Expand() method that passes exactly those fields through
// the planner's expander; exec-form arguments and RUN's shell text never
// reach it.
#ifndef ZLAYER_DOCKERFILE_INSTRUCTIONS_H_
#define ZLAYER_DOCKERFILE_INSTRUCTIONS_H_

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "dockerfile/expander.h"
#include "dockerfile/mounts.h"
#include "zlayer/result.h"

namespace zlayer::dockerfile {

struct SourceRange {
  int start_line = 0;  // 1-based
  int end_line = 0;    // heredoc bodies included

  bool operator==(const SourceRange&) const = default;
};

// What every instruction keeps of its source.
struct CommandBase {
  std::string keyword;  // as written: "COPY", "copy"
  std::string code;     // the logical line, trimmed (BuildKit's String())
  SourceRange location;
  std::vector<std::string> comments;  // comment lines just above
};

// ENV and LABEL pairs. `no_delim` marks the legacy `ENV key value` form.
// Values keep their quotes until Expand() (quote removal is part of
// expansion, as in BuildKit).
struct KeyValuePair {
  std::string key;
  std::string value;
  bool no_delim = false;

  bool operator==(const KeyValuePair&) const = default;
};

// ARG entries: a value only when `=` was written.
struct KeyValuePairOptional {
  std::string key;
  std::optional<std::string> value;
  std::string doc_comment;  // "# NAME does X" just above: "does X"

  bool operator==(const KeyValuePairOptional&) const = default;
};

// The FROM line; a Stage (stages.h) extends it with its commands.
struct FromCommand : CommandBase {
  std::string base_name;    // image, earlier stage or `scratch`, unexpanded
  std::string name;         // `AS name`, lower-cased; empty when unnamed
  std::string platform;     // --platform, unexpanded
  std::string doc_comment;  // "# name does X" above the FROM

  // BuildKit expands the base name and the platform, against global ARGs.
  Status Expand(const WordExpander& expand);
};

struct EnvCommand : CommandBase {
  std::vector<KeyValuePair> env;
  Status Expand(const WordExpander& expand);  // keys and values
};

struct MaintainerCommand : CommandBase {  // deprecated, still honoured
  std::string maintainer;
};

struct LabelCommand : CommandBase {
  std::vector<KeyValuePair> labels;
  Status Expand(const WordExpander& expand);  // keys and values
};

// A COPY/ADD source written inline as a heredoc (`COPY <<EOF /dst`).
struct SourceContent {
  std::string path;    // the heredoc name, used as the file name
  std::string data;    // already chomped for `<<-`
  bool expand = true;  // false when the delimiter was quoted

  bool operator==(const SourceContent&) const = default;
};

struct SourcesAndDest {
  std::string dest_path;
  std::vector<std::string> source_paths;
  std::vector<SourceContent> source_contents;

  bool operator==(const SourcesAndDest&) const = default;

  // Source paths and destination.
  Status Expand(const WordExpander& expand);
  // Heredoc contents whose delimiter was unquoted, with a raw expander
  // (BuildKit's SkipProcessQuotes lexer: quotes survive).
  Status ExpandRaw(const WordExpander& expand_raw);
};

struct AddCommand : CommandBase {
  SourcesAndDest files;
  std::string chown;
  std::string chmod;
  bool link = false;
  std::vector<std::string> exclude_patterns;  // --exclude, repeatable
  std::optional<bool> keep_git_dir;           // only when given
  std::string checksum;
  std::optional<bool> unpack;  // only when given

  // chown, chmod, checksum, sources and destination.
  Status Expand(const WordExpander& expand);
  Status ExpandRaw(const WordExpander& expand_raw) {
    return files.ExpandRaw(expand_raw);
  }
};

struct CopyCommand : CommandBase {
  SourcesAndDest files;
  std::string from;  // stage name, stage index or image
  std::string chown;
  std::string chmod;
  bool link = false;
  bool parents = false;
  std::vector<std::string> exclude_patterns;

  // chown, chmod, sources and destination. `from` is not expanded: like
  // BuildKit, a --from that expansion would change is an error.
  Status Expand(const WordExpander& expand);
  Status ExpandRaw(const WordExpander& expand_raw) {
    return files.ExpandRaw(expand_raw);
  }
};

// Stored in the image config and run by builds that use the image as base.
struct OnbuildCommand : CommandBase {
  std::string expression;  // the trigger line, heredoc bodies re-attached
  std::string trigger;     // its instruction, upper-cased: "RUN"
};

struct WorkdirCommand : CommandBase {
  std::string path;
  Status Expand(const WordExpander& expand);
};

// A heredoc attached to RUN/CMD/ENTRYPOINT, content as written (unchomped).
struct ShellInlineFile {
  std::string name;
  std::string data;
  bool chomp = false;

  bool operator==(const ShellInlineFile&) const = default;
};

// Shell form: one element, the text, run through the stage's SHELL.
// Exec form (JSON): the elements, run as they are.
struct ShellDependentCmdLine {
  std::vector<std::string> cmd_line;
  std::vector<ShellInlineFile> files;
  bool prepend_shell = false;
};

enum class NetworkMode { kDefault, kNone, kHost };
enum class SecurityMode { kSandbox, kInsecure };

struct RunCommand : CommandBase {
  ShellDependentCmdLine command;
  // The --mount values as written, and what they mean. Before Expand() only
  // `from` of each mount is known (BuildKit's parse-time pass), which is
  // enough to find the stages a RUN depends on.
  std::vector<std::string> mount_specs;
  std::vector<Mount> mounts;
  NetworkMode network = NetworkMode::kDefault;
  SecurityMode security = SecurityMode::kSandbox;
  std::vector<std::string> flags_used;  // sorted flag names

  // Parses every mount again with its option values expanded. The command
  // text is never expanded (the shell does that at run time).
  Status Expand(const WordExpander& expand);
};

struct CmdCommand : CommandBase {
  ShellDependentCmdLine command;
};

struct EntrypointCommand : CommandBase {
  ShellDependentCmdLine command;
};

struct HealthcheckConfig {
  // {"NONE"}, {"CMD", args...} (exec form) or {"CMD-SHELL", text}.
  std::vector<std::string> test;
  std::chrono::nanoseconds interval{0};  // 0: inherit / default
  std::chrono::nanoseconds timeout{0};
  std::chrono::nanoseconds start_period{0};
  std::chrono::nanoseconds start_interval{0};
  int retries = 0;

  bool operator==(const HealthcheckConfig&) const = default;
};

struct HealthcheckCommand : CommandBase {
  HealthcheckConfig health;
};

struct ExposeCommand : CommandBase {
  std::vector<std::string> ports;  // as written, sorted
  // BuildKit splits each expanded port into words (`EXPOSE $PORTS`).
  Status ExpandWords(const WordsExpander& expand_words);
};

struct UserCommand : CommandBase {
  std::string user;
  Status Expand(const WordExpander& expand);
};

struct VolumeCommand : CommandBase {
  std::vector<std::string> volumes;
  Status Expand(const WordExpander& expand);
};

struct StopSignalCommand : CommandBase {
  std::string signal;
  Status Expand(const WordExpander& expand);
};

struct ArgCommand : CommandBase {
  std::vector<KeyValuePairOptional> args;
  // Keys and the values that were given. The planner expands a default only
  // when no --build-arg overrides it, as BuildKit does.
  Status Expand(const WordExpander& expand);
};

struct ShellCommand : CommandBase {
  std::vector<std::string> shell;  // always the exec form
};

// Any instruction inside a stage.
using Command =
    std::variant<AddCommand, ArgCommand, CmdCommand, CopyCommand,
                 EntrypointCommand, EnvCommand, ExposeCommand,
                 HealthcheckCommand, LabelCommand, MaintainerCommand,
                 OnbuildCommand, RunCommand, ShellCommand, StopSignalCommand,
                 UserCommand, VolumeCommand, WorkdirCommand>;

// What one parse-tree node becomes: a stage header or a command.
using Instruction = std::variant<FromCommand, Command>;

const CommandBase& BaseOf(const Command& command);

// Calls Expand() on commands that BuildKit expands before dispatch: every
// kind with an Expand() except ARG (whose default is expanded only when no
// build arg is given) and EXPOSE (which needs word splitting). Other kinds
// are left untouched.
Status ExpandCommand(Command& command, const WordExpander& expand);

// ExpandRaw() for COPY/ADD heredoc sources; a no-op for other kinds.
Status ExpandCommandRaw(Command& command, const WordExpander& expand_raw);

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_INSTRUCTIONS_H_
