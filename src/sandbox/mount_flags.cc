#include "sandbox/mount_flags.h"

#include <sys/mount.h>
#include <sys/statvfs.h>

namespace zlayer::sandbox {

unsigned long InheritedMountFlags(const std::string& path) {
  struct FlagPair {
    unsigned long st;
    unsigned long ms;
  };
  static constexpr FlagPair kMap[] = {
      {ST_NOSUID, MS_NOSUID},         {ST_NODEV, MS_NODEV},
      {ST_NOEXEC, MS_NOEXEC},         {ST_NOATIME, MS_NOATIME},
      {ST_NODIRATIME, MS_NODIRATIME}, {ST_RELATIME, MS_RELATIME},
  };
  struct statvfs vfs;
  if (::statvfs(path.c_str(), &vfs) != 0) return 0;
  unsigned long flags = 0;
  for (const FlagPair& pair : kMap) {
    if (vfs.f_flag & pair.st) flags |= pair.ms;
  }
  return flags;
}

}  // namespace zlayer::sandbox
