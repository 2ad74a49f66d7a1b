// File: dns/tsig/cat_internal.h
//
// Private to dns/tsig: string building over std::string_view, absl's own
// string_view (a different type in Debian 12's Abseil), C strings and ints,
// for error messages. Not part of the module's interface.
#ifndef STEERDNS_DNS_TSIG_CAT_INTERNAL_H_
#define STEERDNS_DNS_TSIG_CAT_INTERNAL_H_

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace dns::tsig::internal {

// String building without absl's string_view (not std's in this Abseil).
inline void CatOne(std::string& out, std::string_view s) { out.append(s.data(), s.size()); }
inline void CatOne(std::string& out, const char* s) { out.append(s); }
inline void CatOne(std::string& out, const std::string& s) { out.append(s); }
inline void CatOne(std::string& out, absl::string_view s) { out.append(s.data(), s.size()); }
inline void CatOne(std::string& out, int v) { out.append(std::to_string(v)); }
template <typename... T>
std::string Cat(const T&... parts) {
  std::string out;
  (CatOne(out, parts), ...);
  return out;
}

}  // namespace dns::tsig::internal

#endif  // STEERDNS_DNS_TSIG_CAT_INTERNAL_H_
