// File: base/string_view.h
//
// Debian 12's Abseil (20220623) has its own absl::string_view rather than an
// alias of std::string_view, so StrCat, SimpleAtoi/Atod and heterogeneous
// lookups in absl hash maps need an explicit conversion:
//
//   absl::StrCat(base::AV(name), ": bad TTL");
//   int n; absl::SimpleAtoi(base::AV(field), &n);
#ifndef STEERDNS_BASE_STRING_VIEW_H_
#define STEERDNS_BASE_STRING_VIEW_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace base {

// std::string_view -> absl::string_view (no copy).
inline absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

// Formatter for absl::StrJoin over std::string_view elements.
struct StdViewFormatter {
  void operator()(std::string* out, std::string_view s) const {
    out->append(s.data(), s.size());
  }
};

}  // namespace base

#endif  // STEERDNS_BASE_STRING_VIEW_H_
