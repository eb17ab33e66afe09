#include "layer/tar_header.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>

namespace zlayer::layer {
namespace {

// Field offsets and widths of a POSIX ustar header.
struct Field {
  size_t offset;
  size_t width;
};
constexpr Field kName{0, 100};
constexpr Field kMode{100, 8};
constexpr Field kUid{108, 8};
constexpr Field kGid{116, 8};
constexpr Field kSize{124, 12};
constexpr Field kMtime{136, 12};
constexpr Field kChecksum{148, 8};
constexpr size_t kTypeflagOffset = 156;
constexpr Field kLinkname{157, 100};
constexpr Field kMagic{257, 6};
constexpr Field kVersion{263, 2};
constexpr Field kDevmajor{329, 8};
constexpr Field kDevminor{337, 8};
constexpr Field kPrefix{345, 155};

constexpr char kPaxTypeflag = 'x';
constexpr std::string_view kXattrPrefix = "SCHILY.xattr.";

using Block = char[kTarBlockSize];

bool IsAscii(std::string_view text) {
  return std::none_of(text.begin(), text.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x80;
  });
}

// Go's toASCII: the ustar fields can only hold ASCII, so a name that needs
// a PAX record gets a best-effort copy with the other bytes dropped.
std::string ToAscii(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x80) out += c;
  }
  return out;
}

// Copies `text` into the field, truncating; NUL-terminates when it fits.
void PutString(Block& block, Field field, std::string_view text) {
  size_t n = std::min(text.size(), field.width);
  std::memcpy(block + field.offset, text.data(), n);
  if (n < field.width) block[field.offset + n] = '\0';
  // A truncated name ending in '/' would turn a file into a directory for
  // readers that ignore the PAX path.
  if (text.size() > field.width && block[field.offset + n - 1] == '/') {
    size_t end = n;
    while (end > 0 && block[field.offset + end - 1] == '/') --end;
    block[field.offset + end] = '\0';
  }
}

// A field of width w holds w-1 octal digits and a NUL.
bool FitsOctal(Field field, uint64_t value) {
  return field.width >= 22 || value < (uint64_t{1} << (3 * (field.width - 1)));
}

// Zero-padded octal; a value that does not fit becomes 0, its real value
// then being in a PAX record.
void PutOctal(Block& block, Field field, uint64_t value) {
  if (!FitsOctal(field, value)) value = 0;
  char* out = block + field.offset;
  out[field.width - 1] = '\0';
  for (size_t i = field.width - 1; i > 0; --i) {
    out[i - 1] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
}

void PutChecksum(Block& block) {
  std::memset(block + kChecksum.offset, ' ', kChecksum.width);
  uint32_t sum = 0;
  for (char c : block) sum += static_cast<unsigned char>(c);
  Field digits{kChecksum.offset, 7};  // six digits, NUL, then the space
  PutOctal(block, digits, sum);
}

// Go's splitUSTARPath: a long ASCII name may be split at a '/' into a
// prefix of up to 155 bytes and a name of up to 100.
bool SplitUstarPath(std::string_view name, std::string_view& prefix,
                    std::string_view& suffix) {
  size_t length = name.size();
  if (length <= kName.width || !IsAscii(name)) return false;
  if (length > kPrefix.width + 1) {
    length = kPrefix.width + 1;
  } else if (name[length - 1] == '/') {
    --length;
  }
  size_t slash = name.substr(0, length).rfind('/');
  if (slash == std::string_view::npos || slash == 0) return false;
  size_t suffix_length = name.size() - slash - 1;
  if (suffix_length == 0 || suffix_length > kName.width ||
      slash > kPrefix.width) {
    return false;
  }
  prefix = name.substr(0, slash);
  suffix = name.substr(slash + 1);
  return true;
}

using Records = std::vector<std::pair<std::string, std::string>>;

// The PAX records the header needs, and whether ustar alone can carry it
// (only a long name that splits into prefix and name needs no PAX).
bool CollectRecords(const TarHeader& header, Records& records) {
  bool ustar_ok = true;
  if (!IsAscii(header.name) || header.name.size() > kName.width) {
    std::string_view prefix, suffix;
    if (!SplitUstarPath(header.name, prefix, suffix)) ustar_ok = false;
    records.emplace_back("path", header.name);
  }
  auto need = [&](std::string key, std::string value) {
    records.emplace_back(std::move(key), std::move(value));
    ustar_ok = false;
  };
  if (!IsAscii(header.linkname) || header.linkname.size() > kLinkname.width) {
    need("linkpath", header.linkname);
  }
  if (!FitsOctal(kUid, header.uid)) need("uid", std::to_string(header.uid));
  if (!FitsOctal(kGid, header.gid)) need("gid", std::to_string(header.gid));
  if (!FitsOctal(kSize, header.size)) need("size", std::to_string(header.size));
  if (header.mtime < 0 ||
      !FitsOctal(kMtime, static_cast<uint64_t>(header.mtime))) {
    need("mtime", std::to_string(header.mtime));
  }
  for (const auto& [name, value] : header.xattrs) {
    need(std::string(kXattrPrefix) + name, value);
  }
  std::sort(records.begin(), records.end());
  return ustar_ok;
}

// "<length> <key>=<value>\n", where the length counts its own digits.
void AppendRecord(std::string_view key, std::string_view value,
                  std::string& out) {
  size_t body = key.size() + value.size() + 3;  // ' ', '=', '\n'
  size_t length = body + 1;
  while (std::to_string(length).size() + body != length) {
    length = std::to_string(length).size() + body;
  }
  out += std::to_string(length);
  out += ' ';
  out += key;
  out += '=';
  out += value;
  out += '\n';
}

void InitBlock(Block& block, char typeflag) {
  std::memset(block, 0, kTarBlockSize);
  block[kTypeflagOffset] = typeflag;
  std::memcpy(block + kMagic.offset, "ustar\0", kMagic.width);
  std::memcpy(block + kVersion.offset, "00", kVersion.width);
}

// The 'x' entry: Go names it "<dir>/PaxHeaders.0/<base>" with zero
// metadata; readers use only its records.
Status AppendPaxEntry(const TarHeader& header, const Records& records,
                      std::string& out) {
  std::string data;
  for (const auto& [key, value] : records) AppendRecord(key, value, data);
  if (data.size() > kMaxPaxSize) {
    return Fail("PAX header of " + std::to_string(data.size()) +
                    " bytes exceeds the " + std::to_string(kMaxPaxSize) +
                    " that tar readers accept",
                ErrorKind::kUnsupported);
  }

  std::string_view name = header.name;
  std::string_view trimmed = name.substr(0, name.find_last_not_of('/') + 1);
  size_t slash = trimmed.rfind('/');
  size_t split = slash == std::string_view::npos ? 0 : slash + 1;
  std::string pax_name = std::string(trimmed.substr(0, split)) +
                         "PaxHeaders.0/" + std::string(trimmed.substr(split));
  pax_name = ToAscii(pax_name).substr(0, kName.width);
  pax_name.erase(pax_name.find_last_not_of('/') + 1);

  Block block;
  InitBlock(block, kPaxTypeflag);
  PutString(block, kName, pax_name);
  for (Field field : {kMode, kUid, kGid, kMtime, kDevmajor, kDevminor}) {
    PutOctal(block, field, 0);
  }
  PutOctal(block, kSize, data.size());
  PutChecksum(block);
  out.append(block, kTarBlockSize);
  out += data;
  out.append(TarPadding(data.size()), '\0');
  return Ok();
}

}  // namespace

Status AppendTarHeader(const TarHeader& header, std::string& out) {
  Records records;
  bool ustar_ok = CollectRecords(header, records);
  if (!ustar_ok) ZL_RETURN_IF_ERROR(AppendPaxEntry(header, records, out));

  Block block;
  InitBlock(block, static_cast<char>(header.type));
  std::string_view prefix, suffix;
  if (ustar_ok && SplitUstarPath(header.name, prefix, suffix)) {
    PutString(block, kPrefix, prefix);
    PutString(block, kName, suffix);
  } else {
    PutString(block, kName, ToAscii(header.name));
  }
  PutString(block, kLinkname, ToAscii(header.linkname));
  PutOctal(block, kMode, header.mode & 07777);
  PutOctal(block, kUid, header.uid);
  PutOctal(block, kGid, header.gid);
  PutOctal(block, kSize, header.size);
  PutOctal(block, kMtime,
           header.mtime < 0 ? 0 : static_cast<uint64_t>(header.mtime));
  PutOctal(block, kDevmajor, header.devmajor);
  PutOctal(block, kDevminor, header.devminor);
  PutChecksum(block);
  out.append(block, kTarBlockSize);
  return Ok();
}

}  // namespace zlayer::layer
