// File: base/error_list.h
//
// ErrorList: the errors found in one input (a zone, a CSV, a JSON file),
// each "file:line: what is wrong", kept up to a limit so that a check
// reports every problem of a file at once rather than only the first, and
// a file with thousands of bad lines still gives a short answer.
//
// Example:
//   base::ErrorList errors;
//   for (...) if (bad) errors.Add(path, line, "bad IPv4 address '192.0.2.256'");
//   if (absl::Status s = errors.ToStatus(); !s.ok()) return s;
//
// Thread safety: thread-compatible.
#ifndef STEERDNS_BASE_ERROR_LIST_H_
#define STEERDNS_BASE_ERROR_LIST_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"

namespace base {

class ErrorList {
 public:
  // Lines kept; past it only the count grows.
  static constexpr size_t kMax = 20;

  // Records "file:line: message".
  void Add(std::string_view file, int line, std::string_view message);
  // Records an error already formatted as "file:line: message" (the first
  // line of a multi-line message is the one kept).
  void AddLine(std::string_view line);
  // Records every line of a Status's message (an error from a nested
  // check, maybe a Summary() itself); an OK status adds nothing.
  void AddStatus(const absl::Status& status);

  const std::vector<std::string>& lines() const { return lines_; }
  size_t count() const { return count_; }
  bool empty() const { return count_ == 0; }
  // The lines joined by '\n', then "... and N more errors" past kMax.
  std::string Summary() const;
  // OK if empty, else InvalidArgument(Summary()).
  absl::Status ToStatus() const;

 private:
  std::vector<std::string> lines_;
  size_t count_ = 0;
};

}  // namespace base

#endif  // STEERDNS_BASE_ERROR_LIST_H_
