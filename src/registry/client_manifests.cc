// Manifest and tag requests of the Client.
#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "registry/client.h"
#include "registry/client_internal.h"

namespace zlayer::registry {

using internal::CheckRepoRef;
using internal::DefaultAccept;
using internal::IsDigestRef;
using internal::MediaTypeOf;
using internal::Scope;

Result<ManifestResponse> Client::GetManifest(
    std::string_view repo, std::string_view ref,
    const std::vector<std::string>& accept) {
  ZL_RETURN_IF_ERROR(CheckRepoRef(host_, repo, ref));
  std::string what = host_ + "/" + std::string(repo) +
                     (IsDigestRef(ref) ? "@" : ":") + std::string(ref);
  Call call;
  call.url =
      BaseUrl() + "/v2/" + std::string(repo) + "/manifests/" + std::string(ref);
  std::string accepted;
  for (const std::string& type : accept) {
    if (!accepted.empty()) accepted += ", ";
    accepted += type;
  }
  call.headers.push_back("Accept: " +
                         (accepted.empty() ? DefaultAccept() : accepted));
  call.scopes = {Scope(repo, "pull")};
  call.follow_redirects = true;
  ZL_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
  if (response.status != 200) {
    return std::unexpected(RegistryError(response, what));
  }
  ManifestResponse out;
  out.media_type = MediaTypeOf(response.Header("content-type"));
  out.digest = base::Digest::Of(response.body);
  out.body = std::move(response.body);
  std::string expected(IsDigestRef(ref) ? ref : std::string_view());
  if (expected.empty()) {
    std::string header = response.Header("docker-content-digest");
    if (header.starts_with("sha256:")) expected = header;
  }
  if (!expected.empty() && expected != out.digest.ToString()) {
    return Fail("manifest " + expected + " from " + host_ + "/" +
                    std::string(repo) + " has digest " + out.digest.ToString(),
                ErrorKind::kInvalid);
  }
  return out;
}

Result<std::optional<oci::Descriptor>> Client::HeadManifest(
    std::string_view repo, std::string_view ref) {
  ZL_RETURN_IF_ERROR(CheckRepoRef(host_, repo, ref));
  std::string what = host_ + "/" + std::string(repo) +
                     (IsDigestRef(ref) ? "@" : ":") + std::string(ref);
  Call call;
  call.method = "HEAD";
  call.url =
      BaseUrl() + "/v2/" + std::string(repo) + "/manifests/" + std::string(ref);
  call.headers.push_back("Accept: " + DefaultAccept());
  call.scopes = {Scope(repo, "pull")};
  call.follow_redirects = true;
  ZL_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
  if (response.status == 404) return std::nullopt;
  if (response.status != 200) {
    return std::unexpected(RegistryError(response, what));
  }
  std::string header = response.Header("docker-content-digest");
  std::string length = response.Header("content-length");
  int64_t size = -1;
  std::from_chars(length.data(), length.data() + length.size(), size);
  if (header.empty() || size < 0) {
    // Registries need not send these on HEAD; the body tells all.
    ZL_ASSIGN_OR_RETURN(ManifestResponse manifest, GetManifest(repo, ref));
    return oci::DescribeContent(manifest.media_type, manifest.body);
  }
  oci::Descriptor descriptor;
  descriptor.media_type = MediaTypeOf(response.Header("content-type"));
  ZL_ASSIGN_OR_RETURN(descriptor.digest,
                      WithContext(base::Digest::Parse(header),
                                  what + ": Docker-Content-Digest"));
  if (IsDigestRef(ref) && descriptor.digest.ToString() != ref) {
    return Fail("manifest " + std::string(ref) + " from " + host_ + "/" +
                    std::string(repo) + " has digest " +
                    descriptor.digest.ToString(),
                ErrorKind::kInvalid);
  }
  descriptor.size = size;
  return descriptor;
}

Result<base::Digest> Client::PutManifest(std::string_view repo,
                                         std::string_view ref,
                                         std::string_view media_type,
                                         std::string_view body) {
  ZL_RETURN_IF_ERROR(CheckRepoRef(host_, repo, ref));
  base::Digest digest = base::Digest::Of(body);
  if (IsDigestRef(ref) && digest.ToString() != ref) {
    return Fail("manifest for " + host_ + "/" + std::string(repo) + "@" +
                    std::string(ref) + " has digest " + digest.ToString(),
                ErrorKind::kInvalid);
  }
  Call call;
  call.method = "PUT";
  call.url =
      BaseUrl() + "/v2/" + std::string(repo) + "/manifests/" + std::string(ref);
  call.headers.push_back("Content-Type: " + std::string(media_type));
  call.body = body;
  call.scopes = {Scope(repo, "pull,push")};
  ZL_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
  if (response.status != 201 && response.status != 200 &&
      response.status != 202) {
    return std::unexpected(RegistryError(
        response, "push manifest " + host_ + "/" + std::string(repo) +
                      (IsDigestRef(ref) ? "@" : ":") + std::string(ref)));
  }
  return digest;
}
Result<std::vector<std::string>> Client::ListTags(std::string_view repo) {
  ZL_RETURN_IF_ERROR(CheckRepoRef(host_, repo, "latest"));
  std::string what = "list tags of " + host_ + "/" + std::string(repo);
  std::vector<std::string> tags;
  std::string url = BaseUrl() + "/v2/" + std::string(repo) + "/tags/list";
  for (int page = 0; !url.empty(); ++page) {
    if (page > 10000) return Fail(what + ": too many pages");
    Call call;
    call.url = url;
    call.scopes = {Scope(repo, "pull")};
    call.follow_redirects = true;
    ZL_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
    if (response.status != 200) {
      return std::unexpected(RegistryError(response, what));
    }
    nlohmann::json doc = nlohmann::json::parse(response.body, nullptr, false);
    if (!doc.is_object()) {
      return Fail(what + ": response is not a JSON object",
                  ErrorKind::kInvalid);
    }
    if (auto it = doc.find("tags"); it != doc.end() && !it->is_null()) {
      if (!it->is_array()) {
        return Fail(what + ": \"tags\" is not an array", ErrorKind::kInvalid);
      }
      for (const auto& tag : *it) {
        if (!tag.is_string()) {
          return Fail(what + ": a tag is not a string", ErrorKind::kInvalid);
        }
        tags.push_back(tag.get<std::string>());
      }
    }
    std::string next = NextLink(response.Header("link"));
    url = next.empty() ? "" : Resolve(next);
  }
  return tags;
}

Status Client::CheckAccess() {
  Call call;
  call.url = BaseUrl() + "/v2/";
  ZL_ASSIGN_OR_RETURN(HttpResponse response, Send(call));
  if (response.status == 200) return Ok();
  return std::unexpected(RegistryError(
      response, host_ + ": GET /v2/ did not answer like a registry"));
}

}  // namespace zlayer::registry
