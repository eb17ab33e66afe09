#include "progress/events.h"

#include <time.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <type_traits>

namespace zlayer::progress {
namespace {

using Json = nlohmann::ordered_json;

double Millis(std::chrono::nanoseconds duration) {
  return static_cast<double>(duration.count()) / 1e6;
}

// "2024-05-01T12:30:45.123Z". Floors, so a time before the epoch still
// prints its own second and a non-negative millisecond.
std::string FormatTime(std::chrono::system_clock::time_point time) {
  auto ms = std::chrono::floor<std::chrono::milliseconds>(time);
  auto seconds = std::chrono::floor<std::chrono::seconds>(ms);
  time_t t = static_cast<time_t>(seconds.time_since_epoch().count());
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>((ms - seconds).count()));
  return buf;
}

const char* StreamName(Stream stream) {
  return stream == Stream::kStderr ? "stderr" : "stdout";
}

void AddFields(Json& out, const BuildStarted& e) {
  out["build_id"] = e.build_id;
  out["file"] = e.file;
  out["total_stages"] = e.total_stages;
  out["total_steps"] = e.total_steps;
}

void AddFields(Json& out, const StageStarted& e) {
  out["stage"] = e.stage;
  out["name"] = e.name;
  out["base"] = e.base;
  out["steps"] = e.steps;
}

void AddFields(Json& out, const InstructionStarted& e) {
  out["stage"] = e.stage;
  out["step"] = e.step;
  out["text"] = e.text;
}

void AddFields(Json& out, const OutputLine& e) {
  out["stage"] = e.stage;
  out["step"] = e.step;
  out["stream"] = StreamName(e.stream);
  out["line"] = e.line;
}

void AddFields(Json& out, const InstructionComplete& e) {
  out["stage"] = e.stage;
  out["step"] = e.step;
  out["cached"] = e.cached;
  out["duration_ms"] = Millis(e.duration);
  out["cache_miss_reason"] = e.cache_miss_reason;
}

void AddFields(Json& out, const StageComplete& e) {
  out["stage"] = e.stage;
  out["duration_ms"] = Millis(e.duration);
}

void AddFields(Json& out, const BuildComplete& e) {
  out["image_id"] = e.image_id;
  out["tags"] = e.tags;
  out["duration_ms"] = Millis(e.duration);
}

void AddFields(Json& out, const BuildFailed& e) {
  out["error"] = e.error;
  out["stage"] = e.stage;
  out["step"] = e.step;
}

void AddFields(Json& out, const TransferProgress& e) {
  out["kind"] = TransferKindName(e.kind);
  out["ref"] = e.ref;
  out["digest"] = e.digest;
  out["what"] = e.what;
  out["state"] = TransferStateName(e.state);
  out["done"] = e.done;
  out["total"] = e.total;
}

}  // namespace

const char* TransferKindName(TransferKind kind) {
  return kind == TransferKind::kPush ? "push" : "pull";
}

const char* TransferStateName(TransferState state) {
  switch (state) {
    case TransferState::kStarted:
      return "started";
    case TransferState::kRunning:
      return "running";
    case TransferState::kDone:
      return "done";
    case TransferState::kExists:
      return "exists";
    case TransferState::kMounted:
      return "mounted";
    case TransferState::kFailed:
      return "failed";
  }
  return "unknown";
}

const char* EventTypeName(const Event& event) {
  return std::visit(
      [](const auto& e) -> const char* {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, BuildStarted>) return "build_started";
        if constexpr (std::is_same_v<T, StageStarted>) return "stage_started";
        if constexpr (std::is_same_v<T, InstructionStarted>) {
          return "instruction_started";
        }
        if constexpr (std::is_same_v<T, OutputLine>) return "output_line";
        if constexpr (std::is_same_v<T, InstructionComplete>) {
          return "instruction_complete";
        }
        if constexpr (std::is_same_v<T, StageComplete>) return "stage_complete";
        if constexpr (std::is_same_v<T, BuildComplete>) return "build_complete";
        if constexpr (std::is_same_v<T, BuildFailed>) return "build_failed";
        if constexpr (std::is_same_v<T, TransferProgress>) {
          return "transfer_progress";
        }
      },
      event);
}

std::string EventToJson(const Event& event,
                        std::chrono::system_clock::time_point time) {
  Json out;
  out["type"] = EventTypeName(event);
  std::visit([&](const auto& e) { AddFields(out, e); }, event);
  out["time"] = FormatTime(time);
  // Output lines are whatever a RUN printed, often not UTF-8: replace bad
  // bytes with U+FFFD instead of throwing.
  return out.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace zlayer::progress
