// File: tools/zonectl_check.h
//
// `zonectl check FILE...`: offline validation of every kind of input the
// server reads, with the server's own loaders, so the errors are the ones
// the server would give ("file:line: what is wrong").
//
// The kind comes from the file:
//   *.json  {"HealthChecks": ...} or {"HealthCheck": ...}  health checks
//           {"Changes": ...} or {"ChangeBatch": ...}        a change batch
//                                                           (shape only: its
//                                                           records are
//                                                           checked against
//                                                           the zone by the
//                                                           server)
//           anything else                                   Route 53 record
//                                                           sets
//   *.csv   header starting with "network"                  latency table
//           header with a "region" column                   regions
//   other   an RFC 1035 master file; its origin is `origin` when given, else
//           its first $ORIGIN, else the owner of its SOA.
//
// Route 53 record sets are read into a zone whose origin is `origin`, else
// the name of the file's SOA record set, else the deepest name that
// contains every record set; when the file has no SOA (or no NS) at that
// apex, a placeholder one is added so that only the file's own records can
// fail.
//
// Example:
//   zonectl::CheckResult r = zonectl::CheckFile("example.com.zone", "");
//   if (!r.ok) std::cerr << r.error << "\n";   // "example.com.zone:7: ..."
//
// Thread safety: stateless.
#ifndef STEERDNS_TOOLS_ZONECTL_CHECK_H_
#define STEERDNS_TOOLS_ZONECTL_CHECK_H_

#include <string>
#include <vector>

namespace zonectl {

enum class FileKind {
  kMasterFile,
  kRoute53RecordSets,
  kRoute53ChangeBatch,
  kHealthChecks,
  kLatencyTable,
  kRegions,
};

// "master file", "Route 53 record sets", ...
const char* FileKindName(FileKind kind);

struct CheckResult {
  bool ok = false;
  FileKind kind = FileKind::kMasterFile;
  // When ok: what the file holds, e.g. "zone example.com., serial
  // 2024060101, 30 records, 13 routed record sets".
  std::string summary;
  // When !ok: one line, "file:line: message" (or "file: message" when no
  // line applies).
  std::string error;
  // Non-fatal findings, one line each.
  std::vector<std::string> warnings;
  // For CheckTogether(): the ids a health checks file defines, and the
  // HealthCheckIds a record-set file names, each with the error the server
  // would give if it were missing ("file:line: record set [...]:
  // HealthCheckId 'x' is not a configured health check").
  std::vector<std::string> health_check_ids;
  std::vector<std::pair<std::string, std::string>> health_check_refs;  // id, error
};

// Validates one file. `origin`: --origin, or "" to find it in the file.
CheckResult CheckFile(const std::string& path, const std::string& origin);

// What the server checks across files: when the files checked together
// include health checks, every HealthCheckId of their record sets must be
// one of them. Returns the errors (none: consistent, or no health checks
// among the files).
std::vector<std::string> CheckTogether(const std::vector<CheckResult>& results);

}  // namespace zonectl

#endif  // STEERDNS_TOOLS_ZONECTL_CHECK_H_
