// File: tests/e2e/ipv6_test.cc
//
// One server listening on 127.0.0.1:P and [::1]:P answers over both
// families, UDP and TCP. Skipped where ::1 cannot be bound.
#include <string>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"

namespace e2e {
namespace {

class e2eIpv6 : public ServerTest {
 protected:
  ServerOptions Options() override {
    ServerOptions o = ServerOptions::ExampleZones();
    o.ipv6 = true;
    return o;
  }
  void SetUp() override {
    if (!Ipv6LoopbackAvailable()) GTEST_SKIP() << "::1 is not available here";
    ServerTest::SetUp();
  }
};

TEST_F(e2eIpv6, UdpAndTcpOverBothFamilies) {
  for (const Endpoint& ep : {v4(), v6()}) {
    SCOPED_TRACE(ep.ToString());
    Reply u;
    ASSERT_TRUE(e2e::AskUdp(ep, "www.example.com.", LDNS_RR_TYPE_AAAA, {}, &u));
    EXPECT_TRUE(u.aa());
    EXPECT_TRUE(SectionEquals(u.answer(), {"www.example.com. 3600 IN AAAA 2001:db8::10"}));
    Reply t;
    ASSERT_TRUE(e2e::AskTcp(ep, "www.example.com.", LDNS_RR_TYPE_A, {}, &t));
    EXPECT_TRUE(t.aa());
    EXPECT_TRUE(SectionEquals(t.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
  }
}

TEST_F(e2eIpv6, TruncationAndTcpRetryOverIpv6) {
  Reply u;
  ASSERT_TRUE(e2e::AskUdp(v6(), "big.example.com.", LDNS_RR_TYPE_A, {}, &u));
  EXPECT_TRUE(u.tc()) << u.ToString();
  EXPECT_LE(u.wire().size(), 512u);
  Reply t;
  ASSERT_TRUE(e2e::AskTcp(v6(), "big.example.com.", LDNS_RR_TYPE_A, {}, &t));
  EXPECT_FALSE(t.tc());
  EXPECT_EQ(ldns_rr_list_rr_count(t.answer()), 40u);
}

TEST_F(e2eIpv6, CaresOverIpv6) {
  for (int flags : {0, ARES_FLAG_USEVC}) {
    SCOPED_TRACE(flags == 0 ? "UDP" : "TCP");
    AresClient client(v6(), flags);
    ASSERT_EQ(client.init_error(), "");
    AresResult res = client.Query("mail.example.com", 1);
    ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
    const AresAddresses a = ParseAresAddresses(res.abuf, AF_INET);
    ASSERT_EQ(a.status, ARES_SUCCESS);
    EXPECT_EQ(a.addresses.size(), 1u);
  }
}

TEST_F(e2eIpv6, NegativeAnswersOverIpv6) {
  Reply r;
  ASSERT_TRUE(e2e::AskUdp(v6(), "nope.example.com.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NXDOMAIN) << r.ToString();
  Reply refused;
  ASSERT_TRUE(e2e::AskUdp(v6(), "www.example.org.", LDNS_RR_TYPE_A, {}, &refused));
  EXPECT_EQ(refused.rcode(), LDNS_RCODE_REFUSED) << refused.ToString();
}

}  // namespace
}  // namespace e2e
