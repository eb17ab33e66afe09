// ADD and COPY: flags, sources and destination, heredoc sources.
#include <map>
#include <optional>

#include "dockerfile/heredoc.h"
#include "dockerfile/instructions_request.h"
#include "dockerfile/parser.h"

namespace zlayer::dockerfile {
namespace {

std::unexpected<Error> ErrNoDestination(std::string_view command) {
  return Invalid(std::string(command) +
                 " requires at least two arguments, but only one was "
                 "provided. Destination could not be determined");
}

// BuildKit's MustParseHeredoc: a word that fails to parse as a heredoc is
// an ordinary path.
std::optional<Heredoc> HeredocWord(std::string_view word) {
  Result<std::optional<Heredoc>> parsed = ParseHeredoc(word);
  if (!parsed) return std::nullopt;
  return *parsed;
}

Result<SourcesAndDest> ParseSourcesAndDest(const ParseRequest& req,
                                           std::string_view command) {
  SourcesAndDest out;
  out.dest_path = req.args.back();
  if (HeredocWord(out.dest_path)) {
    return Invalid(std::string(command) +
                   " cannot accept a heredoc as a destination");
  }
  // Bodies are found by name; with a repeated name the last body wins, as
  // in BuildKit's lookup map.
  std::map<std::string, const Heredoc*> bodies;
  for (const Heredoc& heredoc : req.heredocs) bodies[heredoc.name] = &heredoc;

  for (size_t i = 0; i + 1 < req.args.size(); ++i) {
    const std::string& source = req.args[i];
    std::optional<Heredoc> word = HeredocWord(source);
    if (!word) {
      out.source_paths.push_back(source);
      continue;
    }
    auto body = bodies.find(word->name);
    std::string content = body == bodies.end() ? "" : body->second->content;
    if (word->chomp) content = ChompHeredocContent(content);
    out.source_contents.push_back({word->name, content, word->expand});
  }
  return out;
}

}  // namespace

Result<AddCommand> ParseAdd(ParseRequest& req) {
  if (req.args.size() < 2) return ErrNoDestination("ADD");
  Flag& chown = req.flags.AddString("chown", "");
  Flag& chmod = req.flags.AddString("chmod", "");
  Flag& link = req.flags.AddBool("link", false);
  Flag& keep_git_dir = req.flags.AddBool("keep-git-dir", false);
  Flag& checksum = req.flags.AddString("checksum", "");
  Flag& unpack = req.flags.AddBool("unpack", false);
  Flag& exclude = req.flags.AddStrings("exclude");
  ZL_RETURN_IF_ERROR(req.flags.Parse());

  AddCommand cmd{req.Base()};
  ZL_ASSIGN_OR_RETURN(cmd.files, ParseSourcesAndDest(req, "ADD"));
  cmd.chown = chown.value;
  cmd.chmod = chmod.value;
  cmd.link = link.IsTrue();
  if (keep_git_dir.used) cmd.keep_git_dir = keep_git_dir.IsTrue();
  cmd.checksum = checksum.value;
  if (unpack.used) cmd.unpack = unpack.IsTrue();
  cmd.exclude_patterns = exclude.values;
  return cmd;
}

Result<CopyCommand> ParseCopy(ParseRequest& req) {
  if (req.args.size() < 2) return ErrNoDestination("COPY");
  Flag& chown = req.flags.AddString("chown", "");
  Flag& from = req.flags.AddString("from", "");
  Flag& chmod = req.flags.AddString("chmod", "");
  Flag& link = req.flags.AddBool("link", false);
  Flag& exclude = req.flags.AddStrings("exclude");
  Flag& parents = req.flags.AddBool("parents", false);
  ZL_RETURN_IF_ERROR(req.flags.Parse());

  CopyCommand cmd{req.Base()};
  ZL_ASSIGN_OR_RETURN(cmd.files, ParseSourcesAndDest(req, "COPY"));
  cmd.from = from.value;
  cmd.chown = chown.value;
  cmd.chmod = chmod.value;
  cmd.link = link.IsTrue();
  cmd.parents = parents.IsTrue();
  cmd.exclude_patterns = exclude.values;
  return cmd;
}

}  // namespace zlayer::dockerfile
