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

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "geo/latency_table.h"

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
  // For CheckTogether(), the region names the file uses: a latency table,
  // and the Region of each Route 53 record set (record sets, change
  // batches) with where it is ("file:line: record set [...]"), in file
  // order.
  std::shared_ptr<const geo::LatencyTable> latency_table;
  std::vector<std::pair<std::string, std::string>> region_refs;  // region, where
  // A regions file: its path.
  std::string regions_path;
};

// Validates one file. `origin`: --origin, or "" to find it in the file.
CheckResult CheckFile(const std::string& path, const std::string& origin);

// What the server checks across files: when the files checked together
// include health checks, every HealthCheckId of their record sets must be
// one of them; every region a latency table or a record set names must be
// in the regions file among the files, else in the server's default one
// (data/aws_regions.csv), with the server's words ("latency.csv:3: unknown
// region 'eu-wset-1' (did you mean 'eu-west-1'?)"; the first per file, as
// the server stops there). Returns the errors (none: consistent).
std::vector<std::string> CheckTogether(const std::vector<CheckResult>& results);

}  // namespace zonectl

#endif  // STEERDNS_TOOLS_ZONECTL_CHECK_H_
