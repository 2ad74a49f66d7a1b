// File: zones/master_file.h
//
// Reads RFC 1035 master files into a ZoneBuilder with steerdns's own reader
// (zones/master_reader.h: the syntax NSD, Knot and BIND accept):
// $ORIGIN, $TTL (RFC 2308; BIND's units "1h30m"), $INCLUDE file [origin]
// (a relative path resolves against the including file's folder; at most
// 10 levels deep; a file that includes itself, directly or not, is
// refused), parentheses across lines, quoted strings with \" \\ and \DDD
// escapes, `;` comments, blank owners, `@`, class and TTL in either order,
// CLASSn/TYPEn and RFC 3597 "\# len hex" for every type.
//
// Errors: every error of a load (the file and every file it includes) is
// reported, up to 20 (then "... and N more errors"), one per line, each
// "file:line: message" with the file that holds the problem and the line
// where its record starts, e.g.
//   zone.db:7: bad IPv4 address '192.0.2.256'
//   zone.db:9: unclosed '(' opened at line 9
//   inc.zone:2: TTL 99999999999 is out of range (0..2147483647)
// A record with an error is left out, the others are still read (and
// checked by the builder, whose errors also name the record's file:line).
//
// Warnings (ZoneBuilder::warnings(), "file:line: message"): a TTL with the
// top bit set, read as 0 (RFC 2181 §8); an owner outside the zone, left
// out (as BIND and Knot do).
#ifndef STEERDNS_ZONES_MASTER_FILE_H_
#define STEERDNS_ZONES_MASTER_FILE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "zones/builder.h"
#include "zones/zone.h"

namespace zones {

// Reads `path` into `builder`, whose origin is the initial $ORIGIN. Returns
// InvalidArgument with the errors found while reading ("path:line: ...",
// one per line), NotFound "path: cannot open: ..." if unreadable (and
// NotFound "path:line: $INCLUDE other: cannot open: ..." when that is the
// first error).
absl::Status ReadMasterFile(const std::string& path, ZoneBuilder* builder);

// Same, from text in memory (e.g. a zone uploaded to the control API);
// `display_name` stands for the file in error messages; $INCLUDE is refused.
absl::Status ReadMasterText(std::string_view text,
                            const std::string& display_name,
                            ZoneBuilder* builder);

// Convenience: origin in presentation form + one file → validated Zone.
absl::StatusOr<std::shared_ptr<const Zone>> LoadMasterFile(
    std::string_view origin_text, const std::string& path);

}  // namespace zones

#endif  // STEERDNS_ZONES_MASTER_FILE_H_
