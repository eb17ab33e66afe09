// Turns change-set entries into tar entries on a block pipeline: headers as
// BuildKit writes them (uname and gname empty, no atime or ctime, whole-
// second mtimes), file contents read straight into the pipeline's blocks,
// and the second and later paths of a multiply-linked inode written as
// hardlinks to the first.
#ifndef ZLAYER_LAYER_TAR_WRITER_H_
#define ZLAYER_LAYER_TAR_WRITER_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "layer/block_pipeline.h"
#include "layer/change_set.h"
#include "layer/tar_header.h"
#include "zlayer/result.h"

namespace zlayer::layer {

class TarWriter {
 public:
  // `root` only names files in errors. With `clamp_mtime`, later mtimes are
  // written as it (BuildKit's rewrite-timestamp for SOURCE_DATE_EPOCH).
  TarWriter(BlockPipeline& out, std::string root,
            std::optional<int64_t> clamp_mtime);

  // Writes one entry. A regular file is read up to the size it had when it
  // was listed; a shorter file is an error naming it.
  Status Add(const Entry& entry);
  // Writes the end-of-archive marker.
  Status Finish();

 private:
  void FillHeader(const Entry& entry);
  Status WriteContents(const Entry& entry);
  Status WriteZeros(size_t n);
  std::string SourcePath(const Entry& entry) const;

  BlockPipeline& out_;
  const std::string root_;
  const std::optional<int64_t> clamp_mtime_;
  // First path of each inode with more than one link.
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
  // Reused for every entry.
  TarHeader header_;
  std::string encoded_;
};

}  // namespace zlayer::layer

#endif  // ZLAYER_LAYER_TAR_WRITER_H_
