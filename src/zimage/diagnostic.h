// Positioned ZImagefile errors. Every problem found in a file is one
// Diagnostic, printed `FILE:LINE:COL: message`; a file's diagnostics become
// one Error whose message holds one such line per problem (the CLI prints
// each line behind "error: ").
#ifndef ZLAYER_ZIMAGE_DIAGNOSTIC_H_
#define ZLAYER_ZIMAGE_DIAGNOSTIC_H_

#include <string>
#include <string_view>
#include <vector>

#include "zimage/model.h"
#include "zlayer/result.h"

namespace zlayer::zimage {

struct Diagnostic {
  std::string file;
  int line = 1;    // 1-based
  int column = 1;  // 1-based
  std::string message;

  // "FILE:LINE:COL: message".
  std::string Render() const;
  bool operator==(const Diagnostic&) const = default;
};

// Collects diagnostics for one file.
class Diagnostics {
 public:
  explicit Diagnostics(std::string file) : file_(std::move(file)) {}

  void Add(Mark mark, std::string message);
  bool empty() const { return list_.empty(); }
  const std::string& file() const { return file_; }
  // Sorted by position (stable, so problems at one place keep their order).
  std::vector<Diagnostic> Sorted() const;

 private:
  std::string file_;
  std::vector<Diagnostic> list_;
};

// kInvalid; the rendered diagnostics joined by "\n".
Error DiagnosticsToError(const std::vector<Diagnostic>& diagnostics);

// One positioned error, as DiagnosticsToError of a single diagnostic.
Error PositionedError(std::string_view file, Mark mark, std::string message,
                      ErrorKind kind = ErrorKind::kInvalid);

}  // namespace zlayer::zimage

#endif  // ZLAYER_ZIMAGE_DIAGNOSTIC_H_
