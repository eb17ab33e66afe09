#include "progress/plain_renderer.h"

#include <fmt/format.h>

#include <algorithm>

#include "base/file_io.h"
#include "base/units.h"
#include "progress/text.h"

namespace zlayer::progress {

std::string VertexId(int stage, int step) {
  if (step < 0) return fmt::format("#{}", stage);
  return fmt::format("#{}.{}", stage, step + 1);
}

void PlainRenderer::Emit(const Event& event) {
  std::lock_guard lock(mu_);
  if (broken_) return;
  out_.clear();
  std::visit([&](const auto& e) { On(e); }, event);
  if (out_.empty()) return;
  // A renderer has nowhere to report a failed write; stop instead of
  // failing again on every event.
  if (!base::WriteAll(fd_, out_)) broken_ = true;
}

void PlainRenderer::Line(const std::string& vertex, std::string_view text) {
  if (wrote_ && vertex != last_vertex_) out_ += '\n';
  wrote_ = true;
  last_vertex_ = vertex;
  if (!vertex.empty()) {
    out_ += vertex;
    out_ += ' ';
  }
  out_ += text;
  out_ += '\n';
}

std::string PlainRenderer::StageLabel(int stage) const {
  auto it = stages_.find(stage);
  return StageName(stage, it == stages_.end() ? "" : it->second.name,
                   total_stages_);
}

void PlainRenderer::On(const BuildStarted& e) {
  total_stages_ = e.total_stages;
  Line("", fmt::format("building {}: {} stage{}, {} step{}", e.file,
                       e.total_stages, e.total_stages == 1 ? "" : "s",
                       e.total_steps, e.total_steps == 1 ? "" : "s"));
}

void PlainRenderer::On(const StageStarted& e) {
  stages_[e.stage] = StageInfo{.name = e.name, .steps = e.steps};
  std::string label = StageLabel(e.stage);
  Line(VertexId(e.stage),
       (label.empty() ? "" : "[" + label + "] ") + "FROM " + e.base);
}

void PlainRenderer::On(const InstructionStarted& e) {
  running_.emplace_back(e.stage, e.step);
  auto it = stages_.find(e.stage);
  int steps = it == stages_.end() ? 0 : it->second.steps;
  Line(VertexId(e.stage, e.step),
       fmt::format("[{}] {}", StepName(StageLabel(e.stage), e.step, steps),
                   e.text));
}

void PlainRenderer::On(const OutputLine& e) {
  std::string_view line = e.line;
  while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  Line(VertexId(e.stage, e.step), line);
}

void PlainRenderer::On(const InstructionComplete& e) {
  std::erase(running_, std::make_pair(e.stage, e.step));
  std::string vertex = VertexId(e.stage, e.step);
  if (!e.cache_miss_reason.empty()) {
    Line(vertex, "cache miss: " + e.cache_miss_reason);
  }
  Line(vertex, e.cached ? "CACHED" : "DONE " + FormatSeconds(e.duration));
}

void PlainRenderer::On(const StageComplete& e) {
  Line(VertexId(e.stage), "DONE " + FormatSeconds(e.duration));
}

void PlainRenderer::On(const BuildComplete& e) {
  for (const std::string& tag : e.tags) Line("", "naming to " + tag);
  Line("", "build complete " + e.image_id + " " + FormatSeconds(e.duration));
}

void PlainRenderer::On(const BuildFailed& e) {
  // The engine may not know which step failed; then every step still
  // running is marked, the message names the culprit.
  bool named = e.stage >= 0 && e.step >= 0;
  for (const auto& [stage, step] : running_) {
    bool culprit = !named || (stage == e.stage && step == e.step);
    Line(VertexId(stage, step), culprit ? "ERROR" : "CANCELED");
  }
  if (named && std::find(running_.begin(), running_.end(),
                         std::make_pair(e.stage, e.step)) == running_.end()) {
    Line(VertexId(e.stage, e.step), "ERROR");
  }
  running_.clear();
  Line("", "build failed: " + e.error);
}

void PlainRenderer::On(const TransferProgress& e) {
  std::string key =
      fmt::format("{} {} {}", TransferKindName(e.kind), e.ref, e.digest);
  std::string head = fmt::format("{} {} {}", TransferKindName(e.kind), e.ref,
                                 TransferLabel(e.what, e.digest));
  switch (e.state) {
    case TransferState::kStarted:
      transfers_[key] = 0;
      Line("", e.total > 0 ? head + " started " + base::FormatSize(e.total)
                           : head + " started");
      return;
    case TransferState::kRunning: {
      if (e.total == 0) return;
      uint64_t done = std::min(e.done, e.total);
      int quarter = static_cast<int>(done * 4 / e.total);
      if (quarter >= 4) return;  // the final line says it
      // A running event without a started one (a sink attached late)
      // counts from zero.
      int& last = transfers_[key];
      if (quarter <= last) return;
      last = quarter;
      Line("", head + " " + TransferAmount(e.done, e.total));
      return;
    }
    case TransferState::kDone:
      transfers_.erase(key);
      Line("", head + " " + base::FormatSize(e.total > 0 ? e.total : e.done) +
                   " done");
      return;
    case TransferState::kExists:
      transfers_.erase(key);
      Line("", head + " exists");
      return;
    case TransferState::kMounted:
      transfers_.erase(key);
      Line("", head + " mounted");
      return;
    case TransferState::kFailed:
      transfers_.erase(key);
      Line("", head + " failed");
      return;
  }
}

}  // namespace zlayer::progress
