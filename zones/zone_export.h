// File: zones/zone_export.h
//
// A compiled Zone back to text, in the two forms steerdns reads:
//
//  - an RFC 1035 master file (ExportMasterFile): "$ORIGIN", "$TTL", the
//    apex SOA first, then every owner in canonical order (RFC 4034 §6.1),
//    owners relative to $ORIGIN ("@" for the apex), each RR on one line
//    with its TTL and class written out, names inside RDATA absolute.
//    RDATA is in the presentation form of its type's RFC, in the form NSD,
//    Knot and BIND read back to the same octets; a type without a
//    presentation all three know, or RDATA that does not read back to
//    itself, is written as RFC 3597 "TYPEnnn \# len hex". Routed record
//    sets (Route 53 routing policies and aliases) have no master-file form:
//    they are left out, and a comment line at the top says how many and
//    where to find them (the Route 53 form).
//
//  - Route 53 JSON (ExportRoute53Json): {"ResourceRecordSets":[...]} as
//    `aws route53 list-resource-record-sets` prints it (4-space indent,
//    fields in AWS's order: Name, Type, SetIdentifier, Weight / Region /
//    Failover / MultiValueAnswer, TTL, ResourceRecords, AliasTarget,
//    HealthCheckId), names in Route 53's form (lower case, trailing dot,
//    "\ooo" octal escapes for any octet but a-z 0-9 - _, so "*" is "\052"),
//    values in presentation form with octal escapes. Every static RRset is
//    one record set, every routed member one more. AliasTarget has no
//    HostedZoneId: the zone does not keep one (steerdns ignores it on
//    input; Route 53 itself requires it in a change batch).
//
// Both read back (zones::ReadMasterText / ReadRoute53JsonText) to a zone
// with the same RRsets and routed groups (tests/zones/zone_export_test.cc).
// Output is deterministic: the same zone gives the same text.
//
// Example:
//   std::string text = zones::ExportZone(zone, zones::ExportFormat::kMasterFile);
//
// Thread safety: reads the Zone only (immutable); any thread.
#ifndef STEERDNS_ZONES_ZONE_EXPORT_H_
#define STEERDNS_ZONES_ZONE_EXPORT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "zones/route53_json.h"
#include "zones/zone.h"

namespace zones {

// The two export forms.
enum class ExportFormat : uint8_t {
  kMasterFile,  // RFC 1035 presentation form ("zone")
  kRoute53Json, // {"ResourceRecordSets":[...]} ("route53")
};

// "zone" -> kMasterFile, "route53" -> kRoute53Json (the API's ?format=
// and zonectl's --format values); nullopt for anything else.
std::optional<ExportFormat> ParseExportFormat(std::string_view text);

// The zone in `format` (ExportMasterFile or ExportRoute53Json).
std::string ExportZone(const Zone& zone, ExportFormat format);

// The zone as an RFC 1035 master file (see the file comment).
std::string ExportMasterFile(const Zone& zone);

// The zone as Route 53 JSON (see the file comment), ending in a newline.
std::string ExportRoute53Json(const Zone& zone);

// The presentation form of one RR's RDATA of `type` (uncompressed wire
// form, as RRset::rdata gives it): the type's own syntax where NSD, Knot
// and BIND agree on it and it reads back to the same octets, else RFC
// 3597's "\# len hex". Names are absolute, escapes RFC 1035 "\DDD".
std::string RdataToText(uint16_t type, std::string_view rdata);

// The mnemonic an exported file writes for `type`: "A", "HTTPS", ... for
// the types RdataToText writes in their own syntax, "TYPEnnn" otherwise.
std::string ExportTypeName(uint16_t type);

// --- Zone content as Route 53 record sets (also used by change batches) ---

// A static RRset of `owner` as a plain record set (routed = false): type,
// TTL, values (the stored, canonical RDATA).
Route53RecordSet StaticRecordSetOf(std::string_view owner, const RRset& rrset);

// A routed member of `group` at `owner` as a routed record set: policy,
// routing fields (and source), TTL and values (none for an alias).
Route53RecordSet RoutedRecordSetOf(std::string_view owner,
                                   const RoutedGroup& group,
                                   const RoutedMember& member);

// Every record set of `node`: its static RRsets in type order, then its
// routed members group by group. ZoneBuilder takes them back through
// AddRoute53RecordSet.
std::vector<Route53RecordSet> RecordSetsOf(const Node& node);

}  // namespace zones

#endif  // STEERDNS_ZONES_ZONE_EXPORT_H_
