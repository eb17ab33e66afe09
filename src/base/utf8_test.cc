#include "base/utf8.h"

#include <gtest/gtest.h>

namespace zlayer::base {
namespace {

TEST(Utf8Test, DecodesLikeGo) {
  EXPECT_EQ(DecodeRune("a").value, U'a');
  Rune euro = DecodeRune("\xE2\x82\xAC!");
  EXPECT_EQ(euro.value, U'\u20AC');
  EXPECT_EQ(euro.length, 3u);
  EXPECT_EQ(DecodeRune("x\xF0\x9F\x98\x80", 1).length, 4u);
}

TEST(Utf8Test, MalformedBytesAreOneReplacementRuneEach) {
  for (std::string_view bad :
       {"\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    Rune r = DecodeRune(bad);
    EXPECT_TRUE(r.malformed()) << bad.size();
  }
}

TEST(Utf8Test, AppendRuneRoundTrips) {
  std::string out;
  for (char32_t r : {U'a', U'\u00E9', U'\u20AC', U'\U0001F600'}) {
    out.clear();
    AppendRune(out, r);
    EXPECT_EQ(DecodeRune(out).value, r);
    EXPECT_EQ(DecodeRune(out).length, out.size());
  }
  out.clear();
  AppendRune(out, 0xD800);
  EXPECT_EQ(out, "\xEF\xBF\xBD");
}

TEST(Utf8Test, SpaceIsGosUnicodeIsSpace) {
  for (char32_t r : {U' ', U'\t', U'\n', U'\v', U'\f', U'\r', U'\u0085',
                     U'\u00A0', U'\u2003', U'\u3000'}) {
    EXPECT_TRUE(IsSpaceRune(r)) << static_cast<uint32_t>(r);
  }
  EXPECT_FALSE(IsSpaceRune(U'\u200B'));  // zero width space is not
  EXPECT_FALSE(IsSpaceRune(U'x'));
}

TEST(Utf8Test, TrimsUnicodeBlanksOnly) {
  EXPECT_EQ(TrimSpace("\u00A0 a b\t\u3000"), "a b");
  EXPECT_EQ(TrimLeftSpace("  x "), "x ");
  EXPECT_EQ(TrimRightSpace(" x \xC2"), " x \xC2");  // a lone lead byte stays
  EXPECT_EQ(TrimSpace(""), "");
}

TEST(TrimSpaceTest, TrimsUnicodeWhiteSpaceLikeGo) {
  EXPECT_EQ(TrimSpace(" \t\r\n\v\fa b \t"), "a b");
  EXPECT_EQ(TrimSpace("\u00a0x\u3000"), "x");
  EXPECT_EQ(TrimSpace("\u2009x\u0085"), "x");
  EXPECT_EQ(TrimSpace("   "), "");
  // U+200B (zero width space) is not white space to Go.
  EXPECT_EQ(TrimSpace("\u200bx"), "\u200bx");
  // An invalid byte stops trimming instead of being mistaken for a space.
  EXPECT_EQ(TrimSpace("x\xa0 "), "x\xa0");
}

TEST(DecodeRuneTest, RejectsWhatGoRejects) {
  EXPECT_EQ(DecodeRune("a").value, U'a');
  EXPECT_EQ(DecodeRune("\u00e9").length, 2u);
  EXPECT_EQ(DecodeRune("\u263a").value, U'\u263a');
  EXPECT_EQ(DecodeRune("\U0001F600").length, 4u);
  for (const char* bad : {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "\xe2\x98", "\xff", "\x80"}) {
    const Rune r = DecodeRune(bad);
    EXPECT_EQ(r.value, kReplacementRune) << "input " << bad;
    EXPECT_EQ(r.length, 1u);
  }
}

}  // namespace
}  // namespace zlayer::base
