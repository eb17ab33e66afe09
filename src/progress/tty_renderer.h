// The live terminal view (--progress=tty), internal to the module. Like
// BuildKit's tty display: a header with the elapsed time and finished
// steps, one line per stage base and step with its time, the last lines of
// output under each running step; finished steps collapse. A background
// thread redraws at most every `interval`, in place with ANSI cursor
// movement; the final frame (on BuildComplete or BuildFailed) shows every
// step and stays on screen, with the log tail of the failed step.
//
// Registry transfers show as one vertex per image and direction in start
// order (so a base pulled for FROM sits above the steps), with a line per
// blob under it:
//
//   => pull localhost:5000/app:v1                                    1.2s
//   => => manifest sha256:0123456789ab done 1.6kB
//   => => layer sha256:abcdef012345 [=========>          ] 12.3MB/40MB
#ifndef ZLAYER_PROGRESS_TTY_RENDERER_H_
#define ZLAYER_PROGRESS_TTY_RENDERER_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "progress/events.h"

namespace zlayer::progress {

struct TtyOptions {
  bool verbose = false;  // every output line of a running step, not a tail
  std::size_t tail_lines = 6;
  std::chrono::milliseconds interval{100};
  // Route base/log messages above the view instead of through it; off when
  // several renderers share a process (tests).
  bool capture_logs = true;
};

class TtyRenderer final : public EventSink {
 public:
  TtyRenderer(int fd, TtyOptions options);
  ~TtyRenderer() override;
  TtyRenderer(const TtyRenderer&) = delete;
  TtyRenderer& operator=(const TtyRenderer&) = delete;

  void Emit(const Event& event) override;

  // Prints a line of its own above the live view, which is then redrawn.
  void PrintAbove(std::string_view line);

  // Frames drawn so far (the final one included), for tests of the rate
  // limit.
  int frames() const;

 private:
  using Clock = std::chrono::steady_clock;
  enum class State { kRunning, kDone, kCached, kError, kCanceled };
  struct Blob {
    std::string digest;
    std::string label;  // "layer sha256:abcdef012345"
    TransferState state = TransferState::kStarted;
    uint64_t done = 0;
    uint64_t total = 0;
  };
  struct Vertex {
    int stage = 0;
    int step = -1;  // -1: the stage's FROM line
    std::string label;
    Clock::time_point started;
    std::chrono::nanoseconds duration{0};  // once finished
    State state = State::kRunning;
    std::deque<std::string> logs;
    std::string note;       // the cache miss reason
    bool transfer = false;  // a pull or push; its blobs follow
    std::vector<Blob> blobs;
  };
  struct StageInfo {
    std::string name;
    int steps = 0;
  };

  void Loop();
  Vertex* Find(int stage, int step);
  void Finish(Vertex& vertex, State state, Clock::time_point now);
  void On(const BuildStarted& e, Clock::time_point now);
  void On(const StageStarted& e, Clock::time_point now);
  void On(const InstructionStarted& e, Clock::time_point now);
  void On(const OutputLine& e, Clock::time_point now);
  void On(const InstructionComplete& e, Clock::time_point now);
  void On(const StageComplete& e, Clock::time_point now);
  void On(const BuildComplete& e, Clock::time_point now);
  void On(const BuildFailed& e, Clock::time_point now);
  void On(const TransferProgress& e, Clock::time_point now);

  std::vector<std::string> Frame(bool final, Clock::time_point now,
                                 std::size_t width, std::size_t height) const;
  std::string VertexLine(const Vertex& vertex, Clock::time_point now,
                         std::size_t width) const;
  static std::string BlobLine(const Blob& blob, std::size_t width);
  std::string Header(bool final, Clock::time_point now) const;
  // Draws a frame over the previous one; appends to `out` and writes it.
  void RenderLocked(bool final, std::string out = {});
  void WriteLocked(const std::string& out);

  const int fd_;
  const TtyOptions options_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool finished_ = false;  // the final frame is drawn
  bool dirty_ = false;
  bool broken_ = false;  // a write failed
  bool failed_ = false;
  int frames_ = 0;
  std::size_t previous_lines_ = 0;  // height of the frame on screen
  std::optional<Clock::time_point> build_started_;
  std::optional<Clock::time_point> build_ended_;
  int total_stages_ = 0;
  int total_steps_ = 0;
  int completed_steps_ = 0;
  bool build_ = false;  // build events arrived, not only transfers
  std::optional<Clock::time_point> transfers_ended_;  // no blob moving
  std::map<int, StageInfo> stages_;
  std::vector<Vertex> vertices_;  // in start order
  std::map<std::pair<int, int>, std::size_t> index_;
  // "pull <ref>" / "push <ref>" to the transfer's vertex.
  std::map<std::string, std::size_t> transfer_index_;
  std::vector<std::string> summary_;  // image id and tags at the end
  std::thread thread_;
};

}  // namespace zlayer::progress

#endif  // ZLAYER_PROGRESS_TTY_RENDERER_H_
