#include "zimage/input.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace zlayer::zimage {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string Join(std::string_view dir, std::string_view name) {
  if (dir.empty()) return std::string(name);
  std::string out(dir);
  if (!out.ends_with('/')) out += '/';
  return out + std::string(name);
}

bool Has(const std::vector<std::string>& entries, std::string_view name) {
  return std::find(entries.begin(), entries.end(), name) != entries.end();
}

}  // namespace

bool IsZImagefileName(std::string_view path) {
  const size_t slash = path.find_last_of('/');
  const std::string_view name =
      slash == std::string_view::npos ? path : path.substr(slash + 1);
  const std::string lower = Lower(name);
  return lower.ends_with(".yml") || lower.ends_with(".yaml") ||
         name.starts_with("ZImagefile");
}

Result<InputChoice> SelectInput(const InputRequest& request) {
  if (!request.runtime.empty()) {
    return InputChoice{InputKind::kRuntime, request.runtime};
  }
  if (!request.file_flag.empty()) {
    const bool zimage =
        request.file_flag != "-" && IsZImagefileName(request.file_flag);
    return InputChoice{zimage ? InputKind::kZImagefile : InputKind::kDockerfile,
                       request.file_flag};
  }
  const std::string& dir = request.context_dir;
  if (Has(request.entries, "ZImagefile")) {
    return InputChoice{InputKind::kZImagefile, Join(dir, "ZImagefile")};
  }
  std::vector<std::string> candidates;
  for (const std::string& e : request.entries) {
    if (e.starts_with("ZImagefile.") && e.size() > 11) candidates.push_back(e);
  }
  std::sort(candidates.begin(), candidates.end());
  if (candidates.size() > 1) {
    std::string list;
    for (const std::string& c : candidates)
      list += (list.empty() ? "" : ", ") + c;
    return Fail("multiple ZImagefile candidates in " + dir + ": " + list +
                    " \u2014 pass -f <path> to pick one",
                ErrorKind::kUsage);
  }
  if (candidates.size() == 1) {
    return InputChoice{InputKind::kZImagefile, Join(dir, candidates[0])};
  }
  for (const char* name : {"Dockerfile", "Containerfile"}) {
    if (Has(request.entries, name)) {
      return InputChoice{InputKind::kDockerfile, Join(dir, name)};
    }
  }
  return Fail("no ZImagefile, Dockerfile or Containerfile in " + dir,
              ErrorKind::kNotFound);
}

Result<InputChoice> SelectInputInDirectory(InputRequest request) {
  if (request.runtime.empty() && request.file_flag.empty()) {
    std::error_code ec;
    std::filesystem::directory_iterator it(request.context_dir, ec);
    if (ec) {
      return FailErrno("read build context " + request.context_dir, ec.value());
    }
    request.entries.clear();
    for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
      if (ec)
        return FailErrno("read build context " + request.context_dir,
                         ec.value());
      std::error_code type_ec;
      if (it->is_regular_file(type_ec)) {
        request.entries.push_back(it->path().filename().string());
      }
    }
  }
  return SelectInput(request);
}

}  // namespace zlayer::zimage
