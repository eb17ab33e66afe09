// ADD's remote sources: http(s) downloads with libcurl.
#include <curl/curl.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "base/file_io.h"
#include "base/sha256.h"
#include "base/unique_fd.h"
#include "copy/add.h"

namespace zlayer::copy {
namespace {

constexpr long kMaxRedirects = 10;
constexpr long kConnectTimeoutSeconds = 30;
// A transfer that moves less than this for kLowSpeedSeconds is stalled.
constexpr long kLowSpeedBytesPerSecond = 1;
constexpr long kLowSpeedSeconds = 60;
constexpr std::string_view kUnnamed = "__unnamed__";
constexpr std::string_view kFallbackName = "download";

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

// "scheme" of "scheme://...", empty when `source` has no such prefix.
std::string_view SchemeOf(std::string_view source) {
  size_t sep = source.find("://");
  if (sep == std::string_view::npos || sep == 0) return {};
  std::string_view scheme = source.substr(0, sep);
  if (!std::isalpha(static_cast<unsigned char>(scheme.front()))) return {};
  for (char c : scheme) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' &&
        c != '.') {
      return {};
    }
  }
  return scheme;
}

// The raw (still percent-encoded) path of an "x://authority/path?q#f" URL.
std::string_view RawPath(std::string_view url) {
  size_t start = url.find("://");
  if (start == std::string_view::npos) return {};
  std::string_view rest = url.substr(start + 3);
  size_t path = rest.find_first_of("/?#");
  if (path == std::string_view::npos || rest[path] != '/') return {};
  rest.remove_prefix(path);
  return rest.substr(0, rest.find_first_of("?#"));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's url.PathUnescape: nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = HexValue(text[i + 1]);
    int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

// Go's path.Base.
std::string PathBase(std::string_view path) {
  if (path.empty()) return ".";
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") return "/";
  size_t slash = path.rfind('/');
  if (slash != std::string_view::npos) path.remove_prefix(slash + 1);
  return std::string(path);
}

// BuildKit's pathutil.SafeFileName: what the http source actually names
// the file it saves.
std::string SafeFileName(std::string_view name) {
  auto space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
           c == '\f';
  };
  while (!name.empty() && space(name.front())) name.remove_prefix(1);
  while (!name.empty() && space(name.back())) name.remove_suffix(1);
  std::string base = PathBase(name);
  if (base.empty() || base == "." || base == ".." || base == "/") {
    return std::string(kFallbackName);
  }
  for (unsigned char c : base) {
    if (c == 0 || IsControl(c)) return std::string(kFallbackName);
  }
  return base;
}

// The URL with any "user:password@" replaced, for messages and logs.
std::string Redact(std::string_view url) {
  size_t start = url.find("://");
  if (start == std::string_view::npos) return std::string(url);
  start += 3;
  size_t end = url.find_first_of("/?#", start);
  std::string_view authority = url.substr(start, end - start);
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return std::string(url);
  std::string out(url.substr(0, start));
  out += "xxxxx:xxxxx";
  out += url.substr(start + at);
  return out;
}

bool IsGitSource(std::string_view source) {
  if (source.starts_with("git@") || source.starts_with("git://") ||
      source.starts_with("ssh://") || source.starts_with("git+ssh://")) {
    return true;
  }
  // BuildKit takes an http(s) URL for a git repository when its path ends
  // in ".git" (a "#ref:subdir" fragment may follow).
  std::string_view scheme = SchemeOf(source);
  if (scheme != "http" && scheme != "https") return false;
  std::string_view path = RawPath(source);
  return path.size() >= 4 && path.substr(path.size() - 4) == ".git";
}

std::string_view StandardReason(long status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 407:
      return "Proxy Authentication Required";
    case 408:
      return "Request Timeout";
    case 410:
      return "Gone";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;

// Removes the download unless released: a failed fetch leaves nothing.
class FileGuard {
 public:
  explicit FileGuard(std::string path) : path_(std::move(path)) {}
  ~FileGuard() {
    if (!path_.empty()) ::unlink(path_.c_str());
  }
  FileGuard(const FileGuard&) = delete;
  FileGuard& operator=(const FileGuard&) = delete;
  std::string Release() { return std::exchange(path_, {}); }

 private:
  std::string path_;
};

// State shared with libcurl's callbacks.
struct Transfer {
  CURL* curl = nullptr;
  int fd = -1;
  std::string path;
  base::Sha256 hash;
  Status write_status;
  std::string reason;  // of the latest status line
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  if (line.starts_with("HTTP/")) {
    // "HTTP/1.1 404 Not Found\r\n"; HTTP/2 has no reason phrase.
    transfer->reason.clear();
    size_t code = line.find(' ');
    size_t reason = code == std::string_view::npos ? std::string_view::npos
                                                   : line.find(' ', code + 1);
    if (reason != std::string_view::npos) {
      std::string_view text = line.substr(reason + 1);
      while (!text.empty() && (text.back() == '\r' || text.back() == '\n' ||
                               text.back() == ' ')) {
        text.remove_suffix(1);
      }
      transfer->reason = std::string(text);
    }
  }
  return size * count;
}

size_t OnData(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  long status = 0;
  curl_easy_getinfo(transfer->curl, CURLINFO_RESPONSE_CODE, &status);
  // An error page is not worth storing; the status is reported instead.
  if (status >= 400) return 0;
  std::string_view chunk(data, size * count);
  Status written = base::WriteAll(transfer->fd, chunk, transfer->path);
  if (!written) {
    transfer->write_status = std::move(written);
    return 0;
  }
  transfer->hash.Update(chunk);
  return chunk.size();
}

// Parses "sha256:<hex>"; an empty text means no check.
Result<base::Digest> ParseChecksum(const std::string& checksum) {
  size_t colon = checksum.find(':');
  if (colon == std::string::npos) {
    return Fail(
        "invalid checksum " + checksum + ": expected sha256:<64 hex digits>",
        ErrorKind::kInvalid);
  }
  std::string algorithm = checksum.substr(0, colon);
  if (algorithm != "sha256") {
    return Fail("unsupported checksum algorithm \"" + algorithm +
                    "\" (only sha256 is supported)",
                ErrorKind::kInvalid);
  }
  Result<base::Digest> digest = base::Digest::Parse(checksum);
  if (!digest) {
    return Fail(
        "invalid checksum " + checksum + ": expected sha256:<64 hex digits>",
        ErrorKind::kInvalid);
  }
  return digest;
}

Status CheckFetchable(const std::string& url) {
  if (IsGitSource(url)) {
    return Fail("git repositories are not supported as ADD sources",
                ErrorKind::kUnsupported);
  }
  std::string_view scheme = SchemeOf(url);
  if (scheme.empty()) {
    return Fail("not a URL (expected http:// or https://)",
                ErrorKind::kInvalid);
  }
  if (scheme != "http" && scheme != "https") {
    return Fail("unsupported URL scheme \"" + std::string(scheme) +
                    "\" (ADD fetches http:// and https:// only)",
                ErrorKind::kUnsupported);
  }
  for (unsigned char c : url) {
    if (IsControl(c)) {
      return Fail("URL contains a control character", ErrorKind::kInvalid);
    }
  }
  return Ok();
}

Status SetOptions(CURL* curl, const std::string& url, Transfer& transfer,
                  char* error_buffer) {
  auto set = [&](CURLoption option, auto value) -> Status {
    CURLcode code = curl_easy_setopt(curl, option, value);
    if (code != CURLE_OK) {
      return Fail(std::string("libcurl: ") + curl_easy_strerror(code),
                  ErrorKind::kUnsupported);
    }
    return Ok();
  };
  ZL_RETURN_IF_ERROR(set(CURLOPT_URL, url.c_str()));
  ZL_RETURN_IF_ERROR(set(CURLOPT_ERRORBUFFER, error_buffer));
  ZL_RETURN_IF_ERROR(set(CURLOPT_PROTOCOLS_STR, "http,https"));
  ZL_RETURN_IF_ERROR(set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
  ZL_RETURN_IF_ERROR(set(CURLOPT_FOLLOWLOCATION, 1L));
  ZL_RETURN_IF_ERROR(set(CURLOPT_MAXREDIRS, kMaxRedirects));
  ZL_RETURN_IF_ERROR(set(CURLOPT_CONNECTTIMEOUT, kConnectTimeoutSeconds));
  ZL_RETURN_IF_ERROR(set(CURLOPT_LOW_SPEED_LIMIT, kLowSpeedBytesPerSecond));
  ZL_RETURN_IF_ERROR(set(CURLOPT_LOW_SPEED_TIME, kLowSpeedSeconds));
  ZL_RETURN_IF_ERROR(set(CURLOPT_NOSIGNAL, 1L));
  ZL_RETURN_IF_ERROR(set(CURLOPT_FILETIME, 1L));
  // Go's http client (BuildKit's) asks for gzip and decodes it
  // transparently, so a server's Content-Encoding never reaches the file.
  ZL_RETURN_IF_ERROR(set(CURLOPT_ACCEPT_ENCODING, "gzip"));
  ZL_RETURN_IF_ERROR(set(CURLOPT_USERAGENT, "zlayer"));
  ZL_RETURN_IF_ERROR(set(CURLOPT_HEADERFUNCTION, &OnHeader));
  ZL_RETURN_IF_ERROR(set(CURLOPT_HEADERDATA, &transfer));
  ZL_RETURN_IF_ERROR(set(CURLOPT_WRITEFUNCTION, &OnData));
  ZL_RETURN_IF_ERROR(set(CURLOPT_WRITEDATA, &transfer));
  return Ok();
}

Result<Download> Fetch(const std::string& url, const std::string& checksum,
                       const std::string& temp_dir) {
  ZL_RETURN_IF_ERROR(CheckFetchable(url));
  base::Digest expected;
  if (!checksum.empty()) {
    ZL_ASSIGN_OR_RETURN(expected, ParseChecksum(checksum));
  }
  GlobalInit();

  std::string path = temp_dir + "/download-XXXXXX";
  int raw_fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (raw_fd < 0) return FailErrno("create a file in " + temp_dir, errno);
  base::UniqueFd fd(raw_fd);
  FileGuard guard(path);

  CurlPtr curl(curl_easy_init());
  if (!curl) return Fail("libcurl: initialisation failed");
  Transfer transfer;
  transfer.curl = curl.get();
  transfer.fd = fd.get();
  transfer.path = path;
  char error_buffer[CURL_ERROR_SIZE] = {};
  ZL_RETURN_IF_ERROR(SetOptions(curl.get(), url, transfer, error_buffer));

  CURLcode code = curl_easy_perform(curl.get());
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  // Checked first: OnData aborts the transfer of an error page on purpose.
  if (status >= 400 || (status > 0 && status < 200)) {
    std::string reason = transfer.reason;
    if (reason.empty()) reason = StandardReason(status);
    std::string message = "HTTP " + std::to_string(status);
    if (!reason.empty()) message += " " + reason;
    return Fail(message,
                status == 404 ? ErrorKind::kNotFound : ErrorKind::kFailed);
  }
  ZL_RETURN_IF_ERROR(std::move(transfer.write_status));
  if (code != CURLE_OK) {
    std::string detail =
        error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    return Fail(detail, code == CURLE_UNSUPPORTED_PROTOCOL
                            ? ErrorKind::kUnsupported
                            : ErrorKind::kIo);
  }
  ZL_RETURN_IF_ERROR(fd.Close(path));

  Download download;
  download.digest = base::Digest::FromBytes(transfer.hash.Finish());
  if (!expected.empty() && download.digest != expected) {
    return Fail("checksum mismatch: expected " + expected.ToString() +
                    ", got " + download.digest.ToString(),
                ErrorKind::kInvalid);
  }
  curl_off_t filetime = -1;
  if (curl_easy_getinfo(curl.get(), CURLINFO_FILETIME_T, &filetime) ==
          CURLE_OK &&
      filetime >= 0) {
    download.mtime = static_cast<int64_t>(filetime);
  }
  download.file_name = UrlFileName(url);
  download.path = guard.Release();
  return download;
}

}  // namespace

bool IsUrl(const std::string& source) {
  return source.starts_with("http://") || source.starts_with("https://");
}

bool IsRemoteSource(const std::string& source) {
  return IsGitSource(source) || !SchemeOf(source).empty();
}

std::string UrlFileName(const std::string& url) {
  for (unsigned char c : url) {
    if (IsControl(c)) return std::string(kUnnamed);
  }
  std::optional<std::string> path = PercentDecode(RawPath(url));
  if (!path) return std::string(kUnnamed);
  std::string base = PathBase(*path);
  if (base == "." || base == "/") return std::string(kUnnamed);
  return SafeFileName(base);
}

Result<Download> FetchUrl(const std::string& url, const std::string& checksum,
                          const std::string& temp_dir) {
  return WithContext(Fetch(url, checksum, temp_dir), "ADD " + Redact(url));
}

}  // namespace zlayer::copy
