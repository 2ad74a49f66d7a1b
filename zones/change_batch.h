// File: zones/change_batch.h
//
// Route 53 change batches applied to a compiled zone: all or nothing, with
// Route 53's error texts.
//
// Input, as `aws route53 change-resource-record-sets --change-batch` and
// the control API take it:
//   {"Changes":[{"Action":"CREATE|DELETE|UPSERT",
//                "ResourceRecordSet":{...}}, ...],
//    "Comment":"..."}
// or the same wrapped as {"ChangeBatch":{...}} (a "HostedZoneId" beside
// "ChangeBatch" is ignored). Each ResourceRecordSet reads exactly as in
// zones/route53_json.h (ParseRoute53RecordSet).
//
// Semantics (Route 53's):
//  - a record set is identified by (name, type, SetIdentifier); names match
//    in any case, with or without the trailing dot;
//  - CREATE adds a record set that must not exist; DELETE removes one whose
//    TTL, values (in any order; names inside them in any case) and routing
//    fields (Region, Weight, Failover, MultiValueAnswer, HealthCheckId,
//    AliasTarget) are exactly the current ones; UPSERT creates or replaces;
//  - changes act in order on the evolving record sets (DELETE then CREATE
//    of one record set in one batch is fine; deleting it twice is not);
//  - after the last change the zone must keep its apex NS and one SOA.
//
// Errors are InvalidArgument, and nothing changes. Route 53's texts where
// Route 53 has the rule:
//   Tried to create resource record set [name='www.example.com.', type='A']
//     but it already exists
//   Tried to delete resource record set [name='www.example.com.', type='A',
//     set-identifier='eu'] but it was not found
//   Tried to delete resource record set [...] but the values provided do not
//     match the current values
//   RRSet with DNS name x.other.org. is not permitted in zone example.com.
//   RRSet of type CNAME with DNS name example.com. is not permitted at apex
//     in zone example.com.
//   RRSet of type CNAME with DNS name www.example.com. is not permitted as
//     it conflicts with other records with the same DNS name in zone
//     example.com.
//   RRSet of type A with DNS name www.example.com. is not permitted because
//     a conflicting RRSet of type CNAME with the same DNS name already
//     exists in zone example.com.
//   RRSet with DNS name www.example.com., type A cannot be created as other
//     RRSets exist with the same name and type.          (simple vs routed)
//   RRSet with DNS name www.example.com., type A, SetIdentifier w1 cannot be
//     created as a non-weighted set exists with the same name and type.
//     (likewise non-latency, non-failover; multivalue: "... cannot be
//     created because a non multivalue answer rrset exists with the same
//     name and type.")
//   RRSet with DNS name www.example.com., type A, SetIdentifier eu2, and
//     Region Name=eu-west-1 cannot be created because a latency RRSet with
//     the same name, type and region already exists.
//   A HostedZone must contain at least one NS record for the zone itself.
//   A HostedZone must contain exactly one SOA record.
// (The bracket says set-identifier='eu' where Route 53 says
// set-identifier='eu': the project's DescribeRecordSet spelling, as
// docs/control-api.md gives it. The non-latency and non-failover texts
// follow the shape of Route 53's non-weighted one.)
// Everything else names the change (1-based) and the builder's or the
// reader's message:
//   change 2 (CREATE): record set [name='w.example.com.', type='A',
//     set-identifier='b']: TTL 60 differs from the TTL 300 of
//     set-identifier='a' (weighted records of one name and type share a TTL)
//   change 3: Action 'MODIFY' is not CREATE, DELETE or UPSERT
// A rule broken by what the batch removed (a delegation's glue) is reported
// where the builder finds it, at a record the batch did not touch:
//   zone example.com.: delegation sub.example.com.: NS target ... has no
//     glue (A/AAAA) in the zone
// Problems with the document itself: "display_name:LINE: <JSON parser
// message>", "display_name: expected a JSON object with a \"Changes\"
// array ...", "display_name: Changes is empty ...".
//
// The result is a new Zone, rebuilt whole (ZoneBuilder::Build(), every
// rule checked again): linear in the zone's size, well under a second for
// 100k record sets. Its sources() are the old zone's plus display_name.
// Routed members a change wrote carry the source "display_name (change N)".
//
// Thread safety: reads `zone` only; may run on any thread while `zone`
// keeps serving.
#ifndef STEERDNS_ZONES_CHANGE_BATCH_H_
#define STEERDNS_ZONES_CHANGE_BATCH_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "zones/zone.h"

namespace zones {

// Applies the change batch `batch_json` to a copy of `zone`; returns the new
// zone, or InvalidArgument with the first problem (see above). The caller
// publishes the new zone; `zone` is never modified.
absl::StatusOr<std::shared_ptr<const Zone>> ApplyChangeBatch(
    const Zone& zone, std::string_view batch_json,
    const std::string& display_name);

}  // namespace zones

#endif  // STEERDNS_ZONES_CHANGE_BATCH_H_
