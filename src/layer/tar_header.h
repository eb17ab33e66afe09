// Encoding of one tar entry's header, the way Go's archive/tar does with
// Format = PAX (as BuildKit and containerd write layers): a plain ustar
// header whenever every field fits, and otherwise a PAX extended header
// ('x') carrying exactly the fields that do not, followed by the ustar
// header with best-effort values. The output depends on nothing but the
// fields, so the same entry always encodes to the same bytes.
#ifndef ZLAYER_LAYER_TAR_HEADER_H_
#define ZLAYER_LAYER_TAR_HEADER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::layer {

inline constexpr size_t kTarBlockSize = 512;

// Type flags this writer emits.
enum class TarType : char {
  kRegular = '0',
  kHardlink = '1',
  kSymlink = '2',
  kCharDevice = '3',
  kBlockDevice = '4',
  kDirectory = '5',
  kFifo = '6',
};

struct TarHeader {
  // Relative, without a leading "./"; directories end in '/'.
  std::string name;
  // The target of a symlink, or the earlier entry's name for a hardlink.
  std::string linkname;
  TarType type = TarType::kRegular;
  // Permission bits plus setuid, setgid and sticky (07777).
  uint32_t mode = 0;
  uint64_t uid = 0;
  uint64_t gid = 0;
  // Bytes of data that follow; only regular files have any.
  uint64_t size = 0;
  // Seconds since the epoch; sub-second precision is never written.
  int64_t mtime = 0;
  uint32_t devmajor = 0;
  uint32_t devminor = 0;
  // Extended attributes (name, raw value), sorted by name; written as PAX
  // "SCHILY.xattr.<name>" records, the spelling GNU tar, libarchive and Go
  // all read.
  std::vector<std::pair<std::string, std::string>> xattrs;
};

// PAX data larger than this is refused by Go's reader (and so by Docker,
// containerd and BuildKit), so no writer should produce it.
inline constexpr size_t kMaxPaxSize = 1 << 20;

// Appends the header blocks for `header` (a PAX header and its records
// first when needed) to `out`. The entry's data, padded to a multiple of
// kTarBlockSize, is the caller's to append. Fails (kUnsupported) only when
// the PAX records would exceed kMaxPaxSize, e.g. with huge xattrs.
Status AppendTarHeader(const TarHeader& header, std::string& out);

// Zero bytes that pad `size` bytes of data to a whole block.
inline size_t TarPadding(uint64_t size) {
  return static_cast<size_t>((kTarBlockSize - size % kTarBlockSize) %
                             kTarBlockSize);
}

// Two zero blocks end an archive. Like Go's writer, no further padding to a
// 10 KiB record is added.
inline constexpr size_t kTarTrailerSize = 2 * kTarBlockSize;

}  // namespace zlayer::layer

#endif  // ZLAYER_LAYER_TAR_HEADER_H_
