// How a shell-form RUN that carries heredocs is executed, as BuildKit's
// dispatchRun decides it:
//   RUN <<EOF            the body is the script: run it with the shell, or,
//   ...                  when it starts with `#!`, as a file of its own
//   EOF                  (not on Windows);
//   RUN python3 <<EOF    anything else: the heredocs are put back after the
//   ...                  command line and the shell reads them itself.
#ifndef ZLAYER_DOCKERFILE_RUN_HEREDOC_H_
#define ZLAYER_DOCKERFILE_RUN_HEREDOC_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dockerfile/instructions.h"
#include "zlayer/result.h"

namespace zlayer::dockerfile {

// Where a shebang script is mounted read-only (mode 0755) for the RUN.
inline constexpr std::string_view kHeredocScriptDir = "/dev/pipes/";

struct RunInvocation {
  // The command line; the stage's shell is still prepended to it when
  // `command.prepend_shell` is set.
  std::vector<std::string> args;
  // A script to mount at kHeredocScriptDir + script->name; args then name it.
  std::optional<ShellInlineFile> script;
  // " (<first line of the body>...)", appended to the step's display name
  // for single-heredoc scripts; empty otherwise.
  std::string summary;
};

// For RUN without heredocs this is just the command line.
Result<RunInvocation> PlanRunInvocation(const RunCommand& run, bool windows);

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_RUN_HEREDOC_H_
