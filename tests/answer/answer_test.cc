// In-process tests of the answering algorithm (RFC 1034 §4.3.2 and friends):
// queries are built with ldns, answered by dns::HandleQuery, and the reply
// is decoded by ldns, an independent oracle, never by our own parser.
#include "dns/answer/answer.h"

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers)
#include <ldns/ldns.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/ldns_oracle.h"
#include "zones/builder.h"
#include "zones/master_file.h"

namespace dns {
namespace {

using ::steer_test::AppendEcs, ::steer_test::BuildQuery, ::steer_test::QueryWire,
    ::steer_test::SectionText;
using ::testing::ElementsAre, ::testing::HasSubstr;

constexpr char kZone[] = R"($ORIGIN example.com.
$TTL 3600
@        IN SOA ns1 hostmaster 2026112701 7200 3600 1209600 300
@        IN NS  ns1
@        IN NS  ns2.example.net.
@        IN MX  10 mail
ns1      IN A   192.0.2.53
www      IN A   192.0.2.1
www      IN AAAA 2001:db8::1
mail     IN A   192.0.2.25
_sip._udp IN SRV 0 5 5060 sip
sip      IN A   192.0.2.60
web      IN CNAME www
chain1   IN CNAME chain2
chain2   IN CNAME www
loop1    IN CNAME loop2
loop2    IN CNAME loop1
ext      IN CNAME www.example.org.
*.wild   IN A   192.0.2.99
*.wild   IN TXT "wild"
exists.wild IN A 192.0.2.98
a.b.c    IN A   192.0.2.7
sub      IN NS  ns.sub
sub      IN NS  ns.example.net.
ns.sub   IN A   192.0.2.200
toref    IN CNAME host.sub
)";

// A TXT RRset far larger than 512 octets (and than 1232).
std::string BigRRset() {
  std::string s;
  for (int i = 0; i < 40; ++i)
    s += "big IN TXT \"" + std::to_string(100 + i) + std::string(57, 'x') + "\"\n";
  return s;
}

std::unique_ptr<Snapshot> MakeSnapshot() {
  auto snap = std::make_unique<Snapshot>();
  std::string origin;
  EXPECT_TRUE(NameFromText("example.com.", &origin));
  zones::ZoneBuilder builder(origin);
  absl::Status st = zones::ReadMasterText(std::string(kZone) + BigRRset(),
                                          "answer_test.zone", &builder);
  EXPECT_TRUE(st.ok()) << st;
  auto zone = std::move(builder).Build();
  EXPECT_TRUE(zone.ok()) << zone.status();
  snap->zones.Put(*zone);
  return snap;
}

// An ldns-decoded reply with conveniences for assertions.
class Reply {
 public:
  Reply(const uint8_t* wire, size_t len) : size_(len) {
    if (len > 0) {
      EXPECT_EQ(ldns_wire2pkt(&pkt_, wire, len), LDNS_STATUS_OK);
      raw_.assign(wire, wire + len);
    }
  }
  ~Reply() {
    if (pkt_ != nullptr) ldns_pkt_free(pkt_);
  }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;

  bool empty() const { return pkt_ == nullptr; }
  size_t size() const { return size_; }
  ldns_pkt* pkt() const { return pkt_; }
  int rcode() const { return ldns_pkt_get_rcode(pkt_); }
  bool aa() const { return ldns_pkt_aa(pkt_); }
  bool tc() const { return ldns_pkt_tc(pkt_); }
  size_t an() const { return ldns_pkt_ancount(pkt_); }
  size_t ns() const { return ldns_pkt_nscount(pkt_); }
  size_t ar() const { return ldns_pkt_arcount(pkt_); }
  const std::vector<uint8_t>& raw() const { return raw_; }

  // Section records as presentation strings ("www.example.com.\t3600\tIN\tA\t192.0.2.1").
  std::vector<std::string> answer() const { return SectionText(pkt_, LDNS_SECTION_ANSWER); }
  std::vector<std::string> authority() const {
    return SectionText(pkt_, LDNS_SECTION_AUTHORITY);
  }
  std::vector<std::string> additional() const {
    return SectionText(pkt_, LDNS_SECTION_ADDITIONAL);
  }

 private:
  ldns_pkt* pkt_ = nullptr;
  size_t size_ = 0;
  std::vector<uint8_t> raw_;
};

class AnswerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { snapshot_ = MakeSnapshot().release(); }
  static void TearDownTestSuite() {
    delete snapshot_;
    snapshot_ = nullptr;
  }

  std::unique_ptr<Reply> Ask(const std::vector<uint8_t>& query,
                             Transport transport = Transport::kUdp,
                             uint16_t max_udp = 1232) {
    Request req;
    req.transport = transport;
    req.max_udp_size = max_udp;
    size_t n = HandleQuery(*snapshot_, query.data(), query.size(), req, out_, sizeof out_,
                           &outcome_);
    return std::make_unique<Reply>(out_, n);
  }
  std::unique_ptr<Reply> Ask(const std::string& name, ldns_rr_type type,
                             const QueryWire& wire = {},
                             Transport transport = Transport::kUdp) {
    return Ask(BuildQuery(name, type, wire), transport);
  }

  // A negative answer: `rcode` (NXDOMAIN, or NOERROR for NODATA), AA, no
  // answer RRs, and one authority RR, the SOA, whose text contains `soa`.
  void ExpectNegative(const std::string& name, ldns_rr_type type, int rcode,
                      const std::string& soa = "\tSOA\t") {
    SCOPED_TRACE(name);
    auto r = Ask(name, type);
    EXPECT_EQ(r->rcode(), rcode);
    EXPECT_TRUE(r->aa());
    EXPECT_EQ(r->an(), 0u);
    ASSERT_EQ(r->authority().size(), 1u);
    EXPECT_THAT(r->authority()[0], HasSubstr(soa));
  }
  void ExpectNoData(const std::string& name, ldns_rr_type type) {
    ExpectNegative(name, type, LDNS_RCODE_NOERROR);
  }
  // A referral to sub.example.com.: AA clear, no answer RRs, its two NS RRs
  // in authority.
  void ExpectReferralToSub(const std::string& name, ldns_rr_type type) {
    auto r = Ask(name, type);
    EXPECT_FALSE(r->aa());
    EXPECT_EQ(r->an(), 0u);
    EXPECT_EQ(r->ns(), 2u);
  }

  static Snapshot* snapshot_;
  uint8_t out_[65535];
  Outcome outcome_;
};
Snapshot* AnswerTest::snapshot_ = nullptr;

TEST_F(AnswerTest, AuthoritativeAnswer) {
  auto r = Ask("www.example.com.", LDNS_RR_TYPE_A);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_TRUE(ldns_pkt_qr(r->pkt()));
  EXPECT_TRUE(ldns_pkt_rd(r->pkt()));
  EXPECT_FALSE(ldns_pkt_ra(r->pkt()));
  EXPECT_EQ(ldns_pkt_id(r->pkt()), 0x1234);
  EXPECT_THAT(r->answer(), ElementsAre("www.example.com.\t3600\tIN\tA\t192.0.2.1"));
  EXPECT_EQ(r->ns(), 0u);
  EXPECT_EQ(r->ar(), 0u);
}

TEST_F(AnswerTest, AnswerOwnerIsPointerToQuestion) {
  auto r = Ask("www.example.com.", LDNS_RR_TYPE_A);
  // header 12 + qname 17 + 4 → answer starts at 33 with pointer 0xC00C.
  ASSERT_GT(r->raw().size(), 35u);
  EXPECT_EQ(r->raw()[33], 0xC0);
  EXPECT_EQ(r->raw()[34], 0x0C);
}

TEST_F(AnswerTest, QuestionCasePreserved) {
  auto r = Ask("WwW.ExAmPlE.CoM.", LDNS_RR_TYPE_A);
  ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(r->pkt()), 0);
  char* text = ldns_rdf2str(ldns_rr_owner(q));
  EXPECT_STREQ(text, "WwW.ExAmPlE.CoM.");
  free(text);
  EXPECT_EQ(r->an(), 1u);
}

TEST_F(AnswerTest, NxDomainCarriesSoaWithNegativeTtl) {
  // min(SOA TTL 3600, MINIMUM 300) = 300 (RFC 2308 §5).
  ExpectNegative("nothere.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN,
                 "example.com.\t300\tIN\tSOA\tns1.example.com. "
                 "hostmaster.example.com. 2026112701");
}

TEST_F(AnswerTest, NoDataCarriesSoa) {
  ExpectNegative("www.example.com.", LDNS_RR_TYPE_TXT, LDNS_RCODE_NOERROR, "\t300\tIN\tSOA\t");
}

TEST_F(AnswerTest, EmptyNonTerminalIsNoData) {
  ExpectNoData("b.c.example.com.", LDNS_RR_TYPE_A);
  ExpectNoData("c.example.com.", LDNS_RR_TYPE_A);
  auto r = Ask("a.b.c.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->an(), 1u);
}

TEST_F(AnswerTest, CnameFollowedInZone) {
  auto r = Ask("web.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(), ElementsAre("web.example.com.\t3600\tIN\tCNAME\twww.example.com.",
                                       "www.example.com.\t3600\tIN\tA\t192.0.2.1"));
}

TEST_F(AnswerTest, CnameChainFollowed) {
  auto r = Ask("chain1.example.com.", LDNS_RR_TYPE_AAAA);
  EXPECT_THAT(r->answer(),
              ElementsAre("chain1.example.com.\t3600\tIN\tCNAME\tchain2.example.com.",
                          "chain2.example.com.\t3600\tIN\tCNAME\twww.example.com.",
                          "www.example.com.\t3600\tIN\tAAAA\t2001:db8::1"));
}

TEST_F(AnswerTest, CnameQueryReturnsCnameOnly) {
  auto r = Ask("web.example.com.", LDNS_RR_TYPE_CNAME);
  EXPECT_THAT(r->answer(), ElementsAre("web.example.com.\t3600\tIN\tCNAME\twww.example.com."));
}

TEST_F(AnswerTest, CnameLoopStops) {
  auto r = Ask("loop1.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_THAT(r->answer(), ElementsAre("loop1.example.com.\t3600\tIN\tCNAME\tloop2.example.com.",
                                       "loop2.example.com.\t3600\tIN\tCNAME\tloop1.example.com."));
}

TEST_F(AnswerTest, CnameOutOfZoneNotFollowed) {
  auto r = Ask("ext.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(), ElementsAre("ext.example.com.\t3600\tIN\tCNAME\twww.example.org."));
}

TEST_F(AnswerTest, CnameIntoDelegationGivesReferralInAuthority) {
  auto r = Ask("toref.example.com.", LDNS_RR_TYPE_A);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(), ElementsAre("toref.example.com.\t3600\tIN\tCNAME\thost.sub.example.com."));
  EXPECT_EQ(r->authority().size(), 2u);
}

TEST_F(AnswerTest, WildcardSynthesis) {
  auto r = Ask("anything.wild.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(), ElementsAre("anything.wild.example.com.\t3600\tIN\tA\t192.0.2.99"));
  auto deeper = Ask("x.y.wild.example.com.", LDNS_RR_TYPE_TXT);
  EXPECT_THAT(deeper->answer(), ElementsAre("x.y.wild.example.com.\t3600\tIN\tTXT\t\"wild\""));
}

TEST_F(AnswerTest, WildcardNoData) {
  ExpectNoData("anything.wild.example.com.", LDNS_RR_TYPE_AAAA);
}

TEST_F(AnswerTest, WildcardDoesNotApplyBelowExistingName) {
  // RFC 4592 §2.2.1: exists.wild is the closest encloser and has no "*" child.
  auto r = Ask("x.exists.wild.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NXDOMAIN);
  auto own = Ask("exists.wild.example.com.", LDNS_RR_TYPE_TXT);
  EXPECT_EQ(own->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(own->an(), 0u);
}

TEST_F(AnswerTest, WildcardOwnerQueriedLiterally) {
  auto r = Ask("*.wild.example.com.", LDNS_RR_TYPE_A);
  EXPECT_THAT(r->answer(), ElementsAre("*.wild.example.com.\t3600\tIN\tA\t192.0.2.99"));
}

TEST_F(AnswerTest, ReferralAtAndBelowCut) {
  for (const char* name : {"sub.example.com.", "host.sub.example.com.", "a.b.sub.example.com."}) {
    auto r = Ask(name, LDNS_RR_TYPE_A);
    EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR) << name;
    EXPECT_FALSE(r->aa()) << name;
    EXPECT_EQ(r->an(), 0u) << name;
    EXPECT_THAT(r->authority(),
                ElementsAre("sub.example.com.\t3600\tIN\tNS\tns.sub.example.com.",
                            "sub.example.com.\t3600\tIN\tNS\tns.example.net."))
        << name;
    EXPECT_THAT(r->additional(), ElementsAre("ns.sub.example.com.\t3600\tIN\tA\t192.0.2.200"))
        << name;
  }
}

TEST_F(AnswerTest, NsQueryAtCutIsReferral) {
  ExpectReferralToSub("sub.example.com.", LDNS_RR_TYPE_NS);
}

TEST_F(AnswerTest, DsAtCutAnsweredByParent) {
  ExpectNegative("sub.example.com.", LDNS_RR_TYPE_DS, LDNS_RCODE_NOERROR);
}

TEST_F(AnswerTest, GlueNotServedAuthoritatively) {
  ExpectReferralToSub("ns.sub.example.com.", LDNS_RR_TYPE_A);
}

TEST_F(AnswerTest, AdditionalAddressesForMxSrvNs) {
  auto mx = Ask("example.com.", LDNS_RR_TYPE_MX);
  EXPECT_THAT(mx->additional(), ElementsAre("mail.example.com.\t3600\tIN\tA\t192.0.2.25"));
  auto srv = Ask("_sip._udp.example.com.", LDNS_RR_TYPE_SRV);
  EXPECT_THAT(srv->additional(), ElementsAre("sip.example.com.\t3600\tIN\tA\t192.0.2.60"));
  auto ns = Ask("example.com.", LDNS_RR_TYPE_NS);
  EXPECT_TRUE(ns->aa());
  EXPECT_EQ(ns->an(), 2u);
  EXPECT_THAT(ns->additional(), ElementsAre("ns1.example.com.\t3600\tIN\tA\t192.0.2.53"));
}

TEST_F(AnswerTest, RefusedOutsideLoadedZones) {
  auto r = Ask("www.example.org.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_REFUSED);
  EXPECT_FALSE(r->aa());
  EXPECT_EQ(r->an() + r->ns() + r->ar(), 0u);
  auto root = Ask(".", LDNS_RR_TYPE_NS);
  EXPECT_EQ(root->rcode(), LDNS_RCODE_REFUSED);
}

TEST_F(AnswerTest, ChaosClassRefused) {
  auto r = Ask("version.bind.", LDNS_RR_TYPE_TXT, {.qclass = LDNS_RR_CLASS_CH});
  EXPECT_EQ(r->rcode(), LDNS_RCODE_REFUSED);
}

TEST_F(AnswerTest, ZoneTransfersRefused) {
  EXPECT_EQ(Ask("example.com.", LDNS_RR_TYPE_AXFR, {}, Transport::kTcp)->rcode(),
            LDNS_RCODE_REFUSED);
  EXPECT_EQ(Ask("example.com.", LDNS_RR_TYPE_IXFR, {}, Transport::kTcp)->rcode(),
            LDNS_RCODE_REFUSED);
}

TEST_F(AnswerTest, AnyAnsweredMinimally) {
  auto r = Ask("www.example.com.", LDNS_RR_TYPE_ANY);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(r->an(), 1u);  // one RRset (A or AAAA), not both: RFC 8482
  auto apex = Ask("example.com.", LDNS_RR_TYPE_ANY);
  EXPECT_GE(apex->an(), 1u);
  EXPECT_LE(apex->an(), 2u);
}

TEST_F(AnswerTest, NotImpForOtherOpcodes) {
  std::vector<uint8_t> q = BuildQuery("www.example.com.", LDNS_RR_TYPE_A);
  q[2] = static_cast<uint8_t>((q[2] & 0x87) | (5 << 3));  // UPDATE
  auto r = Ask(q);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOTIMPL);
  EXPECT_EQ(ldns_pkt_get_opcode(r->pkt()), LDNS_PACKET_UPDATE);
}

TEST_F(AnswerTest, FormErrForTwoQuestions) {
  std::vector<uint8_t> q = BuildQuery("www.example.com.", LDNS_RR_TYPE_A);
  q[5] = 2;  // QDCOUNT = 2 but only one question present
  auto r = Ask(q);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->rcode(), LDNS_RCODE_FORMERR);
  EXPECT_EQ(ldns_pkt_id(r->pkt()), 0x1234);
}

TEST_F(AnswerTest, FormErrForTruncatedQuestion) {
  std::vector<uint8_t> q = BuildQuery("www.example.com.", LDNS_RR_TYPE_A);
  q.resize(q.size() - 3);
  auto r = Ask(q);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->rcode(), LDNS_RCODE_FORMERR);
}

TEST_F(AnswerTest, ResponsesAndRuntsAreNeverAnswered) {
  std::vector<uint8_t> q = BuildQuery("www.example.com.", LDNS_RR_TYPE_A);
  q[2] |= 0x80;  // QR=1
  EXPECT_TRUE(Ask(q)->empty());
  EXPECT_TRUE(outcome_.dropped);
  std::vector<uint8_t> runt(q.begin(), q.begin() + 11);
  EXPECT_TRUE(Ask(runt)->empty());
}

TEST_F(AnswerTest, BadVersForEdnsVersion1) {
  auto r = Ask("www.example.com.", LDNS_RR_TYPE_A, {.edns_udp = 1232, .edns_version = 1});
  ASSERT_FALSE(r->empty());
  // BADVERS = 16: header RCODE 0, OPT extended RCODE 1 (RFC 6891 §6.1.3).
  EXPECT_EQ(r->rcode(), 0);
  EXPECT_TRUE(ldns_pkt_edns(r->pkt()));
  EXPECT_EQ(ldns_pkt_edns_extended_rcode(r->pkt()), 1);
  EXPECT_EQ(r->an(), 0u);
}

TEST_F(AnswerTest, OptOnlyWhenQueried) {
  auto plain = Ask("www.example.com.", LDNS_RR_TYPE_A);
  EXPECT_FALSE(ldns_pkt_edns(plain->pkt()));
  auto edns = Ask("www.example.com.", LDNS_RR_TYPE_A, {.edns_udp = 4096});
  EXPECT_TRUE(ldns_pkt_edns(edns->pkt()));
  EXPECT_EQ(ldns_pkt_edns_udp_size(edns->pkt()), 1232);
  EXPECT_EQ(ldns_pkt_edns_version(edns->pkt()), 0);
}

TEST_F(AnswerTest, TruncationWithoutEdns) {
  auto r = Ask("big.example.com.", LDNS_RR_TYPE_TXT);
  EXPECT_TRUE(r->tc());
  EXPECT_LE(r->size(), 512u);
  EXPECT_EQ(r->an(), 0u);
  EXPECT_TRUE(outcome_.truncated);
}

TEST_F(AnswerTest, TruncationCappedAtOurUdpLimit) {
  auto r = Ask("big.example.com.", LDNS_RR_TYPE_TXT, {.edns_udp = 4096});
  EXPECT_TRUE(r->tc());
  EXPECT_LE(r->size(), 1232u);
  EXPECT_TRUE(ldns_pkt_edns(r->pkt()));  // OPT survives truncation
}

TEST_F(AnswerTest, LargeUdpLimitConfigurable) {
  Request req;
  req.max_udp_size = 4096;
  std::vector<uint8_t> q = BuildQuery("big.example.com.", LDNS_RR_TYPE_TXT, {.edns_udp = 4096});
  size_t n = HandleQuery(*snapshot_, q.data(), q.size(), req, out_, sizeof out_, &outcome_);
  Reply r(out_, n);
  EXPECT_FALSE(r.tc());
  EXPECT_EQ(r.an(), 40u);
  EXPECT_LE(n, 4096u);
}

TEST_F(AnswerTest, ClientBufferSizeRespected) {
  auto r = Ask("big.example.com.", LDNS_RR_TYPE_TXT, {.edns_udp = 600});
  EXPECT_TRUE(r->tc());
  EXPECT_LE(r->size(), 600u);
}

TEST_F(AnswerTest, TcpCarriesWholeAnswer) {
  auto r = Ask("big.example.com.", LDNS_RR_TYPE_TXT, {}, Transport::kTcp);
  EXPECT_FALSE(r->tc());
  EXPECT_EQ(r->an(), 40u);
}

TEST_F(AnswerTest, EcsEchoedWithScopeZeroOnStaticAnswers) {
  std::vector<uint8_t> q =
      AppendEcs(BuildQuery("www.example.com.", LDNS_RR_TYPE_A), 1, 24, 0, {198, 51, 100});
  auto r = Ask(q);
  ASSERT_FALSE(r->empty());
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(outcome_.has_ecs);
  // The reply's OPT RDATA: option 8, length 7, family 1, source 24, scope 0, address.
  const std::vector<uint8_t>& raw = r->raw();
  const uint8_t expected[] = {0, 8, 0, 7, 0, 1, 24, 0, 198, 51, 100};
  ASSERT_GE(raw.size(), sizeof expected);
  EXPECT_EQ(std::memcmp(raw.data() + raw.size() - sizeof expected, expected, sizeof expected), 0);
}

TEST_F(AnswerTest, MalformedEcsIsFormErr) {
  // Address longer than the source prefix needs.
  auto r = Ask(AppendEcs(BuildQuery("www.example.com.", LDNS_RR_TYPE_A), 1, 8, 0, {10, 1}));
  EXPECT_EQ(r->rcode(), LDNS_RCODE_FORMERR);
  // Unknown family.
  auto f = Ask(AppendEcs(BuildQuery("www.example.com.", LDNS_RR_TYPE_A), 3, 8, 0, {10}));
  EXPECT_EQ(f->rcode(), LDNS_RCODE_FORMERR);
  // Bits set past the prefix.
  auto b =
      Ask(AppendEcs(BuildQuery("www.example.com.", LDNS_RR_TYPE_A), 1, 20, 0, {10, 1, 0xff}));
  EXPECT_EQ(b->rcode(), LDNS_RCODE_FORMERR);
}

TEST_F(AnswerTest, TinyOutputBufferNeverOverflows) {
  std::vector<uint8_t> q = BuildQuery("www.example.com.", LDNS_RR_TYPE_A);
  Request req;
  uint8_t small[20];
  size_t n = HandleQuery(*snapshot_, q.data(), q.size(), req, small, sizeof small, &outcome_);
  EXPECT_LE(n, sizeof small);
}

TEST(AnswerChildZone, ChildZoneBesideParentIsAuthoritative) {
  Snapshot snap;
  auto parent = MakeSnapshot();
  for (const auto& z : parent->zones.zones()) snap.zones.Put(z);
  std::string origin;
  ASSERT_TRUE(NameFromText("sub.example.com.", &origin));
  zones::ZoneBuilder b(origin);
  ASSERT_TRUE(zones::ReadMasterText("$ORIGIN sub.example.com.\n"
                                    "@ 600 IN SOA ns hostmaster 1 2 3 4 5\n"
                                    "@ 600 IN NS ns\n"
                                    "ns 600 IN A 192.0.2.200\n"
                                    "host 600 IN A 192.0.2.201\n",
                                    "child.zone", &b)
                  .ok());
  auto child = std::move(b).Build();
  ASSERT_TRUE(child.ok()) << child.status();
  snap.zones.Put(*child);

  std::vector<uint8_t> q = BuildQuery("host.sub.example.com.", LDNS_RR_TYPE_A);
  uint8_t out[4096];
  Request req;
  size_t n = HandleQuery(snap, q.data(), q.size(), req, out, sizeof out, nullptr);
  Reply r(out, n);
  EXPECT_TRUE(r.aa());
  EXPECT_THAT(r.answer(), ElementsAre("host.sub.example.com.\t600\tIN\tA\t192.0.2.201"));
}

// The batch cache warming (PrefetchQuestion/PrefetchNode) finds the node a
// lookup will use, ignores what is not a query for one of our zones, and
// never reads outside the datagram.
TEST_F(AnswerTest, PrefetchFindsTheNodeALookupUses) {
  std::vector<uint8_t> q = BuildQuery("WWW.example.com.", LDNS_RR_TYPE_A);
  LookupPrefetch p;
  PrefetchQuestion(*snapshot_, q.data(), q.size(), &p);
  ASSERT_NE(p.zone, nullptr);
  PrefetchNode(&p);
  PrefetchNodeData(p);
  std::string owner;
  ASSERT_TRUE(NameFromText("www.example.com.", &owner));
  const zones::Node* node = p.zone->Find(owner);
  ASSERT_NE(node, nullptr);
  // The hint is the first slot the lookup probes: the node itself, or
  // kNoNode when another name took that slot (the hash seed is random per
  // process, so which names collide varies from run to run).
  if (p.node != zones::kNoNode) EXPECT_EQ(&p.zone->node(p.node), node);
  // Over every owner of the zone most hints hit, and none is wrong.
  size_t hits = 0;
  for (uint32_t i = 0; i < p.zone->node_count(); ++i) {
    const std::string& name = p.zone->node(i).owner;
    std::vector<uint8_t> qi = BuildQuery(dns::NameToText(name), LDNS_RR_TYPE_A);
    LookupPrefetch pi;
    PrefetchQuestion(*snapshot_, qi.data(), qi.size(), &pi);
    ASSERT_EQ(pi.zone, p.zone);
    PrefetchNode(&pi);
    if (pi.node == zones::kNoNode) continue;
    EXPECT_EQ(pi.node, i) << dns::NameToText(name);
    ++hits;
  }
  EXPECT_GT(hits, p.zone->node_count() / 2);

  std::vector<uint8_t> other = BuildQuery("www.example.org.", LDNS_RR_TYPE_A);
  PrefetchQuestion(*snapshot_, other.data(), other.size(), &p);
  EXPECT_EQ(p.zone, nullptr);
  PrefetchNode(&p);  // no-ops
  PrefetchNodeData(p);

  // Every truncation of a query, and garbage: skipped, no read past the end
  // (ASan build), and the same answer as without the warming.
  for (size_t len = 0; len <= q.size(); ++len) {
    std::vector<uint8_t> cut(q.begin(), q.begin() + static_cast<long>(len));
    PrefetchQuestion(*snapshot_, cut.data(), cut.size(), &p);
    PrefetchNode(&p);
    PrefetchNodeData(p);
  }
  const uint8_t garbage[] = {0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63, 'a'};
  PrefetchQuestion(*snapshot_, garbage, sizeof garbage, &p);
  EXPECT_EQ(p.zone, nullptr);
  auto r = Ask(q);
  EXPECT_THAT(r->answer(), ElementsAre("WWW.example.com.\t3600\tIN\tA\t192.0.2.1"));
}

}  // namespace
}  // namespace dns
