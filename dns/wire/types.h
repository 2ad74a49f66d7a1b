// File: dns/wire/types.h
//
// DNS protocol constants: RR types, classes, opcodes, rcodes and header bits
// (RFC 1035 §3.2 and §4.1.1, RFC 6891 for OPT and BADVERS).
#ifndef STEERDNS_DNS_WIRE_TYPES_H_
#define STEERDNS_DNS_WIRE_TYPES_H_

#include <cstddef>
#include <cstdint>

namespace dns {

// RR TYPE values used by the server. Any other 16-bit value is a valid type
// too (RFC 3597): the zone stores it as opaque RDATA.
namespace rrtype {
inline constexpr uint16_t kA = 1;
inline constexpr uint16_t kNS = 2;
inline constexpr uint16_t kCNAME = 5;
inline constexpr uint16_t kSOA = 6;
inline constexpr uint16_t kPTR = 12;
inline constexpr uint16_t kHINFO = 13;
inline constexpr uint16_t kMX = 15;
inline constexpr uint16_t kTXT = 16;
inline constexpr uint16_t kAAAA = 28;
inline constexpr uint16_t kSRV = 33;
inline constexpr uint16_t kDNAME = 39;
inline constexpr uint16_t kOPT = 41;
inline constexpr uint16_t kDS = 43;
inline constexpr uint16_t kRRSIG = 46;
inline constexpr uint16_t kNSEC = 47;
inline constexpr uint16_t kDNSKEY = 48;
inline constexpr uint16_t kNSEC3 = 50;
inline constexpr uint16_t kNSEC3PARAM = 51;
inline constexpr uint16_t kTSIG = 250;  // RFC 8945
inline constexpr uint16_t kIXFR = 251;
inline constexpr uint16_t kAXFR = 252;
inline constexpr uint16_t kMAILB = 253;
inline constexpr uint16_t kMAILA = 254;
inline constexpr uint16_t kANY = 255;
}  // namespace rrtype

namespace rrclass {
inline constexpr uint16_t kIN = 1;
inline constexpr uint16_t kCH = 3;
inline constexpr uint16_t kANY = 255;
}  // namespace rrclass

namespace opcode {
inline constexpr uint8_t kQuery = 0;
inline constexpr uint8_t kNotify = 4;  // RFC 1996
}  // namespace opcode

// Response codes. Values above 15 (BADVERS) need the OPT RR's extended
// RCODE field (RFC 6891 §6.1.3).
enum class Rcode : uint16_t {
  kNoError = 0,
  kFormErr = 1,
  kServFail = 2,
  kNxDomain = 3,
  kNotImp = 4,
  kRefused = 5,
  kYxDomain = 6,  // a DNAME substitution would exceed 255 octets (RFC 6672 §2.2)
  kNotAuth = 9,   // TSIG failures (RFC 8945 §5.2), NOTIFY for a zone not served
  kBadVers = 16,
};

// Header flag bits in the 16-bit flags word (RFC 1035 §4.1.1, RFC 4035).
namespace flag {
inline constexpr uint16_t kQR = 0x8000;
inline constexpr uint16_t kAA = 0x0400;
inline constexpr uint16_t kTC = 0x0200;
inline constexpr uint16_t kRD = 0x0100;
inline constexpr uint16_t kRA = 0x0080;
inline constexpr uint16_t kAD = 0x0020;
inline constexpr uint16_t kCD = 0x0010;
inline constexpr uint16_t kOpcodeMask = 0x7800;
inline constexpr int kOpcodeShift = 11;
inline constexpr uint16_t kRcodeMask = 0x000f;
}  // namespace flag

inline constexpr size_t kHeaderSize = 12;
// Classic UDP limit without EDNS (RFC 1035 §2.3.4).
inline constexpr size_t kClassicUdpSize = 512;
// Default cap on UDP replies: the DNS Flag Day 2020 value, below the IPv6
// minimum MTU once headers are counted, so replies are never fragmented.
inline constexpr size_t kDefaultMaxUdpSize = 1232;
// Largest DNS message (TCP framing is 16 bits).
inline constexpr size_t kMaxMessageSize = 65535;

// Returns the mnemonic of a type ("A", "AAAA", "TYPE65280") into a static
// or caller buffer; for logs, tests and tools, never on the query path.
const char* RRTypeName(uint16_t type, char (&buf)[16]);

}  // namespace dns

#endif  // STEERDNS_DNS_WIRE_TYPES_H_
