// Internal to the instruction parsers: one node's pieces, gathered the way
// BuildKit's parseRequest does, and the error messages several parsers share.
#ifndef ZLAYER_DOCKERFILE_INSTRUCTIONS_REQUEST_H_
#define ZLAYER_DOCKERFILE_INSTRUCTIONS_REQUEST_H_

#include <string>
#include <string_view>
#include <vector>

#include "dockerfile/flags.h"
#include "dockerfile/instructions.h"
#include "dockerfile/node.h"
#include "zlayer/result.h"

namespace zlayer::dockerfile {

struct ParseRequest {
  explicit ParseRequest(const Node& node);

  std::string keyword;  // as written
  // ONBUILD: the trigger's keyword followed by its arguments.
  std::vector<std::string> args;
  std::vector<Heredoc> heredocs;
  bool json = false;
  FlagSet flags;
  std::string original;
  SourceRange location;
  std::vector<std::string> comments;

  CommandBase Base() const;
};

std::unexpected<Error> Invalid(std::string message);
std::unexpected<Error> ErrAtLeastOneArgument(std::string_view command);
std::unexpected<Error> ErrExactlyOneArgument(std::string_view command);

// ASCII upper-casing, for instruction names in messages.
std::string AsciiUpper(std::string_view s);

// Shell form joins the words into one string; exec form keeps them.
std::vector<std::string> HandleJsonArgs(const std::vector<std::string>& args,
                                        bool json);

// The text of "# <name> <text>" among `comments`, or "".
std::string DocComment(const std::vector<std::string>& comments,
                       std::string_view name);

Result<RunCommand> ParseRun(ParseRequest& req);
Result<CmdCommand> ParseCmd(ParseRequest& req);
Result<EntrypointCommand> ParseEntrypoint(ParseRequest& req);
Result<ShellCommand> ParseShell(ParseRequest& req);
Result<HealthcheckCommand> ParseHealthcheck(ParseRequest& req);
Result<AddCommand> ParseAdd(ParseRequest& req);
Result<CopyCommand> ParseCopy(ParseRequest& req);

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_INSTRUCTIONS_REQUEST_H_
