#include "dns/server/xdp_frame.h"

#include <cstring>

namespace dns::server {
namespace {

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86DD;
constexpr uint8_t kProtoUdp = 17;
constexpr uint8_t kReplyTtl = 64;

inline uint16_t Get16(const uint8_t* p) noexcept {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}
inline void Put16(uint8_t* p, uint16_t v) noexcept {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
inline void Swap(uint8_t* a, uint8_t* b, size_t n) noexcept {
  uint8_t tmp[16];
  std::memcpy(tmp, a, n);
  std::memcpy(a, b, n);
  std::memcpy(b, tmp, n);
}

// Sum of the UDP pseudo-header (RFC 768 / RFC 8200 §8.1) for `udp_len`.
uint32_t PseudoHeaderSum(const uint8_t* frame, const ParsedFrame& p,
                         size_t udp_len) noexcept {
  const uint8_t* ip = frame + p.l3_offset;
  uint32_t sum = 0;
  if (p.is_v6) {
    sum = ChecksumAdd(ip + 8, 32, sum);  // source + destination
    sum += static_cast<uint32_t>(udp_len >> 16) + (udp_len & 0xFFFF);
  } else {
    sum = ChecksumAdd(ip + 12, 8, sum);  // source + destination
    sum += static_cast<uint32_t>(udp_len);
  }
  sum += kProtoUdp;
  return sum;
}

}  // namespace

uint32_t ChecksumAdd(const uint8_t* data, size_t len, uint32_t sum) noexcept {
  // 64-bit accumulator: no folding inside the loop for any frame size.
  uint64_t acc = sum;
  size_t i = 0;
  for (; i + 1 < len; i += 2) acc += Get16(data + i);
  if (i < len) acc += static_cast<uint64_t>(data[i]) << 8;
  // Fold into 16 bits: leaves room for the caller to add more.
  while (acc >> 16) acc = (acc & 0xFFFF) + (acc >> 16);
  return static_cast<uint32_t>(acc);
}

uint16_t ChecksumFinish(uint32_t sum) noexcept {
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xFFFF);
}

FrameVerdict ParseUdpFrame(const uint8_t* frame, size_t len, uint16_t port,
                           ParsedFrame* out) noexcept {
  if (len < kEthHeaderLen) return FrameVerdict::kNotOurs;
  const uint16_t ether_type = Get16(frame + 12);
  const uint8_t* ip = frame + kEthHeaderLen;
  const size_t l3_len = len - kEthHeaderLen;  // may include Ethernet padding
  size_t ip_payload_len = 0;                  // what the IP header says
  size_t l4 = 0;
  if (ether_type == kEtherTypeIpv4) {
    if (l3_len < kIpv4HeaderLen || (ip[0] >> 4) != 4) {
      return FrameVerdict::kMalformed;
    }
    const size_t ihl = static_cast<size_t>(ip[0] & 0x0F) * 4;
    if (ip[9] != kProtoUdp) return FrameVerdict::kNotOurs;
    if (ihl < kIpv4HeaderLen) return FrameVerdict::kMalformed;
    if (ihl != kIpv4HeaderLen) return FrameVerdict::kUnsupported;  // options
    const size_t total = Get16(ip + 2);
    if (total < kIpv4HeaderLen + kUdpHeaderLen || total > l3_len) {
      return FrameVerdict::kMalformed;
    }
    if ((Get16(ip + 6) & 0x3FFF) != 0) {  // MF set or a fragment offset
      return FrameVerdict::kUnsupported;
    }
    if (ChecksumFinish(ChecksumAdd(ip, kIpv4HeaderLen, 0)) != 0) {
      return FrameVerdict::kMalformed;
    }
    ip_payload_len = total - kIpv4HeaderLen;
    l4 = kEthHeaderLen + kIpv4HeaderLen;
    out->is_v6 = false;
    std::memset(out->source.bytes, 0, sizeof out->source.bytes);
    std::memcpy(out->source.bytes, ip + 12, 4);
  } else if (ether_type == kEtherTypeIpv6) {
    if (l3_len < kIpv6HeaderLen || (ip[0] >> 4) != 6) {
      return FrameVerdict::kMalformed;
    }
    if (ip[6] != kProtoUdp) {
      // Extension headers (hop-by-hop 0, routing 43, fragment 44, dest
      // options 60) could still lead to UDP; we do not walk them.
      const uint8_t nh = ip[6];
      return (nh == 0 || nh == 43 || nh == 44 || nh == 60)
                 ? FrameVerdict::kUnsupported
                 : FrameVerdict::kNotOurs;
    }
    ip_payload_len = Get16(ip + 4);
    if (ip_payload_len < kUdpHeaderLen ||
        ip_payload_len > l3_len - kIpv6HeaderLen) {
      return FrameVerdict::kMalformed;
    }
    l4 = kEthHeaderLen + kIpv6HeaderLen;
    out->is_v6 = true;
    std::memcpy(out->source.bytes, ip + 8, 16);
  } else {
    return FrameVerdict::kNotOurs;  // ARP, VLAN-tagged, anything else
  }
  const uint8_t* udp = frame + l4;
  if (Get16(udp + 2) != port) return FrameVerdict::kNotOurs;
  const size_t udp_len = Get16(udp + 4);
  if (udp_len < kUdpHeaderLen || udp_len > ip_payload_len) {
    return FrameVerdict::kMalformed;
  }
  out->source.is_v6 = out->is_v6;
  out->l3_offset = kEthHeaderLen;
  out->l4_offset = l4;
  out->payload_offset = l4 + kUdpHeaderLen;
  out->payload_len = udp_len - kUdpHeaderLen;
  return FrameVerdict::kOk;
}

size_t BuildReplyFrame(uint8_t* frame, const ParsedFrame& p,
                       size_t reply_len) noexcept {
  Swap(frame, frame + 6, 6);  // Ethernet destination <-> source
  uint8_t* ip = frame + p.l3_offset;
  uint8_t* udp = frame + p.l4_offset;
  const size_t udp_len = kUdpHeaderLen + reply_len;
  if (p.is_v6) {
    Swap(ip + 8, ip + 24, 16);
    Put16(ip + 4, static_cast<uint16_t>(udp_len));
    ip[7] = kReplyTtl;  // hop limit
  } else {
    Swap(ip + 12, ip + 16, 4);
    Put16(ip + 2, static_cast<uint16_t>(kIpv4HeaderLen + udp_len));
    Put16(ip + 6, 0x4000);  // DF, no fragment (as the socket path, RFC 9715 §3.1)
    ip[8] = kReplyTtl;
    Put16(ip + 10, 0);
    Put16(ip + 10, ChecksumFinish(ChecksumAdd(ip, kIpv4HeaderLen, 0)));
  }
  Swap(udp, udp + 2, 2);  // ports
  Put16(udp + 4, static_cast<uint16_t>(udp_len));
  Put16(udp + 6, 0);
  uint16_t sum =
      ChecksumFinish(ChecksumAdd(udp, udp_len, PseudoHeaderSum(frame, p, udp_len)));
  if (sum == 0) sum = 0xFFFF;  // 0 means "no checksum" (RFC 768)
  Put16(udp + 6, sum);
  return p.l4_offset + udp_len;
}

bool UdpChecksumValid(const uint8_t* frame, const ParsedFrame& p) noexcept {
  const uint8_t* udp = frame + p.l4_offset;
  const size_t udp_len = Get16(udp + 4);
  if (Get16(udp + 6) == 0) return !p.is_v6;  // IPv4 allows "none"
  return ChecksumFinish(ChecksumAdd(
             udp, udp_len, PseudoHeaderSum(frame, p, udp_len))) == 0;
}

}  // namespace dns::server
