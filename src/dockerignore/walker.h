// Walking a build context with its .dockerignore rules applied, yielding
// what BuildKit would transfer as the context.
//
// Entries are visited parents first, the entries of each directory in
// byte order of their names. Symlinks are reported as symlinks and never
// followed. An excluded directory is skipped whole unless an exception
// could re-include something inside it; then it is descended into, and it
// (with any excluded parents) is reported only if something below it is
// included, just before that first included entry, so every reported path
// has its parent directories reported before it.
#ifndef ZLAYER_DOCKERIGNORE_WALKER_H_
#define ZLAYER_DOCKERIGNORE_WALKER_H_

#include <sys/stat.h>

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "dockerignore/matcher.h"
#include "zlayer/result.h"

namespace zlayer::dockerignore {

// Called with the path relative to the context root ("src/main.cc") and
// the entry's lstat. An error stops the walk and is returned by Walk.
using WalkCallback =
    std::function<Status(std::string_view path, const struct stat& st)>;

// Walks `context_dir` (which may itself be a symlink to a directory).
// Unreadable excluded directories are skipped; any other failure to read
// the tree is an error naming the path.
Status Walk(const std::filesystem::path& context_dir, const Matcher& matcher,
            const WalkCallback& callback);

// The relative paths Walk reports, in the same order.
Result<std::vector<std::string>> ListIncluded(
    const std::filesystem::path& context_dir, const Matcher& matcher);

}  // namespace zlayer::dockerignore

#endif  // ZLAYER_DOCKERIGNORE_WALKER_H_
