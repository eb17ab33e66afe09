#include "dockerfile/suggest.h"

#include <gtest/gtest.h>

#include <array>

namespace zlayer::dockerfile {
namespace {

constexpr std::array<std::string_view, 4> kNames = {"ADD", "COPY", "RUN",
                                                    "SHELL"};

TEST(SuggestTest, MatchesTheCaseTheUserTyped) {
  EXPECT_EQ(SuggestClosest("RNU", kNames, false), "RUN");
  EXPECT_EQ(SuggestClosest("rnu", kNames, false), "run");
  EXPECT_EQ(SuggestClosest("Rnu", kNames, false), "run");
  EXPECT_EQ(SuggestClosest("COPPY", kNames, false), "COPY");
}

TEST(SuggestTest, SwappedLettersBreakTies) {
  constexpr std::array<std::string_view, 3> kTied = {"ENV", "EXPOSE", "RUN"};
  EXPECT_EQ(SuggestClosest("RNU", kTied, false), "RUN");
  EXPECT_EQ(SuggestClosest("EVN", kTied, false), "ENV");
}

TEST(SuggestTest, NothingWhenTooFarOrExact) {
  EXPECT_EQ(SuggestClosest("FOO", kNames, false), std::nullopt);
  EXPECT_EQ(SuggestClosest("run", kNames, false), std::nullopt);
  // Case-sensitive lookups count a case difference as an edit.
  EXPECT_EQ(SuggestClosest("run", kNames, true), std::nullopt);
}

TEST(SuggestTest, WithSuggestionAppendsHint) {
  EXPECT_EQ(WithSuggestion("unknown instruction: RUNN", "RUNN", kNames, false),
            "unknown instruction: RUNN (did you mean RUN?)");
  EXPECT_EQ(
      WithSuggestion("unknown instruction: XYZZY", "XYZZY", kNames, false),
      "unknown instruction: XYZZY");
}

}  // namespace
}  // namespace zlayer::dockerfile
