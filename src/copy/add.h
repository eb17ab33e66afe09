// ADD's extras: remote sources and local archive extraction.
#ifndef ZLAYER_COPY_ADD_H_
#define ZLAYER_COPY_ADD_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "base/sha256.h"
#include "zlayer/result.h"

namespace zlayer::copy {

struct Download {
  std::string path;       // the downloaded file, inside the given temp dir
  std::string file_name;  // UrlFileName(url), as BuildKit's Dockerfile
                          // frontend names it
  int64_t mtime = 0;      // Last-Modified (unix seconds), 0 when absent
  base::Digest digest;    // sha256 of the content
};

// Fetches an http(s) URL (redirects followed, 30 s connect timeout, proxy
// variables honoured) into `temp_dir`. With `checksum` ("sha256:<hex>") a
// mismatch is an error naming both digests. Other schemes and git URLs are
// kUnsupported. Errors read "ADD <url>: HTTP 404 Not Found" (credentials in
// the URL redacted; a 404 is kNotFound), and a failed fetch leaves no file.
// The transfer aborts when under 1 byte/s for 60 s; gzip Content-Encoding
// is decoded as Go's client (BuildKit's) does.
Result<Download> FetchUrl(const std::string& url, const std::string& checksum,
                          const std::string& temp_dir);

// True for http:// and https:// sources (ADD only).
bool IsUrl(const std::string& source);

// True for anything ADD would read from the network rather than the
// context: http(s) URLs, and the git and other scheme forms ("git@host:r",
// "git://", "ssh://", "ftp://") that FetchUrl refuses as kUnsupported. A
// caller routes these to FetchUrl so the user gets that error instead of
// "file not found".
bool IsRemoteSource(const std::string& source);

// The name ADD gives a downloaded file, as BuildKit's Dockerfile frontend
// does: the last segment of the URL's percent-decoded path (query and
// fragment dropped, trailing slashes ignored), "__unnamed__" for an empty
// path or "/", and "download" for a name that is "..", has control
// characters or is empty once surrounding whitespace is trimmed. The
// Content-Disposition header is not consulted: the frontend always passes
// an explicit name, which wins over it.
std::string UrlFileName(const std::string& url);

// True when the file is a tar archive, plain or compressed with gzip,
// bzip2, xz or zstd (decided by content, as Docker does, not by name): the
// decompressed start must be a tar header with a valid checksum, so an
// entry-less tar, a doubly compressed one or a non-regular file is not.
Result<bool> IsArchive(const std::string& path);

struct ExtractOwner {
  uid_t uid = 0;
  gid_t gid = 0;
};

// Extracts an archive into `dest_dir` (absolute inside `root`), creating it
// if missing. Every path resolves inside root; entries keep their modes
// and, unless `owner` is given, their numeric owners. Errors name the
// archive entry at fault.
//
// As BuildKit's unpack for ADD: no whiteout processing (".wh." names are
// ordinary files), leading "/" stripped from names and the "./" entry
// skipped, names climbing out with ".." refused, and symlinks met on the
// way resolved with `dest_dir` as their root. Directories the archive
// implies are created 0755 (root-owned); missing parts of `dest_dir` get
// `owner`. A symlink created by the archive is never written through, and
// a non-directory in the way of a parent is an error, not replaced.
Status ExtractArchive(const std::string& archive, const std::string& root,
                      const std::string& dest_dir,
                      std::optional<ExtractOwner> owner);

}  // namespace zlayer::copy

#endif  // ZLAYER_COPY_ADD_H_
