// Tests for dns/server/xdp_frame.h: parse an Ethernet + IPv4/UDP and an
// Ethernet + IPv6/UDP query frame built in memory, rewrite it into the
// reply frame, and check that addresses and ports are swapped, lengths
// follow the new payload and every checksum verifies. Needs no libxdp.
#include "dns/server/xdp_frame.h"

#include <arpa/inet.h>

#include <cstring>
#include <vector>

#include "gtest/gtest.h"

namespace dns::server {
namespace {

const uint8_t kClientMac[6] = {0x02, 0, 0, 0, 0, 0x01};
const uint8_t kServerMac[6] = {0x02, 0, 0, 0, 0, 0x02};
constexpr uint16_t kClientPort = 40000;
constexpr uint16_t kServerPort = 5300;

uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
void Put16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

// A query frame client -> server with `payload`; IPv4 header checksum set,
// UDP checksum left as a veth sender leaves it (here: 0x1234, not valid).
std::vector<uint8_t> Ipv4Frame(const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> f(14 + 20 + 8 + payload.size());
  std::memcpy(&f[0], kServerMac, 6);
  std::memcpy(&f[6], kClientMac, 6);
  Put16(&f[12], 0x0800);
  uint8_t* ip = &f[14];
  ip[0] = 0x45;
  Put16(ip + 2, static_cast<uint16_t>(20 + 8 + payload.size()));
  Put16(ip + 4, 0x1111);
  Put16(ip + 6, 0x4000);  // DF
  ip[8] = 61;
  ip[9] = 17;
  inet_pton(AF_INET, "198.18.0.1", ip + 12);  // client
  inet_pton(AF_INET, "198.18.0.2", ip + 16);  // server
  Put16(ip + 10, ChecksumFinish(ChecksumAdd(ip, 20, 0)));
  uint8_t* udp = &f[34];
  Put16(udp, kClientPort);
  Put16(udp + 2, kServerPort);
  Put16(udp + 4, static_cast<uint16_t>(8 + payload.size()));
  Put16(udp + 6, 0x1234);
  std::memcpy(udp + 8, payload.data(), payload.size());
  return f;
}

std::vector<uint8_t> Ipv6Frame(const std::vector<uint8_t>& payload) {
  std::vector<uint8_t> f(14 + 40 + 8 + payload.size());
  std::memcpy(&f[0], kServerMac, 6);
  std::memcpy(&f[6], kClientMac, 6);
  Put16(&f[12], 0x86DD);
  uint8_t* ip = &f[14];
  ip[0] = 0x60;
  ip[1] = 0x01;  // a flow label, kept in the reply
  Put16(ip + 4, static_cast<uint16_t>(8 + payload.size()));
  ip[6] = 17;
  ip[7] = 33;
  inet_pton(AF_INET6, "fd00:5300::1", ip + 8);
  inet_pton(AF_INET6, "fd00:5300::2", ip + 24);
  uint8_t* udp = &f[54];
  Put16(udp, kClientPort);
  Put16(udp + 2, kServerPort);
  Put16(udp + 4, static_cast<uint16_t>(8 + payload.size()));
  std::memcpy(udp + 8, payload.data(), payload.size());
  return f;
}

std::vector<uint8_t> Query() {
  // A 29-octet query: odd length exercises the checksum's last octet.
  std::vector<uint8_t> q = {0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                            3,    'w',  'w',  'w',  4, 't', 'e', 's', 't', 0,
                            0,    1,    0,    1,    0, 0, 0};
  return q;
}

TEST(XdpFrameTest, Ipv4QueryParsesAndReplyIsSwappedWithValidChecksums) {
  std::vector<uint8_t> f = Ipv4Frame(Query());
  f.resize(f.size() + 600);  // room for the reply (a UMEM frame has it)
  ParsedFrame p;
  ASSERT_EQ(ParseUdpFrame(f.data(), 14 + 20 + 8 + Query().size(), kServerPort, &p),
            FrameVerdict::kOk);
  EXPECT_FALSE(p.is_v6);
  EXPECT_EQ(p.l4_offset, 34u);
  EXPECT_EQ(p.payload_offset, 42u);
  EXPECT_EQ(p.payload_len, Query().size());
  EXPECT_FALSE(p.source.is_v6);
  const uint8_t client[4] = {198, 18, 0, 1};
  EXPECT_EQ(std::memcmp(p.source.bytes, client, 4), 0);

  // A 101-octet "reply" (longer than the query, odd length).
  const size_t reply_len = 101;
  for (size_t i = 0; i < reply_len; ++i) f[p.payload_offset + i] = static_cast<uint8_t>(i * 7);
  const size_t out_len = BuildReplyFrame(f.data(), p, reply_len);
  EXPECT_EQ(out_len, 14u + 20 + 8 + reply_len);

  EXPECT_EQ(std::memcmp(&f[0], kClientMac, 6), 0);  // to the client
  EXPECT_EQ(std::memcmp(&f[6], kServerMac, 6), 0);
  const uint8_t* ip = &f[14];
  uint8_t addr[4];
  inet_pton(AF_INET, "198.18.0.2", addr);
  EXPECT_EQ(std::memcmp(ip + 12, addr, 4), 0);  // from the server
  inet_pton(AF_INET, "198.18.0.1", addr);
  EXPECT_EQ(std::memcmp(ip + 16, addr, 4), 0);
  EXPECT_EQ(Get16(ip + 2), 20 + 8 + reply_len);
  EXPECT_EQ(ip[8], 64);
  EXPECT_EQ(ChecksumFinish(ChecksumAdd(ip, 20, 0)), 0) << "IPv4 header checksum";
  const uint8_t* udp = &f[34];
  EXPECT_EQ(Get16(udp), kServerPort);
  EXPECT_EQ(Get16(udp + 2), kClientPort);
  EXPECT_EQ(Get16(udp + 4), 8 + reply_len);
  EXPECT_NE(Get16(udp + 6), 0) << "IPv4 UDP checksum is computed, not omitted";

  // The reply parses as a datagram to the client's port, checksum valid.
  ParsedFrame r;
  ASSERT_EQ(ParseUdpFrame(f.data(), out_len, kClientPort, &r), FrameVerdict::kOk);
  EXPECT_EQ(r.payload_len, reply_len);
  EXPECT_TRUE(UdpChecksumValid(f.data(), r));
  f[r.payload_offset + 3] ^= 0x40;
  EXPECT_FALSE(UdpChecksumValid(f.data(), r));
}

TEST(XdpFrameTest, Ipv6QueryParsesAndReplyIsSwappedWithValidChecksums) {
  std::vector<uint8_t> f = Ipv6Frame(Query());
  const size_t in_len = f.size();
  f.resize(f.size() + 600);
  ParsedFrame p;
  ASSERT_EQ(ParseUdpFrame(f.data(), in_len, kServerPort, &p), FrameVerdict::kOk);
  EXPECT_TRUE(p.is_v6);
  EXPECT_TRUE(p.source.is_v6);
  EXPECT_EQ(p.payload_offset, 62u);
  uint8_t client[16], server[16];
  inet_pton(AF_INET6, "fd00:5300::1", client);
  inet_pton(AF_INET6, "fd00:5300::2", server);
  EXPECT_EQ(std::memcmp(p.source.bytes, client, 16), 0);

  const size_t reply_len = 480;
  for (size_t i = 0; i < reply_len; ++i) f[p.payload_offset + i] = static_cast<uint8_t>(0xFF - i);
  const size_t out_len = BuildReplyFrame(f.data(), p, reply_len);
  EXPECT_EQ(out_len, 14u + 40 + 8 + reply_len);
  EXPECT_EQ(std::memcmp(&f[0], kClientMac, 6), 0);
  EXPECT_EQ(std::memcmp(&f[6], kServerMac, 6), 0);
  const uint8_t* ip = &f[14];
  EXPECT_EQ(std::memcmp(ip + 8, server, 16), 0);
  EXPECT_EQ(std::memcmp(ip + 24, client, 16), 0);
  EXPECT_EQ(Get16(ip + 4), 8 + reply_len);
  EXPECT_EQ(ip[1], 0x01) << "flow label kept";
  EXPECT_EQ(ip[7], 64);
  const uint8_t* udp = &f[54];
  EXPECT_EQ(Get16(udp), kServerPort);
  EXPECT_EQ(Get16(udp + 2), kClientPort);
  ParsedFrame r;
  ASSERT_EQ(ParseUdpFrame(f.data(), out_len, kClientPort, &r), FrameVerdict::kOk);
  EXPECT_TRUE(UdpChecksumValid(f.data(), r));
  EXPECT_NE(Get16(udp + 6), 0);
}

TEST(XdpFrameTest, ChecksumMatchesAKnownIpv4Header) {
  // RFC 1071 style example: the classic header from Wikipedia's IPv4 page.
  const uint8_t h[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                         0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(ChecksumFinish(ChecksumAdd(h, 20, 0)), 0xb861);
}

TEST(XdpFrameTest, EthernetPaddingIsIgnored) {
  std::vector<uint8_t> f = Ipv4Frame({1, 2, 3});
  f.resize(60, 0xEE);  // padded to the Ethernet minimum
  ParsedFrame p;
  ASSERT_EQ(ParseUdpFrame(f.data(), f.size(), kServerPort, &p), FrameVerdict::kOk);
  EXPECT_EQ(p.payload_len, 3u);
}

TEST(XdpFrameTest, OtherTrafficIsNotOurs) {
  ParsedFrame p;
  std::vector<uint8_t> f = Ipv4Frame(Query());
  EXPECT_EQ(ParseUdpFrame(f.data(), f.size(), 53, &p), FrameVerdict::kNotOurs)
      << "other port";
  std::vector<uint8_t> arp = f;
  Put16(&arp[12], 0x0806);
  EXPECT_EQ(ParseUdpFrame(arp.data(), arp.size(), kServerPort, &p),
            FrameVerdict::kNotOurs);
  std::vector<uint8_t> vlan = f;
  Put16(&vlan[12], 0x8100);
  EXPECT_EQ(ParseUdpFrame(vlan.data(), vlan.size(), kServerPort, &p),
            FrameVerdict::kNotOurs);
  std::vector<uint8_t> tcp = f;
  tcp[14 + 9] = 6;
  EXPECT_EQ(ParseUdpFrame(tcp.data(), tcp.size(), kServerPort, &p),
            FrameVerdict::kNotOurs);
  EXPECT_EQ(ParseUdpFrame(f.data(), 10, kServerPort, &p), FrameVerdict::kNotOurs);
}

TEST(XdpFrameTest, BrokenOrUnsupportedFramesAreRefused) {
  ParsedFrame p;
  const std::vector<uint8_t> good = Ipv4Frame(Query());

  std::vector<uint8_t> bad_sum = good;
  bad_sum[14 + 10] ^= 1;
  EXPECT_EQ(ParseUdpFrame(bad_sum.data(), bad_sum.size(), kServerPort, &p),
            FrameVerdict::kMalformed);

  // Truncated: the IP total length says more than the frame holds.
  EXPECT_EQ(ParseUdpFrame(good.data(), good.size() - 1, kServerPort, &p),
            FrameVerdict::kMalformed);

  // UDP length larger than the IP payload.
  std::vector<uint8_t> udp_long = good;
  Put16(&udp_long[34 + 4], static_cast<uint16_t>(Get16(&udp_long[34 + 4]) + 1));
  EXPECT_EQ(ParseUdpFrame(udp_long.data(), udp_long.size(), kServerPort, &p),
            FrameVerdict::kMalformed);

  // A fragment (MF set), with a correct header checksum.
  std::vector<uint8_t> frag = good;
  Put16(&frag[14 + 6], 0x2000);
  Put16(&frag[14 + 10], 0);
  Put16(&frag[14 + 10], ChecksumFinish(ChecksumAdd(&frag[14], 20, 0)));
  EXPECT_EQ(ParseUdpFrame(frag.data(), frag.size(), kServerPort, &p),
            FrameVerdict::kUnsupported);

  // IPv4 options (IHL 6).
  std::vector<uint8_t> opts = good;
  opts[14] = 0x46;
  EXPECT_EQ(ParseUdpFrame(opts.data(), opts.size(), kServerPort, &p),
            FrameVerdict::kUnsupported);

  // IPv6 with a hop-by-hop extension header.
  std::vector<uint8_t> v6 = Ipv6Frame(Query());
  v6[14 + 6] = 0;
  EXPECT_EQ(ParseUdpFrame(v6.data(), v6.size(), kServerPort, &p),
            FrameVerdict::kUnsupported);
  v6[14 + 6] = 58;  // ICMPv6 (neighbour discovery)
  EXPECT_EQ(ParseUdpFrame(v6.data(), v6.size(), kServerPort, &p),
            FrameVerdict::kNotOurs);
}

}  // namespace
}  // namespace dns::server
