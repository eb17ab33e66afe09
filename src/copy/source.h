// The read side of COPY/ADD: a tree as BuildKit would see it (the context
// filtered by .dockerignore, or a root filesystem), the entries a source
// string selects, and the walk below each of them with --exclude and
// --parents patterns applied.
#ifndef ZLAYER_COPY_SOURCE_H_
#define ZLAYER_COPY_SOURCE_H_

#include <sys/stat.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/unique_fd.h"
#include "copy/copy.h"
#include "dockerignore/matcher.h"
#include "zlayer/result.h"

namespace zlayer::copy::internal {

// One selected source: a file or directory of the tree, symlinks followed.
struct Item {
  std::string tree_path;  // real path relative to the tree root, "" = root
  std::string name;       // the name a file takes inside a directory dest
  struct stat st {};
  base::UniqueFd parent_fd;       // O_PATH of the directory holding it
  std::string leaf;               // its name in parent_fd ("." for the root)
  dockerignore::DirMatch ignore;  // .dockerignore state of tree_path
  std::vector<std::string> includes;  // --parents patterns below it
};

// An entry met while walking an item. The item itself comes first with an
// empty copy_path.
struct Entry {
  int parent_fd = -1;  // valid during the callback only
  std::string leaf;
  std::string tree_path;
  std::string copy_path;  // relative to the item
  struct stat st {};
};

struct WalkCallbacks {
  std::function<Status(const Entry&)> enter;
  // After everything below a directory that `enter` was called for.
  std::function<Status(const Entry&)> leave;
};

class TreeView {
 public:
  static Result<TreeView> Open(const SourceTree& tree);

  const SourceTree& tree() const { return *tree_; }
  int root_fd() const { return root_fd_.get(); }
  std::string AbsPath(const std::string& tree_path) const;

  // The entries `source` selects (wildcards expanded, each followed), in
  // Go's walk order. An empty result means nothing matched. `excludes`
  // drops a selected file whose path below the wildcard's directory they
  // match (so `--exclude=*.txt hom*` skips home.txt, as documented).
  Result<std::vector<Item>> Select(const std::string& source,
                                   const dockerignore::Matcher& excludes) const;

  // The item for a clean tree-relative path, symlinks followed inside the
  // tree; nullopt when it is missing or ignored.
  Result<std::optional<Item>> Lookup(const std::string& path) const;

  // Visits `item` and what lies below it (for a directory).
  Status Walk(const Item& item, const dockerignore::Matcher& excludes,
              const WalkCallbacks& callbacks) const;

 private:
  TreeView(const SourceTree* tree, base::UniqueFd root_fd)
      : tree_(tree), root_fd_(std::move(root_fd)) {}

  Result<bool> HasIncludedBelow(int dir_fd, const std::string& tree_path,
                                const dockerignore::DirMatch& ignore) const;

  const SourceTree* tree_;
  base::UniqueFd root_fd_;
};

// Cleans a source as BuildKit does ("/a/../b/" is "b"); for the context a
// path climbing out of it is refused ("forbidden path outside the build
// context: ../x"), for a root filesystem ".." stops at the root.
Result<std::string> CleanSource(const std::string& source, bool context);

// Go's path.Clean for slash paths.
std::string CleanSlashPath(std::string_view path);

std::string JoinPath(const std::string& dir, const std::string& name);

// Splits a clean relative path into its components ("" gives none).
std::vector<std::string> Components(const std::string& path);

}  // namespace zlayer::copy::internal

#endif  // ZLAYER_COPY_SOURCE_H_
