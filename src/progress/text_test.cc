#include "progress/text.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <string>

namespace zlayer::progress {
namespace {

using std::chrono::milliseconds;

TEST(FormatSecondsTest, OneDecimalLikeBuildKit) {
  EXPECT_EQ(FormatSeconds(milliseconds(0)), "0.0s");
  EXPECT_EQ(FormatSeconds(milliseconds(1234)), "1.2s");
  EXPECT_EQ(FormatSeconds(milliseconds(75260)), "75.3s");
  EXPECT_EQ(FormatSeconds(milliseconds(-5)), "0.0s");
}

TEST(ShortDigestTest, TwelveHexDigits) {
  EXPECT_EQ(ShortDigest("sha256:abcdef0123456789abcdef"),
            "sha256:abcdef012345");
  EXPECT_EQ(ShortDigest("sha256:abc"), "sha256:abc");
  EXPECT_EQ(ShortDigest("no-colon"), "no-colon");
  EXPECT_EQ(TransferLabel("layer", "sha256:abcdef0123456789"),
            "layer sha256:abcdef012345");
}

TEST(TransferAmountTest, DockerUnits) {
  EXPECT_EQ(TransferAmount(12'300'000, 40'000'000), "12.3MB/40MB");
  EXPECT_EQ(TransferAmount(999, 0), "999B");
  EXPECT_EQ(TransferAmount(0, 1500), "0B/1.5kB");
}

TEST(ProgressBarTest, DockerStyle) {
  EXPECT_EQ(ProgressBar(0, 100, 12), "[>         ]");
  EXPECT_EQ(ProgressBar(50, 100, 12), "[=====>    ]");
  EXPECT_EQ(ProgressBar(99, 100, 12), "[=========>]");
  EXPECT_EQ(ProgressBar(100, 100, 12), "[==========]");
  EXPECT_EQ(ProgressBar(500, 100, 5), "[===]");  // more than the total
  EXPECT_EQ(ProgressBar(1, 0, 12), "");          // unknown total
  EXPECT_EQ(ProgressBar(1, 2, 2), "");
  // No overflow near the top of the range.
  EXPECT_EQ(ProgressBar(UINT64_MAX / 2, UINT64_MAX, 12), "[=====>    ]");
}

TEST(StepNameTest, NamesStagesAndSteps) {
  EXPECT_EQ(StageName(0, "build", 2), "build");
  EXPECT_EQ(StageName(1, "", 2), "stage-1");
  EXPECT_EQ(StageName(0, "", 1), "");
  EXPECT_EQ(StepName("build", 1, 3), "build 2/3");
  EXPECT_EQ(StepName("", 0, 3), "1/3");
  EXPECT_EQ(StepName("x", 4, 0), "x 5");
}

TEST(SanitizeForTerminalTest, RemovesWhatWouldMoveTheCursor) {
  EXPECT_EQ(SanitizeForTerminal("\x1b[31mred\x1b[0m plain"), "red plain");
  EXPECT_EQ(SanitizeForTerminal("\x1b]0;title\a after"), " after");
  EXPECT_EQ(SanitizeForTerminal("a\bb\x7f\x01"
                                "c"),
            "abc");
  EXPECT_EQ(SanitizeForTerminal("\xc2\x9b"
                                "2Jx"),
            "2Jx");  // C1 CSI
  // A progress bar redrawn with carriage returns shows its last state.
  EXPECT_EQ(SanitizeForTerminal(" 10%\r 50%\r100%"), "100%");
  EXPECT_EQ(SanitizeForTerminal("done\r\r"), "done");
  EXPECT_EQ(SanitizeForTerminal("a\tb"), "a       b");
  EXPECT_EQ(SanitizeForTerminal("12345678\tb"), "12345678        b");
  EXPECT_EQ(SanitizeForTerminal("bad\xff"), "bad\xef\xbf\xbd");
  EXPECT_EQ(SanitizeForTerminal("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(ColumnsTest, CountsWideAndCombiningRunes) {
  EXPECT_EQ(Columns("abc"), 3u);
  EXPECT_EQ(Columns("caf\xc3\xa9"), 4u);
  EXPECT_EQ(Columns("\xe6\x97\xa5\xe6\x9c\xac"), 4u);  // 日本
  EXPECT_EQ(Columns("e\xcc\x81"), 1u);                 // e + combining acute
  EXPECT_EQ(Columns("\xf0\x9f\x9a\x80"), 2u);          // rocket
}

TEST(ColumnsTest, TruncatesOnRuneBoundaries) {
  EXPECT_EQ(TruncateColumns("abcdef", 3), "abc");
  EXPECT_EQ(TruncateColumns("abc", 10), "abc");
  EXPECT_EQ(TruncateColumns("caf\xc3\xa9!", 4), "caf\xc3\xa9");
  // A wide rune that would straddle the edge is left out whole.
  EXPECT_EQ(TruncateColumns("a\xe6\x97\xa5", 2), "a");
  EXPECT_EQ(TruncateColumns("a\xe6\x97\xa5", 3), "a\xe6\x97\xa5");
  EXPECT_EQ(TruncateColumns("", 0), "");
}

}  // namespace
}  // namespace zlayer::progress
