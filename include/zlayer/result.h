// Error handling for the whole library: every fallible call returns
// Result<T> (std::expected<T, Error>). Errors carry a kind (so the CLI can
// pick an exit code), an optional errno, and a message that grows a
// "context: " prefix as it travels up, e.g.
//   Dockerfile:7: COPY: unknown flag --fromm
//   open /var/lib/zlayer/index.db: Permission denied
#ifndef ZLAYER_RESULT_H_
#define ZLAYER_RESULT_H_

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace zlayer {

enum class ErrorKind {
  kFailed,       // a build or user error (exit code 1)
  kUsage,        // bad command-line usage (exit code 2)
  kNotFound,     // a file, image, stage or key that does not exist
  kInvalid,      // malformed input: a Dockerfile, a manifest, a tar
  kUnsupported,  // an accepted-looking request this build cannot honour
  kIo,           // a system call failed (errno is set)
  kCancelled,    // interrupted by a signal
};

class Error {
 public:
  explicit Error(std::string message, ErrorKind kind = ErrorKind::kFailed,
                 int errno_value = 0)
      : message_(std::move(message)), kind_(kind), errno_(errno_value) {}

  // The full message, outermost context first.
  const std::string& message() const { return message_; }
  ErrorKind kind() const { return kind_; }
  int errno_value() const { return errno_; }

  // Prefixes the message with what the caller was doing.
  Error& AddContext(std::string_view context) {
    message_ = std::string(context) + ": " + message_;
    return *this;
  }

 private:
  std::string message_;
  ErrorKind kind_;
  int errno_;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = Result<void>;

inline std::unexpected<Error> Fail(std::string message,
                                   ErrorKind kind = ErrorKind::kFailed) {
  return std::unexpected<Error>(Error(std::move(message), kind));
}

// A failed system call: "<what>: <strerror(errno_value)>".
std::unexpected<Error> FailErrno(std::string_view what, int errno_value);

inline Status Ok() { return {}; }

// Adds context to a failed result and passes a good one through untouched.
template <typename T>
Result<T> WithContext(Result<T> result, std::string_view context) {
  if (!result) result.error().AddContext(context);
  return result;
}

}  // namespace zlayer

#define ZL_CONCAT_INNER_(a, b) a##b
#define ZL_CONCAT_(a, b) ZL_CONCAT_INNER_(a, b)

// Returns the error of `expr` (a Result) from the enclosing function.
#define ZL_RETURN_IF_ERROR(expr)                                            \
  do {                                                                      \
    auto&& zl_status_ = (expr);                                             \
    if (!zl_status_) return std::unexpected(std::move(zl_status_).error()); \
  } while (0)

#define ZL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)           \
  auto tmp = (expr);                                        \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)

// `ZL_ASSIGN_OR_RETURN(auto x, Compute());` declares x from a good result or
// returns the error.
#define ZL_ASSIGN_OR_RETURN(lhs, expr) \
  ZL_ASSIGN_OR_RETURN_IMPL_(ZL_CONCAT_(zl_result_, __LINE__), lhs, expr)

#endif  // ZLAYER_RESULT_H_
