// File: base/json_lines.h
//
// JSON documents with errors that name a line, for the readers of Route 53
// record sets, change batches and health checks:
//
//   absl::StatusOr<nlohmann::json> doc = base::ParseJson(text, "hc.json");
//   // !ok: InvalidArgument "hc.json:3: syntax error while parsing object ..."
//   std::vector<int> lines = base::TopLevelObjectLines(text, "HealthChecks");
//   // lines[i]: the line where the i-th object of "HealthChecks" opens
//
// nlohmann's own position ("at line L, column C") is dropped from the
// message; the caller's "file:line: " replaces it.
#ifndef STEERDNS_BASE_JSON_LINES_H_
#define STEERDNS_BASE_JSON_LINES_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace base {

// 1-based line of the byte at 0-based offset `pos` (clamped to the text).
int LineOf(std::string_view text, size_t pos);

// Parses `text`. InvalidArgument "SOURCE:LINE: PREFIX MESSAGE" for a
// syntax error (the line of the offending character) or a number too large
// to hold (the line of the literal); `prefix` (e.g. "syntax error: ") goes
// before nlohmann's message.
absl::StatusOr<nlohmann::json> ParseJson(std::string_view text, std::string_view source,
                                         std::string_view prefix = "");

// The lines where each object directly inside the top-level object's array
// member `array_key` opens, in order; when `object_key` is given, the line
// of the top-level member `object_key` if it is an object, too. Meant for
// text ParseJson accepted (strings well formed, no raw line breaks in them).
std::vector<int> TopLevelObjectLines(std::string_view text, std::string_view array_key,
                                     std::string_view object_key = {});

}  // namespace base

#endif  // STEERDNS_BASE_JSON_LINES_H_
