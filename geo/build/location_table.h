// File: geo/build/location_table.h
//
// The default latency table: where clients are (a network locations CSV,
// built at set-up time from tor-geoipdb) plus the distance model and the
// regions in use, turned into a LatencyTable when the server starts.
//
// Network locations CSV (docs/latency-tables.md): the header
// `network,latitude,longitude,country`, then one row per network:
//
//   network,latitude,longitude,country
//   1.0.0.0/24,-33.8667,151.2167,AU
//   2001:200::/23,35.6544,139.7447,JP
//
// Networks are disjoint (no network inside another; adjacent ranges of one
// place already merged), latitude/longitude are WGS84 degrees (for
// tor-geoipdb: the country's point from data/country_centroids.csv), and
// `country` is informational (may be empty). The same file is a
// "locations CSV" for `zonectl latency build --geoip`, so the default
// table can also be written out as a full latency CSV.
//
// Ranking and merging are geo/build/latency_builder.h's, with each location as a
// place with coordinates: the model's RTT (RTT = a + b·km) to every region
// ranked, address-weighted default rows for 0.0.0.0/0 and ::/0 (clients
// in no listed network), and the optimal (ORTC) merge by ranking, so no
// address's ranking changes. The table keeps one row per distinct
// ranking (a few hundred however many networks there are); a network's
// RTTs in explain are those of the first merged network with its ranking
// (the address-weighted mean of the locations it covers).
//
// Example:
//   geo::LocationTableStats st;
//   absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> t =
//       geo::LoadLocationLatencyTable(geo::DefaultNetworkLocationsPath(),
//                                     *registry, geo::kDefaultDistanceModel,
//                                     &st);
//
// Thread safety: plain functions; the table returned is immutable.
#ifndef STEERDNS_GEO_LOCATION_TABLE_H_
#define STEERDNS_GEO_LOCATION_TABLE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "geo/build/latency_model.h"
#include "geo/latency_table.h"
#include "geo/regions.h"

namespace geo {

// What loading found.
struct LocationTableStats {
  size_t file_networks = 0;  // rows of the file
  size_t networks = 0;       // in the table: merged, + the default rows
  size_t locations = 0;  // distinct (latitude, longitude)
  size_t regions = 0;    // regions with coordinates, ranked
  double seconds = 0;    // read + parse + rank + compile
};

// Parses a network locations CSV and ranks `regions` (those with
// coordinates; with `rank_only` non-empty, only those of its names) for
// each location with `model`. Ranking only the regions that latency
// record sets name lets far more neighbouring networks rank alike and
// merge (the lab's 10 regions: ~10x fewer networks than all 39). Errors
// (InvalidArgument "source:line: ..."): a header without
// network/latitude/longitude, a wrong field count, a bad network, a bad
// or missing coordinate, the same network twice ("source: duplicate
// prefix ..."), no region (of `rank_only`) with coordinates, an empty file.
absl::StatusOr<std::shared_ptr<const LatencyTable>> ParseLocationLatencyTable(
    std::string_view text, std::string_view source,
    const RegionRegistry& regions, const DistanceModel& model,
    LocationTableStats* stats = nullptr,
    absl::Span<const std::string> rank_only = {});

// The same for a file (NotFound / PermissionDenied for the file itself).
absl::StatusOr<std::shared_ptr<const LatencyTable>> LoadLocationLatencyTable(
    const std::string& path, const RegionRegistry& regions,
    const DistanceModel& model, LocationTableStats* stats = nullptr,
    absl::Span<const std::string> rank_only = {});

// The server's default table, used when latency record sets exist and no
// latency table is given (--default-latency PATH). `path` "" or "off":
// none (nullptr, no note). The built-in DefaultNetworkLocationsPath() may
// be missing (nullptr; `*note` says how to build it); any other path must
// load. Ranks `regions` (nullptr: nothing to rank against, an error; with
// `rank_only` non-empty only those, as above) with kDefaultDistanceModel.
// `*note` gets the line to log: "default latency table PATH
// (--default-latency): N networks (F in the file), L locations x R regions
// (REGIONS, model M), S MiB, loaded in 0.42 s".
absl::StatusOr<std::shared_ptr<const LatencyTable>> LoadDefaultLatencyTable(
    const std::string& path, const RegionRegistry* regions, std::string* note,
    absl::Span<const std::string> rank_only = {});

// Where the project's set-up writes the default network locations: the
// file default-locations.csv in the build tree this library was built in
// (e.g. "/work/main/build/default-locations.csv"); see
// scripts/build-default-latency.sh and geo/CMakeLists.txt.
const char* DefaultNetworkLocationsPath();

}  // namespace geo

#endif  // STEERDNS_GEO_LOCATION_TABLE_H_
