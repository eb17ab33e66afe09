// The JSON documents `zlayer inspect` and `zlayer images --format json`
// print, and the relative ages `images` shows.
#ifndef ZLAYER_IMAGEIO_IMAGE_JSON_H_
#define ZLAYER_IMAGEIO_IMAGE_JSON_H_

#include <chrono>
#include <string>
#include <vector>

#include "store/store.h"
#include "zlayer/result.h"

namespace zlayer::imageio {

// {"Id", "RepoTags", "ManifestDigest", "MediaType", "Created",
//  "Architecture", "Os", "Config", "RootFS", "Layers": [{"Digest",
//  "DiffID", "Size", "MediaType"}], "History", "Size"} for `image`, whose
// config blob is read from the store.
Result<std::string> InspectJson(const store::Store& store,
                                const store::ImageRecord& image);

// One object per image: {"Id", "Names", "Created", "Size"}, as an array.
std::string ImagesJson(const std::vector<store::ImageRecord>& images);

// "About a minute ago", "3 hours ago", "2 weeks ago": Docker's
// HumanDuration of now - `created` (RFC 3339) plus " ago"; "N/A" when the
// image has no creation time.
std::string CreatedAgo(const std::string& created,
                       std::chrono::system_clock::time_point now);

// "sha256:abc..." -> the first 12 hex digits, as `docker images` shows.
std::string ShortId(const base::Digest& id);

}  // namespace zlayer::imageio

#endif  // ZLAYER_IMAGEIO_IMAGE_JSON_H_
