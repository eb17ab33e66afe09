// Value syntaxes used inside `--mount=` specs, each matching the Go library
// BuildKit relies on, so that the same specs are accepted and rejected.
#ifndef ZLAYER_DOCKERFILE_MOUNT_FIELDS_H_
#define ZLAYER_DOCKERFILE_MOUNT_FIELDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::dockerfile {

// One CSV record (tonistiigi/go-csvvalue with encoding/csv's defaults):
// fields split on ',', a field starting with '"' is quoted and `""` inside it
// is a literal quote. Errors read like Go's csv.ParseError.
Result<std::vector<std::string>> SplitCsvRecord(std::string_view line);

// strconv.ParseBool: 1 t T TRUE true True, 0 f F FALSE false False.
std::optional<bool> ParseGoBool(std::string_view s);

// strconv.ParseUint(s, base, 32): digits only, no sign or prefix.
std::optional<uint32_t> ParseUint32(std::string_view s, int base);

// Go's path.Clean and path.Base (slash-separated, lexical only).
std::string CleanPath(std::string_view path);
std::string PathBase(std::string_view path);

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_MOUNT_FIELDS_H_
