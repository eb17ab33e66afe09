#include "tests/integration/dockerfile/case_spec.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <sstream>

#include "base/file_io.h"

namespace zlayer::integration {
namespace {

std::vector<std::string> Words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

std::string Trim(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.pop_back();
  size_t start = text.find_first_not_of(" \t");
  return start == std::string::npos ? "" : text.substr(start);
}

Status ParseSecret(const std::string& spec, CaseSpec& out) {
  CaseSecret secret;
  std::istringstream fields(spec);
  for (std::string field; std::getline(fields, field, ',');) {
    if (field.starts_with("id=")) {
      secret.id = field.substr(3);
    } else if (field.starts_with("src=")) {
      secret.src = field.substr(4);
    } else {
      return Fail("secret: unknown field " + field);
    }
  }
  if (secret.id.empty() || secret.src.empty()) {
    return Fail("secret: needs id= and src=");
  }
  out.secrets.push_back(secret);
  return Ok();
}

Status ParseLine(const std::string& line, CaseSpec& out) {
  std::vector<std::string> words = Words(line);
  const std::string& verb = words[0];
  auto need = [&](size_t n) -> Status {
    if (words.size() != n + 1) {
      return Fail(verb + ": expected " + std::to_string(n) + " operand(s)");
    }
    return Ok();
  };
  if (verb == "build-arg") {
    ZL_RETURN_IF_ERROR(need(1));
    out.build_args.push_back(words[1]);
  } else if (verb == "second-build-arg") {
    ZL_RETURN_IF_ERROR(need(1));
    out.second_build_args.push_back(words[1]);
  } else if (verb == "target") {
    ZL_RETURN_IF_ERROR(need(1));
    out.target = words[1];
  } else if (verb == "secret") {
    ZL_RETURN_IF_ERROR(need(1));
    ZL_RETURN_IF_ERROR(ParseSecret(words[1], out));
  } else if (verb == "format") {
    ZL_RETURN_IF_ERROR(need(1));
    if (words[1] != "docker" && words[1] != "oci") {
      return Fail("format: docker or oci");
    }
    out.docker_format = words[1] == "docker";
  } else if (verb == "only") {
    ZL_RETURN_IF_ERROR(need(1));
    out.only.push_back(words[1]);
  } else if (verb == "expect-fail") {
    out.expect_fail = Trim(line.substr(verb.size()));
  } else if (verb == "ctx-symlink" || verb == "ctx-chmod") {
    ZL_RETURN_IF_ERROR(need(2));
    out.setup.push_back({verb, {words[1], words[2]}});
  } else if (verb == "ctx-tar") {
    if (words.size() != 3 && words.size() != 4) {
      return Fail("ctx-tar: ARCHIVE DIR [UID:GID]");
    }
    out.setup.push_back({verb, {words.begin() + 1, words.end()}});
  } else if (verb == "ctx-mkdir") {
    ZL_RETURN_IF_ERROR(need(1));
    out.setup.push_back({verb, {words[1]}});
  } else {
    return Fail("unknown directive " + verb);
  }
  return Ok();
}

}  // namespace

Result<CaseSpec> LoadCaseSpec(const std::string& dir) {
  CaseSpec spec;
  spec.dir = dir;
  spec.name = std::filesystem::path(dir).filename().string();
  if (std::filesystem::exists(dir + "/args")) {
    ZL_ASSIGN_OR_RETURN(std::string text, base::ReadFile(dir + "/args"));
    std::istringstream lines(text);
    int number = 0;
    for (std::string line; std::getline(lines, line);) {
      ++number;
      line = Trim(line);
      if (line.empty() || line[0] == '#') continue;
      Status parsed = ParseLine(line, spec);
      if (!parsed) {
        return Fail(dir + "/args:" + std::to_string(number) + ": " +
                    parsed.error().message());
      }
    }
  }
  for (auto [file, field] :
       {std::pair{"buildah-skip", &CaseSpec::buildah_skip},
        std::pair{"buildah-backend-skip", &CaseSpec::buildah_backend_skip}}) {
    std::string path = dir + "/" + file;
    if (!std::filesystem::exists(path)) continue;
    ZL_ASSIGN_OR_RETURN(std::string reason, base::ReadFile(path));
    spec.*field = Trim(reason);
    if ((spec.*field)->empty()) return Fail(path + ": give the reason");
  }
  return spec;
}

std::vector<std::string> ListCaseNames(const std::string& cases_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(cases_dir, ec)) {
    if (entry.is_directory()) names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace zlayer::integration
