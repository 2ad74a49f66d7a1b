// File: geo/absl_compat.h
//
// Debian 12's Abseil (20220623) has its own absl::string_view rather than an
// alias of std::string_view, so StrCat, SimpleAtoi/Atod and heterogeneous
// lookups in absl hash maps need an explicit conversion. Internal to geo/.
#ifndef STEERDNS_GEO_ABSL_COMPAT_H_
#define STEERDNS_GEO_ABSL_COMPAT_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace geo {

// std::string_view -> absl::string_view (no copy).
inline absl::string_view AV(std::string_view s) { return {s.data(), s.size()}; }

// Formatter for absl::StrJoin over std::string_view elements.
struct StdViewFormatter {
  void operator()(std::string* out, std::string_view s) const {
    out->append(s.data(), s.size());
  }
};

}  // namespace geo

#endif  // STEERDNS_GEO_ABSL_COMPAT_H_
