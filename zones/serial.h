// File: zones/serial.h
//
// The SOA serial a zone serves: RFC 1982 serial number arithmetic, the
// serial policies, the next serial for new content, and a compiled zone
// re-stamped with the serial chosen (its SOA RDATA and Zone::serial()).
//
//   content (file, upload, change batch) ──Build──► Zone (the data's serial)
//        │                                            │
//        └─ ContentDigest: same data? ─► NextSerial ──► WithSerial ─► served
//
// Policies (`serial-policy`, per zone):
//   increment   the served serial + 1 on every change (the default). A
//               serial the content sets itself wins when it is newer (an
//               edited file whose serial was raised, a change batch that
//               UPSERTs the SOA), as BIND and Knot do.
//   unixtime    the time of the change in seconds since 1970 (RFC 1982
//               newer than the served one, else served + 1).
//   dateserial  YYYYMMDDnn of the change's UTC date: YYYYMMDD00, or served
//               + 1 when that is not newer (a 100th change in a day runs
//               into the next day's numbers, as in BIND).
//   keep        exactly the serial the content carries, even when it does
//               not move (the operator manages serials).
// Except for `keep`, the result is always RFC 1982 newer than the served
// serial: a serial never goes backwards.
//
// Example:
//   uint32_t s = zones::NextSerial(zones::SerialPolicy::kIncrement,
//                                  served, zone->serial(), absl::Now());
//   zone = zones::WithSerial(std::move(zone), s);
//
// Thread safety: pure functions; WithSerial as described below.
#ifndef STEERDNS_ZONES_SERIAL_H_
#define STEERDNS_ZONES_SERIAL_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/time/time.h"
#include "zones/zone.h"

namespace zones {

// RFC 1982 §3.2 with SERIAL_BITS 32: true iff `a` is newer than `b` (a
// differs from b by less than 2^31 counting upwards from b, modulo 2^32).
// Neither is newer when they are equal or exactly 2^31 apart.
bool SerialNewer(uint32_t a, uint32_t b);

// RFC 1982 §3.1: s + n modulo 2^32, for 0 <= n <= 2^31 - 1.
uint32_t SerialAdd(uint32_t s, uint32_t n);

enum class SerialPolicy : uint8_t { kIncrement, kUnixTime, kDateSerial, kKeep };

// "increment", "unixtime", "dateserial", "keep".
const char* SerialPolicyName(SerialPolicy policy);
// The inverse of SerialPolicyName; nullopt for anything else.
std::optional<SerialPolicy> ParseSerialPolicy(std::string_view text);

// The serial to serve for new content whose own SOA serial is `data`,
// under `policy`, when `served` is served now (nullopt: never served, and
// nothing persisted) and the change happens at `now`. See the file
// comment.
uint32_t NextSerial(SerialPolicy policy, std::optional<uint32_t> served, uint32_t data,
                    absl::Time now);

// A 64-bit digest of everything the zone serves except its SOA serial:
// owners, RRsets (type, TTL, RDATA) and routed record sets. Equal digests
// mean the same data (up to the order of RRs added); stable across
// processes, so it can be persisted.
uint64_t ContentDigest(const Zone& zone);

// `zone` with its SOA serial (the apex SOA's RDATA and serial()) set to
// `serial`; nothing else changes. When `zone` is the only reference to
// its Zone (just built, not yet shared with another thread) it is changed
// in place; otherwise a copy is made. Returns `zone` itself when the serial
// is already `serial`.
std::shared_ptr<const Zone> WithSerial(std::shared_ptr<const Zone> zone, uint32_t serial);

}  // namespace zones

#endif  // STEERDNS_ZONES_SERIAL_H_
