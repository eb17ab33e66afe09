#include "dockerfile/run_heredoc.h"

#include "base/utf8.h"
#include "dockerfile/heredoc.h"
#include "dockerfile/mount_fields.h"
#include "dockerfile/parser.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {
namespace {

// BuildKit's summarizeHeredoc: the first line, "..." when there are more.
std::string SummarizeHeredoc(std::string_view body) {
  body = base::TrimSpace(body);
  std::string first;
  bool more = false;
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n' || body.substr(i, 2) == "\r\n") {
      more = true;
      break;
    }
    first.push_back(body[i]);
  }
  return more ? first + "..." : first;
}

std::string DescribeArgs(const std::vector<std::string>& args) {
  std::string out = "[";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) out += ' ';
    out += args[i];
  }
  return out + "]";
}

bool IsSingleHeredoc(std::string_view command) {
  Result<std::optional<Heredoc>> word = ParseHeredoc(command);
  return word && word->has_value();
}

}  // namespace

Result<RunInvocation> PlanRunInvocation(const RunCommand& run, bool windows) {
  const ShellDependentCmdLine& command = run.command;
  RunInvocation out;
  out.args = command.cmd_line;
  if (command.files.empty()) return out;
  if (out.args.size() != 1 || !command.prepend_shell) {
    return Fail(
        "parsing produced an invalid run command: " + DescribeArgs(out.args),
        ErrorKind::kInvalid);
  }
  const ShellInlineFile& first = command.files[0];
  if (IsSingleHeredoc(out.args[0])) {
    std::string data =
        first.chomp ? ChompHeredocContent(first.data) : first.data;
    if (!windows && data.starts_with("#!")) {
      out.args = {CleanPath(std::string(kHeredocScriptDir) + first.name)};
      out.script = ShellInlineFile{first.name, std::move(data), false};
    } else {
      out.args = {std::move(data)};
    }
    out.summary = " (" + SummarizeHeredoc(first.data) + ")";
    return out;
  }
  // The shell gets the heredocs back and handles `<<-` and quoting itself.
  std::string script = out.args[0];
  for (const ShellInlineFile& file : command.files) {
    script += '\n';
    script += file.data;
    script += file.name;
  }
  out.args = {std::move(script)};
  return out;
}

}  // namespace zlayer::dockerfile
