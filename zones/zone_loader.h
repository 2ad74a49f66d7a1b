// File: zones/zone_loader.h
//
// One zone from several files: RFC 1035 master files and Route 53 JSON
// record sets (by extension: ".json", any case) for the same origin, read
// in order into one ZoneBuilder and built once. A JSON record set of a name
// and type that another file defines already is an error that names both
// (ZoneBuilder::AddRecordSet).
//
// Example:
//   absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
//       zones::LoadZone("example.com.", {"example.com.zone",
//                                        "example.com.json"});
#ifndef STEERDNS_ZONES_ZONE_LOADER_H_
#define STEERDNS_ZONES_ZONE_LOADER_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "zones/builder.h"
#include "zones/zone.h"

namespace zones {

// True if `path` names Route 53 JSON (ends in ".json", any case).
bool IsRoute53JsonPath(std::string_view path);

// True if `content` is Route 53 JSON by its look: its first character
// other than whitespace is '{' (no master file starts so; a file named
// "zone.txt" holding record sets is still read as what it is).
bool LooksLikeRoute53Json(std::string_view content);

// True if the file is Route 53 JSON: by name (IsRoute53JsonPath), else by
// its first 4 KiB (LooksLikeRoute53Json). An unreadable file is not.
bool IsRoute53JsonFile(const std::string& path);

// Reads one file into `builder`: ReadRoute53Json for JSON (by
// IsRoute53JsonFile), else ReadMasterFile.
absl::Status ReadZoneFile(const std::string& path, ZoneBuilder* builder);

// Origin in presentation form + its files, in order → validated Zone.
// InvalidArgument "bad zone origin '...'" or "no files for zone ...", else
// the first error of ReadZoneFile or Build. With `warnings` given, the
// builder's warnings ("file:line: ...", e.g. a TTL read as 0) are appended
// to it, whether the zone loads or not.
absl::StatusOr<std::shared_ptr<const Zone>> LoadZone(
    std::string_view origin_text, const std::vector<std::string>& paths,
    std::vector<std::string>* warnings = nullptr);

}  // namespace zones

#endif  // STEERDNS_ZONES_ZONE_LOADER_H_
