#include "base/json_text.h"

#include <gtest/gtest.h>

namespace zlayer::base {
namespace {

TEST(JsonTextTest, StringsEscapeQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a \"b\"\\"), R"("a \"b\"\\")");
  EXPECT_EQ(JsonString("\n\r\t"), R"("\n\r\t")");
  EXPECT_EQ(JsonString(std::string("\x01\x7f", 2)), R"("\u0001\u007f")");
  EXPECT_EQ(JsonString("caf\xc3\xa9"), "\"caf\xc3\xa9\"");
}

TEST(JsonTextTest, ArraysWithEitherSeparator) {
  EXPECT_EQ(JsonArray({"a", "b"}), R"(["a", "b"])");
  EXPECT_EQ(JsonArray({"a", "b"}, ","), R"(["a","b"])");
  EXPECT_EQ(JsonArray({}), "[]");
}

}  // namespace
}  // namespace zlayer::base
