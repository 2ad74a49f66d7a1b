// File: geo/build/mmdb_source.h
//
// MaxMind DB files as a geolocation source (see geo/build/geoip_sources.h
// for the place model), and reading any source by its content. A library
// of its own (steer_geo_mmdb) so that only the table-building tools link
// libmaxminddb.
//
// Example:
//   geo::GeoNetworks nets;
//   absl::Status s = geo::ReadGeoSource("GeoLite2-City.mmdb", nets);
#ifndef STEERDNS_GEO_BUILD_MMDB_SOURCE_H_
#define STEERDNS_GEO_BUILD_MMDB_SOURCE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "geo/build/geoip_sources.h"

namespace geo {

// What ReadMmdb found besides the networks.
struct MmdbInfo {
  std::string database_type;
  int ip_version = 0;
  uint32_t node_count = 0;
  uint64_t build_epoch = 0;
  size_t data_records = 0;     // distinct data records decoded
  size_t aliases_skipped = 0;  // subtrees that alias the IPv4 tree
};
// A MaxMind DB file. Errors: the libmaxminddb message with the path
// ("x.mmdb: The MaxMind DB file contains invalid metadata"), or
// "x.mmdb: search tree node N: ..." for a corrupt tree.
absl::Status ReadMmdb(const std::string& path, GeoNetworks& out,
                      MmdbInfo* info = nullptr);

enum class GeoSourceKind { kTorGeoip, kMmdb, kLocationsCsv };
// "tor-geoipdb", "mmdb", "locations-csv".
std::string_view GeoSourceKindName(GeoSourceKind k);
// By content: the MaxMind DB metadata marker near the end of the file ->
// kMmdb; a first non-comment line starting with "network," -> kLocationsCsv;
// otherwise kTorGeoip.
absl::StatusOr<GeoSourceKind> DetectGeoSource(const std::string& path);
// DetectGeoSource + the matching reader.
absl::Status ReadGeoSource(const std::string& path, GeoNetworks& out);

}  // namespace geo

#endif  // STEERDNS_GEO_BUILD_MMDB_SOURCE_H_
