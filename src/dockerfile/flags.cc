#include "dockerfile/flags.h"

#include <algorithm>

#include "dockerfile/suggest.h"
#include "dockerfile/text.h"

namespace zlayer::dockerfile {

Flag& FlagSet::Add(std::string_view name, Flag::Type type) {
  if (Find(name) != nullptr) {
    // Declaring a flag twice is a bug in the instruction code; like BuildKit
    // it surfaces on Parse() rather than at every declaration site.
    setup_error_ = "Duplicate flag defined: " + std::string(name);
    spare_ = Flag{};
    return spare_;
  }
  Flag& flag = flags_.emplace_back();
  flag.name = std::string(name);
  flag.type = type;
  return flag;
}

Flag& FlagSet::AddBool(std::string_view name, bool default_value) {
  Flag& flag = Add(name, Flag::Type::kBool);
  flag.value = default_value ? "true" : "false";
  return flag;
}

Flag& FlagSet::AddString(std::string_view name,
                         std::string_view default_value) {
  Flag& flag = Add(name, Flag::Type::kString);
  flag.value = std::string(default_value);
  return flag;
}

Flag& FlagSet::AddStrings(std::string_view name) {
  return Add(name, Flag::Type::kStrings);
}

Flag* FlagSet::Find(std::string_view name) {
  for (Flag& flag : flags_) {
    if (flag.name == name) return &flag;
  }
  return nullptr;
}

Status FlagSet::Parse() {
  if (!setup_error_.empty()) {
    return Fail("error setting up flags: " + setup_error_, ErrorKind::kInvalid);
  }
  for (const std::string& arg : args_) {
    // POSIX utility syntax: everything after `--` is an operand.
    if (arg == "--") return Ok();
    ZL_RETURN_IF_ERROR(ParseOne(arg));
  }
  return Ok();
}

Status FlagSet::ParseOne(const std::string& arg) {
  if (!arg.starts_with("--")) {
    return Fail("arg should start with -- : " + arg, ErrorKind::kInvalid);
  }
  size_t equals = arg.find('=');
  bool has_value = equals != std::string::npos;
  std::string flag_name = arg.substr(0, equals);
  std::string value = has_value ? arg.substr(equals + 1) : "";
  std::string name = flag_name.substr(2);

  Flag* flag = Find(name);
  if (flag == nullptr) {
    std::vector<std::string_view> known;
    for (const Flag& f : flags_) known.push_back(f.name);
    std::string message = "unknown flag " + flag_name;
    if (auto match = SuggestClosest(name, known, true)) {
      message += " (did you mean --" + *match + "?)";
    }
    return Fail(std::move(message), ErrorKind::kInvalid);
  }
  if (flag->used && flag->type != Flag::Type::kStrings) {
    return Fail("duplicate flag specified: " + flag_name, ErrorKind::kInvalid);
  }
  flag->used = true;

  switch (flag->type) {
    case Flag::Type::kBool: {
      // A bare `--link` is fine; `--link=` is not.
      if (has_value && value.empty()) {
        return Fail("missing a value on flag: " + flag_name,
                    ErrorKind::kInvalid);
      }
      std::string lower = text::ToLower(value);
      if (lower == "true" || lower.empty()) {
        flag->value = "true";
      } else if (lower == "false") {
        flag->value = "false";
      } else {
        return Fail(
            "expecting boolean value for flag " + flag_name + ", not: " + value,
            ErrorKind::kInvalid);
      }
      return Ok();
    }
    case Flag::Type::kString:
    case Flag::Type::kStrings:
      if (!has_value) {
        return Fail("missing a value on flag: " + flag_name,
                    ErrorKind::kInvalid);
      }
      if (flag->type == Flag::Type::kString) {
        flag->value = std::move(value);
      } else {
        flag->values.push_back(std::move(value));
      }
      return Ok();
  }
  return Ok();
}

std::vector<std::string> FlagSet::Used() const {
  std::vector<std::string> used;
  for (const Flag& flag : flags_) {
    if (flag.used) used.push_back(flag.name);
  }
  std::sort(used.begin(), used.end());
  return used;
}

bool FlagSet::IsUsed(std::string_view name) const {
  for (const Flag& flag : flags_) {
    if (flag.name == name) return flag.used;
  }
  return false;
}

}  // namespace zlayer::dockerfile
