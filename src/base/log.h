// Diagnostics on stderr as "zlayer: <level>: <message>". The level is global
// because it is one process-wide user choice (--log-level); everything else a
// caller needs is passed explicitly. Messages below the level are never
// formatted, so debug logging in hot paths costs one atomic load.
#ifndef ZLAYER_BASE_LOG_H_
#define ZLAYER_BASE_LOG_H_

#include <fmt/format.h>

#include <functional>
#include <string_view>
#include <utility>

#include "zlayer/result.h"

namespace zlayer::base {

// Ordered from most to least severe.
enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// Accepts error, warn (or warning), info and debug, in any case.
Result<LogLevel> ParseLogLevel(std::string_view text);
std::string_view LogLevelName(LogLevel level);

// The default level is kWarn.
void SetLogLevel(LogLevel level);
LogLevel GetLogLevel();
bool LogEnabled(LogLevel level);

// Where finished messages go instead of stderr, e.g. a progress display
// that must print them above its bars. Called under a lock, one message at a
// time, so a sink must not log itself; an empty function restores stderr.
using LogSink = std::function<void(LogLevel level, std::string_view message)>;
void SetLogSink(LogSink sink);

// Emits an already formatted message, whatever the level.
void LogMessage(LogLevel level, std::string_view message);

template <typename... Args>
void Log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  if (!LogEnabled(level)) return;
  LogMessage(level, fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void LogError(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kError, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogWarn(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kWarn, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogInfo(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kInfo, format, std::forward<Args>(args)...);
}
template <typename... Args>
void LogDebug(fmt::format_string<Args...> format, Args&&... args) {
  Log(LogLevel::kDebug, format, std::forward<Args>(args)...);
}

}  // namespace zlayer::base

#endif  // ZLAYER_BASE_LOG_H_
