#include <gtest/gtest.h>

#include <cerrno>

#include "zlayer/result.h"

namespace zlayer {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0)
    return Fail("odd value " + std::to_string(x), ErrorKind::kInvalid);
  return x / 2;
}

Result<int> Quarter(int x) {
  ZL_ASSIGN_OR_RETURN(int half, Half(x));
  return WithContext(Half(half), "second halving");
}

Status CheckEven(int x) {
  ZL_RETURN_IF_ERROR(Half(x));
  return Ok();
}

TEST(ResultTest, AssignOrReturnPassesValues) {
  auto r = Quarter(8);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(*r, 2);
}

TEST(ResultTest, ErrorsKeepKindAndGainContext) {
  auto r = Quarter(6);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().message(), "second halving: odd value 3");
  EXPECT_EQ(r.error().kind(), ErrorKind::kInvalid);
}

TEST(ResultTest, ReturnIfErrorPropagates) {
  EXPECT_TRUE(CheckEven(4).has_value());
  auto s = CheckEven(5);
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().message(), "odd value 5");
}

TEST(ResultTest, FailErrnoNamesTheCall) {
  auto e = FailErrno("open /nope", ENOENT);
  EXPECT_EQ(e.error().message(), "open /nope: No such file or directory");
  EXPECT_EQ(e.error().kind(), ErrorKind::kIo);
  EXPECT_EQ(e.error().errno_value(), ENOENT);
}

}  // namespace
}  // namespace zlayer
