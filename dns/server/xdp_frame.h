// File: dns/server/xdp_frame.h
//
// The packet code of the AF_XDP path, kept apart from libxdp so that it is
// tested everywhere: parse an Ethernet frame carrying IPv4/UDP or IPv6/UDP
// to our port, and turn that same frame, in place, into the reply frame
// once the DNS reply has been written where the query payload was.
//
//   frame:  | Ethernet 14 | IPv4 20 (no options) or IPv6 40 | UDP 8 | DNS |
//
//   ParsedFrame p;
//   if (ParseUdpFrame(frame, len, port, &p) != FrameVerdict::kOk) drop;
//   ... write the DNS reply (n octets) at frame + p.payload_offset ...
//   size_t reply_len = BuildReplyFrame(frame, p, n);  // headers fixed up
//
// What is dropped (not ours, or not worth handling on the fast path): VLAN
// tags, anything but IPv4/IPv6, IPv4 options, IPv4 fragments, IPv6
// extension headers (UDP must be the first next header), non-UDP, other
// destination ports, and lengths that disagree with the frame. The UDP
// checksum of a query is not verified: on veth and with checksum offload
// the sender leaves only the pseudo-header sum in it, and the kernel's own
// UDP path does not verify such packets either. The IPv4 header checksum is
// verified. Replies carry a full UDP checksum (mandatory for IPv6, computed
// for IPv4 too) and a fresh IPv4 header checksum.
//
// Thread safety: pure functions, no state. No allocation.
#ifndef STEERDNS_DNS_SERVER_XDP_FRAME_H_
#define STEERDNS_DNS_SERVER_XDP_FRAME_H_

#include <cstddef>
#include <cstdint>

#include "dns/answer/answer.h"

namespace dns::server {

inline constexpr size_t kEthHeaderLen = 14;
inline constexpr size_t kIpv4HeaderLen = 20;
inline constexpr size_t kIpv6HeaderLen = 40;
inline constexpr size_t kUdpHeaderLen = 8;
// Headers in front of the DNS payload of the largest (IPv6) frame.
inline constexpr size_t kMaxFrameOverhead =
    kEthHeaderLen + kIpv6HeaderLen + kUdpHeaderLen;

enum class FrameVerdict : uint8_t {
  kOk,          // IPv4/IPv6 UDP to our port: answer it
  kNotOurs,     // not IP, not UDP, or another port: not for the DNS server
  kMalformed,   // ours in principle, but truncated or inconsistent lengths
  kUnsupported, // IPv4 options/fragments, IPv6 extension headers
};

// Where things are in a frame that ParseUdpFrame accepted.
struct ParsedFrame {
  bool is_v6 = false;
  size_t l3_offset = kEthHeaderLen;  // IP header
  size_t l4_offset = 0;              // UDP header
  size_t payload_offset = 0;         // DNS message
  size_t payload_len = 0;            // DNS message length (from UDP length)
  ClientAddress source;              // the query's source address
};

// Parses `frame` (`len` octets, starting with the Ethernet header) and
// accepts it only if it is a UDP datagram to destination port `port` (host
// byte order). Fills `out` on kOk. Never reads outside [frame, frame+len).
FrameVerdict ParseUdpFrame(const uint8_t* frame, size_t len, uint16_t port,
                           ParsedFrame* out) noexcept;

// Turns the query frame `frame`, parsed as `p`, into the reply frame in
// place: swaps Ethernet addresses, IP addresses and UDP ports, sets the IP
// and UDP lengths for a DNS reply of `reply_len` octets already written at
// frame + p.payload_offset, resets TTL/hop limit to 64, recomputes the IPv4
// header checksum and the UDP checksum. Returns the reply frame's length.
size_t BuildReplyFrame(uint8_t* frame, const ParsedFrame& p,
                       size_t reply_len) noexcept;

// The Internet checksum (RFC 1071) of `len` octets, folded, not inverted,
// added to `sum` (for chaining), folded to 16 bits; exposed for tests.
uint32_t ChecksumAdd(const uint8_t* data, size_t len, uint32_t sum) noexcept;
// Folds a running sum into 16 bits and inverts it (the value to store).
uint16_t ChecksumFinish(uint32_t sum) noexcept;

// True if the UDP checksum of the (IPv4 or IPv6) UDP datagram in `frame`,
// parsed as `p`, verifies. For tests and debugging; not on the fast path.
bool UdpChecksumValid(const uint8_t* frame, const ParsedFrame& p) noexcept;

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_XDP_FRAME_H_
