// Renderers: EventSinks that display a build.
#ifndef ZLAYER_PROGRESS_RENDERER_H_
#define ZLAYER_PROGRESS_RENDERER_H_

#include <memory>
#include <string_view>

#include "progress/events.h"
#include "zlayer/result.h"

namespace zlayer::progress {

enum class Mode { kAuto, kTty, kPlain, kJson };

// "auto", "tty", "plain", "json"; anything else is a kUsage error listing
// the valid values.
Result<Mode> ParseMode(std::string_view text);

// kAuto becomes kTty when `fd` is a terminal (and TERM is not "dumb"), else
// kPlain.
Mode ResolveMode(Mode mode, int fd);

// Writes to `fd` (not owned): the CLI passes stderr for tty/plain and stdout
// for json.
//  - tty: a live view redrawn in place (ANSI): one line per step with its
//    elapsed time, finished steps collapse to "=> [stage step/N] TEXT 1.2s"
//    (or "CACHED"), the running step shows the last few lines of its
//    output; redraws are rate limited; a final summary stays on screen.
//  - plain: one line per event, output lines prefixed "#<stage>.<step> ".
//  - json: EventToJson lines.
// Registry transfers show in all three: a bar per blob moving (tty), a
// line at a blob's start, quarters and end (plain), every event but
// "running" ones closer than 100 ms for one blob (json).
// `verbose` keeps every output line in the tty view instead of the tail.
std::unique_ptr<EventSink> MakeRenderer(Mode mode, int fd,
                                        bool verbose = false);

// Forwards each event to several sinks (a renderer and a library user's).
class TeeSink final : public EventSink {
 public:
  explicit TeeSink(std::vector<EventSink*> sinks) : sinks_(std::move(sinks)) {}
  void Emit(const Event& event) override {
    for (EventSink* sink : sinks_) sink->Emit(event);
  }

 private:
  std::vector<EventSink*> sinks_;
};

}  // namespace zlayer::progress

#endif  // ZLAYER_PROGRESS_RENDERER_H_
