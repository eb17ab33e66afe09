// The pieces of dispatch shared by its source files: the Dispatcher that
// turns one command into a Step, expansion bookkeeping and BuildKit's path
// rules. Internal to the planner.
#ifndef ZLAYER_PLAN_DISPATCHER_H_
#define ZLAYER_PLAN_DISPATCHER_H_

#include <initializer_list>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "plan/canonical.h"
#include "plan/dispatch.h"

namespace zlayer::plan {

// BuildKit keeps these out of the build state's environment.
bool IsNonEnvArg(std::string_view key);

// The variables expansions read, defined or not.
struct ExpansionLog {
  std::set<std::string> matched;
  std::set<std::string> unmatched;
};

dockerfile::WordExpander MakeExpander(const shell::Lexer& lexer,
                                      const shell::Variables& vars,
                                      ExpansionLog& log);

bool IsAbs(std::string_view path);
// Go's path.Join.
std::string JoinPath(std::initializer_list<std::string_view> parts);
// util/system.NormalizePath for Linux: `new_path` joined to `parent` when
// relative, trailing "/" or "/." kept with `keep_slash`.
std::string NormalizePath(std::string parent, std::string new_path,
                          bool keep_slash);
// pathRelativeToWorkingDir: where a COPY/ADD destination lands.
std::string DestinationPath(const std::string& workdir, std::string dest);
// BuildKit's addEnv: replace in place, else append.
void AddImageEnv(std::vector<std::string>& env, const std::string& key,
                 const std::string& value);
// The stage's shell (or the default) with `args` joined as its last word.
std::vector<std::string> WithShell(const oci::ImageConfig& image,
                                   const std::vector<std::string>& args);
bool IsHttpSource(std::string_view src);
// The git forms BuildKit's ParseGitRef tells apart from local paths.
bool IsGitSource(std::string_view src);

class Dispatcher {
 public:
  Dispatcher(const DispatchContext& ctx, StageState& stage,
             const std::string& stage_name, Step& step)
      : ctx_(ctx), d_(stage), stage_name_(stage_name), step_(step) {}

  Status Dispatch(PendingCommand& pending);

 private:
  Status ExpandFields(PendingCommand& pending);
  void ReportUnmatched(int line);
  std::vector<std::string> ArgsInScope() const;
  std::vector<std::string> MatchedArgs() const;
  Result<SourceRef> Resolve(const SourceSpec& spec, bool copy,
                            const std::string& from,
                            const std::string& target) const;

  Status Env(const dockerfile::EnvCommand& c);
  Status Label(const dockerfile::LabelCommand& c);
  Status Run(dockerfile::RunCommand& c, PendingCommand& pending);
  Status Workdir(const dockerfile::WorkdirCommand& c);
  Status Copy(const dockerfile::CopyCommand& c, PendingCommand& pending);
  Status Add(const dockerfile::AddCommand& c);
  Status Cmd(const dockerfile::CmdCommand& c);
  Status Entrypoint(const dockerfile::EntrypointCommand& c);
  Status Healthcheck(const dockerfile::HealthcheckCommand& c);
  Status Expose(dockerfile::ExposeCommand& c);
  Status User(const dockerfile::UserCommand& c);
  Status Volume(const dockerfile::VolumeCommand& c);
  Status StopSignal(const dockerfile::StopSignalCommand& c);
  Status Shell(const dockerfile::ShellCommand& c);
  Status Arg(dockerfile::ArgCommand& c);
  Status Onbuild(const dockerfile::OnbuildCommand& c);
  Status Maintainer(const dockerfile::MaintainerCommand& c);
  void UsedOnce(bool& seen, const dockerfile::CommandBase& c);
  void JsonArgsLint(const dockerfile::CommandBase& c,
                    const dockerfile::ShellDependentCmdLine& cmd);

  const DispatchContext& ctx_;
  StageState& d_;
  const std::string& stage_name_;
  Step& step_;
  ExpansionLog log_;
  int line_ = 0;
};

}  // namespace zlayer::plan

#endif  // ZLAYER_PLAN_DISPATCHER_H_
