// Expansion bookkeeping, BuildKit's path rules and shell defaults.
#include <algorithm>

#include "plan/dispatcher.h"

namespace zlayer::plan {

bool IsNonEnvArg(std::string_view key) {
  return key == "BUILDKIT_SBOM_SCAN_CONTEXT" ||
         key == "BUILDKIT_SBOM_SCAN_STAGE";
}

dockerfile::WordExpander MakeExpander(const shell::Lexer& lexer,
                                      const shell::Variables& vars,
                                      ExpansionLog& log) {
  return [&lexer, &vars, &log](std::string_view word) -> Result<std::string> {
    ZL_ASSIGN_OR_RETURN(shell::ExpandResult result,
                        lexer.ProcessWord(word, vars));
    log.matched.insert(result.matched.begin(), result.matched.end());
    log.unmatched.insert(result.unmatched.begin(), result.unmatched.end());
    return std::move(result.word);
  };
}

bool IsAbs(std::string_view path) { return !path.empty() && path[0] == '/'; }

// Go's path.Join.
std::string JoinPath(std::initializer_list<std::string_view> parts) {
  std::string joined;
  for (std::string_view part : parts) {
    if (part.empty()) continue;
    if (!joined.empty()) joined += '/';
    joined += part;
  }
  if (joined.empty()) return "";
  return CleanPath(joined);
}

// util/system.NormalizePath for Linux.
std::string NormalizePath(std::string parent, std::string new_path,
                          bool keep_slash) {
  std::string original = new_path;
  if (parent.empty()) parent.push_back('/');
  if (!IsAbs(parent)) parent = JoinPath({"/", parent});
  if (new_path.empty()) new_path = parent;
  if (!IsAbs(new_path)) new_path = JoinPath({parent, new_path});
  if (keep_slash) {
    if (original.ends_with("/") && !new_path.ends_with("/")) {
      new_path += "/";
    } else if (original.ends_with("/.")) {
      if (new_path != "/") new_path += "/";
      new_path += ".";
    }
  }
  return new_path;
}

// pathRelativeToWorkingDir: where a COPY/ADD destination lands.
std::string DestinationPath(const std::string& workdir, std::string dest) {
  if (IsAbs(dest)) return NormalizePath("/", dest, true);
  if (dest == "." || dest.empty()) dest = "./";
  return NormalizePath(workdir, dest, true);
}

// BuildKit's addEnv: replace in place, else append.
void AddImageEnv(std::vector<std::string>& env, const std::string& key,
                 const std::string& value) {
  for (std::string& entry : env) {
    if (SplitKeyValue(entry).first == key) {
      entry = key + "=" + value;
      return;
    }
  }
  env.push_back(key + "=" + value);
}

std::vector<std::string> WithShell(const oci::ImageConfig& image,
                                   const std::vector<std::string>& args) {
  std::vector<std::string> out =
      image.config.shell.empty() ? DefaultShell(image.os) : image.config.shell;
  std::string joined;
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) joined += ' ';
    joined += args[i];
  }
  out.push_back(std::move(joined));
  return out;
}

bool IsHttpSource(std::string_view src) {
  return src.starts_with("http://") || src.starts_with("https://");
}

// The git forms BuildKit's ParseGitRef tells apart from local paths.
bool IsGitSource(std::string_view src) {
  return src.starts_with("git://") || src.starts_with("git@") ||
         src.starts_with("ssh://") ||
         (IsHttpSource(src) && (src.ends_with(".git") ||
                                src.find(".git#") != std::string_view::npos));
}

std::vector<std::string> DefaultShell(const std::string& os) {
  if (os == "windows") return {"cmd", "/S", "/C"};
  return {"/bin/sh", "-c"};
}

std::string CleanPath(std::string_view path) {
  if (path.empty()) return ".";
  bool rooted = path[0] == '/';
  std::vector<std::string_view> parts;
  size_t from = 0;
  while (from <= path.size()) {
    size_t slash = path.find('/', from);
    std::string_view part = path.substr(from, slash == std::string_view::npos
                                                  ? std::string_view::npos
                                                  : slash - from);
    if (part.empty() || part == ".") {
      // skipped
    } else if (part == "..") {
      if (!parts.empty() && parts.back() != "..") {
        parts.pop_back();
      } else if (!rooted) {
        parts.push_back(part);
      }
    } else {
      parts.push_back(part);
    }
    if (slash == std::string_view::npos) break;
    from = slash + 1;
  }
  std::string out = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  if (out.empty()) return ".";
  return out;
}

}  // namespace zlayer::plan
