// Owning file descriptors. Every descriptor the library opens lives in a
// UniqueFd so that an early error return can never leak it, and every one is
// opened close-on-exec so that a concurrently spawned child never inherits it.
#ifndef ZLAYER_BASE_UNIQUE_FD_H_
#define ZLAYER_BASE_UNIQUE_FD_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::base {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { reset(); }

  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(other.release());
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }

  // Gives up ownership without closing.
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

  // Closes the current descriptor (ignoring errors) and owns `fd` instead.
  void reset(int fd = -1);

  // Closes now and reports a failure, which matters after writes: NFS and
  // some FUSE filesystems only report a failed write-back at close time.
  // Errors read "close <name>: <strerror>".
  Status Close(std::string_view name = {});

 private:
  int fd_ = -1;
};

// open(2) with O_CLOEXEC added; errors read "open <path>: <strerror>".
Result<UniqueFd> OpenFile(const std::string& path, int flags, mode_t mode = 0);

// openat(2) relative to `dir_fd`, O_CLOEXEC added; errors name `path`.
Result<UniqueFd> OpenFileAt(int dir_fd, const std::string& path, int flags,
                            mode_t mode = 0);

// Both ends of a close-on-exec pipe.
struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};
Result<Pipe> MakePipe();

}  // namespace zlayer::base

#endif  // ZLAYER_BASE_UNIQUE_FD_H_
