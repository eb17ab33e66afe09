#include "progress/tty_renderer.h"

#include <sys/ioctl.h>
#include <termios.h>

#include <algorithm>

#include "base/file_io.h"
#include "base/log.h"
#include "base/units.h"
#include "progress/text.h"

namespace zlayer::progress {
namespace {

constexpr std::size_t kDefaultWidth = 80;
constexpr std::size_t kBarWidth = 22;

bool Active(TransferState state) {
  return state == TransferState::kStarted || state == TransferState::kRunning;
}

struct TerminalSize {
  std::size_t width = kDefaultWidth;
  std::size_t height = 0;  // 0: unknown, no limit
};

// Asked before every frame: the terminal may have been resized.
TerminalSize QuerySize(int fd) {
  TerminalSize size;
  struct winsize ws {};
  if (::ioctl(fd, TIOCGWINSZ, &ws) == 0) {
    if (ws.ws_col > 0) size.width = ws.ws_col;
    size.height = ws.ws_row;
  }
  return size;
}

// Pads or cuts `text` to exactly `columns` columns.
std::string Fit(std::string_view text, std::size_t columns) {
  std::string_view cut = TruncateColumns(text, columns);
  std::string out(cut);
  out.append(columns - Columns(cut), ' ');
  return out;
}

}  // namespace

TtyRenderer::TtyRenderer(int fd, TtyOptions options)
    : fd_(fd), options_(options) {
  if (options_.capture_logs) {
    base::SetLogSink([this](base::LogLevel level, std::string_view message) {
      PrintAbove("zlayer: " + std::string(base::LogLevelName(level)) + ": " +
                 std::string(message));
    });
  }
  thread_ = std::thread([this] { Loop(); });
}

TtyRenderer::~TtyRenderer() {
  // First, so that no log message reaches a renderer being destroyed.
  if (options_.capture_logs) base::SetLogSink({});
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
  std::lock_guard lock(mu_);
  // Destroyed mid-build (an error before BuildFailed, or a library user
  // stopping early): leave the latest state on screen.
  if (!finished_ && !vertices_.empty()) RenderLocked(true);
}

int TtyRenderer::frames() const {
  std::lock_guard lock(mu_);
  return frames_;
}

void TtyRenderer::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_ && !finished_) {
    wake_.wait_for(lock, options_.interval);
    if (stop_ || finished_) break;
    bool running =
        std::any_of(vertices_.begin(), vertices_.end(),
                    [](const Vertex& v) { return v.state == State::kRunning; });
    // Running steps need a redraw for their clocks even without events.
    if (dirty_ || running) RenderLocked(false);
  }
}

void TtyRenderer::Emit(const Event& event) {
  auto now = Clock::now();
  std::lock_guard lock(mu_);
  if (finished_) return;
  dirty_ = true;
  std::visit([&](const auto& e) { On(e, now); }, event);
}

void TtyRenderer::PrintAbove(std::string_view line) {
  std::lock_guard lock(mu_);
  std::string out;
  if (previous_lines_ > 0) {
    out += "\r\x1b[" + std::to_string(previous_lines_) + "A\x1b[J";
    previous_lines_ = 0;
  }
  out += SanitizeForTerminal(line);
  out += "\x1b[K\n";
  if (finished_ || vertices_.empty()) {
    WriteLocked(out);
  } else {
    RenderLocked(false, std::move(out));
  }
}

TtyRenderer::Vertex* TtyRenderer::Find(int stage, int step) {
  auto it = index_.find({stage, step});
  return it == index_.end() ? nullptr : &vertices_[it->second];
}

void TtyRenderer::Finish(Vertex& vertex, State state, Clock::time_point now) {
  if (vertex.state != State::kRunning) return;
  vertex.state = state;
  vertex.duration = now - vertex.started;
}

void TtyRenderer::On(const BuildStarted& e, Clock::time_point now) {
  build_ = true;
  build_started_ = now;
  total_stages_ = e.total_stages;
  total_steps_ = e.total_steps;
}

void TtyRenderer::On(const StageStarted& e, Clock::time_point now) {
  build_ = true;
  if (!build_started_) build_started_ = now;
  stages_[e.stage] = StageInfo{.name = e.name, .steps = e.steps};
  std::string name = StageName(e.stage, e.name, total_stages_);
  Vertex vertex{.stage = e.stage,
                .step = -1,
                .label = SanitizeForTerminal(
                    (name.empty() ? "" : "[" + name + "] ") + "FROM " + e.base),
                .started = now};
  index_[{e.stage, -1}] = vertices_.size();
  vertices_.push_back(std::move(vertex));
}

void TtyRenderer::On(const InstructionStarted& e, Clock::time_point now) {
  build_ = true;
  if (!build_started_) build_started_ = now;
  // The base is ready once the first step runs.
  if (Vertex* base = Find(e.stage, -1)) Finish(*base, State::kDone, now);
  auto it = stages_.find(e.stage);
  std::string name = StageName(
      e.stage, it == stages_.end() ? "" : it->second.name, total_stages_);
  int steps = it == stages_.end() ? 0 : it->second.steps;
  std::string label = "[";
  label += StepName(name, e.step, steps);
  label += "] ";
  label += e.text;
  Vertex vertex{.stage = e.stage,
                .step = e.step,
                .label = SanitizeForTerminal(label),
                .started = now};
  auto [slot, inserted] = index_.try_emplace({e.stage, e.step}, 0);
  if (!inserted) {
    // Started again (a retry reported as a new start): replace in place.
    vertices_[slot->second] = std::move(vertex);
    return;
  }
  slot->second = vertices_.size();
  vertices_.push_back(std::move(vertex));
}

void TtyRenderer::On(const OutputLine& e, Clock::time_point) {
  Vertex* vertex = Find(e.stage, e.step);
  if (vertex == nullptr || vertex->state != State::kRunning) return;
  vertex->logs.push_back(SanitizeForTerminal(e.line));
  if (!options_.verbose && vertex->logs.size() > options_.tail_lines) {
    vertex->logs.pop_front();
  }
}

void TtyRenderer::On(const InstructionComplete& e, Clock::time_point now) {
  Vertex* vertex = Find(e.stage, e.step);
  if (vertex == nullptr || vertex->state != State::kRunning) return;
  Finish(*vertex, e.cached ? State::kCached : State::kDone, now);
  vertex->duration = e.duration;
  vertex->logs.clear();
  vertex->note = SanitizeForTerminal(e.cache_miss_reason);
  ++completed_steps_;
}

void TtyRenderer::On(const StageComplete& e, Clock::time_point now) {
  if (Vertex* base = Find(e.stage, -1)) Finish(*base, State::kDone, now);
}

void TtyRenderer::On(const BuildComplete& e, Clock::time_point now) {
  build_ended_ = now;
  for (Vertex& vertex : vertices_) Finish(vertex, State::kDone, now);
  summary_.push_back(SanitizeForTerminal("writing image " + e.image_id));
  for (const std::string& tag : e.tags) {
    summary_.push_back(SanitizeForTerminal("naming to " + tag));
  }
  RenderLocked(true);
}

void TtyRenderer::On(const BuildFailed& e, Clock::time_point now) {
  build_ended_ = now;
  failed_ = true;
  // Without a named step every running one is marked; the CLI prints the
  // message that names the culprit.
  bool named = e.stage >= 0 && e.step >= 0;
  for (Vertex& vertex : vertices_) {
    bool culprit = !named || (vertex.stage == e.stage && vertex.step == e.step);
    Finish(vertex, culprit ? State::kError : State::kCanceled, now);
  }
  RenderLocked(true);
}

void TtyRenderer::On(const TransferProgress& e, Clock::time_point now) {
  if (!build_started_) build_started_ = now;
  std::string key = std::string(TransferKindName(e.kind)) + " " + e.ref;
  auto [slot, inserted] = transfer_index_.try_emplace(key, vertices_.size());
  if (inserted) {
    vertices_.push_back(Vertex{.stage = -1,
                               .step = -1,
                               .label = SanitizeForTerminal(key),
                               .started = now,
                               .transfer = true});
  }
  Vertex& vertex = vertices_[slot->second];
  auto blob = std::find_if(vertex.blobs.begin(), vertex.blobs.end(),
                           [&](const Blob& b) { return b.digest == e.digest; });
  if (blob == vertex.blobs.end()) {
    vertex.blobs.push_back(
        Blob{.digest = e.digest,
             .label = SanitizeForTerminal(TransferLabel(e.what, e.digest))});
    blob = vertex.blobs.end() - 1;
  }
  blob->state = e.state;
  blob->done = e.done;
  blob->total = e.total;
  // The image is done while no blob moves; a pull reads the manifest
  // before it knows the layers, so it may start running again.
  bool active = std::any_of(vertex.blobs.begin(), vertex.blobs.end(),
                            [](const Blob& b) { return Active(b.state); });
  bool failed = std::any_of(
      vertex.blobs.begin(), vertex.blobs.end(),
      [](const Blob& b) { return b.state == TransferState::kFailed; });
  vertex.duration = now - vertex.started;
  vertex.state =
      active ? State::kRunning : (failed ? State::kError : State::kDone);
  transfers_ended_.reset();
  if (!active) transfers_ended_ = now;
}

std::string TtyRenderer::BlobLine(const Blob& blob, std::size_t width) {
  std::string text = " => => " + blob.label;
  switch (blob.state) {
    case TransferState::kDone:
      text +=
          " done " + base::FormatSize(blob.total > 0 ? blob.total : blob.done);
      break;
    case TransferState::kExists:
      text += " exists";
      break;
    case TransferState::kMounted:
      text += " mounted";
      break;
    case TransferState::kFailed:
      text += " failed";
      break;
    case TransferState::kStarted:
    case TransferState::kRunning: {
      std::string amount = TransferAmount(blob.done, blob.total);
      std::size_t used = Columns(text) + amount.size() + 2;
      std::size_t bar = width > used ? std::min(kBarWidth, width - used) : 0;
      // A bar shorter than this shows nothing useful on a narrow terminal.
      if (blob.total > 0 && bar >= 7) {
        text += ' ';
        text += ProgressBar(blob.done, blob.total, bar);
      }
      text += ' ';
      text += amount;
      break;
    }
  }
  return Fit(text, width);
}

std::string TtyRenderer::VertexLine(const Vertex& vertex, Clock::time_point now,
                                    std::size_t width) const {
  std::string text = " => ";
  switch (vertex.state) {
    case State::kCached:
      text += "CACHED ";
      break;
    case State::kError:
      text += "ERROR ";
      break;
    case State::kCanceled:
      text += "CANCELED ";
      break;
    default:
      break;
  }
  text += vertex.label;
  std::string time = FormatSeconds(
      vertex.state == State::kRunning ? now - vertex.started : vertex.duration);
  // The time sits at the right edge, as in BuildKit; on a terminal too
  // narrow for both the text wins.
  if (width < time.size() + 12) return Fit(text, width);
  return Fit(text, width - time.size() - 1) + " " + time;
}

std::string TtyRenderer::Header(bool final, Clock::time_point now) const {
  auto started = build_started_.value_or(now);
  if (!build_) {
    // A pull or push on its own counts blobs instead of steps; it has no
    // closing event, the last blob to finish ends it.
    bool pull = false;
    bool push = false;
    int blobs = 0;
    int finished = 0;
    bool failed = false;
    for (const Vertex& v : vertices_) {
      if (!v.transfer) continue;
      (v.label.starts_with("push ") ? push : pull) = true;
      for (const Blob& b : v.blobs) {
        ++blobs;
        finished += Active(b.state) ? 0 : 1;
        failed = failed || b.state == TransferState::kFailed;
      }
    }
    bool done = finished == blobs && transfers_ended_.has_value();
    auto ended = done ? *transfers_ended_ : now;
    std::string header = pull && push ? "[+] Transferring "
                         : push       ? "[+] Pushing "
                                      : "[+] Pulling ";
    header += FormatSeconds(ended - started) + " (" + std::to_string(finished) +
              "/" + std::to_string(blobs) + ")";
    if (final && done) header += failed ? " FAILED" : " FINISHED";
    return header;
  }
  auto ended = final && build_ended_ ? *build_ended_ : now;
  int total = total_steps_;
  if (total == 0) {
    for (const Vertex& v : vertices_) total += v.step >= 0 ? 1 : 0;
  }
  std::string header = "[+] Building " + FormatSeconds(ended - started) + " (" +
                       std::to_string(completed_steps_) + "/" +
                       std::to_string(total) + ")";
  if (final && build_ended_) header += failed_ ? " FAILED" : " FINISHED";
  return header;
}

std::vector<std::string> TtyRenderer::Frame(bool final, Clock::time_point now,
                                            std::size_t width,
                                            std::size_t height) const {
  // One column short of the edge: a line that fills the last column leaves
  // the cursor in a pending wrap, where terminals disagree.
  std::size_t columns = width > 1 ? width - 1 : 1;
  std::string header = Header(final, now);

  // Each vertex is a block: its line, then its note and output tail.
  struct Block {
    std::vector<std::string> lines;
    bool finished;
  };
  std::vector<Block> blocks;
  for (const Vertex& vertex : vertices_) {
    Block block{.lines = {VertexLine(vertex, now, columns)},
                .finished = vertex.state != State::kRunning};
    if (!vertex.note.empty()) {
      block.lines.push_back(Fit(" => => cache miss: " + vertex.note, columns));
    }
    for (const Blob& blob : vertex.blobs) {
      block.lines.push_back(BlobLine(blob, columns));
    }
    bool show_logs = vertex.state == State::kRunning ||
                     (final && vertex.state == State::kError);
    if (show_logs) {
      std::size_t skip = 0;
      if (final && !options_.verbose &&
          vertex.logs.size() > options_.tail_lines) {
        skip = vertex.logs.size() - options_.tail_lines;
      }
      for (std::size_t i = skip; i < vertex.logs.size(); ++i) {
        block.lines.push_back(Fit(" => => # " + vertex.logs[i], columns));
      }
    }
    blocks.push_back(std::move(block));
  }
  for (const std::string& line : summary_) {
    blocks.push_back(
        Block{.lines = {Fit(" => " + line, columns)}, .finished = true});
  }

  std::size_t body = 0;
  for (const Block& block : blocks) body += block.lines.size();
  // A live frame must fit the screen, or moving the cursor back up to
  // redraw it would stop at the top and smear. The oldest finished steps
  // go first, then the top of what is left. The final frame is drawn once
  // and may scroll.
  if (!final && height > 0) {
    std::size_t room = height > 2 ? height - 2 : 0;
    for (Block& block : blocks) {
      if (body <= room) break;
      if (!block.finished) continue;
      body -= block.lines.size();
      block.lines.clear();
    }
  }
  std::vector<std::string> lines = {Fit(header, columns)};
  for (const Block& block : blocks) {
    lines.insert(lines.end(), block.lines.begin(), block.lines.end());
  }
  if (!final && height > 0 && lines.size() > height - 1) {
    std::size_t keep = height > 2 ? height - 2 : 0;
    lines.erase(lines.begin() + 1, lines.end() - static_cast<long>(keep));
  }
  // Trailing padding only costs bytes; the erase-line after each line
  // clears what a longer previous frame left.
  for (std::string& line : lines) {
    while (!line.empty() && line.back() == ' ') line.pop_back();
  }
  return lines;
}

void TtyRenderer::RenderLocked(bool final, std::string out) {
  TerminalSize size = QuerySize(fd_);
  std::vector<std::string> lines =
      Frame(final, Clock::now(), size.width, size.height);
  if (previous_lines_ > 0) {
    out += "\r\x1b[" + std::to_string(previous_lines_) + "A";
  }
  for (const std::string& line : lines) {
    out += line;
    out += "\x1b[K\n";
  }
  out += "\x1b[J";
  previous_lines_ = lines.size();
  dirty_ = false;
  ++frames_;
  if (final) {
    finished_ = true;
    previous_lines_ = 0;
  }
  WriteLocked(out);
  if (final) wake_.notify_all();
}

void TtyRenderer::WriteLocked(const std::string& out) {
  if (broken_) return;
  // Nowhere to report a failed write to the terminal; stop drawing.
  if (!base::WriteAll(fd_, out)) broken_ = true;
}

}  // namespace zlayer::progress
