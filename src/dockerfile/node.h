// The raw parse tree of a Dockerfile, shaped like BuildKit's parser output so
// that `zlayer debug parse` can print the reference dump format. Typed
// instructions (instructions.h) are built from these nodes.
#ifndef ZLAYER_DOCKERFILE_NODE_H_
#define ZLAYER_DOCKERFILE_NODE_H_

#include <string>
#include <vector>

namespace zlayer::dockerfile {

// Content attached to an instruction by `<<EOF` ... `EOF`.
struct Heredoc {
  std::string name;              // the delimiter word, quotes removed
  unsigned file_descriptor = 0;  // `3<<EOF` redirects fd 3; 0 when absent
  bool expand = true;            // false when any part of the word is quoted
  bool chomp = false;            // `<<-EOF`: leading tabs are stripped
  std::string content;           // every line up to the delimiter, with '\n'
};

// One instruction. `args` holds what BuildKit keeps in its Next chain:
// words, JSON elements, or key/value/separator triples for ENV and LABEL.
struct Node {
  std::string keyword;             // as written, e.g. "RUN" or "run"
  std::vector<std::string> flags;  // "--from=build", quotes removed
  std::vector<std::string> args;
  std::vector<Node> sub;  // ONBUILD: the one triggered instruction
  bool json = false;      // args came from a JSON array (exec form)
  std::vector<Heredoc> heredocs;
  std::string original;  // the logical line, continuations joined
  int start_line = 0;    // 1-based, first physical line
  int end_line = 0;      // last physical line, heredoc bodies included
  std::vector<std::string> comments;  // comment lines just above

  // Lower-cased keyword, the name instructions are dispatched on.
  std::string Name() const;
};

struct Warning {
  std::string message;
  int line = 0;
};

struct ParseResult {
  std::vector<Node> nodes;
  char escape_token = '\\';
  std::string syntax;  // the `# syntax=` directive, recorded and not used
  std::string check;   // the `# check=` directive, for the linter rules
  std::vector<Warning> warnings;
};

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_NODE_H_
