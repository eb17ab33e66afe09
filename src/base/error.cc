#include <cstring>

#include "zlayer/result.h"

namespace zlayer {

std::unexpected<Error> FailErrno(std::string_view what, int errno_value) {
  std::string message(what);
  message += ": ";
  message += std::strerror(errno_value);
  return std::unexpected<Error>(
      Error(std::move(message), ErrorKind::kIo, errno_value));
}

}  // namespace zlayer
