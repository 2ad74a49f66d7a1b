// File: zones/route53_json.h
//
// Reads Route 53 record sets, as `aws route53 list-resource-record-sets`
// prints them ({"ResourceRecordSets":[...]}; other top-level keys such as
// IsTruncated or MaxItems are ignored), into a ZoneBuilder. nlohmann-json
// parses the JSON; each value is read as master-file RDATA
// (zones/rdata_text.h).
//
// One record set:
//   Name             trailing dot optional, any case, Route 53's "\ooo" octal
//                    escapes ("\052" is "*")
//   Type             A, AAAA, CNAME, MX, NS, PTR, SOA, SPF, SRV, TXT, CAA,
//                    NAPTR, DS, ... (any type a master file may hold)
//   TTL, ResourceRecords[].Value
//                    each value in presentation format, names absolute
//                    (trailing dot optional), octal escapes as in names
//   SetIdentifier, Region (latency), Weight (weighted), Failover (PRIMARY /
//   SECONDARY), MultiValueAnswer, HealthCheckId
//   AliasTarget      {HostedZoneId (ignored), DNSName, EvaluateTargetHealth}
// The routing policy follows from the fields: Region -> latency, Weight ->
// weighted, Failover -> failover, MultiValueAnswer: true -> multivalue, an
// AliasTarget without SetIdentifier -> a simple alias; those become
// ZoneBuilder::AddRouted() members (Build() checks the group rules). A plain
// record set is a static RRset (ZoneBuilder::AddRecordSet()); a
// HealthCheckId on it changes nothing (a lone record set is answered even
// when unhealthy, as Route 53 fails open) and is ignored.
// GeoLocation, GeoProximityLocation, CidrRoutingConfig and
// TrafficPolicyInstanceId are refused as not supported; any other unknown
// field is an error (a typo must not be ignored).
//
// Errors:
//   "file:LINE: <parser message>"                  JSON syntax
//   "file:LINE: record set [name='www.example.com.', type='A',
//    set-identifier='eu']: what is wrong"          anything about a record
// where LINE is the line of the record set's "{" ("file:" alone when the
// line is not known, e.g. for a record set that is not an object). Every
// bad record set of a file is reported, one line each with its first
// problem, up to base::ErrorList::kMax lines and then "... and N more
// errors"; a file with any bad record set adds nothing usable (the caller
// discards the builder).
#ifndef STEERDNS_ZONES_ROUTE53_JSON_H_
#define STEERDNS_ZONES_ROUTE53_JSON_H_

#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "zones/builder.h"
#include "zones/zone.h"

namespace zones {

// Reads the JSON file at `path` into `builder`. NotFound "path: cannot
// open: ..." if unreadable, InvalidArgument as above otherwise.
absl::Status ReadRoute53Json(const std::string& path, ZoneBuilder* builder);

// Same, from text in memory; `display_name` stands for the file in errors.
absl::Status ReadRoute53JsonText(std::string_view text,
                                 const std::string& display_name,
                                 ZoneBuilder* builder);

// --- The pieces, for other readers of Route 53 JSON (change batches) ---

// One ResourceRecordSet object, parsed and checked on its own (the rules
// between record sets are ZoneBuilder's).
struct Route53RecordSet {
  std::string owner;  // lower-cased wire name
  uint16_t type = 0;
  // False: a plain record set, a static RRset (ZoneBuilder::AddRecordSet).
  // True: a member of the routed group of `policy` (ZoneBuilder::
  // AddRouted): a routing policy, or a simple alias (kSimple).
  bool routed = false;
  RoutingPolicy policy = RoutingPolicy::kSimple;
  // The routing fields as read: set_identifier, region, weight, failover,
  // health_check_id (read but ignored on a plain record set),
  // alias_target (lower-cased wire name), evaluate_target_health. rrset
  // and source stay empty.
  RoutedMember member;
  uint32_t ttl = 0;  // 0 for an alias
  // The values as uncompressed wire RDATA, in the order written (names in
  // them in the case written, duplicates kept: the builder lower-cases and
  // drops them, see CanonicalizeRdata); empty for an alias.
  std::vector<std::string> rdatas;
};

// Parses JSON text into `doc`. InvalidArgument "display_name:LINE: <parser
// message>" on a syntax error.
absl::Status ParseJsonDocument(std::string_view text,
                               const std::string& display_name,
                               nlohmann::json* doc);

// Parses one ResourceRecordSet object. InvalidArgument "<label>: what is
// wrong", where <label> names the record set as far as it is known
// ("record set [name='www.example.com.', type='A', set-identifier='eu']"),
// else is `fallback_label` (e.g. "ResourceRecordSets[3]"); no location.
absl::Status ParseRoute53RecordSet(const nlohmann::json& rs,
                                   std::string_view fallback_label,
                                   Route53RecordSet* out);

// Hands a parsed record set to the builder: AddRecordSet for a plain one,
// AddRouted (with a copy of rs.member) for a routed one.
absl::Status AddRoute53RecordSet(const Route53RecordSet& rs,
                                 SourceLocation loc, ZoneBuilder* builder);

}  // namespace zones

#endif  // STEERDNS_ZONES_ROUTE53_JSON_H_
