// File: zones/route53_json.h
//
// Reads Route 53 record sets, as `aws route53 list-resource-record-sets`
// prints them ({"ResourceRecordSets":[...]}; other top-level keys such as
// IsTruncated or MaxItems are ignored), into a ZoneBuilder. nlohmann-json
// parses the JSON, ldns each value.
//
// One record set:
//   Name             trailing dot optional, any case, Route 53's "\ooo" octal
//                    escapes ("\052" is "*")
//   Type             A, AAAA, CNAME, MX, NS, PTR, SOA, SPF, SRV, TXT, CAA,
//                    NAPTR, DS, ... (any type ldns knows)
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
//    set_identifier='eu']: what is wrong"          anything about a record
// where LINE is the line of the record set's "{" ("file:" alone when the
// line is not known, e.g. for a record set that is not an object).
#ifndef STEERDNS_ZONES_ROUTE53_JSON_H_
#define STEERDNS_ZONES_ROUTE53_JSON_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "zones/builder.h"

namespace zones {

// Reads the JSON file at `path` into `builder`. NotFound "path: cannot
// open: ..." if unreadable, InvalidArgument as above otherwise.
absl::Status ReadRoute53Json(const std::string& path, ZoneBuilder* builder);

// Same, from text in memory; `display_name` stands for the file in errors.
absl::Status ReadRoute53JsonText(std::string_view text,
                                 const std::string& display_name,
                                 ZoneBuilder* builder);

}  // namespace zones

#endif  // STEERDNS_ZONES_ROUTE53_JSON_H_
