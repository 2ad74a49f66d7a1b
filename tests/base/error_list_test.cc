// base::ErrorList: every error of an input up to a limit, then a count.
#include "base/error_list.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace base {
namespace {

using ::testing::ElementsAre;

TEST(ErrorList, EmptyIsOk) {
  ErrorList e;
  EXPECT_TRUE(e.empty());
  EXPECT_TRUE(e.ToStatus().ok());
  e.AddStatus(absl::OkStatus());
  EXPECT_TRUE(e.empty());
}

TEST(ErrorList, KeepsEveryErrorInOrder) {
  ErrorList e;
  e.Add("t.csv", 3, "bad network 'x'");
  e.AddLine("t.csv:7: unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)");
  EXPECT_THAT(e.lines(), ElementsAre("t.csv:3: bad network 'x'",
                                     "t.csv:7: unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)"));
  const absl::Status s = e.ToStatus();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "t.csv:3: bad network 'x'\n"
                         "t.csv:7: unknown region 'eu-wset-1' (did you mean 'eu-west-1'?)");
}

TEST(ErrorList, PastTheLimitOnlyCounts) {
  ErrorList e;
  for (int i = 1; i <= 25; ++i) e.Add("z", i, "bad");
  EXPECT_EQ(e.count(), 25u);
  EXPECT_EQ(e.lines().size(), ErrorList::kMax);
  EXPECT_THAT(e.Summary(), ::testing::EndsWith("z:20: bad\n... and 5 more errors"));
}

TEST(ErrorList, AStatusOfSeveralLinesAddsEachAndItsCount) {
  ErrorList inner;
  for (int i = 1; i <= 22; ++i) inner.Add("in", i, "x");
  ErrorList outer;
  outer.Add("a", 1, "first");
  outer.AddStatus(inner.ToStatus());
  EXPECT_EQ(outer.count(), 23u);
  EXPECT_EQ(outer.lines().size(), ErrorList::kMax);
  EXPECT_THAT(outer.Summary(), ::testing::EndsWith("... and 3 more errors"));
}

}  // namespace
}  // namespace base
