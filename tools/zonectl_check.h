// File: tools/zonectl_check.h
//
// `zonectl check [--zone ORIGIN=PATH]... [FILE]...`: offline validation of
// every kind of input the server reads, with the server's own loaders and
// checks, so the errors are the ones the server would give ("file:line:
// what is wrong").
//
// Zones come two ways:
//   --zone ORIGIN=PATH   exactly as the server takes it (repeatable; the
//                        files of one origin make one zone, in order;
//                        *.json is Route 53 record sets, else a master file:
//                        zones::LoadZone, as the server loads it);
//   FILE                 a zone file among the positional files: a master
//                        file (its origin is `origin` when given, else its
//                        first $ORIGIN, else the owner of its SOA) or Route
//                        53 record sets with an SOA (a zone of their own,
//                        named by the SOA); Route 53 record sets without an
//                        SOA join the zone among the others whose origin is
//                        the deepest one holding all their names (with
//                        `origin`: the zone of that origin), else are an
//                        error (a zone needs its SOA, as the server says).
// The other positional files, by kind:
//   *.json  {"HealthChecks": ...} or {"HealthCheck": ...}  health checks
//           {"Changes": ...} or {"ChangeBatch": ...}        a change batch
//                                                           (shape and region
//                                                           names only: its
//                                                           records are
//                                                           checked against
//                                                           the zone by the
//                                                           server)
//   *.csv   header starting with "network"                  latency table
//           (with latitude: network locations, --default-latency)
//           header with a "region" column                   regions
//
// Then, as the server does at start-up once everything loaded, across the
// files: every region the zones, latency tables and change batches name is
// in the regions file among the files, else in the server's default
// (data/aws_regions.csv) (dns::CheckZoneRegions, the server's check);
// and the zones are built into a snapshot (dns::BuildSnapshot, the
// server's): alias targets must be in one of the zones checked, alias
// chains must not loop, and, when health checks are among the files,
// every HealthCheckId must be one of them. For a broken set the error is
// the one the server prints at start-up with the same files.
//
// Example:
//   zonectl::CheckOutput out = zonectl::Check(
//       {"latency.csv"}, {{"example.com.", "example.com.zone"},
//                         {"example.com.", "example.com.json"}}, "");
//   for (const std::string& e : out.errors) std::cerr << e << "\n";
//
// Thread safety: stateless.
#ifndef STEERDNS_TOOLS_ZONECTL_CHECK_H_
#define STEERDNS_TOOLS_ZONECTL_CHECK_H_

#include <string>
#include <vector>

namespace zonectl {

// One --zone ORIGIN=PATH.
struct ZoneArg {
  std::string origin;  // as given
  std::string path;
};

// Parses "ORIGIN=PATH" as the server's --zone does. Returns "" or what is
// wrong, in the server's words ("'x' is not ORIGIN=PATH", "'..' is not a
// domain name").
std::string ParseZoneArg(const std::string& text, ZoneArg* out);

// What `zonectl check` prints.
struct CheckOutput {
  // stdout: "FILE: ok: what it holds", one line per good file.
  std::vector<std::string> ok;
  // stderr: non-fatal findings, one line each.
  std::vector<std::string> warnings;
  // stderr: "file:line: message" (or "file: message" when no line
  // applies), one line each, in the order the server would meet them:
  // regions, zones, latency tables, health checks, other files, then the
  // first problem across them.
  std::vector<std::string> errors;
};

// Checks the positional `files` and the `zones` (--zone pairs) together.
// `origin`: --origin, for the positional zone files ("" to find it).
CheckOutput Check(const std::vector<std::string>& files, const std::vector<ZoneArg>& zones,
                  const std::string& origin);

}  // namespace zonectl

#endif  // STEERDNS_TOOLS_ZONECTL_CHECK_H_
