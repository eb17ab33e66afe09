// The exclusion rules of a .dockerignore file, with Docker's semantics:
//
//  - A pattern excludes the paths it matches and everything below them:
//    "build" excludes "build/out/a.o".
//  - A pattern starting with "!" is an exception that re-includes what it
//    matches.
//  - The last pattern that matches a path (or one of its parent
//    directories) decides.
//
// So "dir" followed by "!dir/keep.txt" excludes everything in "dir" except
// "keep.txt". A directory walker cannot prune "dir" there: it asks
// HasExceptionUnder("dir") and, while descending, carries a DirMatch per
// directory so each entry is matched once, as BuildKit's context transfer
// does (see walker.h, which does all of this).
#ifndef ZLAYER_DOCKERIGNORE_MATCHER_H_
#define ZLAYER_DOCKERIGNORE_MATCHER_H_

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dockerignore/glob.h"
#include "zlayer/result.h"

namespace zlayer::dockerignore {

class Pattern {
 public:
  // Parses one pattern as normalised by NormalizePatternLine: surrounding
  // white space is trimmed, the text is cleaned again and a leading "!"
  // makes it an exception. Fails with kInvalid and a short reason (the
  // caller names the pattern and its line).
  static Result<Pattern> Parse(std::string_view normalized, int line = 0);

  // The cleaned pattern without its "!".
  const std::string& text() const { return glob_.pattern(); }
  bool exception() const { return exception_; }
  // The ignore file line it came from; 0 when it did not come from a file.
  int line() const { return line_; }

  // True when the pattern matches `path` itself (not a parent of it).
  bool Matches(std::string_view path) const { return glob_.Matches(path); }

 private:
  Pattern(Glob glob, bool exception, int line)
      : glob_(std::move(glob)), exception_(exception), line_(line) {}

  Glob glob_;
  bool exception_;
  int line_;
};

// What a walker remembers about a directory it has matched: for each
// pattern, whether it matched the directory or one of its parents, so
// that children are not matched against every ancestor again.
class DirMatch {
 public:
  // Nothing known about the parents: matching then checks every parent
  // directory of the path itself. Use it for the context root.
  DirMatch() = default;

 private:
  friend class Matcher;
  std::vector<bool> matched_;
};

struct MatchResult {
  bool excluded = false;
  // Pass this to the matches of the entries inside the path when it is a
  // directory.
  DirMatch dir;
};

class Matcher {
 public:
  // A matcher with no patterns: nothing is excluded.
  Matcher() = default;

  // Builds a matcher from pattern lines as they would appear in an ignore
  // file (without comments): each is trimmed and normalised like a file
  // line; blank ones are skipped. Fails with
  // `invalid pattern "<line>": <reason>`.
  static Result<Matcher> Create(std::span<const std::string> lines);

  // `source` names the file the patterns came from, for messages.
  Matcher(std::vector<Pattern> patterns, std::string source);

  const std::vector<Pattern>& patterns() const { return patterns_; }
  const std::string& source() const { return source_; }
  bool empty() const { return patterns_.empty(); }
  bool has_exceptions() const { return has_exceptions_; }

  // True when `path`, relative to the context root, is excluded: by the
  // last pattern matching it or one of its parent directories. The path is
  // cleaned first ("./a//b/" is "a/b"); the root itself is never excluded.
  bool MatchesOrParentMatches(std::string_view path) const;

  // The same decision for a clean relative path whose parent directory was
  // matched into `parent` (a default DirMatch for entries of the root).
  //
  // To reproduce exactly what BuildKit sends as the build context, this
  // keeps a quirk of its matcher: going down the pattern list, a pattern
  // that could not change the answer so far (an exception while the path
  // is not excluded yet, an exclusion while it already is) is skipped, and
  // a skipped pattern is not remembered as matching the directory. So
  // "node_modules", "!node_modules/keep", "node_modules" keeps
  // "node_modules/keep", where MatchesOrParentMatches (and the order of the
  // lines) says it is excluded. Only lists in which a directory is matched
  // by both exclusions and exceptions can tell the difference.
  MatchResult MatchUsingParent(std::string_view path,
                               const DirMatch& parent) const;

  // Whether an exception could re-include something below the excluded
  // directory `dir` (a clean relative path), i.e. whether a walker must
  // still descend into it. Conservative: any exception with a wildcard
  // before its final "/*" or "/**" answers yes, as in BuildKit.
  bool HasExceptionUnder(std::string_view dir) const;

 private:
  std::vector<Pattern> patterns_;
  std::string source_;
  bool has_exceptions_ = false;
  // True when every exception is a literal path, optionally followed by
  // "/*" or "/**", which lets HasExceptionUnder compare prefixes.
  bool literal_exceptions_ = true;
};

}  // namespace zlayer::dockerignore

#endif  // ZLAYER_DOCKERIGNORE_MATCHER_H_
