// USER and --chown resolution through the image's own /etc/passwd and
// /etc/group, read inside the root (symlinks cannot escape it).
#ifndef ZLAYER_SANDBOX_USERS_H_
#define ZLAYER_SANDBOX_USERS_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::sandbox {

struct Credentials {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> supplementary_gids;  // groups listing the user
  std::string home = "/";                 // from passwd, for HOME
};

// `spec` is "user", "uid", "user:group", "uid:gid", ... as in Docker:
//  - a numeric user that is not in passwd is allowed (gid 0 unless given);
//  - a user name that is not in passwd is an error
//    ("unable to find user app: no matching entries in passwd file");
//  - a group name not in /etc/group likewise; numbers always work;
//  - empty spec means root.
// For USER (with_groups) supplementary groups are collected from
// /etc/group; COPY --chown does not need them.
Result<Credentials> ResolveUser(const std::string& rootfs,
                                std::string_view spec, bool with_groups = true);

}  // namespace zlayer::sandbox

#endif  // ZLAYER_SANDBOX_USERS_H_
