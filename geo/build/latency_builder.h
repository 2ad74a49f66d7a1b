// File: geo/build/latency_builder.h
//
// Builds a latency table (the `network,region,rtt_ms` CSV that
// geo::LatencyTable loads) from
//
//   where clients are   GeoNetworks (geo/build/geoip_sources.h): networks with a
//                       place: coordinates, or a country whose point comes
//                       from CountryCentroids;
//   where regions are   a RegionRegistry (regions without coordinates get
//                       rows only where a measurement names them);
//   how far is how slow a DistanceModel (geo/build/latency_model.h);
//   what was measured   MeasuredRtt overrides, which beat the model
//                       wherever they apply.
//
// Per place: RTT to every region with coordinates = model(great-circle
// km), rounded to 0.1 ms (the CSV's resolution; rankings are computed on
// the rounded values with LatencyTable's tie-break, so the file ranks
// exactly as built). Then the measurements, most specific first:
//
//   network   `198.51.100.0/24,eu-west-1,14.2`: every address in the
//             network, whatever its place (also addresses no source
//             located). Where measured networks nest, the longer wins.
//   location  `"geo:48.85,2.35",eu-west-3,4`: every place within
//             `location_match_km` (default 50 km) of the point; the
//             nearest measured point wins. Needs coordinates (a country's
//             centroid counts).
//   country   `FR,eu-west-3,6`: every place with that country code.
//
// A measurement sets the RTT of its region in a row (adding the region if
// the model had none for it, e.g. GovCloud); the row is then re-ranked.
// Then only the `top_k` best regions are kept (0 = all: the default,
// because latency routing ranks members by the table and a region the row
// lacks is ranked after every listed one, in record order).
//
// Default rows: `0.0.0.0/0` and `::/0` get, per region, the modeled RTT
// averaged over the family's located addresses (each place weighted by
// its address count: the "typical client"; a family with no located
// addresses takes the other's), so addresses that no source locates
// still get a ranking. Measurements stay out of that mean (a region
// measured for a few places only would pose as typical); network
// measurements still apply to unlocated space. Off with default_rows =
// false.
//
// Merge (the table must stay small): the inputs are flattened to disjoint
// address ranges, each with its row (the longest input prefix wins; for
// the same prefix twice, the later one), and then
//
//   kOptimal   the fewest prefixes whose longest-prefix match gives every
//              address the same ranking as before: ORTC (Draves, King,
//              Venkatachary, Zill, "Constructing optimal IP routing
//              tables", INFOCOM 1999) on the binary trie of the ranges;
//              siblings with the same ranking merge into their parent, and
//              a prefix whose ranking is what its covering prefix already
//              gives is dropped. (Without default rows, no prefix is
//              allowed to cover an unlocated address.)
//   kSiblings  adjacent prefixes with the same ranking merge while they
//              are siblings (iteratively, into the parent); prefixes with
//              the default row's ranking are dropped under 0.0.0.0/0 / ::/0.
//   kNone      every flattened range as its own prefixes.
//
// With merge_by_ranking (the default) rows merge when their rankings (the
// ordered region lists) are equal; the merged row's RTTs are the
// address-weighted means of the rows it replaces (if rounding makes that
// mean rank differently, the heaviest replaced row's RTTs are kept). With
// merge_by_ranking = false only identical rows merge. Either way no
// address's ranking changes (tests/geo/latency_builder_test.cc samples
// addresses before and after), and so neither does the ECS scope.
//
// Example:
//   geo::GeoNetworks nets;
//   CHECK_OK(geo::ReadGeoSource("/usr/share/tor/geoip", nets));
//   geo::AdminStates ids;
//   auto regions = geo::RegionRegistry::LoadCsv(geo::DefaultRegionsPath(), ids);
//   auto centroids = geo::CountryCentroids::LoadCsv(
//       geo::DefaultCountryCentroidsPath());
//   absl::StatusOr<geo::BuiltLatencyTable> t = geo::BuildLatencyTable(
//       nets, **regions, &*centroids, /*measured=*/{}, {});
//   CHECK_OK(geo::WriteLatencyCsv(*t, "latency.csv"));
//
// The command (`zonectl latency build`, `steer-latency-build`) is
// RunLatencyBuildCommand() below: flags, reading, building, writing and
// the summary line.
//
// Thread safety: plain functions over values; no shared state.
#ifndef STEERDNS_GEO_LATENCY_BUILDER_H_
#define STEERDNS_GEO_LATENCY_BUILDER_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "geo/address.h"
#include "geo/build/geoip_sources.h"
#include "geo/build/latency_model.h"
#include "geo/latency_table.h"
#include "geo/regions.h"

namespace geo {

// One measured RTT.
struct MeasuredRtt {
  enum class Kind { kNetwork, kLocation, kCountry };
  Kind kind = Kind::kNetwork;
  Prefix network;                      // kNetwork
  double latitude = 0, longitude = 0;  // kLocation
  std::string country;                 // kCountry
  std::string region;
  double rtt_ms = 0;
  std::string source;  // file, for errors
  int line = 0;
};

// Measured CSV: header `client,region,rtt_ms` (the first column may also
// be called `network` or `location`); `client` is a network or address
// ("198.51.100.0/24", "2001:db8::1"), an RFC 5870 geo URI
// ("geo:48.8566,2.3522", quoted in CSV because of the comma; no altitude
// or parameters), or a two-letter country code ("DE"). Errors
// "source:line: ...": a client of none of those forms, an empty region,
// an rtt_ms that is not a finite number >= 0, the same (client, region)
// twice.
absl::StatusOr<std::vector<MeasuredRtt>> ParseMeasuredCsv(
    std::string_view text, std::string_view source);
absl::StatusOr<std::vector<MeasuredRtt>> LoadMeasuredCsv(
    const std::string& path);

// Inter-region RTT matrix CSV (data/aws_interregion_p50_1y.csv):
// header-driven, columns `src`|`source`|`from`, `dst`|`destination`|`to`,
// `p50_ms`|`rtt_ms`. Returns one (km, rtt) sample per unordered pair of
// distinct regions that both have coordinates, with the mean RTT of the
// directions given (the matrix is directed and nearly symmetric; each pair
// counts once). Errors "source:line: ...": a region not in `regions`, a
// bad RTT.
absl::StatusOr<std::vector<DistanceSample>> ParseRttMatrixSamples(
    std::string_view text, std::string_view source,
    const RegionRegistry& regions);
absl::StatusOr<std::vector<DistanceSample>> LoadRttMatrixSamples(
    const std::string& path, const RegionRegistry& regions);

enum class MergeMode { kNone, kSiblings, kOptimal };
// "none", "siblings", "optimal".
std::string_view MergeModeName(MergeMode m);
std::optional<MergeMode> ParseMergeMode(std::string_view s);

struct LatencyBuildOptions {
  DistanceModel model = kDefaultDistanceModel;
  size_t top_k = 0;                // regions kept per network; 0 = all
  double location_match_km = 50;   // radius of a location measurement
  MergeMode merge = MergeMode::kOptimal;
  bool merge_by_ranking = true;    // false: only identical rows merge
  bool default_rows = true;        // 0.0.0.0/0 and ::/0
  // Rank only these regions (names in the registry); empty: every region.
  // The server's default table ranks just the regions record sets name.
  std::vector<std::string> only_regions;
};

struct LatencyBuildStats {
  // Inputs.
  size_t input_records = 0;      // ranges / records / rows read
  size_t unlocated_records = 0;  // `??`, no country and no coordinates
  size_t input_prefixes_v4 = 0;  // CIDR prefixes from the sources
  size_t input_prefixes_v6 = 0;
  size_t places = 0;             // distinct places
  // Prefixes left out because their place has no coordinates (a country
  // without a centroid) and no measurement gives it a row; by country.
  size_t no_location_prefixes = 0;
  std::vector<std::pair<std::string, size_t>> no_location_countries;
  size_t modeled_regions = 0;    // regions with coordinates
  // Measurements.
  size_t measured = 0;           // rows given
  size_t measured_unused = 0;    // rows that matched no place or address
  // Output.
  size_t output_networks_v4 = 0;
  size_t output_networks_v6 = 0;
  size_t output_rows = 0;        // CSV rows: sum of the networks' row sizes
  size_t distinct_rankings = 0;
  double build_seconds = 0;
  size_t input_prefixes() const { return input_prefixes_v4 + input_prefixes_v6; }
  size_t output_networks() const { return output_networks_v4 + output_networks_v6; }
};

// The built table.
struct BuiltLatencyTable {
  struct Cell {
    uint32_t region;      // index into region_names
    int32_t rtt_tenths;   // RTT in units of 0.1 ms
    double rtt_ms() const { return rtt_tenths / 10.0; }
  };
  struct Network {
    Prefix network;
    uint32_t row;  // index for row()
  };

  std::vector<std::string> region_names;  // the registry's, in file order
  // IPv4 first, then IPv6; each by address, then length.
  std::vector<Network> networks;
  std::vector<uint32_t> row_begin;  // row i: cells[row_begin[i], row_begin[i+1])
  std::vector<Cell> cells;          // each row best first
  LatencyBuildStats stats;

  absl::Span<const Cell> row(uint32_t i) const {
    return absl::Span<const Cell>(cells.data() + row_begin[i],
                                  row_begin[i + 1] - row_begin[i]);
  }
  // The rows for LatencyTable::FromRows().
  std::vector<LatencyRow> ToLatencyRows() const;
  // The CSV text (header `network,region,rtt_ms`).
  std::string ToCsv() const;
};

absl::StatusOr<BuiltLatencyTable> BuildLatencyTable(
    const GeoNetworks& geo, const RegionRegistry& regions,
    const CountryCentroids* centroids, absl::Span<const MeasuredRtt> measured,
    const LatencyBuildOptions& options);

// Writes ToCsv() to `path` ("-" = stdout); a regular file through a
// temporary file in the same directory and a rename, so a server never
// loads half a table (a device or pipe such as /dev/null is written in
// place).
// Returns the bytes written.
absl::StatusOr<size_t> WriteLatencyCsv(const BuiltLatencyTable& table,
                                       const std::string& path);

// Network locations (the compact default, geo/build/location_table.h): the
// sources' networks flattened (the longest prefix wins), places without
// coordinates put at their country's centroid (those with neither left
// out, counted in stats.no_location_*), adjacent ranges at the same point
// merged, and each range written as the fewest CIDR prefixes that cover
// it. The IPv4 space inside IPv6 (::ffff:0:0/96) is left out.
struct NetworkLocations {
  struct Location {
    double latitude;
    double longitude;
    std::string country;  // the first place's country at this point
  };
  std::vector<Location> locations;
  // IPv4 first, then IPv6; each by address. Disjoint.
  std::vector<std::pair<Prefix, uint32_t>> networks;
  // input_*, places, no_location_*, output_networks_*, output_rows
  // (= networks), build_seconds.
  LatencyBuildStats stats;
  // The CSV text: header `network,latitude,longitude,country`.
  std::string ToCsv() const;
};
absl::StatusOr<NetworkLocations> BuildNetworkLocations(
    const GeoNetworks& geo, const CountryCentroids* centroids);
// Writes ToCsv() as WriteLatencyCsv does (atomically; "-" = stdout).
absl::StatusOr<size_t> WriteNetworkLocationsCsv(const NetworkLocations& locations,
                                                const std::string& path);

}  // namespace geo

#endif  // STEERDNS_GEO_LATENCY_BUILDER_H_
