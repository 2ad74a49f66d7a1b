// File: tests/e2e/edge_zone_test.cc
//
// Corners that a realistic example zone should not contain, served from a
// zone written by the test: CNAME loops (the server must not spin), a CNAME
// to a wildcard, a wildcard CNAME, a long chain, a CNAME into a delegation,
// and master-file directives ($INCLUDE relative to the including file,
// $ORIGIN switches, $TTL, per-record TTL).
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"

namespace e2e {
namespace {

constexpr char kEdgeZone[] = R"(; edge.test. -- written by edge_zone_test.cc
$ORIGIN edge.test.
$TTL 60
@        IN SOA ns hostmaster 1 3600 600 86400 30
@        IN NS  ns
ns       IN A   192.0.2.1

loop1    IN CNAME loop2
loop2    IN CNAME loop1
self     IN CNAME self

towild   IN CNAME foo.wild
*.wild   IN A     192.0.2.7
*.wcname IN CNAME target
target   IN A     192.0.2.8

c1  IN CNAME c2
c2  IN CNAME c3
c3  IN CNAME c4
c4  IN CNAME c5
c5  IN CNAME c6
c6  IN CNAME c7
c7  IN CNAME c8
c8  IN CNAME c9
c9  IN CNAME c10
c10 IN CNAME c11
c11 IN CNAME c12
c12 IN A     192.0.2.12

todeleg  IN CNAME host.deleg
deleg    IN NS    ns.deleg
ns.deleg IN A     192.0.2.53

$INCLUDE included.zone
$ORIGIN other.edge.test.
x 120    IN A     192.0.2.99
)";

// Relative names in an included file use the including file's origin.
constexpr char kIncluded[] = R"(inc IN TXT "from the included file"
)";

class e2eEdgeZone : public ServerTest {
 protected:
  ServerOptions Options() override {
    dir_ = MakeTempDir();
    EXPECT_TRUE(WriteFile(dir_ + "/edge.test.zone", kEdgeZone));
    EXPECT_TRUE(WriteFile(dir_ + "/included.zone", kIncluded));
    ServerOptions o;
    o.zones = {"edge.test.=" + dir_ + "/edge.test.zone"};
    return o;
  }
  void TearDown() override {
    ServerTest::TearDown();
    unlink((dir_ + "/edge.test.zone").c_str());
    unlink((dir_ + "/included.zone").c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(e2eEdgeZone, CnameLoopIsAnsweredAndDoesNotHang) {
  for (const char* qname : {"loop1.edge.test.", "self.edge.test."}) {
    SCOPED_TRACE(qname);
    Reply r;
    ASSERT_TRUE(AskUdp(qname, LDNS_RR_TYPE_A, {}, &r));
    EXPECT_TRUE(r.rcode() == LDNS_RCODE_NOERROR || r.rcode() == LDNS_RCODE_SERVFAIL)
        << r.ToString();
    EXPECT_LE(ldns_rr_list_rr_count(r.answer()), 2u)
        << "each CNAME of the loop at most once\n" << r.ToString();
    ASSERT_GE(ldns_rr_list_rr_count(r.answer()), 1u) << r.ToString();
    EXPECT_EQ(ldns_rr_get_type(ldns_rr_list_rr(r.answer(), 0)), LDNS_RR_TYPE_CNAME);
  }
  ASSERT_TRUE(server_.IsRunning());
  Reply ok;
  ASSERT_TRUE(AskUdp("ns.edge.test.", LDNS_RR_TYPE_A, {}, &ok));
  EXPECT_TRUE(SectionEquals(ok.answer(), {"ns.edge.test. 60 IN A 192.0.2.1"}));
}

TEST_F(e2eEdgeZone, CnameToAWildcardName) {
  ExpectAnswer("towild.edge.test.", LDNS_RR_TYPE_A,
               {"towild.edge.test. 60 IN CNAME foo.wild.edge.test.",
                "foo.wild.edge.test. 60 IN A 192.0.2.7"},
               /*ordered=*/true);
}

TEST_F(e2eEdgeZone, WildcardCnameIsSynthesizedAndFollowed) {
  ExpectAnswer("any.wcname.edge.test.", LDNS_RR_TYPE_A,
               {"any.wcname.edge.test. 60 IN CNAME target.edge.test.",
                "target.edge.test. 60 IN A 192.0.2.8"},
               /*ordered=*/true);
}

TEST_F(e2eEdgeZone, LongChainIsFollowedOrCutButAlwaysAnswered) {
  Reply r;
  ASSERT_TRUE(AskUdp("c1.edge.test.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_TRUE(r.rcode() == LDNS_RCODE_NOERROR || r.rcode() == LDNS_RCODE_SERVFAIL)
      << r.ToString();
  ASSERT_GE(ldns_rr_list_rr_count(r.answer()), 1u) << r.ToString();
  EXPECT_TRUE(SectionContains(r.answer(), {"c1.edge.test. 60 IN CNAME c2.edge.test."}));
  EXPECT_LE(ldns_rr_list_rr_count(r.answer()), 12u) << r.ToString();
  // Over TCP too (no truncation games).
  Reply t;
  ASSERT_TRUE(AskTcp("c1.edge.test.", LDNS_RR_TYPE_A, {}, &t));
  EXPECT_GE(ldns_rr_list_rr_count(t.answer()), 1u) << t.ToString();
}

TEST_F(e2eEdgeZone, CnameIntoADelegationEndsTheChainThere) {
  // The CNAME is authoritative data; its target lies below a zone cut, so
  // the answer carries the CNAME and no address from the parent's glue.
  Reply r;
  ASSERT_TRUE(AskUdp("todeleg.edge.test.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  EXPECT_TRUE(SectionContains(r.answer(),
                              {"todeleg.edge.test. 60 IN CNAME host.deleg.edge.test."}));
  EXPECT_EQ(CountType(r.answer(), LDNS_RR_TYPE_A), 0u) << r.ToString();
}

TEST_F(e2eEdgeZone, IncludeOriginAndTtlDirectives) {
  Reply inc;
  ASSERT_TRUE(AskUdp("inc.edge.test.", LDNS_RR_TYPE_TXT, {}, &inc));
  EXPECT_TRUE(SectionEquals(inc.answer(),
                            {"inc.edge.test. 60 IN TXT \"from the included file\""}));
  Reply x;
  ASSERT_TRUE(AskUdp("x.other.edge.test.", LDNS_RR_TYPE_A, {}, &x));
  EXPECT_TRUE(SectionEquals(x.answer(), {"x.other.edge.test. 120 IN A 192.0.2.99"}));
  Reply nx;  // negative TTL: min(SOA TTL 60, MINIMUM 30)
  ASSERT_TRUE(AskUdp("nope.edge.test.", LDNS_RR_TYPE_A, {}, &nx));
  EXPECT_EQ(nx.rcode(), LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(SectionEquals(
      nx.authority(),
      {"edge.test. 30 IN SOA ns.edge.test. hostmaster.edge.test. 1 3600 600 86400 30"}));
}

}  // namespace
}  // namespace e2e
