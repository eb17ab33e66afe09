#include "buildah/build_state.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <filesystem>
#include <utility>

#include "base/temp_dir.h"

namespace zlayer::buildah {

Result<WorkDir> WorkDir::Create(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Fail("create " + path + ": " + ec.message(), ErrorKind::kIo);
  return WorkDir(path);
}

WorkDir::WorkDir(WorkDir&& other) noexcept
    : path_(std::exchange(other.path_, "")),
      secrets_(std::exchange(other.secrets_, "")),
      next_(other.next_) {}

WorkDir::~WorkDir() {
  if (!secrets_.empty()) ::umount2(secrets_.c_str(), MNT_DETACH);
  if (!path_.empty()) (void)base::RemoveTree(path_);
}

Result<std::string> WorkDir::NewDir(const std::string& hint) {
  std::string dir = path_ + "/" + std::to_string(next_++) + "-" + hint;
  if (::mkdir(dir.c_str(), 0755) != 0) return FailErrno("mkdir " + dir, errno);
  return dir;
}

Result<std::string> WorkDir::SecretsDir() {
  if (!secrets_.empty()) return secrets_;
  std::string dir = path_ + "/secrets";
  if (::mkdir(dir.c_str(), 0700) != 0) return FailErrno("mkdir " + dir, errno);
  if (::mount("tmpfs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
              "mode=0700,size=16m") != 0) {
    return FailErrno("mount tmpfs for secrets", errno);
  }
  secrets_ = dir;
  return secrets_;
}

std::string BuildState::Redact(std::string line) const {
  for (const auto& [id, value] : secrets) {
    if (value.empty()) continue;
    for (size_t pos = line.find(value); pos != std::string::npos;
         pos = line.find(value, pos + 4)) {
      line.replace(pos, value.size(), "****");
    }
  }
  return line;
}

}  // namespace zlayer::buildah
