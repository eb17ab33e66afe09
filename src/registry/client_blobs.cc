// Blob requests of the Client: HEAD, streamed GET, uploads and mounts.
#include <algorithm>
#include <cstring>
#include <memory>

#include "registry/client.h"
#include "registry/client_internal.h"

namespace zlayer::registry {

using internal::CheckRepoRef;
using internal::DefaultAccept;
using internal::IsDigestRef;
using internal::MediaTypeOf;
using internal::Scope;

Result<bool> Client::HasBlob(std::string_view repo,
                             const base::Digest& digest) {
  ZL_RETURN_IF_ERROR(CheckRepoRef(host_, repo, digest.ToString()));
  Call call;
  call.method = "HEAD";
  call.url =
      BaseUrl() + "/v2/" + std::string(repo) + "/blobs/" + digest.ToString();
  call.scopes = {Scope(repo, "pull")};
  call.follow_redirects = true;
  ZL_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
  if (response.status == 200) return true;
  if (response.status == 404) return false;
  return std::unexpected(RegistryError(
      response,
      "blob " + digest.ToString() + " in " + host_ + "/" + std::string(repo)));
}

Status Client::GetBlob(std::string_view repo, const base::Digest& digest,
                       const BlobSink& sink, const TransferProgress& progress) {
  ZL_RETURN_IF_ERROR(CheckRepoRef(host_, repo, digest.ToString()));
  std::string what =
      "blob " + digest.ToString() + " from " + host_ + "/" + std::string(repo);
  base::Sha256 hash;
  uint64_t done = 0;
  uint64_t total = 0;
  // Per attempt: where it started, and what the response says.
  uint64_t attempt_start = 0;
  int64_t length = -1;
  long status = 0;
  bool started = false;
  uint64_t skip = 0;
  BlobSink hashing = [&](std::string_view data) -> Status {
    if (!started) {
      started = true;
      if (status == 206) {
        if (length >= 0) total = attempt_start + uint64_t(length);
      } else {
        // A server that ignored Range sends everything again.
        skip = attempt_start;
        if (length >= 0) total = uint64_t(length);
      }
    }
    if (skip > 0) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(skip, data.size()));
      data.remove_prefix(n);
      skip -= n;
      if (data.empty()) return Ok();
    }
    hash.Update(data);
    done += data.size();
    ZL_RETURN_IF_ERROR(sink(data));
    if (progress) progress(done, total);
    return Ok();
  };
  for (int resumes = 0;; ++resumes) {
    Call call;
    call.url =
        BaseUrl() + "/v2/" + std::string(repo) + "/blobs/" + digest.ToString();
    call.scopes = {Scope(repo, "pull")};
    call.follow_redirects = true;
    call.sink = &hashing;
    call.content_length = &length;
    call.status = &status;
    if (done > 0) {
      call.headers.push_back("Range: bytes=" + std::to_string(done) + "-");
    }
    attempt_start = done;
    length = -1;
    status = 0;
    started = false;
    skip = 0;
    auto response = Send(call);
    if (!response) {
      // A connection dropped mid-blob: continue where it stopped.
      if (response.error().kind() == ErrorKind::kIo && done > attempt_start &&
          resumes < options_.max_retries) {
        continue;
      }
      return std::unexpected(response.error().AddContext(what));
    }
    if (response->status == 200 || (response->status == 206 && done > 0)) {
      break;
    }
    return std::unexpected(RegistryError(*response, what));
  }
  std::string actual = "sha256:" + hash.HexDigest();
  if (actual != digest.ToString()) {
    return Fail(what + " has digest " + actual, ErrorKind::kInvalid);
  }
  if (progress) progress(done, done);
  return Ok();
}

Status Client::PushBlob(std::string_view repo, const base::Digest& digest,
                        uint64_t size, const BlobReader& read,
                        const TransferProgress& progress) {
  ZL_RETURN_IF_ERROR(CheckRepoRef(host_, repo, digest.ToString()));
  std::string what = "push blob " + digest.ToString() + " to " + host_ + "/" +
                     std::string(repo);
  std::vector<std::string> scopes = {Scope(repo, "pull,push")};

  Call start;
  start.method = "POST";
  start.url = BaseUrl() + "/v2/" + std::string(repo) + "/blobs/uploads/";
  start.scopes = scopes;
  ZL_ASSIGN_OR_RETURN(HttpResponse started, Send(start));
  if (started.status != 202 || started.Header("location").empty()) {
    return std::unexpected(RegistryError(started, what));
  }
  std::string location = Resolve(started.Header("location"));

  auto cancel = [&]() {
    Call del;
    del.method = "DELETE";
    del.url = location;
    del.scopes = scopes;
    (void)Send(del);
  };

  base::Sha256 hash;
  uint64_t done = 0;
  // Not zero-filled: clearing up to chunk_size bytes that are about to be
  // overwritten was a third of a push's CPU time.
  const size_t capacity =
      static_cast<size_t>(std::min<uint64_t>(size, options_.chunk_size));
  std::unique_ptr<uint8_t[]> buffer =
      std::make_unique_for_overwrite<uint8_t[]>(std::max<size_t>(capacity, 1));
  // Reads up to `want` bytes, fewer only at the end of the data.
  auto fill = [&](size_t want) -> Result<size_t> {
    size_t got = 0;
    while (got < want) {
      ZL_ASSIGN_OR_RETURN(
          size_t n, read(std::span<uint8_t>(buffer.get() + got, want - got)));
      if (n == 0) break;
      got += n;
    }
    return got;
  };
  auto content = [&](size_t n) {
    return std::string_view(reinterpret_cast<const char*>(buffer.get()), n);
  };
  auto with_digest = [&](const std::string& url) {
    return url + (url.find('?') == std::string::npos ? "?" : "&") +
           "digest=" + UrlEscape(digest.ToString());
  };
  auto fail = [&](Error error) -> Status {
    cancel();
    return std::unexpected(std::move(error));
  };

  bool monolithic = size <= options_.chunk_size;
  while (true) {
    size_t want =
        static_cast<size_t>(std::min<uint64_t>(capacity, size - done));
    auto got = fill(want);
    if (!got) return fail(got.error().AddContext(what));
    if (*got != want) {
      return fail(Error(what + ": data ended after " +
                            std::to_string(done + *got) + " of " +
                            std::to_string(size) + " bytes",
                        ErrorKind::kInvalid));
    }
    hash.Update(content(*got));
    bool last = done + *got == size;
    if (last) {
      // Nothing may follow the declared size.
      uint8_t extra;
      auto more = read(std::span<uint8_t>(&extra, 1));
      if (!more) return fail(more.error().AddContext(what));
      if (*more != 0) {
        return fail(Error(
            what + ": data is longer than " + std::to_string(size) + " bytes",
            ErrorKind::kInvalid));
      }
      std::string actual = "sha256:" + hash.HexDigest();
      if (actual != digest.ToString()) {
        return fail(Error(what + ": content has digest " + actual,
                          ErrorKind::kInvalid));
      }
    }
    if (monolithic) {
      Call put;
      put.method = "PUT";
      put.url = with_digest(location);
      put.body = content(*got);
      put.scopes = scopes;
      auto response = Send(put);
      if (!response) return fail(response.error().AddContext(what));
      if (response->status != 201) {
        return fail(RegistryError(*response, what));
      }
      done += *got;
      if (progress) progress(done, size);
      return Ok();
    }
    if (*got > 0) {
      Call patch;
      patch.method = "PATCH";
      patch.url = location;
      patch.body = content(*got);
      patch.scopes = scopes;
      patch.headers.push_back("Content-Range: " + std::to_string(done) + "-" +
                              std::to_string(done + *got - 1));
      auto response = Send(patch);
      if (!response) return fail(response.error().AddContext(what));
      if (response->status != 202) {
        return fail(RegistryError(*response, what));
      }
      if (!response->Header("location").empty()) {
        location = Resolve(response->Header("location"));
      }
      done += *got;
      if (progress) progress(done, size);
    }
    if (last) break;
  }
  Call close;
  close.method = "PUT";
  close.url = with_digest(location);
  close.scopes = scopes;
  auto response = Send(close);
  if (!response) return fail(response.error().AddContext(what));
  if (response->status != 201) return fail(RegistryError(*response, what));
  return Ok();
}

Result<bool> Client::MountBlob(std::string_view repo,
                               const base::Digest& digest,
                               std::string_view from_repo) {
  ZL_RETURN_IF_ERROR(CheckRepoRef(host_, repo, digest.ToString()));
  ZL_RETURN_IF_ERROR(CheckRepoRef(host_, from_repo, digest.ToString()));
  std::string what = "mount blob " + digest.ToString() + " from " +
                     std::string(from_repo) + " into " + host_ + "/" +
                     std::string(repo);
  Call call;
  call.method = "POST";
  call.url = BaseUrl() + "/v2/" + std::string(repo) +
             "/blobs/uploads/?mount=" + UrlEscape(digest.ToString()) +
             "&from=" + UrlEscape(from_repo);
  call.scopes = {Scope(repo, "pull,push"), Scope(from_repo, "pull")};
  ZL_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
  if (response.status == 201) return true;
  if (response.status == 202) {
    // The registry opened an ordinary upload instead; close it so it does
    // not linger until the registry's upload purger runs.
    if (!response.Header("location").empty()) {
      Call del;
      del.method = "DELETE";
      del.url = Resolve(response.Header("location"));
      del.scopes = {Scope(repo, "pull,push")};
      (void)Send(del);
    }
    return false;
  }
  return std::unexpected(RegistryError(response, what));
}

}  // namespace zlayer::registry
