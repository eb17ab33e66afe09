// Steps (section 6.4) as Dockerfile instructions.
#include <algorithm>

#include "zimage/convert_internal.h"
#include "zimage/diagnostic.h"
#include "zimage/words.h"

namespace zlayer::zimage::internal {
namespace {

std::string CacheFlag(const CacheMount& c) {
  std::string out = "--mount=type=cache,target=" + c.target;
  if (c.id) out += ",id=" + *c.id;
  if (c.sharing == CacheSharing::kShared) out += ",sharing=shared";
  if (c.sharing == CacheSharing::kPrivate) out += ",sharing=private";
  if (c.readonly) out += ",ro";
  return out;
}

// A double-quoted shell word: `$NAME` stays live, as in ENV values (and
// `\$` is a literal dollar); quotes, backslashes and backticks are data.
std::string ShellQuote(std::string_view value) {
  std::string out = "\"";
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    const bool dollar =
        c == '\\' && i + 1 < value.size() && value[i + 1] == '$';
    if ((c == '"' || c == '\\' || c == '`') && !dollar) out += '\\';
    out += c;
  }
  return out + "\"";
}

// A heredoc delimiter that no line of `body` could end early.
std::string Delimiter(std::string_view body) {
  for (int n = 0;; ++n) {
    std::string name = n == 0 ? "EOF" : "EOF_" + std::to_string(n);
    if (body.find(name) == std::string_view::npos) return name;
  }
}

std::string RenderRun(const Step& step, const StageContext& ctx) {
  std::vector<std::string> flags;
  for (const CacheMount& c : step.cache) flags.push_back(CacheFlag(c));
  if (ctx.default_cache_mounts) {
    for (const CacheMount& d : *ctx.default_cache_mounts) {
      const bool taken = std::any_of(
          step.cache.begin(), step.cache.end(),
          [&](const CacheMount& c) { return c.target == d.target; });
      if (!taken) flags.push_back(CacheFlag(d));
    }
  }
  std::string head = "RUN";
  for (const std::string& f : flags) head += " " + f;
  const Command& cmd = step.run;
  if (cmd.exec_form) {
    std::vector<std::string> args;
    if (!step.env.empty()) {
      // Exec form runs no shell: env(1) sets the variables for the command.
      args.push_back("env");
      for (const KeyValue& kv : step.env)
        args.push_back(kv.key + "=" + kv.value);
    }
    args.insert(args.end(), cmd.args.begin(), cmd.args.end());
    return head + " " + JsonArray(args) + "\n";
  }
  std::string exports;
  if (!step.env.empty()) {
    exports = "export";
    for (const KeyValue& kv : step.env) {
      exports += " " + kv.key + "=" + ShellQuote(kv.value);
    }
  }
  const std::string text = TrimShell(cmd.shell);
  if (text.find_first_of("\r\n") == std::string::npos &&
      exports.find_first_of("\r\n") == std::string::npos) {
    const std::string script = exports.empty() ? text : exports + "; " + text;
    const std::string line = head + " " + script;
    if (ParsesAs(line, flags, {script})) return line + "\n";
  }
  // Lines, `<<`, a trailing escape or a leading `[`/`--` would be read
  // differently on one line: the script becomes the body of a heredoc, which
  // the shell runs as it is.
  std::string body = exports.empty() ? "" : exports + "\n";
  body += text + "\n";
  const std::string delim = Delimiter(body);
  return head + " <<" + delim + "\n" + body + delim + "\n";
}

// COPY/ADD sources and destination, in the plain form unless a word holds
// blanks (then the JSON form, whose elements are still expanded).
std::string RenderFiles(const std::vector<std::string>& sources,
                        const std::string& to) {
  std::vector<std::string> words;
  bool json = HasBlank(to);
  for (const std::string& s : sources) json = json || HasBlank(s);
  if (json) {
    for (const std::string& s : sources) words.push_back(EscapeWord(s));
    words.push_back(EscapeWord(to));
    return JsonArray(words);
  }
  for (const std::string& s : sources) words.push_back(QuoteWord(s));
  words.push_back(QuoteWord(to));
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

Result<std::string> RenderStep(const Step& step, StageContext& ctx) {
  switch (step.kind) {
    case StepKind::kRun:
      return RenderRun(step, ctx);
    case StepKind::kEnv:
      return RenderPairs("ENV", step.env);
    case StepKind::kWorkdir:
      ctx.workdir = JoinPath(ctx.workdir, step.value);
      return "WORKDIR " + QuoteWord(step.value) + "\n";
    case StepKind::kUser:
      return "USER " + QuoteWord(step.value) + "\n";
    case StepKind::kCopy:
    case StepKind::kAdd:
      break;
  }
  std::string line = step.kind == StepKind::kCopy ? "COPY" : "ADD";
  std::vector<std::string> sources = step.sources;
  if (step.from) {
    line += " --from=" + step.from->value;
    const auto* workdirs = ctx.stage_workdirs;
    const auto it = workdirs
                        ? workdirs->find(step.from->value)
                        : std::map<std::string, std::string>::const_iterator{};
    if (workdirs && it != workdirs->end()) {
      // The ZImagefile rule: relative sources start at the source stage's
      // final WORKDIR (Docker would start at its root).
      for (std::string& s : sources) {
        if (!IsAbsolutePath(s)) s = JoinPath(it->second, s);
      }
    }
  }
  if (step.owner) line += " --chown=" + *step.owner;
  if (step.chmod) line += " --chmod=" + *step.chmod;
  return line + " " + RenderFiles(sources, step.to) + "\n";
}

}  // namespace zlayer::zimage::internal
