#include "base/unique_fd.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace zlayer::base {
namespace {

// On Linux the descriptor is released even when close(2) reports EINTR, so a
// retry could close a descriptor another thread has just been handed. Close
// exactly once and treat EINTR as success.
int CloseOnce(int fd) {
  if (::close(fd) == 0 || errno == EINTR) return 0;
  return errno;
}

}  // namespace

void UniqueFd::reset(int fd) {
  if (fd_ >= 0 && fd_ != fd) CloseOnce(fd_);
  fd_ = fd;
}

Status UniqueFd::Close(std::string_view name) {
  if (fd_ < 0) return Ok();
  int err = CloseOnce(release());
  if (err != 0) {
    return FailErrno(name.empty() ? "close" : "close " + std::string(name),
                     err);
  }
  return Ok();
}

Result<UniqueFd> OpenFile(const std::string& path, int flags, mode_t mode) {
  return OpenFileAt(AT_FDCWD, path, flags, mode);
}

Result<UniqueFd> OpenFileAt(int dir_fd, const std::string& path, int flags,
                            mode_t mode) {
  int fd;
  do {
    fd = ::openat(dir_fd, path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return FailErrno("open " + path, errno);
  return UniqueFd(fd);
}

Result<Pipe> MakePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return FailErrno("pipe", errno);
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

}  // namespace zlayer::base
