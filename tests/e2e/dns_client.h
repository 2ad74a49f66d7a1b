// File: tests/e2e/dns_client.h
//
// Independent DNS clients for the end-to-end tests. Nothing here uses
// steerdns code: queries are built and replies decoded with ldns over raw
// sockets written here (UDP datagrams; TCP with the 2-octet length prefix of
// RFC 1035 §4.2.2), or sent and parsed by c-ares. Our own parser never
// grades our own writer.
//
// Example:
//   e2e::Reply r;
//   ASSERT_TRUE(e2e::AskUdp(e2e::Endpoint::V4(port), "www.example.com.",
//                           LDNS_RR_TYPE_A, {}, &r));
//   EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR);
//   EXPECT_TRUE(e2e::SectionEquals(r.answer(),
//                                  {"www.example.com. 3600 IN A 192.0.2.10"}));
//
// Only loopback addresses are ever used. Every wait is bounded.
// Thread safety: none; one test thread.
#ifndef STEERDNS_TESTS_E2E_DNS_CLIENT_H_
#define STEERDNS_TESTS_E2E_DNS_CLIENT_H_

#include <ares.h>
// ldns/common.h defines bool/true/false as macros unless this was seen
// first; those macros break the C++ standard library.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/ecs_subnet.h"
#include "tests/ldns_oracle.h"

namespace e2e {

using Bytes = std::vector<uint8_t>;
using std::chrono::milliseconds;

// Default bound for one exchange.
inline constexpr milliseconds kExchangeTimeout{3000};

// 127.0.0.1:port or [::1]:port.
struct Endpoint {
  int family = AF_INET;
  uint16_t port = 0;
  static Endpoint V4(uint16_t port) { return {AF_INET, port}; }
  static Endpoint V6(uint16_t port) { return {AF_INET6, port}; }
  std::string ToString() const;
};

// Fills *out with `endpoint`'s loopback address and port; returns its
// length, for bind/connect.
socklen_t LoopbackAddress(const Endpoint& endpoint, sockaddr_storage* out);

// ---------------------------------------------------------------------------
// Raw transport.

// A connected UDP socket to `endpoint`.
class UdpSocket {
 public:
  explicit UdpSocket(const Endpoint& endpoint);
  ~UdpSocket();
  UdpSocket(const UdpSocket&) = delete;
  UdpSocket& operator=(const UdpSocket&) = delete;

  bool ok() const { return fd_ >= 0; }
  bool Send(const Bytes& datagram);
  // Next datagram within `timeout`, or nullopt.
  std::optional<Bytes> Receive(milliseconds timeout);
  // Next datagram whose ID is `id` (others are skipped), or nullopt.
  std::optional<Bytes> ReceiveId(uint16_t id, milliseconds timeout);
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// Sends `query` and waits for the reply with the same ID.
std::optional<Bytes> UdpExchange(const Endpoint& endpoint, const Bytes& query,
                                 milliseconds timeout = kExchangeTimeout);

// A TCP connection to `endpoint`.
class TcpConnection {
 public:
  TcpConnection() = default;
  ~TcpConnection();
  TcpConnection(const TcpConnection&) = delete;
  TcpConnection& operator=(const TcpConnection&) = delete;

  // Connects within `timeout`.
  bool Connect(const Endpoint& endpoint, milliseconds timeout = kExchangeTimeout);
  bool connected() const { return fd_ >= 0; }
  // Writes all of `bytes` as they are (no framing), within `timeout`.
  bool SendRaw(const Bytes& bytes, milliseconds timeout = kExchangeTimeout);
  // Writes the 2-octet length and `message`.
  bool SendFramed(const Bytes& message, milliseconds timeout = kExchangeTimeout);
  // Reads one length-prefixed message within `timeout`, or nullopt (EOF,
  // error or timeout).
  std::optional<Bytes> ReadFramed(milliseconds timeout = kExchangeTimeout);
  // True if the peer closed the connection (EOF or reset) within `timeout`
  // without sending anything else.
  bool WaitForClose(milliseconds timeout);
  void Close();
  int fd() const { return fd_; }

 private:
  bool ReadExactly(uint8_t* out, size_t n,
                   std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
};

// One query over a fresh TCP connection.
std::optional<Bytes> TcpExchange(const Endpoint& endpoint, const Bytes& query,
                                 milliseconds timeout = kExchangeTimeout);

// Length-prefixes `message`.
Bytes Frame(const Bytes& message);

// ---------------------------------------------------------------------------
// Queries, built with ldns.

struct QueryOptions {
  uint16_t id = 0;  // 0: a fresh ID from a counter
  bool edns = false;
  uint16_t udp_size = 1232;  // EDNS buffer size, when `edns`
  uint8_t edns_version = 0;
  bool do_bit = false;
  // Raw EDNS options (code, length, data ...) for the OPT RDATA, when `edns`.
  Bytes edns_options = {};
  ldns_pkt_opcode opcode = LDNS_PACKET_QUERY;
  bool rd = false;
  bool cd = false;  // checking disabled (RFC 4035 §3.2.2)
  bool ad = false;
  bool qr = false;
  ldns_rr_class qclass = LDNS_RR_CLASS_IN;
};

// Wire form of a query for `qname` (presentation form; its case is kept
// octet for octet) and `qtype`. The ID is in the first two octets.
Bytes MakeQuery(const std::string& qname, ldns_rr_type qtype,
                const QueryOptions& options = {});
// An EDNS Client Subnet option (RFC 7871 §6) for an IPv4 prefix: `address`
// holds the ceil(source/8) significant octets.
Bytes EcsOption(uint8_t source_prefix, const Bytes& address, uint8_t scope = 0,
                uint16_t family = 1);
// The options in the reply's OPT RDATA: (code, data) pairs, in order
// (tests/ldns_oracle.h).
using steer_test::EdnsOptions;

// Same, with `qtype` as a number (for types ldns does not name).
Bytes MakeQuery(const std::string& qname, uint16_t qtype,
                const QueryOptions& options);

uint16_t IdOf(const Bytes& message);
// A fresh query ID (a counter; never 0).
uint16_t NextId();

// ---------------------------------------------------------------------------
// Replies, decoded with ldns.

class Reply {
 public:
  Reply() = default;
  // Decodes `wire`; on failure returns nullopt and sets *error.
  static std::optional<Reply> Parse(const Bytes& wire, std::string* error);

  const Bytes& wire() const { return wire_; }
  ldns_pkt* pkt() const { return pkt_.get(); }

  uint16_t id() const { return ldns_pkt_id(pkt()); }
  bool qr() const { return ldns_pkt_qr(pkt()); }
  bool aa() const { return ldns_pkt_aa(pkt()); }
  bool tc() const { return ldns_pkt_tc(pkt()); }
  bool rd() const { return ldns_pkt_rd(pkt()); }
  bool ra() const { return ldns_pkt_ra(pkt()); }
  bool cd() const { return ldns_pkt_cd(pkt()); }
  bool ad() const { return ldns_pkt_ad(pkt()); }
  ldns_pkt_opcode opcode() const { return ldns_pkt_get_opcode(pkt()); }
  // The header's 4-bit RCODE.
  int header_rcode() const { return ldns_pkt_get_rcode(pkt()); }
  // RCODE including the OPT extended bits (RFC 6891 §6.1.3).
  int rcode() const;
  // The counts as they are in the header octets (ARCOUNT includes OPT).
  uint16_t qdcount() const { return Count(4); }
  uint16_t ancount() const { return Count(6); }
  uint16_t nscount() const { return Count(8); }
  uint16_t arcount() const { return Count(10); }
  // Whether the reply carries an OPT RR.
  bool has_opt() const { return ldns_pkt_edns(pkt()); }
  uint16_t edns_udp_size() const { return ldns_pkt_edns_udp_size(pkt()); }
  uint8_t edns_version() const { return ldns_pkt_edns_version(pkt()); }

  ldns_rr_list* question() const { return ldns_pkt_question(pkt()); }
  ldns_rr_list* answer() const { return ldns_pkt_answer(pkt()); }
  ldns_rr_list* authority() const { return ldns_pkt_authority(pkt()); }
  ldns_rr_list* additional() const { return ldns_pkt_additional(pkt()); }

  // dig-like text, for failure messages.
  std::string ToString() const;

 private:
  uint16_t Count(size_t offset) const {
    return wire_.size() >= offset + 2
               ? static_cast<uint16_t>(wire_[offset] << 8 | wire_[offset + 1])
               : 0;
  }
  struct PktFree {
    void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
  };
  Bytes wire_;
  std::shared_ptr<ldns_pkt> pkt_;
};

// ---------------------------------------------------------------------------
// EDNS Client Subnet (RFC 7871 §6).

// An ECS option's fields, and "198.51.100.0/24" or "2001:db8::/48" read as
// one (tests/ecs_subnet.h).
using steer_test::EcsSubnet;
using steer_test::ParseEcsPrefix;
// Query options with EDNS and an ECS option for `prefix` (as above).
QueryOptions WithEcs(const std::string& prefix);
// The reply's ECS option, if any (the last one); *count (if not null) gets
// how many ECS options the reply had.
std::optional<EcsSubnet> ReplyEcs(const Reply& reply, int* count = nullptr);

// ---------------------------------------------------------------------------

// Checks that `reply_wire` answers `query`: it decodes, QR=1, same ID and
// opcode, and (when `check_question`) the question section equals the
// query's octet for octet. Fills *out.
testing::AssertionResult CheckReply(const Bytes& query,
                                    const std::optional<Bytes>& reply_wire,
                                    Reply* out, bool check_question = true);

// Query over UDP / over a fresh TCP connection, then CheckReply.
testing::AssertionResult AskUdp(const Endpoint& endpoint,
                                const std::string& qname, ldns_rr_type qtype,
                                const QueryOptions& options, Reply* out);
testing::AssertionResult AskTcp(const Endpoint& endpoint,
                                const std::string& qname, ldns_rr_type qtype,
                                const QueryOptions& options, Reply* out);
testing::AssertionResult AskUdpRaw(const Endpoint& endpoint, const Bytes& query,
                                   Reply* out, bool check_question = true);
testing::AssertionResult AskTcpRaw(const Endpoint& endpoint, const Bytes& query,
                                   Reply* out, bool check_question = true);

// ---------------------------------------------------------------------------
// RR comparison. Expected RRs are written in presentation form with an
// explicit TTL ("www.example.com. 3600 IN A 192.0.2.10"). Two RRs are equal
// when their canonical wire forms (RFC 4034 §6.2: owner and RDATA names in
// lower case), TTL included, are the same octets.

// Canonical wire of `rr`, TTL included.
Bytes CanonicalWire(const ldns_rr* rr);
// Text of one RR ("owner ttl class type rdata", no newline).
std::string RRText(const ldns_rr* rr);
// Text of every RR in `list`, one a line.
std::string ListText(const ldns_rr_list* list);

// `list` holds exactly the RRs in `expected`, in any order (in the given
// order when `ordered`).
testing::AssertionResult SectionEquals(const ldns_rr_list* list,
                                       const std::vector<std::string>& expected,
                                       bool ordered = false);
// `list` holds (at least) every RR in `expected`.
testing::AssertionResult SectionContains(
    const ldns_rr_list* list, const std::vector<std::string>& expected);
// Number of RRs of `type` in `list`.
size_t CountType(const ldns_rr_list* list, ldns_rr_type type);

// ---------------------------------------------------------------------------
// c-ares.

struct AresResult {
  bool completed = false;  // the callback ran before the deadline
  int status = ARES_ETIMEOUT;
  int timeouts = 0;
  Bytes abuf;  // the reply, when c-ares delivered one
  std::string StatusText() const;
};

// The A or AAAA records of a c-ares reply, as ares_parse_a_reply or
// ares_parse_aaaa_reply reads them.
struct AresAddresses {
  int status = ARES_EBADRESP;          // the parser's result
  std::vector<std::string> addresses;  // as text, in order
  std::vector<int> ttls;               // their TTLs
  std::string name;                    // the hostent's h_name
  std::set<std::string> aliases;       // the hostent's h_aliases
};
// Parses `abuf` (a reply c-ares delivered) for the addresses of `family`
// (AF_INET: A, AF_INET6: AAAA); at most 64.
AresAddresses ParseAresAddresses(const Bytes& abuf, int family);

// One c-ares channel aimed at one loopback endpoint only.
class AresClient {
 public:
  // `flags`: ARES_FLAG_* (USEVC for TCP, IGNTC, EDNS, ...). NOCHECKRESP and
  // NOSEARCH are always added, so REFUSED and the like come back as replies.
  explicit AresClient(const Endpoint& endpoint, int flags = 0,
                      milliseconds per_try_timeout = milliseconds(1500),
                      int tries = 2);
  ~AresClient();
  AresClient(const AresClient&) = delete;
  AresClient& operator=(const AresClient&) = delete;

  // Empty if the channel is ready, else why not.
  const std::string& init_error() const { return init_error_; }

  // ares_query (class IN), bounded by `timeout` overall.
  AresResult Query(const std::string& name, int type,
                   milliseconds timeout = milliseconds(6000));
  // ares_send of a query we built ourselves.
  AresResult Send(const Bytes& query, milliseconds timeout = milliseconds(6000));

 private:
  AresResult Run(AresResult* result, milliseconds timeout);
  ares_channel channel_ = nullptr;
  std::string init_error_;
};

}  // namespace e2e

#endif  // STEERDNS_TESTS_E2E_DNS_CLIENT_H_
