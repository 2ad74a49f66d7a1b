// In-process tests of chains: DNAME substitution (RFC 6672 §3), CNAMEs
// followed into every zone of the snapshot (RFC 1034 §4.3.2 step 3a, the
// deepest zone for each name, as NSD and PowerDNS do), and the header flags
// of replies (CD cleared, RFC 4035 §3.1.6; RD and CD clear in NOTIMP).
// The zones are tests/answer/chain_zones/, which tests/e2e/nsd_interop_test
// also serves with NSD; replies are decoded by ldns, never by our parser.
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "base/file.h"
#include "dns/answer/answer.h"
#include "dns/answer/explain.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/ldns_oracle.h"
#include "zones/builder.h"
#include "zones/master_file.h"

namespace dns {
namespace {

using ::steer_test::BuildQuery, ::steer_test::SectionText;
using ::testing::ElementsAre, ::testing::IsEmpty, ::testing::UnorderedElementsAre;

constexpr int kYxDomain = 6;

std::string SourceDir() {
  const char* dir = std::getenv("STEER_SOURCE_DIR");
  return dir != nullptr ? dir : STEER_DEFAULT_SOURCE_DIR;
}

std::shared_ptr<const zones::Zone> ZoneFromText(const std::string& origin_text,
                                                const std::string& text,
                                                const std::string& source) {
  std::string origin;
  EXPECT_TRUE(NameFromText(origin_text, &origin));
  zones::ZoneBuilder builder(origin);
  absl::Status st = zones::ReadMasterText(text, source, &builder);
  EXPECT_TRUE(st.ok()) << st;
  auto zone = std::move(builder).Build();
  EXPECT_TRUE(zone.ok()) << zone.status();
  return zone.ok() ? *zone : nullptr;
}

// A snapshot of the chain_zones files named by their origins.
std::unique_ptr<Snapshot> LoadChainZones(const std::vector<std::string>& origins) {
  auto snap = std::make_unique<Snapshot>();
  for (const std::string& origin : origins) {
    const std::string path = SourceDir() + "/tests/answer/chain_zones/" + origin + ".zone";
    absl::StatusOr<std::string> text = base::ReadFile(path);
    EXPECT_TRUE(text.ok()) << text.status();
    if (!text.ok()) continue;
    if (auto zone = ZoneFromText(origin + ".", *text, path)) snap->zones.Put(zone);
  }
  return snap;
}

// An ldns-decoded reply.
class Reply {
 public:
  Reply(const uint8_t* wire, size_t len) {
    if (len > 0) {
      EXPECT_EQ(ldns_wire2pkt(&pkt_, wire, len), LDNS_STATUS_OK);
    }
  }
  ~Reply() {
    if (pkt_ != nullptr) ldns_pkt_free(pkt_);
  }
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;

  ldns_pkt* pkt() const { return pkt_; }
  int rcode() const { return ldns_pkt_get_rcode(pkt_); }
  bool aa() const { return ldns_pkt_aa(pkt_); }
  bool tc() const { return ldns_pkt_tc(pkt_); }
  std::vector<std::string> answer() const { return SectionText(pkt_, LDNS_SECTION_ANSWER); }
  std::vector<std::string> authority() const {
    return SectionText(pkt_, LDNS_SECTION_AUTHORITY);
  }
  std::vector<std::string> additional() const {
    return SectionText(pkt_, LDNS_SECTION_ADDITIONAL);
  }
  std::string ToString() const {
    char* s = ldns_pkt2str(pkt_);
    std::string out = s != nullptr ? s : "";
    free(s);
    return out;
  }

 private:
  ldns_pkt* pkt_ = nullptr;
};

constexpr char kParentSoa[] =
    "example.test.\t300\tIN\tSOA\tns1.example.test. hostmaster.example.test. "
    "2024060101 7200 3600 1209600 300";
constexpr char kChildSoa[] =
    "child.example.test.\t60\tIN\tSOA\tns1.child.example.test. "
    "hostmaster.child.example.test. 2024060101 3600 900 604800 60";
constexpr char kSiblingSoa[] =
    "sibling.test.\t120\tIN\tSOA\tns1.example.test. hostmaster.example.test. "
    "2024060101 3600 900 604800 120";
constexpr char kDname[] = "d.example.test.\t3600\tIN\tDNAME\ttarget.example.test.";
constexpr char kHostTargetA[] = "host.target.example.test.\t3600\tIN\tA\t192.0.2.10";

class ChainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    all_ = LoadChainZones({"example.test", "child.example.test", "dn.example.test",
                           "sibling.test"})
               .release();
  }
  static void TearDownTestSuite() {
    delete all_;
    all_ = nullptr;
  }

  std::unique_ptr<Reply> Ask(const std::vector<uint8_t>& query,
                             const Snapshot* snap = nullptr, Trace* trace = nullptr) {
    Request req;
    req.transport = Transport::kTcp;  // no truncation: every answer whole
    const size_t n = HandleQuery(snap != nullptr ? *snap : *all_, query.data(), query.size(),
                                 req, out_, sizeof out_, &outcome_, trace);
    return std::make_unique<Reply>(out_, n);
  }
  std::unique_ptr<Reply> Ask(const std::string& name, ldns_rr_type type,
                             const Snapshot* snap = nullptr) {
    return Ask(BuildQuery(name, type), snap);
  }

  static Snapshot* all_;
  uint8_t out_[65535];
  Outcome outcome_;
};
Snapshot* ChainTest::all_ = nullptr;

// --- DNAME (RFC 6672) ---

TEST_F(ChainTest, DnameSynthesizesACnameAndFollowsIt) {
  auto r = Ask("host.d.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(),
              ElementsAre(kDname,
                          "host.d.example.test.\t3600\tIN\tCNAME\thost.target.example.test.",
                          kHostTargetA));
  EXPECT_THAT(r->authority(), IsEmpty());
  EXPECT_EQ(outcome_.rcode, Rcode::kNoError);
}

TEST_F(ChainTest, SynthesizedCnameHasTheDnamesTtl) {
  auto r = Ask("host.d300.example.test.", LDNS_RR_TYPE_A);
  EXPECT_THAT(r->answer(),
              ElementsAre("d300.example.test.\t300\tIN\tDNAME\ttarget.example.test.",
                          "host.d300.example.test.\t300\tIN\tCNAME\thost.target.example.test.",
                          kHostTargetA));
}

TEST_F(ChainTest, SynthesizedCnameOwnerIsTheQnameAsAsked) {
  auto r = Ask("A.b.HOST.d.Example.TEST.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NXDOMAIN) << r->ToString();
  // The owner is a pointer to the question (the client's spelling), and
  // names compressed against the question take its case too: equal as DNS
  // names (RFC 4343).
  std::vector<std::string> answer = r->answer();
  ASSERT_EQ(answer.size(), 2u) << r->ToString();
  EXPECT_THAT(answer[1], ::testing::StartsWith("A.b.HOST.d.Example.TEST.\t3600\tIN\tCNAME\t"));
  for (std::string& rr : answer) rr = absl::AsciiStrToLower(rr);
  EXPECT_THAT(answer, ElementsAre(absl::AsciiStrToLower(kDname),
                                  "a.b.host.d.example.test.\t3600\tin\tcname\t"
                                  "a.b.host.target.example.test."));
  EXPECT_EQ(r->authority().size(), 1u);
}

TEST_F(ChainTest, DnameOwnerItselfIsNotSubstituted) {
  auto r = Ask("d.example.test.", LDNS_RR_TYPE_DNAME);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(), ElementsAre(kDname));
  auto a = Ask("d.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(a->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_THAT(a->answer(), IsEmpty());
  EXPECT_THAT(a->authority(), ElementsAre(kParentSoa));
}

TEST_F(ChainTest, NegativeAnswersAfterASubstitution) {
  auto nx = Ask("nope.d.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(nx->rcode(), LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(nx->aa());
  EXPECT_THAT(nx->answer(),
              ElementsAre(kDname,
                          "nope.d.example.test.\t3600\tIN\tCNAME\tnope.target.example.test."));
  EXPECT_THAT(nx->authority(), ElementsAre(kParentSoa));

  auto nodata = Ask("host.d.example.test.", LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(nodata->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(nodata->answer().size(), 2u);
  EXPECT_THAT(nodata->authority(), ElementsAre(kParentSoa));
}

TEST_F(ChainTest, CnameQueryIsAnsweredByTheSynthesizedCname) {
  auto r = Ask("host.d.example.test.", LDNS_RR_TYPE_CNAME);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_THAT(r->answer(),
              ElementsAre(kDname,
                          "host.d.example.test.\t3600\tIN\tCNAME\thost.target.example.test."));
  EXPECT_THAT(r->authority(), IsEmpty());
}

TEST_F(ChainTest, AdditionalsOfTheFinalAnswer) {
  auto r = Ask("host.d.example.test.", LDNS_RR_TYPE_MX);
  EXPECT_EQ(r->answer().size(), 3u);
  EXPECT_THAT(r->additional(), ElementsAre("mail.example.test.\t3600\tIN\tA\t192.0.2.25"));
}

TEST_F(ChainTest, DnameChain) {
  auto r = Ask("host.chain.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_THAT(r->answer(),
              ElementsAre("chain.example.test.\t3600\tIN\tDNAME\td.example.test.",
                          "host.chain.example.test.\t3600\tIN\tCNAME\thost.d.example.test.",
                          kDname,
                          "host.d.example.test.\t3600\tIN\tCNAME\thost.target.example.test.",
                          kHostTargetA));
}

TEST_F(ChainTest, CnameIntoADname) {
  auto r = Ask("cn2d.example.test.", LDNS_RR_TYPE_A);
  EXPECT_THAT(r->answer(),
              ElementsAre("cn2d.example.test.\t3600\tIN\tCNAME\thost.d.example.test.",
                          kDname,
                          "host.d.example.test.\t3600\tIN\tCNAME\thost.target.example.test.",
                          kHostTargetA));
}

TEST_F(ChainTest, DnameLoopStopsWhenTheDnameComesBack) {
  // As NSD: each DNAME once, then the chain stops where it would repeat.
  auto r = Ask("x.loop1.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(),
              ElementsAre("loop1.example.test.\t3600\tIN\tDNAME\tloop2.example.test.",
                          "x.loop1.example.test.\t3600\tIN\tCNAME\tx.loop2.example.test.",
                          "loop2.example.test.\t3600\tIN\tDNAME\tloop1.example.test.",
                          "x.loop2.example.test.\t3600\tIN\tCNAME\tx.loop1.example.test."));
}

TEST_F(ChainTest, SubstitutionBeyond255OctetsIsYxDomain) {
  // long.example.test. DNAME has a 203-octet target: a prefix of up to 52
  // octets (one label of 51 characters) still fits in 255.
  const std::string fits = std::string(51, 'c') + ".long.example.test.";
  auto ok = Ask(fits, LDNS_RR_TYPE_A);
  EXPECT_EQ(ok->rcode(), LDNS_RCODE_NXDOMAIN) << ok->ToString();
  ASSERT_EQ(ok->answer().size(), 2u);
  EXPECT_THAT(ok->answer()[1], ::testing::HasSubstr("\tCNAME\t" + std::string(51, 'c') + ".a"));

  const std::string too_long = std::string(52, 'c') + ".long.example.test.";
  auto r = Ask(too_long, LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), kYxDomain) << r->ToString();
  EXPECT_TRUE(r->aa());
  ASSERT_EQ(r->answer().size(), 1u) << "the DNAME alone: no CNAME can be synthesized";
  EXPECT_THAT(r->answer()[0], ::testing::StartsWith("long.example.test.\t3600\tIN\tDNAME\t"));
  EXPECT_THAT(r->authority(), IsEmpty());
  EXPECT_EQ(outcome_.rcode, Rcode::kYxDomain);
}

TEST_F(ChainTest, DnameTargetInNoZoneOfOursStopsAfterTheCname) {
  auto r = Ask("x.away.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(),
              ElementsAre("away.example.test.\t3600\tIN\tDNAME\telsewhere.invalid.",
                          "x.away.example.test.\t3600\tIN\tCNAME\tx.elsewhere.invalid."));
  EXPECT_THAT(r->authority(), IsEmpty());
}

TEST_F(ChainTest, DnameIntoAnotherZone) {
  auto r = Ask("www.tosib.example.test.", LDNS_RR_TYPE_A);
  EXPECT_THAT(r->answer(),
              ElementsAre("tosib.example.test.\t3600\tIN\tDNAME\tsibling.test.",
                          "www.tosib.example.test.\t3600\tIN\tCNAME\twww.sibling.test.",
                          "www.sibling.test.\t1800\tIN\tA\t192.0.2.20"));
}

TEST_F(ChainTest, DnameAtTheApexOfADelegatedZoneServedHere) {
  auto r = Ask("host.dn.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(),
              ElementsAre("dn.example.test.\t900\tIN\tDNAME\ttarget.example.test.",
                          "host.dn.example.test.\t900\tIN\tCNAME\thost.target.example.test.",
                          kHostTargetA));
  // The apex itself is an ordinary name of the child zone.
  auto soa = Ask("dn.example.test.", LDNS_RR_TYPE_SOA);
  EXPECT_TRUE(soa->aa());
  EXPECT_EQ(soa->answer().size(), 1u);
  // Without the child zone, the parent refers.
  auto parent_only = LoadChainZones({"example.test"});
  auto ref = Ask("host.dn.example.test.", LDNS_RR_TYPE_A, parent_only.get());
  EXPECT_FALSE(ref->aa());
  EXPECT_THAT(ref->answer(), IsEmpty());
  EXPECT_THAT(ref->authority(),
              ElementsAre("dn.example.test.\t3600\tIN\tNS\tns1.example.test."));
}

TEST_F(ChainTest, ExplainNamesTheDnameLookup) {
  Trace trace;
  Ask(BuildQuery("host.d.example.test.", LDNS_RR_TYPE_A), nullptr, &trace);
  EXPECT_EQ(trace.lookup, "dname");
  EXPECT_EQ(trace.zone, "example.test.");
}

// --- CNAMEs across zones ---

TEST_F(ChainTest, CnameIntoASiblingZone) {
  auto r = Ask("tosibling.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(),
              ElementsAre("tosibling.example.test.\t3600\tIN\tCNAME\twww.sibling.test.",
                          "www.sibling.test.\t1800\tIN\tA\t192.0.2.20"));
}

TEST_F(ChainTest, CnameToAWildcardInAnotherZone) {
  // PowerDNS regression case cross-domain-cname-to-wildcard: the
  // synthesized A's owner is the CNAME's target.
  auto r = Ask("towild.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(),
              ElementsAre("towild.example.test.\t3600\tIN\tCNAME\tbla.something.sibling.test.",
                          "bla.something.sibling.test.\t1800\tIN\tA\t4.3.2.1"));
}

TEST_F(ChainTest, CnameChainThroughAnotherZoneAndBack) {
  auto r = Ask("tosibcname.example.test.", LDNS_RR_TYPE_A);
  EXPECT_THAT(r->answer(),
              ElementsAre("tosibcname.example.test.\t3600\tIN\tCNAME\talias.sibling.test.",
                          "alias.sibling.test.\t1800\tIN\tCNAME\tback.sibling.test.",
                          "back.sibling.test.\t1800\tIN\tCNAME\twww.example.test.",
                          "www.example.test.\t3600\tIN\tA\t192.0.2.1"));
}

TEST_F(ChainTest, CnameIntoTheChildZoneIsAnsweredByTheChild) {
  // PowerDNS regression case secure-cname-to-insecure (without DNSSEC): the
  // child's answer, not the parent's referral; AA set.
  auto r = Ask("tochild.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(),
              ElementsAre("tochild.example.test.\t3600\tIN\tCNAME\twww.child.example.test.",
                          "www.child.example.test.\t600\tIN\tA\t192.0.2.60"));
  EXPECT_THAT(r->authority(), IsEmpty());
}

TEST_F(ChainTest, NegativeAnswersCarryTheSoaOfTheZoneTheChainEndsIn) {
  auto nx = Ask("tochildnx.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(nx->rcode(), LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(nx->aa());
  EXPECT_EQ(nx->answer().size(), 1u);
  EXPECT_THAT(nx->authority(), ElementsAre(kChildSoa));

  auto nodata = Ask("tochild.example.test.", LDNS_RR_TYPE_AAAA);
  EXPECT_EQ(nodata->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(nodata->answer().size(), 1u);
  EXPECT_THAT(nodata->authority(), ElementsAre(kChildSoa));

  auto sib = Ask("tosibnx.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(sib->rcode(), LDNS_RCODE_NXDOMAIN);
  EXPECT_THAT(sib->authority(), ElementsAre(kSiblingSoa));
}

TEST_F(ChainTest, CnameIntoADelegationNotServedHereIsAReferralWithAa) {
  auto r = Ask("todeleg.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa()) << "the CNAME is ours (as NSD)";
  EXPECT_THAT(r->answer(),
              ElementsAre("todeleg.example.test.\t3600\tIN\tCNAME\thost.deleg.example.test."));
  EXPECT_THAT(r->authority(),
              ElementsAre("deleg.example.test.\t3600\tIN\tNS\tns1.deleg.example.test."));
  EXPECT_THAT(r->additional(), ElementsAre("ns1.deleg.example.test.\t3600\tIN\tA\t192.0.2.55"));
}

TEST_F(ChainTest, CnameOutOfEveryZoneStops) {
  auto r = Ask("toout.example.test.", LDNS_RR_TYPE_A);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(),
              ElementsAre("toout.example.test.\t3600\tIN\tCNAME\twww.example.org."));
  EXPECT_THAT(r->authority(), IsEmpty());
}

TEST_F(ChainTest, CnameIntoAChildZoneWithAnApexDname) {
  auto r = Ask("todn.example.test.", LDNS_RR_TYPE_A);
  EXPECT_THAT(r->answer(),
              ElementsAre("todn.example.test.\t3600\tIN\tCNAME\thost.dn.example.test.",
                          "dn.example.test.\t900\tIN\tDNAME\ttarget.example.test.",
                          "host.dn.example.test.\t900\tIN\tCNAME\thost.target.example.test.",
                          kHostTargetA));
}

TEST_F(ChainTest, DsAtAChildApexReachedByACnameIsTheParents) {
  auto r = Ask("tochildapex.example.test.", LDNS_RR_TYPE_DS);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(r->answer().size(), 1u);
  EXPECT_THAT(r->authority(), ElementsAre(kParentSoa));
}

TEST_F(ChainTest, OnlyZoneLoadedStillStopsAtItsEdge) {
  auto parent_only = LoadChainZones({"example.test"});
  auto r = Ask("tosibling.example.test.", LDNS_RR_TYPE_A, parent_only.get());
  EXPECT_TRUE(r->aa());
  EXPECT_THAT(r->answer(),
              ElementsAre("tosibling.example.test.\t3600\tIN\tCNAME\twww.sibling.test."));
  // With the parent only, a CNAME into the child gets the parent's referral.
  auto ref = Ask("tochild.example.test.", LDNS_RR_TYPE_A, parent_only.get());
  EXPECT_TRUE(ref->aa());
  EXPECT_EQ(ref->answer().size(), 1u);
  EXPECT_THAT(ref->authority(),
              ElementsAre("child.example.test.\t3600\tIN\tNS\tns1.child.example.test."));
}

// Chains between two zones stay bounded by the chain limit (12 CNAMEs) and
// stop at a loop.
TEST(ChainLimits, AcrossZones) {
  std::string a = "$ORIGIN a.test.\n@ 60 IN SOA ns hm 1 2 3 4 5\n@ 60 IN NS ns\nns 60 IN A 192.0.2.1\n";
  std::string b = "$ORIGIN b.test.\n@ 60 IN SOA ns hm 1 2 3 4 5\n@ 60 IN NS ns\nns 60 IN A 192.0.2.2\n";
  // c0.a -> c1.b -> c2.a -> ... -> c19.b, then c20.a has an A.
  for (int i = 0; i < 20; ++i) {
    std::string& zone = i % 2 == 0 ? a : b;
    const char* next = i % 2 == 0 ? "b" : "a";
    zone += "c" + std::to_string(i) + " 60 IN CNAME c" + std::to_string(i + 1) + "." + next +
            ".test.\n";
  }
  a += "c20 60 IN A 192.0.2.20\n";
  a += "l1 60 IN CNAME l2.b.test.\n";
  b += "l2 60 IN CNAME l1.a.test.\n";
  Snapshot snap;
  snap.zones.Put(ZoneFromText("a.test.", a, "a.zone"));
  snap.zones.Put(ZoneFromText("b.test.", b, "b.zone"));
  uint8_t out[65535];
  Request req;
  req.transport = Transport::kTcp;

  std::vector<uint8_t> q = BuildQuery("c0.a.test.", LDNS_RR_TYPE_A);
  Reply r(out, HandleQuery(snap, q.data(), q.size(), req, out, sizeof out, nullptr));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR);
  EXPECT_TRUE(r.aa());
  EXPECT_EQ(r.answer().size(), 12u) << r.ToString();
  EXPECT_THAT(r.authority(), IsEmpty());

  std::vector<uint8_t> loop = BuildQuery("l1.a.test.", LDNS_RR_TYPE_A);
  Reply l(out, HandleQuery(snap, loop.data(), loop.size(), req, out, sizeof out, nullptr));
  EXPECT_EQ(l.rcode(), LDNS_RCODE_NOERROR);
  EXPECT_THAT(l.answer(), ElementsAre("l1.a.test.\t60\tIN\tCNAME\tl2.b.test.",
                                      "l2.b.test.\t60\tIN\tCNAME\tl1.a.test."));
}

// A DNAME answer too big for a 512-octet reply is truncated whole.
TEST_F(ChainTest, TruncatedDnameAnswer) {
  const std::string name = std::string(51, 'c') + ".long.example.test.";
  std::vector<uint8_t> q = BuildQuery(name, LDNS_RR_TYPE_A);
  Request req;  // UDP without EDNS: 512 octets
  const size_t n = HandleQuery(*all_, q.data(), q.size(), req, out_, sizeof out_, &outcome_);
  Reply r(out_, n);
  EXPECT_LE(n, 512u);
  EXPECT_TRUE(r.tc());
  EXPECT_THAT(r.answer(), IsEmpty());
  EXPECT_TRUE(outcome_.truncated);
}

// --- Header flags ---

TEST_F(ChainTest, CdIsClearedAndRdKeptInAnswers) {
  for (const char* name : {"www.example.test.", "nope.example.test.", "www.example.org."}) {
    SCOPED_TRACE(name);
    std::vector<uint8_t> q = BuildQuery(name, LDNS_RR_TYPE_A);  // RD set
    q[3] |= 0x10;                                               // CD
    auto r = Ask(q);
    EXPECT_FALSE(ldns_pkt_cd(r->pkt())) << "RFC 4035 §3.1.6: CD cleared\n" << r->ToString();
    EXPECT_TRUE(ldns_pkt_rd(r->pkt()));
    EXPECT_FALSE(ldns_pkt_ad(r->pkt()));
  }
  std::vector<uint8_t> formerr = BuildQuery("www.example.test.", LDNS_RR_TYPE_A);
  formerr[3] |= 0x10;
  formerr[5] = 2;  // QDCOUNT 2, one question
  auto f = Ask(formerr);
  EXPECT_EQ(f->rcode(), LDNS_RCODE_FORMERR);
  EXPECT_FALSE(ldns_pkt_cd(f->pkt()));
}

TEST_F(ChainTest, NotImpClearsRdAndCd) {
  // ISC's EDNS compliance test `opcodeflg`: an unknown opcode with RD, AD
  // and CD set gets NOTIMP with the opcode kept and no flag but QR.
  std::vector<uint8_t> q = BuildQuery("www.example.test.", LDNS_RR_TYPE_SOA);
  q[2] = static_cast<uint8_t>((15 << 3) | 0x01);  // QR clear, opcode 15, RD
  q[3] |= 0x30;                                  // AD, CD
  auto r = Ask(q);
  ASSERT_NE(r->pkt(), nullptr);
  EXPECT_EQ(r->rcode(), LDNS_RCODE_NOTIMPL);
  EXPECT_EQ(static_cast<int>(ldns_pkt_get_opcode(r->pkt())), 15);
  EXPECT_TRUE(ldns_pkt_qr(r->pkt()));
  EXPECT_FALSE(ldns_pkt_rd(r->pkt())) << r->ToString();
  EXPECT_FALSE(ldns_pkt_cd(r->pkt())) << r->ToString();
  EXPECT_FALSE(ldns_pkt_ad(r->pkt())) << r->ToString();
  EXPECT_FALSE(ldns_pkt_aa(r->pkt())) << r->ToString();
}

}  // namespace
}  // namespace dns
