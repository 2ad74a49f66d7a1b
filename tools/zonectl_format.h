// File: tools/zonectl_format.h
//
// zonectl's human output: the API's JSON (docs/control-api.md) rendered as
// aligned tables and short summaries, RFC 3339 time stamps, and a small
// reader of the Prometheus text format for `zonectl stats`. Missing or
// unexpected fields print as "-" rather than failing: the JSON stays the
// contract (`--json`), this is for people.
//
// Example:
//   std::cout << zonectl::RenderZones(api_response.json);
//
// Thread safety: stateless.
#ifndef STEERDNS_TOOLS_ZONECTL_FORMAT_H_
#define STEERDNS_TOOLS_ZONECTL_FORMAT_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace zonectl {

using Json = nlohmann::json;
using SysTime = std::chrono::system_clock::time_point;

// Rows of cells, the first row the header, as columns padded to the widest
// cell (two spaces apart), one row a line.
std::string Table(const std::vector<std::vector<std::string>>& rows);

// A JSON scalar as text: strings as they are, null/missing as "-", booleans
// as yes/no, numbers as JSON writes them; arrays of scalars joined by ", ".
std::string Cell(const Json& value);
// Cell(object[key]), "-" when `object` is not an object or lacks `key`.
std::string Field(const Json& object, const char* key);

// "2026-11-28T01:02:03Z" (fractional seconds and "+00:00" accepted;
// any offset is applied) → time point. nullopt if it does not parse.
std::optional<SysTime> ParseRfc3339(std::string_view text);
// Time point → "2026-11-28T01:02:03Z" (whole seconds, truncated).
std::string FormatRfc3339(SysTime t);
// Seconds → "1d 2h 3m 4s" (leading zero units dropped).
std::string FormatDuration(long long seconds);

// What a zone follows, for people: "file example.com.zone", "data-dir",
// "data-dir (not example.com.zone)" (its --zone file is not followed),
// "memory".
std::string Follows(const Json& zone);
// GET /v1/zones → a table; GET /v1/zones/{origin} (or PUT's reply) → lines.
std::string RenderZones(const Json& zones);
std::string RenderZone(const Json& zone);
// GET /v1/regions → a table; one region object → one line.
std::string RenderRegions(const Json& regions);
// GET /v1/health-checks as a table: one row per check with its state, last
// result and reason, last probe latency, last change, counts and the record
// sets that use it.
std::string RenderHealthChecks(const Json& health);
std::string RenderRegion(const Json& region);
// GET /v1/transfers: per zone its role (primary: who may transfer, the
// journal, transfers out, NOTIFY targets; secondary: its primaries, last
// transfer, next refresh, expiry) and last error.
std::string RenderTransfers(const Json& transfers);
// GET /v1/explain → the decision as text with a candidate table.
std::string RenderExplain(const Json& explain);
// GET /v1/status, plus /metrics text (or why it is missing).
std::string RenderStatus(const Json& status, const std::string& metrics,
                         const std::string& metrics_error);
// Anything else (health checks): arrays of objects as tables, objects as
// "key: value" lines.
std::string RenderGeneric(const Json& value);

// One metric family's total from Prometheus text: the sum of every sample
// of that name (histogram buckets left out), in order of appearance.
struct MetricTotal {
  std::string name;
  std::string type;  // from "# TYPE", "" if none
  double sum = 0;
  int samples = 0;
};
std::vector<MetricTotal> SumMetrics(std::string_view text);

}  // namespace zonectl

#endif  // STEERDNS_TOOLS_ZONECTL_FORMAT_H_
