// Image names as the local store keys them: "repository:tag", with ":latest"
// added when no tag is given. Names are stored as the user wrote them;
// registry normalization (docker.io/library/...) belongs to the registry
// module, which will hand the store full names once it exists.
#ifndef ZLAYER_STORE_IMAGE_NAME_H_
#define ZLAYER_STORE_IMAGE_NAME_H_

#include <optional>
#include <string>
#include <string_view>

#include "zlayer/result.h"

namespace zlayer::store {

// Validates `name` against the distribution reference grammar (lowercase
// path components separated by '/', an optional "host[:port]/" prefix, a
// tag of at most 128 [A-Za-z0-9_.-] characters) and adds ":latest" when it
// has no tag. Digest references ("name@sha256:...") cannot be tag names.
// Errors are kInvalid: `invalid image name "Foo": repository name must be
// lowercase`.
Result<std::string> NormalizeTagName(std::string_view name);

// The hex part when `ref` can denote an image id or a prefix of one:
// "sha256:" followed by 1-64 lowercase hex digits, or 4-64 bare lowercase
// hex digits (as `docker rmi 3f5a` accepts).
std::optional<std::string> IdHexPrefix(std::string_view ref);

// Splits "name@sha256:<hex>" into its digest part, or nullopt when `ref`
// has no '@'.
std::optional<std::string_view> DigestPart(std::string_view ref);

}  // namespace zlayer::store

#endif  // ZLAYER_STORE_IMAGE_NAME_H_
