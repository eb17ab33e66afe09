// Test-only helpers shared by the instruction tests: parse Dockerfile text
// with the real parser and type its first instruction.
#ifndef ZLAYER_DOCKERFILE_INSTRUCTIONS_TESTING_H_
#define ZLAYER_DOCKERFILE_INSTRUCTIONS_TESTING_H_

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <variant>

#include "dockerfile/instructions_parse.h"
#include "dockerfile/parser.h"

namespace zlayer::dockerfile::testing {

// The first instruction of `text`, typed.
inline Result<Instruction> ParseFirst(std::string_view text) {
  ZL_ASSIGN_OR_RETURN(ParseResult parsed, Parse(text));
  if (parsed.nodes.empty()) return Fail("no instructions");
  return ParseInstruction(parsed.nodes[0]);
}

// The first instruction of `text` as a T; a test failure otherwise.
template <typename T>
T ParseAs(std::string_view text) {
  Result<Instruction> parsed = ParseFirst(text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << parsed.error().message();
  if (!parsed) return T{};
  if constexpr (std::is_same_v<T, FromCommand>) {
    const T* from = std::get_if<T>(&*parsed);
    EXPECT_NE(from, nullptr) << text;
    return from ? *from : T{};
  } else {
    const Command* command = std::get_if<Command>(&*parsed);
    const T* typed = command ? std::get_if<T>(command) : nullptr;
    EXPECT_NE(typed, nullptr) << text;
    return typed ? *typed : T{};
  }
}

// The error message for `text`, or "parsed" when it was accepted.
inline std::string ParseError(std::string_view text) {
  Result<Instruction> parsed = ParseFirst(text);
  return parsed ? std::string("parsed") : parsed.error().message();
}

}  // namespace zlayer::dockerfile::testing

#endif  // ZLAYER_DOCKERFILE_INSTRUCTIONS_TESTING_H_
