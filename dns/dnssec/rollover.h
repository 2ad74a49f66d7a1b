// File: dns/dnssec/rollover.h
//
// A ZSK rollover with pre-publication (RFC 7583 §3.2.1) written as key
// timing, the way BIND's dnssec-settime schedules one: every step is a date
// in the key files, so a server that follows KeyStateAt (keys.h) carries
// the roll out by itself.
//
//   now                      new ZSK published (in the DNSKEY RRset, not signing)
//   now + Ipub               new ZSK active (signs); old ZSK retired (no longer signs)
//   ... + Iret               old ZSK removed from the DNSKEY RRset
//
// Ipub = DNSKEY TTL + publish safety: every resolver that cached the old
// DNSKEY RRset has fetched the one with the new key before a signature
// by it appears. Iret = max zone TTL + retire safety: every signature by
// the old key has expired from caches before its DNSKEY goes.
//
//   absl::StatusOr<ZskRollPlan> plan = PlanZskRollover(keys[zone], time(nullptr), {});
//   // plan->new_key: the new ZSK's timing; plan->retiring[i]: an old ZSK's.
//
// Thread safety: a pure function.
#ifndef STEERDNS_DNS_DNSSEC_ROLLOVER_H_
#define STEERDNS_DNS_DNSSEC_ROLLOVER_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "dns/dnssec/keys.h"

namespace dns::dnssec {

// The intervals of RFC 7583 §3.2.1, in seconds.
struct ZskRollDurations {
  int64_t dnskey_ttl = 3600;      // TTL of the DNSKEY RRset (TTLkey)
  int64_t publish_safety = 3600;  // propagation delay and margin (Dprp + safety)
  int64_t retire_safety = 3600;   // margin after the signatures' TTL
  int64_t max_zone_ttl = 86400;   // the largest TTL of a signed RRset (TTLsig)
};

// One old ZSK to retire: its index in the zone's keys, and its new timing.
struct RetiringKey {
  size_t index = 0;
  KeyTiming timing;
};

// The schedule of one ZSK rollover.
struct ZskRollPlan {
  uint8_t algorithm = 0;  // the new ZSK's
  KeyTiming new_key;      // created = publish = now, activate = now + Ipub
  std::vector<RetiringKey> retiring;  // each active ZSK: inactive, delete set
  int64_t publish = 0;    // the new ZSK joins the DNSKEY RRset
  int64_t activate = 0;   // it signs; the old ones stop
  int64_t remove = 0;     // the old ones leave the DNSKEY RRset
};

// The rollover of the active ZSKs of one zone's keys (one zone, roles
// assigned, as LoadKeyDirectory returns them) at `now`. `algorithm` 0
// keeps the current ZSK's. FailedPrecondition, saying what to do, when
//   - the zone has no ZSK (its keys are CSKs: rolling one changes the DS,
//     which this does not do);
//   - a roll is in progress: a ZSK is still to be published or activated,
//     retires in the future, or is retired and still to be removed (the
//     message names each key, its state and the dates);
//   - no ZSK is active at `now`;
//   - `algorithm` differs from the active ZSK's (an algorithm rollover,
//     RFC 6781 §4.1.4, is not a ZSK roll).
// InvalidArgument for a negative duration.
absl::StatusOr<ZskRollPlan> PlanZskRollover(const std::vector<KeyPair>& zone_keys, int64_t now,
                                            const ZskRollDurations& durations,
                                            uint8_t algorithm = 0);

// "2026-12-08T00:50:00Z": a key time as the roll's messages give it.
std::string KeyTimeText(int64_t unix_seconds);

}  // namespace dns::dnssec

#endif  // STEERDNS_DNS_DNSSEC_ROLLOVER_H_
