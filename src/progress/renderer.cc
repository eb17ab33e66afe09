#include "progress/renderer.h"

#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "progress/json_renderer.h"
#include "progress/plain_renderer.h"
#include "progress/tty_renderer.h"

namespace zlayer::progress {

Result<Mode> ParseMode(std::string_view text) {
  if (text == "auto") return Mode::kAuto;
  if (text == "tty") return Mode::kTty;
  if (text == "plain") return Mode::kPlain;
  if (text == "json") return Mode::kJson;
  return Fail("invalid --progress value \"" + std::string(text) +
                  "\": want auto, tty, plain or json",
              ErrorKind::kUsage);
}

Mode ResolveMode(Mode mode, int fd) {
  if (mode != Mode::kAuto) return mode;
  const char* term = std::getenv("TERM");
  bool dumb = term != nullptr && std::strcmp(term, "dumb") == 0;
  return ::isatty(fd) == 1 && !dumb ? Mode::kTty : Mode::kPlain;
}

std::unique_ptr<EventSink> MakeRenderer(Mode mode, int fd, bool verbose) {
  switch (ResolveMode(mode, fd)) {
    case Mode::kJson:
      return std::make_unique<JsonRenderer>(fd);
    case Mode::kTty:
      return std::make_unique<TtyRenderer>(fd, TtyOptions{.verbose = verbose});
    default:
      return std::make_unique<PlainRenderer>(fd);
  }
}

}  // namespace zlayer::progress
