#include "base/log.h"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <mutex>
#include <string>

#include "base/file_io.h"

namespace zlayer::base {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kWarn)};

// One lock serialises both the sink and stderr so that lines written by
// different threads never interleave.
struct SinkState {
  std::mutex mu;
  LogSink sink;
};

SinkState& State() {
  static SinkState* state = new SinkState;  // never destroyed: logging may
  return *state;                            // run during static teardown
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != b[i]) return false;
  }
  return true;
}

}  // namespace

Result<LogLevel> ParseLogLevel(std::string_view text) {
  for (LogLevel level :
       {LogLevel::kError, LogLevel::kWarn, LogLevel::kInfo, LogLevel::kDebug}) {
    if (EqualsIgnoreCase(text, LogLevelName(level))) return level;
  }
  if (EqualsIgnoreCase(text, "warning")) return LogLevel::kWarn;
  return Fail("unknown log level \"" + std::string(text) +
                  "\" (want error, warn, info or debug)",
              ErrorKind::kUsage);
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "error";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kDebug:
      return "debug";
  }
  return "unknown";
}

void SetLogLevel(LogLevel level) {
  g_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

LogLevel GetLogLevel() {
  return static_cast<LogLevel>(g_level.load(std::memory_order_relaxed));
}

bool LogEnabled(LogLevel level) {
  return static_cast<int>(level) <= g_level.load(std::memory_order_relaxed);
}

void SetLogSink(LogSink sink) {
  SinkState& state = State();
  std::lock_guard lock(state.mu);
  state.sink = std::move(sink);
}

void LogMessage(LogLevel level, std::string_view message) {
  SinkState& state = State();
  std::lock_guard lock(state.mu);
  if (state.sink) {
    state.sink(level, message);
    return;
  }
  // One write per line keeps lines whole even against other processes
  // sharing the same stderr.
  std::string line = "zlayer: ";
  line += LogLevelName(level);
  line += ": ";
  line += message;
  line += '\n';
  // Nowhere is left to report a failure to write to stderr.
  (void)WriteAll(STDERR_FILENO, line);
}

}  // namespace zlayer::base
