// File: base/json_lines.cc
#include "base/json_lines.h"

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"

namespace base {
namespace {

using Json = nlohmann::json;

// nlohmann's message without its "[json.exception.parse_error.101] parse
// error at line L, column C: " or "[json.exception.out_of_range.406] " head.
std::string MessageOf(const Json::exception& e) {
  std::string_view what = e.what();
  const size_t head = what.find("parse error");
  if (head != std::string_view::npos) {
    const size_t colon = what.find(": ", head);
    if (colon != std::string_view::npos) what.remove_prefix(colon + 2);
  } else if (const size_t bracket = what.find("] "); bracket != std::string_view::npos) {
    what.remove_prefix(bracket + 2);
  }
  return std::string(what);
}

// The line of the literal an exception quotes ("number overflow parsing
// '1e999'"), or 1.
int LineOfQuotedLiteral(std::string_view text, std::string_view what) {
  const size_t a = what.find('\'');
  const size_t b = what.rfind('\'');
  if (a == std::string_view::npos || b <= a + 1) return 1;
  const size_t at = text.find(what.substr(a + 1, b - a - 1));
  return at == std::string_view::npos ? 1 : LineOf(text, at);
}

}  // namespace

int LineOf(std::string_view text, size_t pos) {
  pos = std::min(pos, text.size());
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + pos, '\n'));
}

absl::StatusOr<Json> ParseJson(std::string_view text, std::string_view source,
                               std::string_view prefix) {
  try {
    return Json::parse(text.begin(), text.end());
  } catch (const Json::parse_error& e) {
    // e.byte counts the characters read, the offending one included.
    return absl::InvalidArgumentError(
        absl::StrCat(AV(source), ":", LineOf(text, e.byte > 0 ? e.byte - 1 : 0), ": ",
                     AV(prefix), MessageOf(e)));
  } catch (const Json::exception& e) {  // a number too large to hold
    return absl::InvalidArgumentError(absl::StrCat(
        AV(source), ":", LineOfQuotedLiteral(text, e.what()), ": ", MessageOf(e)));
  }
}

std::vector<int> TopLevelObjectLines(std::string_view text, std::string_view array_key,
                                     std::string_view object_key) {
  std::vector<int> lines;
  int line = 1;
  int depth = 0;
  bool expect_key = false;  // inside the top object, before a key
  std::string_view key;     // the last key of the top object
  bool in_list = false;     // the open depth-1 container is array_key's
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\n':
        ++line;
        break;
      case '"': {
        size_t j = i + 1;
        while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
        if (depth == 1 && expect_key) {
          key = text.substr(i + 1, j - i - 1);
          expect_key = false;
        }
        i = j;
        break;
      }
      case '{':
      case '[':
        if (depth == 1) {
          in_list = c == '[' && key == array_key;
          if (c == '{' && !object_key.empty() && key == object_key) lines.push_back(line);
        } else if (depth == 2 && c == '{' && in_list) {
          lines.push_back(line);
        }
        ++depth;
        if (depth == 1) expect_key = c == '{';
        break;
      case '}':
      case ']':
        --depth;
        break;
      case ',':
        if (depth == 1) expect_key = true;
        break;
      default:
        break;
    }
  }
  return lines;
}

}  // namespace base
