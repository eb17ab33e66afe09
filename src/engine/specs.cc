// --output and --secret values.
#include <string>
#include <vector>

#include "engine/engine.h"

namespace zlayer::engine {
namespace {

// "a=b,c=d" into pairs; a field without '=' keeps an empty value and
// `bare` true.
struct Field {
  std::string key;
  std::string value;
  bool bare = false;
};

std::vector<Field> SplitFields(std::string_view spec) {
  std::vector<Field> fields;
  size_t start = 0;
  while (start <= spec.size()) {
    size_t comma = spec.find(',', start);
    if (comma == std::string_view::npos) comma = spec.size();
    std::string_view part = spec.substr(start, comma - start);
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      fields.push_back(Field{std::string(part), "", true});
    } else {
      fields.push_back(Field{std::string(part.substr(0, eq)),
                             std::string(part.substr(eq + 1)), false});
    }
    start = comma + 1;
  }
  return fields;
}

}  // namespace

Result<OutputSpec> ParseOutputSpec(std::string_view spec) {
  if (spec.empty()) return Fail("--output: empty value", ErrorKind::kUsage);
  if (spec.find('=') == std::string_view::npos) {
    if (spec == "-") {
      return Fail("--output -: writing a tar stream to stdout is not supported",
                  ErrorKind::kUsage);
    }
    return OutputSpec{.type = OutputSpec::Type::kLocal,
                      .dest = std::string(spec)};
  }
  OutputSpec output;
  bool have_type = false;
  for (const Field& field : SplitFields(spec)) {
    if (field.key == "type") {
      have_type = true;
      if (field.value == "oci") {
        output.type = OutputSpec::Type::kOci;
      } else if (field.value == "oci-archive") {
        output.type = OutputSpec::Type::kOciArchive;
      } else if (field.value == "docker-archive" || field.value == "docker") {
        output.type = OutputSpec::Type::kDockerArchive;
      } else if (field.value == "local") {
        output.type = OutputSpec::Type::kLocal;
      } else if (field.value == "registry" || field.value == "image") {
        output.type = OutputSpec::Type::kRegistry;
      } else {
        return Fail("--output " + std::string(spec) + ": unknown type \"" +
                        field.value +
                        "\" (want oci, oci-archive, docker-archive, local or "
                        "registry)",
                    ErrorKind::kUsage);
      }
    } else if (field.key == "dest") {
      output.dest = field.value;
    } else {
      return Fail("--output " + std::string(spec) + ": unknown field \"" +
                      field.key + "\" (want type, dest)",
                  ErrorKind::kUsage);
    }
  }
  if (!have_type) {
    return Fail("--output " + std::string(spec) + ": missing type=",
                ErrorKind::kUsage);
  }
  if (output.type != OutputSpec::Type::kRegistry && output.dest.empty()) {
    return Fail("--output " + std::string(spec) + ": missing dest=",
                ErrorKind::kUsage);
  }
  return output;
}

Result<SecretSpec> ParseSecretSpec(std::string_view spec) {
  SecretSpec secret;
  std::string type;
  for (const Field& field : SplitFields(spec)) {
    if (field.key == "id") {
      secret.id = field.value;
    } else if (field.key == "src" || field.key == "source") {
      secret.src = field.value;
    } else if (field.key == "env") {
      secret.env = field.value;
    } else if (field.key == "type") {
      type = field.value;
      if (type != "file" && type != "env") {
        return Fail(
            "--secret: unknown type \"" + type + "\" (want file or env)",
            ErrorKind::kUsage);
      }
    } else {
      return Fail("--secret: unknown field \"" + field.key +
                      "\" (want id, src, env, type)",
                  ErrorKind::kUsage);
    }
  }
  if (secret.id.empty()) {
    return Fail("--secret: missing id=", ErrorKind::kUsage);
  }
  if (type == "env" && secret.env.empty()) {
    secret.env = secret.src;
    secret.src.clear();
  }
  if (secret.src.empty() && secret.env.empty()) {
    return Fail("--secret id=" + secret.id + ": give src=FILE or env=VAR",
                ErrorKind::kUsage);
  }
  if (!secret.src.empty() && !secret.env.empty()) {
    return Fail("--secret id=" + secret.id + ": src and env are exclusive",
                ErrorKind::kUsage);
  }
  return secret;
}

}  // namespace zlayer::engine
