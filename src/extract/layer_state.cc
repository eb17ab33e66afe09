#include "extract/layer_state.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <string>

namespace zlayer::extract {
namespace {

constexpr mode_t kOwnerWriteSearch = S_IRWXU;

}  // namespace

void LayerState::NoteUpper(const std::string& key) {
  std::string path = key;
  while (upper_.insert(path).second) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos) {
      upper_.insert(".");
      return;
    }
    path.resize(slash);
  }
}

bool LayerState::IsUpper(const std::string& key) const {
  return upper_.contains(key);
}

Status LayerState::NoteDirTouched(int dir_fd, const std::string& key) {
  if (directories_.contains(key)) return Ok();
  struct stat st;
  if (::fstat(dir_fd, &st) != 0) return FailErrno("stat " + key, errno);
  DirRecord record;
  record.mode = st.st_mode & 07777;
  record.atime = st.st_atim;
  record.mtime = st.st_mtim;
  if (!privileged_ && (st.st_mode & kOwnerWriteSearch) != kOwnerWriteSearch) {
    // fchmod() refuses O_PATH descriptors; the /proc link reaches the inode.
    std::string link = "/proc/self/fd/" + std::to_string(dir_fd);
    if (::fchmodat(AT_FDCWD, link.c_str(), record.mode | kOwnerWriteSearch,
                   0) != 0) {
      return FailErrno("chmod " + key, errno);
    }
    record.apply_mode = true;
  }
  directories_.emplace(key, record);
  return Ok();
}

void LayerState::SetDirHeader(const std::string& key, const DirRecord& record) {
  directories_[key] = record;
}

}  // namespace zlayer::extract
