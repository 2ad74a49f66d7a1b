// File: geo/build/geoip_sources.h
//
// Where clients are: readers for IP geolocation data, turning each source
// into CIDR networks with a *place* (a country code and/or coordinates),
// for geo/build/latency_builder. Nothing here is on the query path. The
// MaxMind DB reader is geo/build/mmdb_source.h (library steer_geo_mmdb, the
// only one that links libmaxminddb; the daemon does not).
//
// Sources:
//   tor-geoipdb   Debian's /usr/share/tor/geoip (IPv4: `start_int,end_int,CC`,
//                 integers) and geoip6 (IPv6: `start,end,CC`, addresses);
//                 `#` comment lines. Country only; `??` (unknown) ranges are
//                 counted as unlocated and left out. Each range becomes the
//                 fewest CIDR prefixes that cover it exactly.
//   MaxMind DB    any .mmdb readable by libmaxminddb (GeoLite2/GeoIP2 City:
//                 `location.latitude`/`location.longitude`,
//                 `country.iso_code`; ip-location-db's city mmdb: top-level
//                 `latitude`/`longitude`/`country_code`). libmaxminddb 1.7
//                 has no iterator, so the search tree is walked with
//                 MMDB_read_node(): every data record found at depth d is
//                 the network of the d-bit path to it. In an IPv6 database,
//                 the IPv4 subtree (::/96) gives IPv4 networks, and the
//                 conventional aliases of it (::ffff:0:0/96, 2002::/16:
//                 any path that leads back to the IPv4 start node) are
//                 skipped so IPv4 is read once.
//   locations CSV header-driven: `network`, `latitude`|`lat`,
//                 `longitude`|`lon`, optional `country`|`country_code`;
//                 a row may give coordinates, a country, or both.
//
// Country centroids: a CSV `country,latitude,longitude[,...]` giving one
// point per country code (data/country_centroids.csv: the principal
// location of the country's most populous timezone from tzdata; see
// data/README.md), used for places that have a country but no
// coordinates.
//
// Example:
//   geo::GeoNetworks nets;
//   absl::Status s = geo::ReadGeoSource("/usr/share/tor/geoip", nets);
//   // s: "/usr/share/tor/geoip:17: start 16777472 > end 16777471"
//   for (const geo::GeoNetworks::Entry& e : nets.networks())
//     use(e.network, nets.place(e.place));
//
// Thread safety: readers fill the GeoNetworks they are given; use one per
// thread or lock around it.
#ifndef STEERDNS_GEO_GEOIP_SOURCES_H_
#define STEERDNS_GEO_GEOIP_SOURCES_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "geo/address.h"

namespace geo {

// Where the addresses of a network are.
struct Place {
  std::string country;           // ISO 3166 alpha-2 or RIR code ("EU"); "" unknown
  bool has_coordinates = false;  // false: only the country is known
  double latitude = 0;           // WGS84 degrees
  double longitude = 0;

  friend bool operator==(const Place&, const Place&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const Place& p) {
    return H::combine(std::move(h), p.country, p.has_coordinates, p.latitude,
                      p.longitude);
  }
};

// Networks with places, as read from one or more sources. Places are
// interned (stored once). Entries keep their reading order: when two
// entries name the very same network, the later one counts.
class GeoNetworks {
 public:
  struct Entry {
    Prefix network;
    uint32_t place;  // index into places()
  };

  // The index of `p`, adding it on first sight.
  uint32_t InternPlace(const Place& p);
  void Add(const Prefix& network, uint32_t place) {
    entries_.push_back({network, place});
  }

  const std::vector<Entry>& networks() const { return entries_; }
  const std::vector<Place>& places() const { return places_; }
  const Place& place(uint32_t i) const { return places_[i]; }

  // Input records (ranges, tree records, CSV rows) read, and those that
  // were left out for having no usable place (`??`, no country and no
  // coordinates).
  size_t records = 0;
  size_t unlocated_records = 0;

 private:
  std::vector<Entry> entries_;
  std::vector<Place> places_;
  absl::flat_hash_map<Place, uint32_t> place_ids_;
};

// Appends to `out` the fewest CIDR prefixes that cover exactly the
// addresses first..last (inclusive). Both must be of one family and
// first <= last; otherwise nothing is appended and false is returned.
bool RangeToPrefixes(const Address& first, const Address& last,
                     std::vector<Prefix>& out);

// tor-geoipdb text (IPv4 and IPv6 lines may be mixed). Errors
// (InvalidArgument "source:line: ..."): not 3 fields, a bad number or
// address, IPv4 and IPv6 ends mixed, start > end, a country code that is
// not 2 letters (or `??`).
absl::Status ParseTorGeoip(std::string_view text, std::string_view source,
                           GeoNetworks& out);
absl::Status ReadTorGeoip(const std::string& path, GeoNetworks& out);

// Locations CSV (see the file comment). Errors "source:line: ...": missing
// `network` column, a bad network (host bits set), a bad or out-of-range
// coordinate, only one of the two coordinates.
absl::Status ParseLocationsCsv(std::string_view text, std::string_view source,
                               GeoNetworks& out);
absl::Status ReadLocationsCsv(const std::string& path, GeoNetworks& out);

// Country code -> representative point.
class CountryCentroids {
 public:
  // Header-driven CSV: `country`|`code`, `latitude`|`lat`,
  // `longitude`|`lon`; other columns ignored. Errors "source:line: ...":
  // missing column, a code that is not 2 characters, a bad coordinate, a
  // duplicate code.
  static absl::StatusOr<CountryCentroids> ParseCsv(std::string_view text,
                                                   std::string_view source);
  static absl::StatusOr<CountryCentroids> LoadCsv(const std::string& path);

  struct Point {
    double latitude;
    double longitude;
  };
  std::optional<Point> Find(std::string_view country) const;
  size_t size() const { return points_.size(); }

 private:
  absl::flat_hash_map<std::string, Point> points_;
};

// data/country_centroids.csv in the source tree this library was built
// from.
const char* DefaultCountryCentroidsPath();

}  // namespace geo

#endif  // STEERDNS_GEO_GEOIP_SOURCES_H_
