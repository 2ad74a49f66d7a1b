// File: tests/e2e/delegation_test.cc
//
// sub.example.com. is delegated from example.com. With only the parent
// loaded, names at and below the cut get a referral (AA clear, the NS RRset
// in authority, glue in additional); DS at the cut is the parent's
// (RFC 4035 §3.1.4.1). With the child zone loaded as well, the deepest zone
// answers with authority.
#include <string>

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
  Reply r;
  ASSERT_TRUE(AskUdp("sub.example.com.", LDNS_RR_TYPE_DS, {}, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  EXPECT_TRUE(r.aa()) << "the parent is authoritative for DS at the cut\n"
                      << r.ToString();
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
  EXPECT_TRUE(SectionEquals(
      r.authority(), {"example.com. 300 IN SOA ns1.example.com. "
                      "hostmaster.example.com. 2024060101 7200 3600 1209600 300"}));
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
  Reply r;
  ASSERT_TRUE(AskUdp("www.sub.example.com.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  EXPECT_TRUE(r.aa()) << r.ToString();
  EXPECT_TRUE(
      SectionEquals(r.answer(), {"www.sub.example.com. 600 IN A 192.0.2.60"}));
}

TEST_F(e2eChildZone, ChildApexSoaAndNs) {
  Reply soa;
  ASSERT_TRUE(AskUdp("sub.example.com.", LDNS_RR_TYPE_SOA, {}, &soa));
  EXPECT_EQ(soa.rcode(), LDNS_RCODE_NOERROR) << soa.ToString();
  EXPECT_TRUE(soa.aa()) << soa.ToString();
  EXPECT_TRUE(SectionEquals(
      soa.answer(), {"sub.example.com. 60 IN SOA ns1.sub.example.com. "
                     "hostmaster.example.com. 2024060101 3600 900 604800 600"}));
  Reply ns;
  ASSERT_TRUE(AskUdp("sub.example.com.", LDNS_RR_TYPE_NS, {}, &ns));
  EXPECT_TRUE(ns.aa()) << ns.ToString();
  EXPECT_TRUE(SectionEquals(ns.answer(),
                            {"sub.example.com. 600 IN NS ns1.sub.example.com.",
                             "sub.example.com. 600 IN NS ns2.sub.example.com."}));
  EXPECT_TRUE(SectionContains(ns.additional(),
                              {"ns1.sub.example.com. 600 IN A 192.0.2.53",
                               "ns2.sub.example.com. 600 IN AAAA 2001:db8::53"}));
}

TEST_F(e2eChildZone, NxDomainInTheChildUsesTheChildSoa) {
  // The child's SOA TTL (60) is below its MINIMUM (600): min() is 60.
  Reply r;
  ASSERT_TRUE(AskUdp("nope.sub.example.com.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NXDOMAIN) << r.ToString();
  EXPECT_TRUE(r.aa()) << r.ToString();
  EXPECT_TRUE(SectionEquals(
      r.authority(), {"sub.example.com. 60 IN SOA ns1.sub.example.com. "
                      "hostmaster.example.com. 2024060101 3600 900 604800 600"}));
}

TEST_F(e2eChildZone, NoDataInTheChildUsesTheChildSoa) {
  Reply r;
  ASSERT_TRUE(AskUdp("www.sub.example.com.", LDNS_RR_TYPE_AAAA, {}, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  EXPECT_TRUE(r.aa()) << r.ToString();
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
  EXPECT_TRUE(SectionEquals(
      r.authority(), {"sub.example.com. 60 IN SOA ns1.sub.example.com. "
                      "hostmaster.example.com. 2024060101 3600 900 604800 600"}));
}

TEST_F(e2eChildZone, DsAtTheChildApexIsAnsweredFromTheParent) {
  // RFC 4035 §3.1.4.1: DS lives on the parent side of the cut; a server
  // authoritative for both zones answers DS from the parent (as BIND, NSD
  // and Knot do). The parent has no DS for sub: NODATA with the parent's SOA.
  Reply r;
  ASSERT_TRUE(AskUdp("sub.example.com.", LDNS_RR_TYPE_DS, {}, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  EXPECT_TRUE(r.aa()) << r.ToString();
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
  EXPECT_TRUE(SectionEquals(
      r.authority(), {"example.com. 300 IN SOA ns1.example.com. "
                      "hostmaster.example.com. 2024060101 7200 3600 1209600 300"}));
}

TEST_F(e2eChildZone, ParentStillAnswersItsOwnNames) {
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_TRUE(r.aa()) << r.ToString();
  EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
}

}  // namespace
}  // namespace e2e
