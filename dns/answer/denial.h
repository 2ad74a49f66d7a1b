// File: dns/answer/denial.h
//
// The NSEC3 hash of a query-time name (RFC 5155 §5): what answering a
// query in an NSEC3-signed zone needs to find the matching or covering
// NSEC3 of the closest encloser, the next closer name and the wildcard
// (RFC 5155 §7.2). SHA-1 through OpenSSL's fixed-size context on the
// stack: no allocation, no locks, callable from any thread.
//
// Example:
//   uint8_t hash[20];
//   dns::Nsec3Hash(name_wire, salt, iterations, hash);
//   const zones::Node* n = zone.FindNsec3(hash, &exact);
#ifndef STEERDNS_DNS_ANSWER_DENIAL_H_
#define STEERDNS_DNS_ANSWER_DENIAL_H_

#include <cstdint>
#include <string_view>

namespace dns {

// IH(salt, x, iterations) of RFC 5155 §5 with SHA-1 (hash algorithm 1):
// x = `name_wire`, a lower-cased uncompressed wire name. Writes 20 octets.
// noexcept, no allocation.
void Nsec3Hash(std::string_view name_wire, std::string_view salt, uint16_t iterations,
               uint8_t (&hash)[20]) noexcept;

}  // namespace dns

#endif  // STEERDNS_DNS_ANSWER_DENIAL_H_
