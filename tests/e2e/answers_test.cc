// File: tests/e2e/answers_test.cc
//
// Authoritative answers from examples/example.com.zone, checked with ldns
// (octet-level RR comparison) and with c-ares' own reply parsers:
// positive answers and their additional addresses, NXDOMAIN/NODATA with the
// SOA and the RFC 2308 negative TTL, empty non-terminals, CNAME chains,
// wildcards (RFC 4592), RFC 3597 unknown types and minimal ANY (RFC 8482).
#include <arpa/inet.h>
#include <netdb.h>

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"

namespace e2e {
namespace {

// The zone's SOA as it appears in negative answers: TTL = min(3600, 300).
constexpr char kNegativeSoa[] =
    "example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. "
    "2024060101 7200 3600 1209600 300";

class e2eAnswers : public ServerTest {
 protected:
  // Asks over UDP and checks the parts every authoritative answer shares.
  void ExpectAuthoritative(const Reply& r, int rcode) {
    EXPECT_EQ(r.rcode(), rcode) << r.ToString();
    EXPECT_TRUE(r.aa()) << "AA must be set\n" << r.ToString();
    EXPECT_FALSE(r.tc()) << r.ToString();
    EXPECT_FALSE(r.ra()) << "an authoritative-only server does not offer recursion\n"
                         << r.ToString();
    EXPECT_FALSE(r.has_opt()) << "no OPT in the reply to a query without one\n"
                              << r.ToString();
  }
};

TEST_F(e2eAnswers, WwwA) {
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
}

TEST_F(e2eAnswers, WwwAaaa) {
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_AAAA, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(
      SectionEquals(r.answer(), {"www.example.com. 3600 IN AAAA 2001:db8::10"}));
}

TEST_F(e2eAnswers, RdIsCopiedFromTheQuery) {
  Reply r;
  QueryOptions o;
  o.rd = true;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, o, &r));
  EXPECT_TRUE(r.rd()) << "RD is copied into the response (RFC 1035 §4.1.1)";
  EXPECT_FALSE(r.ra());
  EXPECT_TRUE(r.aa());
  EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
}

TEST_F(e2eAnswers, QnameMatchesCaseInsensitively) {
  Reply r;
  ASSERT_TRUE(AskUdp("WWW.EXAMPLE.COM.", LDNS_RR_TYPE_A, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
}

TEST_F(e2eAnswers, ApexSoa) {
  Reply r;
  ASSERT_TRUE(AskUdp("example.com.", LDNS_RR_TYPE_SOA, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(
      r.answer(), {"example.com. 3600 IN SOA ns1.example.com. "
                   "hostmaster.example.com. 2024060101 7200 3600 1209600 300"}));
}

TEST_F(e2eAnswers, ApexNsWithGlueInAdditional) {
  Reply r;
  ASSERT_TRUE(AskUdp("example.com.", LDNS_RR_TYPE_NS, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(r.answer(),
                            {"example.com. 86400 IN NS ns1.example.com.",
                             "example.com. 86400 IN NS ns2.example.com."}));
  EXPECT_TRUE(SectionContains(r.additional(),
                              {"ns1.example.com. 3600 IN A 192.0.2.1",
                               "ns1.example.com. 3600 IN AAAA 2001:db8::1",
                               "ns2.example.com. 3600 IN A 198.51.100.2"}));
}

TEST_F(e2eAnswers, MxWithTargetAddressesInAdditional) {
  Reply r;
  ASSERT_TRUE(AskUdp("example.com.", LDNS_RR_TYPE_MX, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(
      SectionEquals(r.answer(), {"example.com. 3600 IN MX 10 mail.example.com."}));
  EXPECT_TRUE(SectionContains(r.additional(),
                              {"mail.example.com. 3600 IN A 192.0.2.25",
                               "mail.example.com. 3600 IN AAAA 2001:db8::25"}));
}

TEST_F(e2eAnswers, SrvWithTargetAddressInAdditional) {
  Reply r;
  ASSERT_TRUE(AskUdp("_sip._tcp.example.com.", LDNS_RR_TYPE_SRV, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(
      r.answer(), {"_sip._tcp.example.com. 3600 IN SRV 10 60 5060 sip.example.com."}));
  EXPECT_TRUE(
      SectionContains(r.additional(), {"sip.example.com. 3600 IN A 192.0.2.50"}));
}

TEST_F(e2eAnswers, ApexTxt) {
  Reply r;
  ASSERT_TRUE(AskUdp("example.com.", LDNS_RR_TYPE_TXT, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(
      r.answer(), {"example.com. 3600 IN TXT \"v=spf1 mx ip4:192.0.2.0/24 -all\""}));
}

TEST_F(e2eAnswers, ApexCaa) {
  Reply r;
  ASSERT_TRUE(AskUdp("example.com.", LDNS_RR_TYPE_CAA, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(
      r.answer(), {"example.com. 3600 IN CAA 0 issue \"ca.example.net\"",
                   "example.com. 3600 IN CAA 0 iodef "
                   "\"mailto:security@example.com\""}));
}

TEST_F(e2eAnswers, UnknownTypeInGenericSyntax) {
  const uint16_t kType65400 = 65400;
  QueryOptions o;
  Bytes q = MakeQuery("unknown.example.com.", kType65400, o);
  Reply r;
  ASSERT_TRUE(AskUdpRaw(v4(), q, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  ASSERT_EQ(ldns_rr_list_rr_count(r.answer()), 1u) << r.ToString();
  const ldns_rr* rr = ldns_rr_list_rr(r.answer(), 0);
  EXPECT_EQ(ldns_rr_get_type(rr), kType65400);
  EXPECT_EQ(ldns_rr_ttl(rr), 3600u);
  // The RDATA octets exactly as in "\# 6 0102 0304 0506".
  Bytes wire = CanonicalWire(rr);
  const Bytes rdata_tail = {0x00, 0x06, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
  ASSERT_GE(wire.size(), rdata_tail.size());
  EXPECT_TRUE(std::equal(rdata_tail.begin(), rdata_tail.end(),
                         wire.end() - static_cast<long>(rdata_tail.size())))
      << RRText(rr);
  EXPECT_TRUE(SectionEquals(
      r.answer(), {"unknown.example.com. 3600 IN TYPE65400 \\# 6 010203040506"}));
}

TEST_F(e2eAnswers, NxDomainCarriesSoaWithNegativeTtl) {
  Reply r;
  ASSERT_TRUE(AskUdp("nope.example.com.", LDNS_RR_TYPE_A, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
  EXPECT_TRUE(SectionEquals(r.authority(), {kNegativeSoa}))
      << "NXDOMAIN carries the SOA with TTL min(SOA TTL, MINIMUM) (RFC 2308 §3)";
}

TEST_F(e2eAnswers, NxDomainDeepBelowExistingName) {
  Reply r;
  ASSERT_TRUE(AskUdp("x.y.www.example.com.", LDNS_RR_TYPE_A, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(SectionEquals(r.authority(), {kNegativeSoa}));
}

TEST_F(e2eAnswers, NoDataCarriesSoaWithNegativeTtl) {
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_MX, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
  EXPECT_TRUE(SectionEquals(r.authority(), {kNegativeSoa}))
      << "NODATA carries the SOA with TTL min(SOA TTL, MINIMUM) (RFC 2308 §5)";
}

TEST_F(e2eAnswers, EmptyNonTerminalIsNoData) {
  for (const char* ent : {"b.c.example.com.", "c.example.com."}) {
    SCOPED_TRACE(ent);
    Reply r;
    ASSERT_TRUE(AskUdp(ent, LDNS_RR_TYPE_A, {}, &r));
    ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
    EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
    EXPECT_TRUE(SectionEquals(r.authority(), {kNegativeSoa}));
  }
  Reply leaf;
  ASSERT_TRUE(AskUdp("a.b.c.example.com.", LDNS_RR_TYPE_A, {}, &leaf));
  ExpectAuthoritative(leaf, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(
      SectionEquals(leaf.answer(), {"a.b.c.example.com. 3600 IN A 192.0.2.90"}));
}

TEST_F(e2eAnswers, CnameFollowedInZone) {
  Reply r;
  ASSERT_TRUE(AskUdp("web.example.com.", LDNS_RR_TYPE_A, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(r.answer(),
                            {"web.example.com. 3600 IN CNAME www.example.com.",
                             "www.example.com. 3600 IN A 192.0.2.10"},
                            /*ordered=*/true));
}

TEST_F(e2eAnswers, CnameChainOfTwoFollowedInOrder) {
  Reply r;
  ASSERT_TRUE(AskUdp("blog.example.com.", LDNS_RR_TYPE_AAAA, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(r.answer(),
                            {"blog.example.com. 3600 IN CNAME web.example.com.",
                             "web.example.com. 3600 IN CNAME www.example.com.",
                             "www.example.com. 3600 IN AAAA 2001:db8::10"},
                            /*ordered=*/true));
}

TEST_F(e2eAnswers, CnameQueriedForItself) {
  Reply r;
  ASSERT_TRUE(AskUdp("web.example.com.", LDNS_RR_TYPE_CNAME, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(r.answer(),
                            {"web.example.com. 3600 IN CNAME www.example.com."}));
}

TEST_F(e2eAnswers, CnameToNoDataEndsWithSoa) {
  Reply r;
  ASSERT_TRUE(AskUdp("web.example.com.", LDNS_RR_TYPE_MX, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(r.answer(),
                            {"web.example.com. 3600 IN CNAME www.example.com."}));
  EXPECT_TRUE(SectionEquals(r.authority(), {kNegativeSoa}));
}

TEST_F(e2eAnswers, CnameLeavingTheZoneIsNotFollowed) {
  Reply r;
  ASSERT_TRUE(AskUdp("ext.example.com.", LDNS_RR_TYPE_A, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(r.answer(),
                            {"ext.example.com. 3600 IN CNAME www.example.net."}));
}

TEST_F(e2eAnswers, WildcardSynthesizesOwnerEqualToQname) {
  for (const char* qname : {"anything.apps.example.com.", "x.y.apps.example.com."}) {
    SCOPED_TRACE(qname);
    Reply r;
    ASSERT_TRUE(AskUdp(qname, LDNS_RR_TYPE_A, {}, &r));
    ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
    EXPECT_TRUE(
        SectionEquals(r.answer(), {std::string(qname) + " 300 IN A 192.0.2.80"}));
  }
}

TEST_F(e2eAnswers, WildcardServesEveryTypeItHas) {
  Reply r;
  ASSERT_TRUE(AskUdp("other.apps.example.com.", LDNS_RR_TYPE_TXT, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(SectionEquals(r.answer(),
                            {"other.apps.example.com. 300 IN TXT \"wildcard\""}));
}

TEST_F(e2eAnswers, WildcardWithoutTheTypeIsNoData) {
  Reply r;
  ASSERT_TRUE(AskUdp("anything.apps.example.com.", LDNS_RR_TYPE_AAAA, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
  EXPECT_TRUE(SectionEquals(r.authority(), {kNegativeSoa}));
}

TEST_F(e2eAnswers, WildcardDoesNotMatchBelowAnExistingName) {
  // static.apps exists, so it is the closest encloser of x.static.apps and
  // *.static.apps does not exist: name error (RFC 4592 §3.3.1).
  Reply r;
  ASSERT_TRUE(AskUdp("x.static.apps.example.com.", LDNS_RR_TYPE_A, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
  EXPECT_TRUE(SectionEquals(r.authority(), {kNegativeSoa}));
}

TEST_F(e2eAnswers, WildcardDoesNotApplyToAnExistingName) {
  Reply a;
  ASSERT_TRUE(AskUdp("static.apps.example.com.", LDNS_RR_TYPE_A, {}, &a));
  ExpectAuthoritative(a, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(
      SectionEquals(a.answer(), {"static.apps.example.com. 3600 IN A 192.0.2.81"}));
  Reply txt;  // static.apps has no TXT; *.apps's TXT must not show through
  ASSERT_TRUE(AskUdp("static.apps.example.com.", LDNS_RR_TYPE_TXT, {}, &txt));
  ExpectAuthoritative(txt, LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_rr_list_rr_count(txt.answer()), 0u) << txt.ToString();
  EXPECT_TRUE(SectionEquals(txt.authority(), {kNegativeSoa}));
}

TEST_F(e2eAnswers, WildcardParentIsEmptyNonTerminal) {
  Reply r;
  ASSERT_TRUE(AskUdp("apps.example.com.", LDNS_RR_TYPE_A, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
  EXPECT_TRUE(SectionEquals(r.authority(), {kNegativeSoa}));
}

TEST_F(e2eAnswers, WildcardOwnerQueriedLiterally) {
  Reply r;
  ASSERT_TRUE(AskUdp("*.apps.example.com.", LDNS_RR_TYPE_A, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(
      SectionEquals(r.answer(), {"*.apps.example.com. 300 IN A 192.0.2.80"}));
}

// RFC 8482: ANY gets a small answer (one RRset, or a synthesized HINFO),
// never every RRset at the name.
void ExpectMinimalAny(const Reply& r, const char* owner) {
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  EXPECT_TRUE(r.aa()) << r.ToString();
  EXPECT_FALSE(r.tc()) << r.ToString();
  const ldns_rr_list* an = r.answer();
  ASSERT_GE(ldns_rr_list_rr_count(an), 1u) << "ANY must not be empty\n"
                                           << r.ToString();
  std::set<std::pair<std::string, int>> rrsets;
  for (size_t i = 0; i < ldns_rr_list_rr_count(an); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(an, i);
    char* o = ldns_rdf2str(ldns_rr_owner(rr));
    std::string os = o;
    free(o);
    for (auto& c : os) c = static_cast<char>(tolower(c));
    rrsets.insert({os, ldns_rr_get_type(rr)});
  }
  EXPECT_EQ(rrsets.size(), 1u) << "more than one RRset in the ANY answer\n"
                               << r.ToString();
  EXPECT_EQ(rrsets.begin()->first, owner);
}

TEST_F(e2eAnswers, AnyIsAnsweredMinimallyAtTheApex) {
  Reply r;  // the apex has SOA, NS, MX, TXT and CAA
  ASSERT_TRUE(AskUdp("example.com.", LDNS_RR_TYPE_ANY, {}, &r));
  ExpectMinimalAny(r, "example.com.");
}

TEST_F(e2eAnswers, AnyIsAnsweredMinimallyAtWww) {
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_ANY, {}, &r));
  ExpectMinimalAny(r, "www.example.com.");
}

TEST_F(e2eAnswers, AnyForMissingNameIsNxDomain) {
  Reply r;
  ASSERT_TRUE(AskUdp("nope.example.com.", LDNS_RR_TYPE_ANY, {}, &r));
  ExpectAuthoritative(r, LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(SectionEquals(r.authority(), {kNegativeSoa}));
}

// ---------------------------------------------------------------------------
// The same data through c-ares, an independent client with its own parsers.

class e2eAresAnswers : public ServerTest {
 protected:
  AresResult Ask(const std::string& name, int type, int flags = 0) {
    AresClient client(v4(), flags);
    EXPECT_EQ(client.init_error(), "");
    return client.Query(name, type);
  }
  static bool Aa(const Bytes& abuf) { return abuf.size() > 2 && (abuf[2] & 0x04); }
  static bool Tc(const Bytes& abuf) { return abuf.size() > 2 && (abuf[2] & 0x02); }
  static int Rcode(const Bytes& abuf) { return abuf.size() > 3 ? abuf[3] & 0x0f : -1; }
};

constexpr int kTypeA = 1, kTypeNs = 2, kTypeSoa = 6, kTypeMx = 15,
              kTypeTxt = 16, kTypeAaaa = 28, kTypeSrv = 33, kTypeCaa = 257;

TEST_F(e2eAresAnswers, A) {
  AresResult res = Ask("www.example.com", kTypeA);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  EXPECT_TRUE(Aa(res.abuf));
  hostent* host = nullptr;
  ares_addrttl ttls[8];
  int nttls = 8;
  ASSERT_EQ(ares_parse_a_reply(res.abuf.data(), static_cast<int>(res.abuf.size()),
                               &host, ttls, &nttls),
            ARES_SUCCESS);
  ASSERT_EQ(nttls, 1);
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &ttls[0].ipaddr, text, sizeof text);
  EXPECT_STREQ(text, "192.0.2.10");
  EXPECT_EQ(ttls[0].ttl, 3600);
  EXPECT_STREQ(host->h_name, "www.example.com");
  ares_free_hostent(host);
}

TEST_F(e2eAresAnswers, Aaaa) {
  AresResult res = Ask("www.example.com", kTypeAaaa);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  ares_addr6ttl ttls[8];
  int nttls = 8;
  ASSERT_EQ(ares_parse_aaaa_reply(res.abuf.data(), static_cast<int>(res.abuf.size()),
                                  nullptr, ttls, &nttls),
            ARES_SUCCESS);
  ASSERT_EQ(nttls, 1);
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &ttls[0].ip6addr, text, sizeof text);
  EXPECT_STREQ(text, "2001:db8::10");
  EXPECT_EQ(ttls[0].ttl, 3600);
}

TEST_F(e2eAresAnswers, CnameChainResolvesToTheFinalAddress) {
  AresResult res = Ask("blog.example.com", kTypeA);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  hostent* host = nullptr;
  ares_addrttl ttls[8];
  int nttls = 8;
  ASSERT_EQ(ares_parse_a_reply(res.abuf.data(), static_cast<int>(res.abuf.size()),
                               &host, ttls, &nttls),
            ARES_SUCCESS);
  ASSERT_EQ(nttls, 1);
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &ttls[0].ipaddr, text, sizeof text);
  EXPECT_STREQ(text, "192.0.2.10");
  // (c-ares 1.18 names the host after the first CNAME's target, so h_name
  // is not checked here; the aliases are the owners of the chain.)
  std::set<std::string> aliases;
  for (char** a = host->h_aliases; a != nullptr && *a != nullptr; ++a) {
    aliases.insert(*a);
  }
  EXPECT_TRUE(aliases.count("blog.example.com")) << "aliases miss blog";
  EXPECT_TRUE(aliases.count("web.example.com")) << "aliases miss web";
  ares_free_hostent(host);
}

TEST_F(e2eAresAnswers, Mx) {
  AresResult res = Ask("example.com", kTypeMx);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  ares_mx_reply* mx = nullptr;
  ASSERT_EQ(ares_parse_mx_reply(res.abuf.data(), static_cast<int>(res.abuf.size()), &mx),
            ARES_SUCCESS);
  ASSERT_NE(mx, nullptr);
  EXPECT_STREQ(mx->host, "mail.example.com");
  EXPECT_EQ(mx->priority, 10);
  EXPECT_EQ(mx->next, nullptr);
  ares_free_data(mx);
}

TEST_F(e2eAresAnswers, Txt) {
  AresResult res = Ask("example.com", kTypeTxt);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  ares_txt_ext* txt = nullptr;
  ASSERT_EQ(ares_parse_txt_reply_ext(res.abuf.data(),
                                     static_cast<int>(res.abuf.size()), &txt),
            ARES_SUCCESS);
  ASSERT_NE(txt, nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(txt->txt), txt->length),
            "v=spf1 mx ip4:192.0.2.0/24 -all");
  EXPECT_EQ(txt->next, nullptr);
  ares_free_data(txt);
}

TEST_F(e2eAresAnswers, Srv) {
  AresResult res = Ask("_sip._tcp.example.com", kTypeSrv);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  ares_srv_reply* srv = nullptr;
  ASSERT_EQ(ares_parse_srv_reply(res.abuf.data(), static_cast<int>(res.abuf.size()), &srv),
            ARES_SUCCESS);
  ASSERT_NE(srv, nullptr);
  EXPECT_STREQ(srv->host, "sip.example.com");
  EXPECT_EQ(srv->priority, 10);
  EXPECT_EQ(srv->weight, 60);
  EXPECT_EQ(srv->port, 5060);
  ares_free_data(srv);
}

TEST_F(e2eAresAnswers, Caa) {
  AresResult res = Ask("example.com", kTypeCaa);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  ares_caa_reply* caa = nullptr;
  ASSERT_EQ(ares_parse_caa_reply(res.abuf.data(), static_cast<int>(res.abuf.size()), &caa),
            ARES_SUCCESS);
  std::set<std::string> seen;
  int n = 0;
  for (ares_caa_reply* c = caa; c != nullptr && n < 10; c = c->next, ++n) {
    EXPECT_EQ(c->critical, 0);
    seen.insert(std::string(reinterpret_cast<char*>(c->property), c->plength) + "=" +
                std::string(reinterpret_cast<char*>(c->value), c->length));
  }
  ares_free_data(caa);
  EXPECT_EQ(seen, (std::set<std::string>{"issue=ca.example.net",
                                         "iodef=mailto:security@example.com"}));
}

TEST_F(e2eAresAnswers, Ns) {
  AresResult res = Ask("example.com", kTypeNs);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  hostent* host = nullptr;
  ASSERT_EQ(ares_parse_ns_reply(res.abuf.data(), static_cast<int>(res.abuf.size()), &host),
            ARES_SUCCESS);
  std::set<std::string> ns;
  for (char** a = host->h_aliases; a != nullptr && *a != nullptr; ++a) ns.insert(*a);
  ares_free_hostent(host);
  EXPECT_EQ(ns, (std::set<std::string>{"ns1.example.com", "ns2.example.com"}));
}

TEST_F(e2eAresAnswers, Soa) {
  AresResult res = Ask("example.com", kTypeSoa);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  ares_soa_reply* soa = nullptr;
  ASSERT_EQ(ares_parse_soa_reply(res.abuf.data(), static_cast<int>(res.abuf.size()), &soa),
            ARES_SUCCESS);
  EXPECT_STREQ(soa->nsname, "ns1.example.com");
  EXPECT_STREQ(soa->hostmaster, "hostmaster.example.com");
  EXPECT_EQ(soa->serial, 2024060101u);
  EXPECT_EQ(soa->refresh, 7200u);
  EXPECT_EQ(soa->retry, 3600u);
  EXPECT_EQ(soa->expire, 1209600u);
  EXPECT_EQ(soa->minttl, 300u);
  ares_free_data(soa);
}

TEST_F(e2eAresAnswers, NxDomain) {
  AresResult res = Ask("nope.example.com", kTypeA);
  EXPECT_EQ(res.status, ARES_ENOTFOUND) << res.StatusText();
  ASSERT_FALSE(res.abuf.empty());
  EXPECT_EQ(Rcode(res.abuf), 3);
  EXPECT_TRUE(Aa(res.abuf));
}

TEST_F(e2eAresAnswers, NoData) {
  AresResult res = Ask("www.example.com", kTypeMx);
  EXPECT_EQ(res.status, ARES_ENODATA) << res.StatusText();
  ASSERT_FALSE(res.abuf.empty());
  EXPECT_EQ(Rcode(res.abuf), 0);
  EXPECT_TRUE(Aa(res.abuf));
}

TEST_F(e2eAresAnswers, TruncatedUdpAnswerIsRetriedOverTcp) {
  // 40 A records do not fit in 512 octets: c-ares sees TC=1 and retries
  // over TCP on its own, getting all of them.
  AresResult res = Ask("big.example.com", kTypeA);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  EXPECT_FALSE(Tc(res.abuf));
  ares_addrttl ttls[64];
  int nttls = 64;
  ASSERT_EQ(ares_parse_a_reply(res.abuf.data(), static_cast<int>(res.abuf.size()),
                               nullptr, ttls, &nttls),
            ARES_SUCCESS);
  EXPECT_EQ(nttls, 40);
}

TEST_F(e2eAresAnswers, TruncatedUdpAnswerSeenWithIgnTc) {
  AresResult res = Ask("big.example.com", kTypeA, ARES_FLAG_IGNTC);
  ASSERT_FALSE(res.abuf.empty()) << res.StatusText();
  EXPECT_TRUE(Tc(res.abuf)) << "TC must be set on the 512-octet UDP reply";
  EXPECT_LE(res.abuf.size(), 512u);
}

}  // namespace
}  // namespace e2e
