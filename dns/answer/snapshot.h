// File: dns/answer/snapshot.h
//
// Everything the query path reads, frozen: the zones (and, with the routing
// issue, routed record sets and the latency table). A reload builds a new
// Snapshot off the query threads and publishes it whole (dns/server
// SnapshotCell); in-flight queries finish on the old one.
//
// Thread safety: immutable once published; read concurrently by workers.
#ifndef STEERDNS_DNS_ANSWER_SNAPSHOT_H_
#define STEERDNS_DNS_ANSWER_SNAPSHOT_H_

#include <cstdint>

#include "zones/zone_set.h"

namespace dns {

struct Snapshot {
  zones::ZoneSet zones;
};

}  // namespace dns

#endif  // STEERDNS_DNS_ANSWER_SNAPSHOT_H_
