// Whole-file reads and crash-safe writes. The store and cache indexes are
// rewritten with WriteFileAtomic so that a crash or power loss leaves either
// the old contents or the new ones, never a truncated mix.
#ifndef ZLAYER_BASE_FILE_IO_H_
#define ZLAYER_BASE_FILE_IO_H_

#include <sys/types.h>

#include <string>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::base {

// Reads a whole file; errors name the path ("open /x: ...", "read /x: ...").
Result<std::string> ReadFile(const std::string& path);

// Replaces `path` with `data`: writes a temporary file beside it, fsyncs it,
// renames it over `path` and fsyncs the directory. `mode` is applied exactly
// (the umask does not narrow it). Symlinks at `path` are replaced, not
// followed.
Status WriteFileAtomic(const std::string& path, std::string_view data,
                       mode_t mode = 0644);

// Writes all of `data`, retrying short writes and EINTR, and waiting for room
// on a non-blocking descriptor. Errors read "write <name>: <strerror>", or
// "write: <strerror>" without a name.
Status WriteAll(int fd, std::string_view data, std::string_view name = {});

// Reads until end of file, retrying EINTR. Errors read "read <name>: ...".
Result<std::string> ReadAll(int fd, std::string_view name = {});

}  // namespace zlayer::base

#endif  // ZLAYER_BASE_FILE_IO_H_
