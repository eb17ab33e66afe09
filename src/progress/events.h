// Build events: the public progress API. The engine emits one event per
// state change to an EventSink; renderers (renderer.h) turn them into a
// live terminal view, plain lines or JSON lines, and library users can
// implement EventSink to consume them directly.
//
// Secrets never reach an event: the engine redacts them before emitting.
#ifndef ZLAYER_PROGRESS_EVENTS_H_
#define ZLAYER_PROGRESS_EVENTS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace zlayer::progress {

struct BuildStarted {
  std::string build_id;
  std::string file;      // Dockerfile path as given
  int total_stages = 0;  // stages that will be built
  int total_steps = 0;   // instructions in those stages
};

struct StageStarted {
  int stage = 0;     // index in the file
  std::string name;  // `AS name`, may be empty
  std::string base;  // "scratch", a stage name or an image reference
  int steps = 0;
};

struct InstructionStarted {
  int stage = 0;
  int step = 0;      // 0-based within the stage
  std::string text;  // "RUN make" as written (heredoc bodies omitted)
};

enum class Stream { kStdout, kStderr };

struct OutputLine {
  int stage = 0;
  int step = 0;
  Stream stream = Stream::kStdout;
  std::string line;  // without the trailing newline
};

struct InstructionComplete {
  int stage = 0;
  int step = 0;
  bool cached = false;
  std::chrono::nanoseconds duration{0};
  // Why the cache missed, for --explain-cache: "file app/main.c changed",
  // "build arg VERSION changed", "instruction changed", "parent changed",
  // "no earlier build", "--no-cache". Empty on a hit or when the step has
  // no cache entry (metadata instructions).
  std::string cache_miss_reason;
};

struct StageComplete {
  int stage = 0;
  std::chrono::nanoseconds duration{0};
};

struct BuildComplete {
  std::string image_id;  // "sha256:..." (config digest)
  std::vector<std::string> tags;
  std::chrono::nanoseconds duration{0};
};

struct BuildFailed {
  std::string error;  // the one-line message the CLI prints
  int stage = -1;     // -1 when no step was running
  int step = -1;
};

// Registry transfers (`pull`, `push`, FROM pulls and --push in a build).
enum class TransferKind { kPull, kPush };
enum class TransferState {
  kStarted,  // done = 0
  kRunning,  // bytes moved; emitted at most every 100 ms per blob
  kDone,     // done == total
  kExists,   // push: the registry already had it; pull: the store had it
  kMounted,  // push: linked from another repository of the registry
  kFailed,
};

// "pull"/"push" and "started", "running", "done", "exists", "mounted",
// "failed", as in JSON lines and the plain renderer.
const char* TransferKindName(TransferKind kind);
const char* TransferStateName(TransferState state);

// One blob of one image on its way; a manifest or index counts as a blob.
struct TransferProgress {
  TransferKind kind = TransferKind::kPull;
  std::string ref;     // the remote reference, "127.0.0.1:5000/app:v1"
  std::string digest;  // "sha256:..."
  std::string what;    // "layer", "config", "manifest" or "index"
  TransferState state = TransferState::kStarted;
  uint64_t done = 0;
  uint64_t total = 0;  // 0 when unknown
};

using Event = std::variant<BuildStarted, StageStarted, InstructionStarted,
                           OutputLine, InstructionComplete, StageComplete,
                           BuildComplete, BuildFailed, TransferProgress>;

// "build_started", "stage_started", ... as used in JSON lines.
const char* EventTypeName(const Event& event);

// One JSON object, no newline: {"type":"instruction_complete","stage":0,
// "step":2,"cached":true,"duration_ms":1.5,...,"time":"RFC3339 with ms"}.
std::string EventToJson(const Event& event,
                        std::chrono::system_clock::time_point time);

// Receives events. Emit may be called from several threads at once
// (independent stages build in parallel); implementations synchronize.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Emit(const Event& event) = 0;
};

// Discards everything.
class NullSink final : public EventSink {
 public:
  void Emit(const Event&) override {}
};

}  // namespace zlayer::progress

#endif  // ZLAYER_PROGRESS_EVENTS_H_
