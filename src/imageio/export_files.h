// What an export writes, as a list of files in the order they are written,
// and the two ways of writing that list: as a directory (blobs hard-linked
// from the store when possible) or as a tar stream. Both appear at their
// destination only when complete: they are written under a temporary name
// beside it and renamed at the end.
#ifndef ZLAYER_IMAGEIO_EXPORT_FILES_H_
#define ZLAYER_IMAGEIO_EXPORT_FILES_H_

#include <string>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::imageio {

struct ExportFile {
  std::string name;  // relative, '/'-separated: "blobs/sha256/<hex>"
  bool directory = false;
  std::string content;  // used when `source` is empty
  std::string source;   // a file to link or copy, e.g. a store blob
};

// Writes `files` into a new directory `path`, which must not exist yet (an
// empty directory is replaced). Sources are hard-linked, or copied across
// filesystems.
Status WriteExportDirectory(const std::vector<ExportFile>& files,
                            const std::string& path);

// Writes `files` as a tar archive to `path` (replacing a file there), in
// list order, with fixed owners (0:0), modes (0644, 0755 for directories)
// and mtimes (0), so the same image always gives the same archive.
Status WriteExportArchive(const std::vector<ExportFile>& files,
                          const std::string& path);

}  // namespace zlayer::imageio

#endif  // ZLAYER_IMAGEIO_EXPORT_FILES_H_
