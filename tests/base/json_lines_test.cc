// base/json_lines.h: JSON syntax errors as "source:line: message", and the
// lines of the objects in a top-level array.
#include "base/json_lines.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace base {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(JsonLinesTest, LineOf) {
  EXPECT_EQ(LineOf("a\nb\nc", 0), 1);
  EXPECT_EQ(LineOf("a\nb\nc", 2), 2);
  EXPECT_EQ(LineOf("a\nb\nc", 4), 3);
  EXPECT_EQ(LineOf("a\nb\nc", 999), 3);
}

TEST(JsonLinesTest, SyntaxErrorNamesTheLineOfTheBadCharacter) {
  absl::StatusOr<nlohmann::json> doc = ParseJson("{\n  \"a\": 1,\n  ]\n}", "x.json", "syntax error: ");
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(doc.status().message()), StartsWith("x.json:3: syntax error: "));
  EXPECT_THAT(std::string(doc.status().message()), Not(HasSubstr("column")));
}

TEST(JsonLinesTest, NumberOverflowNamesTheLineOfTheLiteral) {
  absl::StatusOr<nlohmann::json> doc = ParseJson("{\n\n \"a\": 1e999\n}", "y.json");
  ASSERT_FALSE(doc.ok());
  EXPECT_THAT(std::string(doc.status().message()), StartsWith("y.json:3: "));
}

TEST(JsonLinesTest, ObjectLinesOfTheNamedArrayOnly) {
  const std::string text =
      "{\n"
      " \"Other\": [ {\"x\": \"{\"} ],\n"
      " \"Items\": [\n"
      "  {\"a\": {\"nested\": 1}},\n"
      "  {\"b\": \"[{\"}\n"
      " ],\n"
      " \"One\": {\n"
      " }\n"
      "}\n";
  EXPECT_THAT(TopLevelObjectLines(text, "Items"), ElementsAre(4, 5));
  EXPECT_THAT(TopLevelObjectLines(text, "Items", "One"), ElementsAre(4, 5, 7));
  EXPECT_THAT(TopLevelObjectLines(text, "Missing"), ElementsAre());
}

}  // namespace
}  // namespace base
