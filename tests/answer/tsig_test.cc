// File: tests/answer/tsig_test.cc
//
// TSIG (RFC 8945), NOTIFY (RFC 1996) and expired secondary zones on the
// query path: HandleQuery over a snapshot with a KeyRing and transfer
// hooks. Queries are signed by ldns; replies are decoded, and their TSIG
// verified, by ldns — never by our own parser. The `malformed` TSIG cases:
// unknown key, TSIG not the last RR, truncated MAC, bad time, garbage
// TSIG RDATA.
#include "dns/answer/answer.h"

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>

#include <cstring>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "dns/answer/transfer_hooks.h"
#include "dns/tsig/key.h"
#include "gtest/gtest.h"
#include "tests/ldns_oracle.h"
#include "zones/builder.h"
#include "zones/master_file.h"

namespace dns {
namespace {

constexpr char kSecret[] = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=";
constexpr char kOtherSecret[] = "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0";

constexpr char kZone[] = R"($ORIGIN example.com.
$TTL 3600
@        IN SOA ns1 hostmaster 2026112701 7200 3600 1209600 300
@        IN NS  ns1
ns1      IN A   192.0.2.53
www      IN A   192.0.2.1
)";

std::string BigTxt() {
  std::string s;
  for (int i = 0; i < 20; ++i) s += "big IN TXT \"" + std::string(60, 'a' + i) + "\"\n";
  return s;
}

// Records NOTIFYs; accepts them when `accept`.
class FakeHooks : public TransferHooks {
 public:
  bool OnNotify(const zones::Zone& zone, const ClientAddress& source,
                const tsig::Key* key) const noexcept override {
    ++calls;
    last_zone = &zone;
    last_key = key;
    last_source_v4 = source.bytes[0];
    return accept;
  }
  bool accept = true;
  mutable int calls = 0;
  mutable const zones::Zone* last_zone = nullptr;
  mutable const tsig::Key* last_key = nullptr;
  mutable uint8_t last_source_v4 = 0;
};

// A query built and (optionally) TSIG-signed by ldns.
struct LdnsQuery {
  ldns_pkt* pkt = nullptr;
  std::vector<uint8_t> wire;
  ~LdnsQuery() {
    if (pkt != nullptr) ldns_pkt_free(pkt);
  }
  // The request MAC, for verifying the reply.
  const ldns_rdf* mac() const { return ldns_rr_rdf(ldns_pkt_tsig(pkt), 3); }
};

std::unique_ptr<LdnsQuery> MakeQuery(const char* name, ldns_rr_type type, const char* key_name,
                                     const char* secret, int edns_udp = 0,
                                     ldns_pkt_opcode opcode = LDNS_PACKET_QUERY) {
  auto q = std::make_unique<LdnsQuery>();
  q->pkt = ldns_pkt_query_new(ldns_dname_new_frm_str(name), type, LDNS_RR_CLASS_IN,
                              opcode == LDNS_PACKET_QUERY ? LDNS_RD : LDNS_AA);
  ldns_pkt_set_id(q->pkt, 0x4242);
  ldns_pkt_set_opcode(q->pkt, opcode);
  if (edns_udp > 0) ldns_pkt_set_edns_udp_size(q->pkt, static_cast<uint16_t>(edns_udp));
  if (key_name != nullptr) {
    EXPECT_EQ(ldns_pkt_tsig_sign(q->pkt, key_name, secret, 300, "hmac-sha256.", nullptr),
              LDNS_STATUS_OK);
  }
  uint8_t* bytes = nullptr;
  size_t len = 0;
  EXPECT_EQ(ldns_pkt2wire(&bytes, q->pkt, &len), LDNS_STATUS_OK);
  q->wire.assign(bytes, bytes + len);
  free(bytes);
  return q;
}

// Offset of the TSIG RR in an ldns-built query: the TSIG is the last RR,
// and ldns writes the key name uncompressed, so it starts where the
// unsigned message ends.
size_t UnsignedSize(const LdnsQuery& q) {
  ldns_pkt* copy = ldns_pkt_clone(q.pkt);
  ldns_pkt_set_tsig(copy, nullptr);
  uint8_t* bytes = nullptr;
  size_t len = 0;
  EXPECT_EQ(ldns_pkt2wire(&bytes, copy, &len), LDNS_STATUS_OK);
  free(bytes);
  ldns_pkt_free(copy);
  return len;
}

class Reply {
 public:
  Reply(const uint8_t* wire, size_t len) : raw_(wire, wire + len) {
    if (len > 0) EXPECT_EQ(ldns_wire2pkt(&pkt_, wire, len), LDNS_STATUS_OK);
  }
  ~Reply() {
    if (pkt_ != nullptr) ldns_pkt_free(pkt_);
  }
  bool empty() const { return pkt_ == nullptr; }
  int rcode() const { return ldns_pkt_get_rcode(pkt_); }
  bool aa() const { return ldns_pkt_aa(pkt_); }
  bool tc() const { return ldns_pkt_tc(pkt_); }
  size_t an() const { return ldns_pkt_ancount(pkt_); }
  ldns_rr* tsig() const { return ldns_pkt_tsig(pkt_); }
  int tsig_error() const { return ldns_rdf2native_int16(ldns_rr_rdf(tsig(), 5)); }
  size_t tsig_mac_size() const { return ldns_rdf_size(ldns_rr_rdf(tsig(), 3)) - 2; }
  std::string tsig_key() const {
    char* s = ldns_rdf2str(ldns_rr_owner(tsig()));
    std::string out(s);
    free(s);
    return out;
  }
  // ldns's verdict on the reply's TSIG, with the request's MAC.
  bool Verifies(const char* key_name, const char* secret, const ldns_rdf* request_mac) const {
    return ldns_pkt_tsig_verify(pkt_, raw_.data(), raw_.size(), key_name, secret, request_mac);
  }
  ldns_pkt* pkt() const { return pkt_; }
  const std::vector<uint8_t>& raw() const { return raw_; }

 private:
  ldns_pkt* pkt_ = nullptr;
  std::vector<uint8_t> raw_;
};

class TsigAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string origin;
    ASSERT_TRUE(NameFromText("example.com.", &origin));
    zones::ZoneBuilder builder(origin);
    ASSERT_TRUE(zones::ReadMasterText(std::string(kZone) + BigTxt(), "tsig.zone", &builder).ok());
    auto zone = std::move(builder).Build();
    ASSERT_TRUE(zone.ok()) << zone.status();
    snap_.zones.Put(*zone);
    auto key = tsig::ParseKeySpec(std::string("xfr.example.:hmac-sha256:") + kSecret);
    ASSERT_TRUE(key.ok());
    snap_.tsig_keys = *tsig::KeyRing::Create({*key});
    snap_.transfer_hooks = &hooks_;
  }

  std::unique_ptr<Reply> Ask(const std::vector<uint8_t>& query, Transport transport = Transport::kUdp,
                             int64_t now = 0) {
    Request req;
    req.transport = transport;
    req.source.bytes[0] = 192;
    req.now = now;
    const size_t n = HandleQuery(snap_, query.data(), query.size(), req, out_, sizeof out_, &oc_);
    return std::make_unique<Reply>(out_, n);
  }

  const zones::Zone* Zone() {
    Name n;
    EXPECT_TRUE(n.ParseText("example.com."));
    return snap_.zones.FindZone(n);
  }

  Snapshot snap_;
  FakeHooks hooks_;
  Outcome oc_;
  uint8_t out_[65535];
};

TEST_F(TsigAnswerTest, SignedQueryIsAnsweredAndTheReplySigned) {
  auto q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A, "xfr.example.", kSecret);
  auto r = Ask(q->wire);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_EQ(r->an(), 1u);
  ASSERT_NE(r->tsig(), nullptr);
  EXPECT_EQ(r->tsig_error(), 0);
  EXPECT_TRUE(r->Verifies("xfr.example.", kSecret, q->mac()));
  EXPECT_FALSE(r->Verifies("xfr.example.", kOtherSecret, q->mac()));
  // With EDNS: OPT, then the TSIG last.
  auto e = MakeQuery("www.example.com.", LDNS_RR_TYPE_A, "xfr.example.", kSecret, 1232);
  auto re = Ask(e->wire, Transport::kTcp);
  EXPECT_EQ(re->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_pkt_edns_udp_size(re->pkt()), 1232);
  EXPECT_TRUE(re->Verifies("xfr.example.", kSecret, e->mac()));
}

TEST_F(TsigAnswerTest, TruncatedUdpReplyLeavesRoomForTheTsig) {
  auto q = MakeQuery("big.example.com.", LDNS_RR_TYPE_TXT, "xfr.example.", kSecret);
  auto r = Ask(q->wire);
  ASSERT_FALSE(r->empty());
  EXPECT_LE(r->raw().size(), 512u);
  EXPECT_TRUE(r->tc());
  ASSERT_NE(r->tsig(), nullptr);
  EXPECT_TRUE(r->Verifies("xfr.example.", kSecret, q->mac()));
  // Over TCP the whole RRset, signed.
  auto t = Ask(q->wire, Transport::kTcp);
  EXPECT_FALSE(t->tc());
  EXPECT_EQ(t->an(), 20u);
  EXPECT_TRUE(t->Verifies("xfr.example.", kSecret, q->mac()));
}

TEST_F(TsigAnswerTest, UnknownKeyIsNotAuthBadKeyUnsigned) {
  auto q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A, "nobody.example.", kSecret);
  auto r = Ask(q->wire);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOTAUTH);
  EXPECT_EQ(r->an(), 0u);
  ASSERT_NE(r->tsig(), nullptr);
  EXPECT_EQ(r->tsig_error(), 17);  // BADKEY
  EXPECT_EQ(r->tsig_mac_size(), 0u);
  EXPECT_EQ(r->tsig_key(), "nobody.example.");
  EXPECT_EQ(oc_.rcode, Rcode::kNotAuth);
  // No key ring at all: the same.
  snap_.tsig_keys = nullptr;
  auto none = Ask(MakeQuery("www.example.com.", LDNS_RR_TYPE_A, "xfr.example.", kSecret)->wire);
  EXPECT_EQ(none->rcode(), LDNS_RCODE_NOTAUTH);
  EXPECT_EQ(none->tsig_error(), 17);
}

TEST_F(TsigAnswerTest, BadMacIsNotAuthBadSigUnsigned) {
  auto q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A, "xfr.example.", kOtherSecret);
  auto r = Ask(q->wire);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOTAUTH);
  EXPECT_EQ(r->an(), 0u);
  EXPECT_EQ(r->tsig_error(), 16);  // BADSIG
  EXPECT_EQ(r->tsig_mac_size(), 0u);
}

TEST_F(TsigAnswerTest, OutOfTimeIsNotAuthBadTimeSignedWithOurTime) {
  auto q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A, "xfr.example.", kSecret);
  const int64_t later = static_cast<int64_t>(time(nullptr)) + 3600;
  auto r = Ask(q->wire, Transport::kUdp, later);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOTAUTH);
  EXPECT_EQ(r->an(), 0u);
  EXPECT_EQ(r->tsig_error(), 18);  // BADTIME
  EXPECT_EQ(r->tsig_mac_size(), 32u);
  const ldns_rdf* other = ldns_rr_rdf(r->tsig(), 6);
  ASSERT_EQ(ldns_rdf_size(other), 8u);  // length + 48-bit time
  uint64_t t = 0;
  for (size_t i = 2; i < 8; ++i) t = t << 8 | ldns_rdf_data(other)[i];
  EXPECT_EQ(t, static_cast<uint64_t>(later));
  EXPECT_TRUE(r->Verifies("xfr.example.", kSecret, q->mac()));
}

TEST_F(TsigAnswerTest, TsigNotLastIsFormErr) {
  auto q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A, "xfr.example.", kSecret);
  std::vector<uint8_t> w = q->wire;
  const uint8_t a_rr[] = {0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 192, 0, 2, 1};
  w.insert(w.end(), a_rr, a_rr + sizeof a_rr);
  w[11] = static_cast<uint8_t>(w[11] + 1);
  auto r = Ask(w);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->rcode(), LDNS_RCODE_FORMERR);
  EXPECT_EQ(r->tsig(), nullptr);
  EXPECT_TRUE(oc_.malformed);
}

TEST_F(TsigAnswerTest, TruncatedMacIsNotAuthBadTrunc) {
  auto q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A, "xfr.example.", kSecret);
  // Cut the 32-octet MAC to its first 16 (allowed by RFC 8945 §5.2.2.1,
  // refused by our policy): MAC size, RDLENGTH and the octets.
  std::vector<uint8_t> w = q->wire;
  const size_t off = UnsignedSize(*q);
  const size_t rd = off + 13 + 8;          // RDLENGTH ("\3xfr\7example\0" is 13)
  const size_t mac_size = rd + 2 + 13 + 6 + 2;  // after alg "\13hmac-sha256\0" + time + fudge
  ASSERT_EQ(w[mac_size + 1], 32);
  w[mac_size + 1] = 16;
  w.erase(w.begin() + static_cast<long>(mac_size + 2 + 16), w.begin() + static_cast<long>(mac_size + 2 + 32));
  w[rd + 1] = static_cast<uint8_t>(w[rd + 1] - 16);
  auto r = Ask(w);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOTAUTH);
  EXPECT_EQ(r->tsig_error(), 22);  // BADTRUNC
  // Shorter than half the digest: FORMERR, no TSIG.
  w[mac_size + 1] = 8;
  w.erase(w.begin() + static_cast<long>(mac_size + 2 + 8), w.begin() + static_cast<long>(mac_size + 2 + 16));
  w[rd + 1] = static_cast<uint8_t>(w[rd + 1] - 8);
  auto f = Ask(w);
  EXPECT_EQ(f->rcode(), LDNS_RCODE_FORMERR);
  EXPECT_EQ(f->tsig(), nullptr);
}

TEST_F(TsigAnswerTest, GarbageTsigRdataIsFormErr) {
  auto q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A, "xfr.example.", kSecret);
  const size_t off = UnsignedSize(*q);
  // RDATA replaced by 5 octets of junk.
  std::vector<uint8_t> w(q->wire.begin(), q->wire.begin() + static_cast<long>(off + 13 + 8));
  const uint8_t junk[] = {0, 5, 0xc0, 0xff, 1, 2, 3};
  w.insert(w.end(), junk, junk + sizeof junk);
  auto r = Ask(w);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->rcode(), LDNS_RCODE_FORMERR);
  EXPECT_EQ(ldns_pkt_id(r->pkt()), 0x4242);
  EXPECT_EQ(r->tsig(), nullptr);
  // Class not ANY.
  std::vector<uint8_t> c = q->wire;
  c[off + 13 + 3] = 1;
  EXPECT_EQ(Ask(c)->rcode(), LDNS_RCODE_FORMERR);
}

TEST_F(TsigAnswerTest, SignedTransferOverUdpIsRefusedAndSigned) {
  auto q = MakeQuery("example.com.", LDNS_RR_TYPE_AXFR, "xfr.example.", kSecret);
  auto r = Ask(q->wire);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_REFUSED);
  EXPECT_TRUE(r->Verifies("xfr.example.", kSecret, q->mac()));
}

TEST_F(TsigAnswerTest, NotifyGoesToTheHooks) {
  auto q = MakeQuery("example.com.", LDNS_RR_TYPE_SOA, nullptr, nullptr, 0, LDNS_PACKET_NOTIFY);
  auto r = Ask(q->wire);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(ldns_pkt_get_opcode(r->pkt()), LDNS_PACKET_NOTIFY);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_EQ(ldns_pkt_qdcount(r->pkt()), 1u);
  EXPECT_EQ(hooks_.calls, 1);
  EXPECT_EQ(hooks_.last_zone, Zone());
  EXPECT_EQ(hooks_.last_key, nullptr);
  EXPECT_EQ(hooks_.last_source_v4, 192);
  // Refused by the hooks (not a secondary here, or not from its primary).
  hooks_.accept = false;
  auto refused = Ask(q->wire);
  EXPECT_EQ(refused->rcode(), LDNS_RCODE_REFUSED);
  EXPECT_FALSE(refused->aa());
  // No hooks at all: REFUSED.
  snap_.transfer_hooks = nullptr;
  EXPECT_EQ(Ask(q->wire)->rcode(), LDNS_RCODE_REFUSED);
  // A zone not served: NOTAUTH (as Knot), the hooks not asked. A name
  // below the apex is not a zone either.
  snap_.transfer_hooks = &hooks_;
  hooks_.calls = 0;
  auto other = MakeQuery("example.org.", LDNS_RR_TYPE_SOA, nullptr, nullptr, 0, LDNS_PACKET_NOTIFY);
  EXPECT_EQ(Ask(other->wire)->rcode(), LDNS_RCODE_NOTAUTH);
  auto below = MakeQuery("www.example.com.", LDNS_RR_TYPE_SOA, nullptr, nullptr, 0, LDNS_PACKET_NOTIFY);
  EXPECT_EQ(Ask(below->wire)->rcode(), LDNS_RCODE_NOTAUTH);
  EXPECT_EQ(hooks_.calls, 0);
}

TEST_F(TsigAnswerTest, SignedNotifyPassesTheKeyAndIsAnsweredSigned) {
  auto q = MakeQuery("example.com.", LDNS_RR_TYPE_SOA, "xfr.example.", kSecret, 0, LDNS_PACKET_NOTIFY);
  auto r = Ask(q->wire);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  ASSERT_NE(hooks_.last_key, nullptr);
  EXPECT_EQ(hooks_.last_key->name, "xfr.example.");
  EXPECT_TRUE(r->Verifies("xfr.example.", kSecret, q->mac()));
  // A bad key: NOTAUTH/BADKEY before the hooks are asked.
  hooks_.calls = 0;
  auto bad = MakeQuery("example.com.", LDNS_RR_TYPE_SOA, "nobody.", kSecret, 0, LDNS_PACKET_NOTIFY);
  auto rb = Ask(bad->wire);
  EXPECT_EQ(rb->rcode(), LDNS_RCODE_NOTAUTH);
  EXPECT_EQ(rb->tsig_error(), 17);
  EXPECT_EQ(hooks_.calls, 0);
}

TEST_F(TsigAnswerTest, ExpiredZoneIsServFail) {
  snap_.expired_zones.insert(Zone());
  auto r = Ask(steer_test::BuildQuery("www.example.com.", LDNS_RR_TYPE_A));
  EXPECT_EQ(r->rcode(), LDNS_RCODE_SERVFAIL);
  EXPECT_FALSE(r->aa());
  EXPECT_EQ(r->an(), 0u);
  snap_.expired_zones.clear();
  EXPECT_EQ(Ask(steer_test::BuildQuery("www.example.com.", LDNS_RR_TYPE_A))->rcode(),
            LDNS_RCODE_NOERROR);
}

}  // namespace
}  // namespace dns
