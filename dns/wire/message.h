// File: dns/wire/message.h
//
// Parsing a DNS query and writing the OPT pseudo-RR of its reply:
// header, question, EDNS0 (RFC 6891) and the EDNS Client Subnet option
// (RFC 7871). Allocation-free and noexcept: this is the query path.
//
// Example:
//   dns::Query q;
//   switch (dns::ParseQuery(packet, len, &q)) {
//     case dns::ParseStatus::kOk: ...answer...
//     case dns::ParseStatus::kDrop: return 0;      // never reply
//     case dns::ParseStatus::kFormErr: ...FORMERR, echo what was parsed...
//     ...
//   }
#ifndef STEERDNS_DNS_WIRE_MESSAGE_H_
#define STEERDNS_DNS_WIRE_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "dns/wire/writer.h"

namespace dns {

// EDNS option codes.
namespace ednsopt {
inline constexpr uint16_t kClientSubnet = 8;  // RFC 7871
inline constexpr uint16_t kCookie = 10;       // RFC 7873
}  // namespace ednsopt

// The EDNS Client Subnet option (RFC 7871 §6), validated.
struct ClientSubnet {
  uint16_t family = 0;        // 1 = IPv4, 2 = IPv6
  uint8_t source_prefix = 0;  // SOURCE PREFIX-LENGTH
  uint8_t scope_prefix = 0;   // SCOPE PREFIX-LENGTH (0 in queries)
  uint8_t address[16] = {};   // network byte order, zero past the prefix
};

// What the query's OPT record said (RFC 6891 §6.1.3).
struct Edns {
  bool present = false;
  uint8_t version = 0;
  bool dnssec_ok = false;
  // The CO flag (RFC 9824 §4, "Compact Answers OK", bit 1 of the EDNS
  // flags): the client takes NXDOMAIN for a compact-denial answer.
  bool compact_ok = false;
  uint16_t udp_size = 0;  // requestor's payload size, raised to >= 512
  bool has_ecs = false;
  ClientSubnet ecs;
};

// A parsed query. Views point into the packet buffer, which must outlive
// the Query.
struct Query {
  uint16_t id = 0;
  uint16_t flags = 0;  // the header flags word as received
  uint8_t opcode = 0;
  bool has_question = false;       // question parsed (echo it in errors)
  Name qname;                      // lower-cased
  std::string_view qname_as_sent;  // uncompressed, the client's case
  uint16_t qtype = 0;
  uint16_t qclass = 0;
  Edns edns;
  // Offset of the TSIG RR (RFC 8945), the last RR of the additional
  // section; 0: none. Not checked here beyond its place: dns/tsig
  // verifies it.
  uint16_t tsig_offset = 0;
};

// The verdict of ParseQuery, in the order it is decided.
enum class ParseStatus : uint8_t {
  kOk,       // a well-formed standard query, or NOTIFY (RFC 1996; see
             // Query::opcode)
  kDrop,     // never answer: shorter than a header, or QR=1 (a response)
  kNotImp,   // header fine, opcode is neither QUERY nor NOTIFY: reply NOTIMP
  kFormErr,  // header fine, rest malformed: reply FORMERR (RFC 7871 ECS
             // errors included)
  kBadVers,  // well-formed, but EDNS version > 0: reply BADVERS
};

// Parses header, question (QDCOUNT must be 1, name uncompressed or with
// backward pointers), skips answer/authority RRs, and reads the additional
// section: at most one OPT, owned by the root; at most one ECS option; a
// TSIG RR (type 250) only as the last RR of the additional section, once
// (else FORMERR), its offset in Query::tsig_offset.
// Trailing octets after the last RR are FORMERR. Fills as much of *q as
// could be read before an error, so error replies can echo id, question
// and EDNS.
ParseStatus ParseQuery(const uint8_t* packet, size_t len, Query* q) noexcept;

// Wire size of the OPT RR that AppendOpt writes for `ecs` (nullptr: none).
size_t OptSize(const ClientSubnet* ecs) noexcept;

// Appends an OPT RR (owner root) with our payload size, the upper 8 bits of
// `rcode` as extended RCODE, version 0, the DO bit when `dnssec_ok` (the
// query's DO is copied, RFC 3225 §3), the CO bit when `compact_ok` (RFC
// 9824 §4), and, when `ecs` is given, a Client Subnet option echoing
// family/source/address with ecs->scope_prefix. Increments the additional
// count. Returns false if it does not fit.
bool AppendOpt(Writer& w, uint16_t our_udp_size, Rcode rcode,
               const ClientSubnet* ecs, bool dnssec_ok = false,
               bool compact_ok = false) noexcept;

}  // namespace dns

#endif  // STEERDNS_DNS_WIRE_MESSAGE_H_
