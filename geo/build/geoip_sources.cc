#include "geo/build/geoip_sources.h"

#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/file.h"
#include "base/string_view.h"
#include "geo/build/build_internal.h"
#include "geo/csv_reader.h"

namespace geo {

using base::AV;
using base::StdViewFormatter;

using build_internal::Column;
using build_internal::IsCountryCode;
using build_internal::Trim;
using build_internal::FromU128;
using build_internal::LowOnes;
using build_internal::ParseDegrees;
using build_internal::RowError;
using build_internal::ToU128;
using build_internal::U128;

uint32_t GeoNetworks::InternPlace(const Place& p) {
  auto [it, fresh] =
      place_ids_.try_emplace(p, static_cast<uint32_t>(places_.size()));
  if (fresh) places_.push_back(p);
  return it->second;
}

bool RangeToPrefixes(const Address& first, const Address& last,
                     std::vector<Prefix>& out) {
  if (first.is_v4() != last.is_v4()) return false;
  const int width = first.width();
  const U128 a = ToU128(first), b = ToU128(last);
  if (a > b) return false;
  build_internal::ForEachRangePrefix(a, b, width, [&](U128 lo, int len) {
    out.push_back(Prefix::Make(FromU128(lo, width), len));
  });
  return true;
}

namespace {

// One end of a tor-geoipdb range: a decimal IPv4 integer or an address.
std::optional<Address> ParseRangeEnd(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool digits = true;
  for (char c : s) digits = digits && c >= '0' && c <= '9';
  if (digits) {
    uint64_t v = 0;
    if (s.size() > 10 || !absl::SimpleAtoi(AV(s), &v) || v > 0xFFFFFFFFull) {
      return std::nullopt;
    }
    return Address::FromV4(static_cast<uint32_t>(v));
  }
  return Address::Parse(s);
}

}  // namespace

absl::Status ParseTorGeoip(std::string_view text, std::string_view source,
                           GeoNetworks& out) {
  std::vector<Prefix> prefixes;
  absl::flat_hash_map<std::string, uint32_t> country_place;
  int line = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = Trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line;
    if (l.empty() || l[0] == '#') continue;
    std::string_view f[3];
    size_t n = 0;
    size_t start = 0;
    while (true) {
      const size_t comma = l.find(',', start);
      if (n < 3) f[n] = Trim(l.substr(start, comma == std::string_view::npos
                                                 ? std::string_view::npos
                                                 : comma - start));
      ++n;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (n != 3) {
      return RowError(source, line,
                      absl::StrCat("expected 3 fields (start,end,country), got ",
                                   n));
    }
    const std::optional<Address> a = ParseRangeEnd(f[0]);
    const std::optional<Address> b = ParseRangeEnd(f[1]);
    if (!a) {
      return RowError(source, line,
                      absl::StrCat("range start '", AV(f[0]),
                                   "' is not an IPv4 integer or an address"));
    }
    if (!b) {
      return RowError(source, line,
                      absl::StrCat("range end '", AV(f[1]),
                                   "' is not an IPv4 integer or an address"));
    }
    if (a->is_v4() != b->is_v4()) {
      return RowError(source, line, "range start and end are of different families");
    }
    if (*b < *a) {
      return RowError(source, line,
                      absl::StrCat("range start ", AV(f[0]), " > end ", AV(f[1])));
    }
    const std::string_view cc = f[2];
    ++out.records;
    if (cc == "??") {
      ++out.unlocated_records;
      continue;
    }
    if (!IsCountryCode(cc)) {
      return RowError(source, line,
                      absl::StrCat("country code '", AV(cc),
                                   "' is not two capital letters (or ?\?)"));
    }
    auto it = country_place.find(AV(cc));
    if (it == country_place.end()) {
      Place p;
      p.country = std::string(cc);
      it = country_place.emplace(p.country, out.InternPlace(p)).first;
    }
    prefixes.clear();
    RangeToPrefixes(*a, *b, prefixes);
    for (const Prefix& p : prefixes) out.Add(p, it->second);
  }
  return absl::OkStatus();
}

absl::Status ReadTorGeoip(const std::string& path, GeoNetworks& out) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseTorGeoip(*text, path, out);
}

absl::Status ParseLocationsCsv(std::string_view text, std::string_view source,
                               GeoNetworks& out) {
  Column net{{"network"}}, lat{{"latitude", "lat"}}, lon{{"longitude", "lon"}},
      country{{"country", "country_code"}, false};
  Column* cols[] = {&net, &lat, &lon, &country};
  absl::Status s = ForEachCsvRow(
      text, source, cols, "network,latitude,longitude",
      [&](absl::Span<const std::string_view> f, int line) -> absl::Status {
        absl::StatusOr<Prefix> p = Prefix::Parse(f[net.index]);
        if (!p.ok()) {
          return RowError(source, line,
                          absl::StrCat("network '", AV(f[net.index]),
                                       "': ", p.status().message()));
        }
        Place place;
        const std::string_view la = f[lat.index], lo = f[lon.index];
        if (la.empty() != lo.empty()) {
          return RowError(source, line,
                          "only one of latitude and longitude is given");
        }
        if (!la.empty()) {
          absl::Status c = ParseDegrees(la, 90, "latitude", source, line,
                                        &place.latitude);
          if (c.ok()) {
            c = ParseDegrees(lo, 180, "longitude", source, line,
                             &place.longitude);
          }
          if (!c.ok()) return c;
          place.has_coordinates = true;
        }
        if (country.index >= 0 && !f[country.index].empty()) {
          const std::string_view cc = f[country.index];
          if (!IsCountryCode(cc)) {
            return RowError(source, line,
                            absl::StrCat("country code '", AV(cc),
                                         "' is not two capital letters"));
          }
          place.country = std::string(cc);
        }
        ++out.records;
        if (!place.has_coordinates && place.country.empty()) {
          ++out.unlocated_records;
          return absl::OkStatus();
        }
        out.Add(*p, out.InternPlace(place));
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return absl::OkStatus();
}

absl::Status ReadLocationsCsv(const std::string& path, GeoNetworks& out) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseLocationsCsv(*text, path, out);
}

// ------------------------------------------------------ centroids

absl::StatusOr<CountryCentroids> CountryCentroids::ParseCsv(
    std::string_view text, std::string_view source) {
  CountryCentroids out;
  absl::flat_hash_map<std::string, int> line_of;
  Column code{{"country", "code"}}, lat{{"latitude", "lat"}},
      lon{{"longitude", "lon"}};
  Column* cols[] = {&code, &lat, &lon};
  absl::Status s = ForEachCsvRow(
      text, source, cols, "country,latitude,longitude",
      [&](absl::Span<const std::string_view> f, int line) -> absl::Status {
        const std::string_view cc = f[code.index];
        if (!IsCountryCode(cc)) {
          return RowError(source, line,
                          absl::StrCat("country code '", AV(cc),
                                       "' is not two capital letters"));
        }
        Point p{};
        absl::Status c =
            ParseDegrees(f[lat.index], 90, "latitude", source, line, &p.latitude);
        if (c.ok()) {
          c = ParseDegrees(f[lon.index], 180, "longitude", source, line,
                           &p.longitude);
        }
        if (!c.ok()) return c;
        auto [it, fresh] = line_of.try_emplace(std::string(cc), line);
        if (!fresh) {
          return RowError(source, line,
                          absl::StrCat("duplicate country '", AV(cc),
                                       "' (first at line ", it->second, ")"));
        }
        out.points_.emplace(std::string(cc), p);
        return absl::OkStatus();
      });
  if (!s.ok()) return s;
  return out;
}

absl::StatusOr<CountryCentroids> CountryCentroids::LoadCsv(
    const std::string& path) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseCsv(*text, path);
}

std::optional<CountryCentroids::Point> CountryCentroids::Find(
    std::string_view country) const {
  auto it = points_.find(AV(country));
  if (it == points_.end()) return std::nullopt;
  return it->second;
}

const char* DefaultCountryCentroidsPath() {
  return STEER_GEO_BUILD_SOURCE_DIR "/data/country_centroids.csv";
}

}  // namespace geo
