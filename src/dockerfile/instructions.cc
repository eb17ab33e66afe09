#include "dockerfile/instructions.h"

#include <type_traits>
#include <utility>

namespace zlayer::dockerfile {
namespace {

Status ExpandInPlace(std::string& word, const WordExpander& expand) {
  ZL_ASSIGN_OR_RETURN(word, expand(word));
  return Ok();
}

Status ExpandAll(std::vector<std::string>& words, const WordExpander& expand) {
  for (std::string& word : words) {
    ZL_RETURN_IF_ERROR(ExpandInPlace(word, expand));
  }
  return Ok();
}

Status ExpandPairs(std::vector<KeyValuePair>& pairs,
                   const WordExpander& expand) {
  for (KeyValuePair& pair : pairs) {
    ZL_RETURN_IF_ERROR(ExpandInPlace(pair.key, expand));
    ZL_RETURN_IF_ERROR(ExpandInPlace(pair.value, expand));
  }
  return Ok();
}

template <typename T>
concept Expandable = requires(T& t, const WordExpander& e) {
  t.Expand(e);
};

template <typename T>
concept RawExpandable = requires(T& t, const WordExpander& e) {
  t.ExpandRaw(e);
};

}  // namespace

Status FromCommand::Expand(const WordExpander& expand) {
  ZL_RETURN_IF_ERROR(ExpandInPlace(base_name, expand));
  return ExpandInPlace(platform, expand);
}

Status EnvCommand::Expand(const WordExpander& expand) {
  return ExpandPairs(env, expand);
}

Status LabelCommand::Expand(const WordExpander& expand) {
  return ExpandPairs(labels, expand);
}

Status SourcesAndDest::Expand(const WordExpander& expand) {
  ZL_RETURN_IF_ERROR(ExpandAll(source_paths, expand));
  return ExpandInPlace(dest_path, expand);
}

Status SourcesAndDest::ExpandRaw(const WordExpander& expand_raw) {
  for (SourceContent& content : source_contents) {
    if (!content.expand) continue;
    ZL_RETURN_IF_ERROR(ExpandInPlace(content.data, expand_raw));
  }
  return Ok();
}

Status AddCommand::Expand(const WordExpander& expand) {
  ZL_RETURN_IF_ERROR(ExpandInPlace(chown, expand));
  ZL_RETURN_IF_ERROR(ExpandInPlace(chmod, expand));
  ZL_RETURN_IF_ERROR(ExpandInPlace(checksum, expand));
  return files.Expand(expand);
}

Status CopyCommand::Expand(const WordExpander& expand) {
  if (!from.empty()) {
    // BuildKit resolves --from before any variable is known, so it refuses
    // anything that expansion would change rather than expanding it.
    ZL_ASSIGN_OR_RETURN(std::string expanded, expand(from));
    if (expanded != from) {
      return Fail(
          "variable expansion is not supported for --from, define a new "
          "stage with FROM using ARG from global scope as a workaround",
          ErrorKind::kInvalid);
    }
  }
  ZL_RETURN_IF_ERROR(ExpandInPlace(chown, expand));
  ZL_RETURN_IF_ERROR(ExpandInPlace(chmod, expand));
  return files.Expand(expand);
}

Status WorkdirCommand::Expand(const WordExpander& expand) {
  return ExpandInPlace(path, expand);
}

Status RunCommand::Expand(const WordExpander& expand) {
  std::vector<Mount> expanded;
  expanded.reserve(mount_specs.size());
  for (const std::string& spec : mount_specs) {
    ZL_ASSIGN_OR_RETURN(Mount mount, ParseMount(spec, &expand));
    expanded.push_back(std::move(mount));
  }
  mounts = std::move(expanded);
  return Ok();
}

Status ExposeCommand::ExpandWords(const WordsExpander& expand_words) {
  std::vector<std::string> expanded;
  for (const std::string& port : ports) {
    ZL_ASSIGN_OR_RETURN(std::vector<std::string> words, expand_words(port));
    for (std::string& word : words) expanded.push_back(std::move(word));
  }
  ports = std::move(expanded);
  return Ok();
}

Status UserCommand::Expand(const WordExpander& expand) {
  return ExpandInPlace(user, expand);
}

Status VolumeCommand::Expand(const WordExpander& expand) {
  return ExpandAll(volumes, expand);
}

Status StopSignalCommand::Expand(const WordExpander& expand) {
  return ExpandInPlace(signal, expand);
}

Status ArgCommand::Expand(const WordExpander& expand) {
  for (KeyValuePairOptional& arg : args) {
    ZL_RETURN_IF_ERROR(ExpandInPlace(arg.key, expand));
    if (arg.value) ZL_RETURN_IF_ERROR(ExpandInPlace(*arg.value, expand));
  }
  return Ok();
}

const CommandBase& BaseOf(const Command& command) {
  return std::visit([](const auto& c) -> const CommandBase& { return c; },
                    command);
}

Status ExpandCommand(Command& command, const WordExpander& expand) {
  return std::visit(
      [&](auto& c) -> Status {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, ArgCommand>) {
          return Ok();
        } else if constexpr (Expandable<T>) {
          return c.Expand(expand);
        } else {
          return Ok();
        }
      },
      command);
}

Status ExpandCommandRaw(Command& command, const WordExpander& expand_raw) {
  return std::visit(
      [&](auto& c) -> Status {
        if constexpr (RawExpandable<std::decay_t<decltype(c)>>) {
          return c.ExpandRaw(expand_raw);
        } else {
          return Ok();
        }
      },
      command);
}

}  // namespace zlayer::dockerfile
