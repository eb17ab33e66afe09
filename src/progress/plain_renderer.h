// The plain renderer (--progress=plain), internal to the module: one line
// per event in the spirit of BuildKit's plain output. A stage is vertex
// "#<stage>" and its steps "#<stage>.<n>" with n counted from 1 as in
// "[build 2/3]"; lines of one vertex are grouped, a blank line between
// groups:
//
//   #0 [build] FROM alpine
//
//   #0.1 [build 1/2] RUN make
//   #0.1 cc -o app main.c
//   #0.1 cache miss: file main.c changed
//   #0.1 DONE 1.2s
//
//   #0.2 [build 2/2] COPY app /app
//   #0.2 CACHED
//
//   #0 DONE 1.3s
//
//   naming to app:latest
//   build complete sha256:... 1.4s
//
// Registry transfers print when a blob starts and ends, and at most at
// each quarter of its size in between:
//
//   pull localhost:5000/app:v1 layer sha256:4abcf2066143 started 3.4MB
//   pull localhost:5000/app:v1 layer sha256:4abcf2066143 1.7MB/3.4MB
//   pull localhost:5000/app:v1 layer sha256:4abcf2066143 3.4MB done
#ifndef ZLAYER_PROGRESS_PLAIN_RENDERER_H_
#define ZLAYER_PROGRESS_PLAIN_RENDERER_H_

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "progress/events.h"

namespace zlayer::progress {

class PlainRenderer final : public EventSink {
 public:
  explicit PlainRenderer(int fd) : fd_(fd) {}
  void Emit(const Event& event) override;

 private:
  struct StageInfo {
    std::string name;
    int steps = 0;
  };

  void Line(const std::string& vertex, std::string_view text);
  std::string StageLabel(int stage) const;
  void On(const BuildStarted& e);
  void On(const StageStarted& e);
  void On(const InstructionStarted& e);
  void On(const OutputLine& e);
  void On(const InstructionComplete& e);
  void On(const StageComplete& e);
  void On(const BuildComplete& e);
  void On(const BuildFailed& e);
  void On(const TransferProgress& e);

  const int fd_;
  std::mutex mu_;
  bool broken_ = false;  // a write failed; stop writing
  int total_stages_ = 0;
  std::map<int, StageInfo> stages_;
  std::vector<std::pair<int, int>> running_;  // started, not complete
  // Per blob in flight (kind, ref, digest): the last quarter of its total
  // reported, so that "running" prints at most at 25%, 50% and 75%.
  std::map<std::string, int> transfers_;
  std::string last_vertex_;
  bool wrote_ = false;
  std::string out_;  // what this event prints, written at once
};

// "#0", "#0.2" (the step's 0-based index plus one).
std::string VertexId(int stage, int step = -1);

}  // namespace zlayer::progress

#endif  // ZLAYER_PROGRESS_PLAIN_RENDERER_H_
