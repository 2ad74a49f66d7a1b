// File: tests/zones/test_util.h
//
// Helpers shared by the zones/ tests: temporary folders with fixture files,
// names in wire form, zones built from master-file text, zones compared,
// and the export round trip every zone built here goes through.
#ifndef STEERDNS_TESTS_ZONES_TEST_UTIL_H_
#define STEERDNS_TESTS_ZONES_TEST_UTIL_H_

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dns/wire/name.h"
#include "zones/builder.h"
#include "zones/zone.h"

namespace zones_test {

// A fresh folder under testing::TempDir(), removed with its content when
// the object goes away.
class TempFolder {
 public:
  TempFolder();
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  const std::string& path() const { return path_; }
  // Writes `content` to path()/relative (creating sub-folders); returns the
  // full path.
  std::string Write(const std::string& relative,
                    std::string_view content) const;

 private:
  std::string path_;
};

// Lower-cased wire form of an absolute presentation name; aborts the test
// binary on malformed text (fixtures are constants).
std::string Wire(std::string_view text);
// A query name.
dns::Name QName(std::string_view text);

// Octets given as numbers, e.g. Bytes({192, 0, 2, 1}).
std::string Bytes(std::initializer_list<int> octets);

// Lines 1-4 of a valid zone (SOA, NS and the NS's glue) for any origin.
inline constexpr char kZoneHead[] =
    "$TTL 300\n@ SOA ns1 h 1 2 3 4 5\n@ NS ns1\nns1 A 192.0.2.53\n";

// Reads kZoneHead followed by `more` into `builder`, as the master file
// `display_name`.
absl::Status ReadZoneHead(zones::ZoneBuilder* builder,
                          std::string_view more = "",
                          const std::string& display_name = "zone.db");

// Reads `text` as a master file named `display_name` for `origin` and
// builds it. A zone that builds is also exported and reloaded in both
// forms (RoundTripProblem below): a difference is a test failure.
absl::StatusOr<std::shared_ptr<const zones::Zone>> ZoneFromText(
    std::string_view origin, std::string_view text,
    const std::string& display_name = "zone.db");

// --- Comparing zones; the export round trip (zones/zone_export.h) ---

// What to compare.
enum class Compare {
  kStatic,     // origin, owners with RRsets, RRsets (type, TTL, RDATA set)
  kEverything, // kStatic plus routed groups: policy, members' routing
               // fields, TTLs and values (not their sources)
};

// "" if `a` and `b` are the same under `what`, else the first difference
// ("www.example.com. A: TTL 300 vs 60").
std::string ZoneDifference(const zones::Zone& a, const zones::Zone& b,
                           Compare what);

// "" if `zone` exported as a master file reads back to its static RRsets
// and exported as Route 53 JSON reads back to everything; else what went
// wrong, with the exported text that failed.
std::string RoundTripProblem(const zones::Zone& zone);

// --- Other programs (the interop tests: nsd-checkzone, kzonecheck,
// named-checkzone) ---

// A whole file's content ("" if it cannot be read).
std::string ReadText(const std::string& path);

// How a program ran.
struct ToolResult {
  int status = -1;  // exit status; -1: did not exit normally (or timed out)
  std::string out;
  std::string err;
};

// Runs `argv` (no shell; argv[0] a path), stdout and stderr to files in
// `dir`, killed after 30 s.
ToolResult RunTool(const std::vector<std::string>& argv, const std::string& dir);

}  // namespace zones_test

#endif  // STEERDNS_TESTS_ZONES_TEST_UTIL_H_
