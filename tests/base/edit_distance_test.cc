// base/edit_distance.h: the optimal-string-alignment distance that every
// "did you mean" hint uses.
#include "base/edit_distance.h"

#include "gtest/gtest.h"

namespace base {
namespace {

TEST(EditDistance, CountsEachEditOnce) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("eu-west-1", "eu-west-1"), 0u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("abc", ""), 3u);
  EXPECT_EQ(EditDistance("us-east-1", "us-east-2"), 1u);   // substitution
  EXPECT_EQ(EditDistance("eu-west-1", "eu-west-12"), 1u);  // insertion
  EXPECT_EQ(EditDistance("eu-wset-1", "eu-west-1"), 1u);   // transposition
  EXPECT_EQ(EditDistance("Wieght", "Weight"), 1u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("ca", "abc"), 3u);  // OSA, not Damerau: no edit twice
}

}  // namespace
}  // namespace base
