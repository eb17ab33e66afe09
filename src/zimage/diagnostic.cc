#include "zimage/diagnostic.h"

#include <algorithm>

namespace zlayer::zimage {

std::string Diagnostic::Render() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) +
         ": " + message;
}

void Diagnostics::Add(Mark mark, std::string message) {
  list_.push_back(Diagnostic{file_, mark.line > 0 ? mark.line : 1,
                             mark.column > 0 ? mark.column : 1,
                             std::move(message)});
}

std::vector<Diagnostic> Diagnostics::Sorted() const {
  std::vector<Diagnostic> out = list_;
  std::stable_sort(out.begin(), out.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.line != b.line) return a.line < b.line;
                     return a.column < b.column;
                   });
  return out;
}

Error DiagnosticsToError(const std::vector<Diagnostic>& diagnostics) {
  std::string message;
  for (const Diagnostic& d : diagnostics) {
    if (!message.empty()) message += '\n';
    message += d.Render();
  }
  return Error(std::move(message), ErrorKind::kInvalid);
}

Error PositionedError(std::string_view file, Mark mark, std::string message,
                      ErrorKind kind) {
  Diagnostic d{std::string(file), mark.line > 0 ? mark.line : 1,
               mark.column > 0 ? mark.column : 1, std::move(message)};
  return Error(d.Render(), kind);
}

}  // namespace zlayer::zimage
