// File: zones/master_file.h
//
// Reads RFC 1035 master files with ldns into a ZoneBuilder: $ORIGIN, $TTL,
// $INCLUDE (relative paths resolve against the including file's folder),
// parentheses, escapes, and generic RFC 3597 "TYPEnnn \# len hex" records.
// Errors read "file:line: what is wrong" with the line in the file that
// holds the problem (an included file names itself).
#ifndef STEERDNS_ZONES_MASTER_FILE_H_
#define STEERDNS_ZONES_MASTER_FILE_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "zones/builder.h"
#include "zones/master_file_rr.h"
#include "zones/zone.h"

namespace zones {

// Reads `path` into `builder`, whose origin is the initial $ORIGIN. Returns
// InvalidArgument "path:line: ..." on a syntax or semantic error found
// while reading, NotFound "path: cannot open: ..." if unreadable.
absl::Status ReadMasterFile(const std::string& path, ZoneBuilder* builder);

// Same, from text in memory (e.g. a zone uploaded to the control API);
// `display_name` stands for the file in error messages; $INCLUDE is refused.
absl::Status ReadMasterText(std::string_view text,
                            const std::string& display_name,
                            ZoneBuilder* builder);

// Convenience: origin in presentation form + one file → validated Zone.
absl::StatusOr<std::shared_ptr<const Zone>> LoadMasterFile(
    std::string_view origin_text, const std::string& path);

// Sees one line that starts an RR: its line number, its text (without the
// newline) and both parsers' readings of it.
using RRLineVisitor = std::function<void(int line, std::string_view text,
                                         const RRLineReadings& readings)>;

// For checking the reader's two parsers against each other
// (zones/master_file_rr.h): reads `text` as ReadMasterText() does for the
// origin `origin_wire`, but into no builder and on past RRs that ldns
// refuses, and calls `visit` for every line that starts an RR, read both
// ways with the $ORIGIN and previous owner the reader has there. Fails as
// ReadMasterText() does on a bad directive.
absl::Status ForEachRRLineBothWays(std::string_view text,
                                   const std::string& origin_wire,
                                   const RRLineVisitor& visit);

}  // namespace zones

#endif  // STEERDNS_ZONES_MASTER_FILE_H_
