// What the extraction of one layer remembers between entries.
//
// - The upper paths: everything this layer created, with its ancestors.
//   Whiteouts only hide lower layers (OCI image spec), so a whiteout or an
//   opaque marker that comes after an entry of the same layer must spare it;
//   order inside a layer does not matter. umoci and containerd keep the same
//   set.
// - The symlinks this layer created, which later entries of the same layer
//   may not be written through.
// - For overlay_whiteouts: the directories that must hide what lower layers
//   have at their path (become opaque).
// - Directory metadata to settle at the end: a directory's mode and times
//   from its own header, or, for a directory this layer only adds to or
//   removes from, the times it had before. Creating a child changes the
//   parent's mtime, so times are set once every child is in place; a
//   read-only directory mode is set last so that an unprivileged extraction
//   can still fill it.
#ifndef ZLAYER_EXTRACT_LAYER_STATE_H_
#define ZLAYER_EXTRACT_LAYER_STATE_H_

#include <sys/stat.h>
#include <sys/types.h>

#include <map>
#include <set>
#include <string>
#include <unordered_set>

#include "zlayer/result.h"

namespace zlayer::extract {

struct DirRecord {
  mode_t mode = 0;  // permission bits to set when apply_mode
  bool apply_mode = false;
  timespec atime{};
  timespec mtime{};
};

class LayerState {
 public:
  explicit LayerState(bool privileged) : privileged_(privileged) {}

  // `key` is a resolved path inside the root as JoinComponents makes it.
  void NoteUpper(const std::string& key);
  bool IsUpper(const std::string& key) const;

  void NoteSymlink(const std::string& key) { symlinks_.insert(key); }
  bool CreatedSymlink(const std::string& key) const {
    return symlinks_.contains(key);
  }

  // Called before the directory `dir_fd` (at `key`) gains or loses a child:
  // remembers its times the first time, and without privileges grants the
  // owner write and search permission until EntryWriter::FinishDirectories
  // restores the mode.
  Status NoteDirTouched(int dir_fd, const std::string& key);

  // The directory at `key` has a header in this layer: its mode and times
  // win over whatever was noted.
  void SetDirHeader(const std::string& key, const DirRecord& record);

  // Forgets the records of `key` once it is removed. Removal goes bottom
  // up, so everything below it has been forgotten already.
  void Forget(const std::string& key) {
    directories_.erase(key);
    symlinks_.erase(key);
  }

  const std::map<std::string, DirRecord>& directories() const {
    return directories_;
  }

  // The directory at `key` replaced or outlived a deletion of the lower
  // layers' `key` within this layer: an opaque marker for it, a whiteout
  // of it, or a non-directory of this layer in its place. Only the overlay
  // mode acts on this (the directory becomes opaque); applied layers have
  // already deleted the lower contents.
  void NoteHidesLower(const std::string& key) { hides_lower_.insert(key); }
  const std::set<std::string>& hides_lower() const { return hides_lower_; }

 private:
  bool privileged_;
  std::unordered_set<std::string> upper_;
  std::unordered_set<std::string> symlinks_;
  std::set<std::string> hides_lower_;
  // Ordered, so that a reverse walk visits children before their parents.
  std::map<std::string, DirRecord> directories_;
};

}  // namespace zlayer::extract

#endif  // ZLAYER_EXTRACT_LAYER_STATE_H_
