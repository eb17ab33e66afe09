// Instruction flags (`COPY --from=build --link`), checked the way BuildKit's
// BFlags does: each instruction declares the flags it knows, then Parse()
// matches the node's flag words against them. The parser has already cut
// the words off at a `--` terminator; a `--` seen here also ends the flags.
#ifndef ZLAYER_DOCKERFILE_FLAGS_H_
#define ZLAYER_DOCKERFILE_FLAGS_H_

#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zlayer/result.h"

namespace zlayer::dockerfile {

struct Flag {
  enum class Type { kBool, kString, kStrings };

  std::string name;  // without the leading dashes
  Type type = Type::kString;
  std::string value;                // kBool: "true" or "false"; kString
  std::vector<std::string> values;  // kStrings, one per occurrence
  bool used = false;                // given on the instruction line

  bool IsTrue() const { return value == "true"; }
};

class FlagSet {
 public:
  explicit FlagSet(std::span<const std::string> args)
      : args_(args.begin(), args.end()) {}

  // `--name`, `--name=true` or `--name=false` (any case).
  Flag& AddBool(std::string_view name, bool default_value);
  // `--name=value`; the value may be empty, but the `=` is required.
  Flag& AddString(std::string_view name, std::string_view default_value);
  // `--name=value`, repeatable; values are kept in order.
  Flag& AddStrings(std::string_view name);

  // Matches the flag words against the declared flags. Errors use BuildKit's
  // wording, e.g. "unknown flag: --fromm (did you mean from?)".
  Status Parse();

  // Names of the flags given on the line, sorted.
  std::vector<std::string> Used() const;

  // Whether `name` was given on the line.
  bool IsUsed(std::string_view name) const;

  // The flag words as written.
  const std::vector<std::string>& args() const { return args_; }

 private:
  Flag& Add(std::string_view name, Flag::Type type);
  Flag* Find(std::string_view name);
  Status ParseOne(const std::string& arg);

  std::vector<std::string> args_;
  // A deque so that references handed out by Add* stay valid.
  std::deque<Flag> flags_;
  Flag spare_;  // handed out for a duplicate declaration
  std::string setup_error_;
};

}  // namespace zlayer::dockerfile

#endif  // ZLAYER_DOCKERFILE_FLAGS_H_
