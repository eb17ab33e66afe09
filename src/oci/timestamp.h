// The RFC 3339 timestamps of image configs ("created" and history entries).
// Docker and BuildKit write them with Go's time.RFC3339Nano layout, so that
// is the grammar accepted here and the form produced.
#ifndef ZLAYER_OCI_TIMESTAMP_H_
#define ZLAYER_OCI_TIMESTAMP_H_

#include <chrono>
#include <string>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::oci {

using Timestamp = std::chrono::sys_time<std::chrono::nanoseconds>;

// "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" with a real calendar
// date, hours < 24, seconds < 60 and 1-9 fraction digits, as Go's parser
// accepts. Errors are kInvalid and quote the text.
Result<Timestamp> ParseTimestamp(std::string_view text);

// In UTC with trailing fraction zeros dropped, like Go's RFC3339Nano:
// "2024-05-06T07:08:09Z", "2024-05-06T07:08:09.5Z".
std::string FormatTimestamp(Timestamp time);

}  // namespace zlayer::oci

#endif  // ZLAYER_OCI_TIMESTAMP_H_
