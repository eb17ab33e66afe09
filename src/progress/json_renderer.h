// The JSON-lines renderer (--progress=json), internal to the module.
#ifndef ZLAYER_PROGRESS_JSON_RENDERER_H_
#define ZLAYER_PROGRESS_JSON_RENDERER_H_

#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "progress/events.h"

namespace zlayer::progress {

// EventToJson plus a newline per event, each line in one write(2) under a
// lock, so lines from concurrent stages never interleave (and a reader of a
// pipe sees whole lines whenever they fit PIPE_BUF). A blob's "running"
// transfer events closer than 100 ms apart are dropped (the emitter
// throttles already; this bounds a sink fed by a faster one), its other
// states never.
class JsonRenderer final : public EventSink {
 public:
  explicit JsonRenderer(int fd) : fd_(fd) {}
  void Emit(const Event& event) override;

 private:
  const int fd_;
  std::mutex mu_;
  bool broken_ = false;
  // Per blob in flight (kind, ref, digest): when its last line was written.
  std::map<std::string, std::chrono::steady_clock::time_point> transfers_;
};

}  // namespace zlayer::progress

#endif  // ZLAYER_PROGRESS_JSON_RENDERER_H_
