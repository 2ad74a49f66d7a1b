// File: tests/e2e/delegation_test.cc
//
// sub.example.com. is delegated from example.com. With only the parent
// loaded, names at and below the cut get a referral (AA clear, the NS RRset
// in authority, glue in additional); DS at the cut is the parent's
// (RFC 4035 §3.1.4.1). With the child zone loaded as well, the deepest zone
// answers with authority.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"

namespace e2e {
namespace {

const std::vector<std::string> kDelegationNs = {
    "sub.example.com. 3600 IN NS ns1.sub.example.com.",
    "sub.example.com. 3600 IN NS ns2.sub.example.com."};
const std::vector<std::string> kGlue = {
    "ns1.sub.example.com. 3600 IN A 192.0.2.53",
    "ns2.sub.example.com. 3600 IN AAAA 2001:db8::53"};
// The SOAs in negative answers: TTL = min(SOA TTL, MINIMUM).
constexpr char kParentSoa[] =
    "example.com. 300 IN SOA ns1.example.com. "
    "hostmaster.example.com. 2024060101 7200 3600 1209600 300";
constexpr char kChildSoa[] =
    "sub.example.com. 60 IN SOA ns1.sub.example.com. "
    "hostmaster.example.com. 2024060101 3600 900 604800 600";

class e2eReferral : public ServerTest {
 protected:
  void ExpectReferral(const std::string& qname, ldns_rr_type type) {
    SCOPED_TRACE(Q(qname, type));
    Reply r;
    ASSERT_TRUE(AskUdp(qname, type, {}, &r));
    EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
    EXPECT_FALSE(r.aa()) << "a referral is not authoritative\n" << r.ToString();
    EXPECT_FALSE(r.tc()) << r.ToString();
    EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
    EXPECT_TRUE(SectionEquals(r.authority(), kDelegationNs));
    EXPECT_TRUE(SectionContains(r.additional(), kGlue));
  }
};

TEST_F(e2eReferral, NameBelowTheCut) {
  ExpectReferral("www.sub.example.com.", LDNS_RR_TYPE_A);
}

TEST_F(e2eReferral, DeepNameBelowTheCut) {
  ExpectReferral("a.b.c.sub.example.com.", LDNS_RR_TYPE_AAAA);
}

TEST_F(e2eReferral, TheCutItself) {
  ExpectReferral("sub.example.com.", LDNS_RR_TYPE_A);
}

TEST_F(e2eReferral, NsAtTheCutIsAReferralToo) {
  ExpectReferral("sub.example.com.", LDNS_RR_TYPE_NS);
}

TEST_F(e2eReferral, GlueNamesAreNotAnsweredAuthoritatively) {
  ExpectReferral("ns1.sub.example.com.", LDNS_RR_TYPE_A);
}

TEST_F(e2eReferral, DsAtTheCutIsAnsweredByTheParent) {
  ExpectNegative("sub.example.com.", LDNS_RR_TYPE_DS, LDNS_RCODE_NOERROR, kParentSoa,
                 "the parent is authoritative for DS at the cut");
}

TEST_F(e2eReferral, ReferralOverTcp) {
  Reply r;
  ASSERT_TRUE(AskTcp("www.sub.example.com.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  EXPECT_FALSE(r.aa()) << r.ToString();
  EXPECT_TRUE(SectionEquals(r.authority(), kDelegationNs));
  EXPECT_TRUE(SectionContains(r.additional(), kGlue));
}

// ---------------------------------------------------------------------------

class e2eChildZone : public ServerTest {
 protected:
  ServerOptions Options() override {
    return ServerOptions::ExampleZones(/*with_child=*/true);
  }
};

TEST_F(e2eChildZone, NameInTheChildIsAnsweredAuthoritatively) {
  ExpectAnswer("www.sub.example.com.", LDNS_RR_TYPE_A,
               {"www.sub.example.com. 600 IN A 192.0.2.60"});
}

TEST_F(e2eChildZone, ChildApexSoaAndNs) {
  ExpectAnswer("sub.example.com.", LDNS_RR_TYPE_SOA,
               {"sub.example.com. 60 IN SOA ns1.sub.example.com. "
                "hostmaster.example.com. 2024060101 3600 900 604800 600"});
  ExpectAnswerAndAdditional("sub.example.com.", LDNS_RR_TYPE_NS,
                            {"sub.example.com. 600 IN NS ns1.sub.example.com.",
                             "sub.example.com. 600 IN NS ns2.sub.example.com."},
                            {"ns1.sub.example.com. 600 IN A 192.0.2.53",
                             "ns2.sub.example.com. 600 IN AAAA 2001:db8::53"});
}

TEST_F(e2eChildZone, NxDomainInTheChildUsesTheChildSoa) {
  // The child's SOA TTL (60) is below its MINIMUM (600): min() is 60.
  ExpectNegative("nope.sub.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, kChildSoa);
}

TEST_F(e2eChildZone, NoDataInTheChildUsesTheChildSoa) {
  ExpectNegative("www.sub.example.com.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR, kChildSoa);
}

TEST_F(e2eChildZone, DsAtTheChildApexIsAnsweredFromTheParent) {
  // RFC 4035 §3.1.4.1: DS lives on the parent side of the cut; a server
  // authoritative for both zones answers DS from the parent (as BIND, NSD
  // and Knot do). The parent has no DS for sub: NODATA with the parent's SOA.
  ExpectNegative("sub.example.com.", LDNS_RR_TYPE_DS, LDNS_RCODE_NOERROR, kParentSoa);
}

TEST_F(e2eChildZone, ParentStillAnswersItsOwnNames) {
  ExpectAnswer("www.example.com.", LDNS_RR_TYPE_A, {"www.example.com. 3600 IN A 192.0.2.10"});
}

}  // namespace
}  // namespace e2e
