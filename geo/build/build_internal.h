// File: geo/build/build_internal.h
//
// Helpers shared by the build-time readers (geoip_sources.cc,
// latency_builder.cc): 128-bit address arithmetic per family, and
// "file:line: message" errors (header-driven CSVs: geo/csv_reader.h). Internal to
// steer_geo_build; not part of any API.
#ifndef STEERDNS_GEO_BUILD_INTERNAL_H_
#define STEERDNS_GEO_BUILD_INTERNAL_H_

#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "base/string_view.h"
#include "geo/address.h"
#include "geo/csv_reader.h"

namespace geo::build_internal {

using U128 = unsigned __int128;

// An address as a number in its family: IPv4 0..2^32-1, IPv6 0..2^128-1.
inline U128 ToU128(const Address& a) {
  if (a.is_v4()) return a.v4();
  return (static_cast<U128>(a.hi()) << 64) | a.lo();
}
// The inverse, for a family of `width` bits (32 or 128).
inline Address FromU128(U128 v, int width) {
  if (width == 32) return Address::FromV4(static_cast<uint32_t>(v));
  return Address::FromWords(static_cast<uint64_t>(v >> 64),
                            static_cast<uint64_t>(v));
}
// 2^bits - 1 (bits 0..128).
inline U128 LowOnes(int bits) {
  if (bits <= 0) return 0;
  if (bits >= 128) return ~U128{0};
  return (U128{1} << bits) - 1;
}
// Number of trailing zero bits of v (128 for 0).
inline int CountTrailingZeros(U128 v) {
  const auto lo = static_cast<uint64_t>(v);
  if (lo != 0) return __builtin_ctzll(lo);
  const auto hi = static_cast<uint64_t>(v >> 64);
  if (hi != 0) return 64 + __builtin_ctzll(hi);
  return 128;
}
// Calls fn(lo, len) for the fewest prefixes that cover exactly a..b
// (a <= b, both in a family of `width` bits), in address order.
template <typename Fn>
void ForEachRangePrefix(U128 a, U128 b, int width, Fn fn) {
  while (true) {
    // The largest block aligned at `a` that ends at or before `b`.
    int k = CountTrailingZeros(a) < width ? CountTrailingZeros(a) : width;
    while (k > 0 && LowOnes(k) > b - a) --k;
    fn(a, width - k);
    const U128 end = a + LowOnes(k);  // k == 128 only for ::/0: end == b
    if (end == b) return;
    a = end + 1;
  }
}

// First and last address of a prefix, as numbers.
inline U128 PrefixFirst(const Prefix& p) { return ToU128(p.address()); }
inline U128 PrefixLast(const Prefix& p) {
  return PrefixFirst(p) | LowOnes(p.address().width() - p.length());
}
// U128 -> double (for address counts used as weights).
inline double ToDouble(U128 v) {
  return static_cast<double>(static_cast<uint64_t>(v >> 64)) * 18446744073709551616.0 +
         static_cast<double>(static_cast<uint64_t>(v));
}

inline absl::Status RowError(std::string_view source, int line,
                             std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(base::AV(source), ":", line, ": ", base::AV(what)));
}

// A coordinate in [-limit, limit]; `what` names it in errors.
inline absl::Status ParseDegrees(std::string_view text, double limit,
                                 std::string_view what,
                                 std::string_view source, int line,
                                 double* out) {
  double v = 0;
  if (!absl::SimpleAtod(base::AV(text), &v) || !std::isfinite(v)) {
    return RowError(source, line,
                    absl::StrCat(base::AV(what), " '", base::AV(text), "' is not a number"));
  }
  if (v < -limit || v > limit) {
    return RowError(source, line,
                    absl::StrCat(base::AV(what), " ", base::AV(text), " is outside -",
                                 limit, "..", limit));
  }
  *out = v;
  return absl::OkStatus();
}

// Header-driven CSV columns: geo/csv_reader.h.
using Column = CsvColumn;

// Two upper-case ASCII letters (an ISO 3166 alpha-2 or RIR code).
inline bool IsCountryCode(std::string_view cc) {
  return cc.size() == 2 && absl::ascii_isupper(static_cast<unsigned char>(cc[0])) &&
         absl::ascii_isupper(static_cast<unsigned char>(cc[1]));
}

// Without leading blanks and trailing blanks or CR.
inline std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

}  // namespace geo::build_internal

#endif  // STEERDNS_GEO_BUILD_INTERNAL_H_
