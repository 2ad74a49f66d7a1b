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
  // NXDOMAIN / NODATA in example.com.: no answer RRs, kNegativeSoa alone in
  // authority (ServerTest::ExpectNegative).
  void ExpectNxDomain(const std::string& qname, ldns_rr_type qtype,
                      const std::string& why = "") {
    ExpectNegative(qname, qtype, LDNS_RCODE_NXDOMAIN, kNegativeSoa, why);
  }
  void ExpectNoData(const std::string& qname, ldns_rr_type qtype,
                    const std::string& why = "") {
    ExpectNegative(qname, qtype, LDNS_RCODE_NOERROR, kNegativeSoa, why);
  }
};

TEST_F(e2eAnswers, WwwA) {
  ExpectAnswer("www.example.com.", LDNS_RR_TYPE_A, {"www.example.com. 3600 IN A 192.0.2.10"});
}

TEST_F(e2eAnswers, WwwAaaa) {
  ExpectAnswer("www.example.com.", LDNS_RR_TYPE_AAAA,
               {"www.example.com. 3600 IN AAAA 2001:db8::10"});
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
  ExpectAnswer("WWW.EXAMPLE.COM.", LDNS_RR_TYPE_A, {"www.example.com. 3600 IN A 192.0.2.10"});
}

TEST_F(e2eAnswers, ApexSoa) {
  ExpectAnswer("example.com.", LDNS_RR_TYPE_SOA,
               {"example.com. 3600 IN SOA ns1.example.com. "
                "hostmaster.example.com. 2024060101 7200 3600 1209600 300"});
}

TEST_F(e2eAnswers, ApexNsWithGlueInAdditional) {
  ExpectAnswerAndAdditional("example.com.", LDNS_RR_TYPE_NS,
                            {"example.com. 86400 IN NS ns1.example.com.",
                             "example.com. 86400 IN NS ns2.example.com."},
                            {"ns1.example.com. 3600 IN A 192.0.2.1",
                             "ns1.example.com. 3600 IN AAAA 2001:db8::1",
                             "ns2.example.com. 3600 IN A 198.51.100.2"});
}

TEST_F(e2eAnswers, MxWithTargetAddressesInAdditional) {
  ExpectAnswerAndAdditional("example.com.", LDNS_RR_TYPE_MX,
                            {"example.com. 3600 IN MX 10 mail.example.com."},
                            {"mail.example.com. 3600 IN A 192.0.2.25",
                             "mail.example.com. 3600 IN AAAA 2001:db8::25"});
}

TEST_F(e2eAnswers, SrvWithTargetAddressInAdditional) {
  ExpectAnswerAndAdditional("_sip._tcp.example.com.", LDNS_RR_TYPE_SRV,
                            {"_sip._tcp.example.com. 3600 IN SRV 10 60 5060 sip.example.com."},
                            {"sip.example.com. 3600 IN A 192.0.2.50"});
}

TEST_F(e2eAnswers, ApexTxt) {
  ExpectAnswer("example.com.", LDNS_RR_TYPE_TXT,
               {"example.com. 3600 IN TXT \"v=spf1 mx ip4:192.0.2.0/24 -all\""});
}

TEST_F(e2eAnswers, ApexCaa) {
  ExpectAnswer("example.com.", LDNS_RR_TYPE_CAA,
               {"example.com. 3600 IN CAA 0 issue \"ca.example.net\"",
                "example.com. 3600 IN CAA 0 iodef \"mailto:security@example.com\""});
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
  ExpectNxDomain("nope.example.com.", LDNS_RR_TYPE_A,
                 "NXDOMAIN carries the SOA with TTL min(SOA TTL, MINIMUM) (RFC 2308 §3)");
}

TEST_F(e2eAnswers, NxDomainDeepBelowExistingName) {
  ExpectNxDomain("x.y.www.example.com.", LDNS_RR_TYPE_A);
}

TEST_F(e2eAnswers, NoDataCarriesSoaWithNegativeTtl) {
  ExpectNoData("www.example.com.", LDNS_RR_TYPE_MX,
               "NODATA carries the SOA with TTL min(SOA TTL, MINIMUM) (RFC 2308 §5)");
}

TEST_F(e2eAnswers, EmptyNonTerminalIsNoData) {
  ExpectNoData("b.c.example.com.", LDNS_RR_TYPE_A);
  ExpectNoData("c.example.com.", LDNS_RR_TYPE_A);
  ExpectAnswer("a.b.c.example.com.", LDNS_RR_TYPE_A,
               {"a.b.c.example.com. 3600 IN A 192.0.2.90"});
}

TEST_F(e2eAnswers, CnameFollowedInZone) {
  ExpectAnswer("web.example.com.", LDNS_RR_TYPE_A,
               {"web.example.com. 3600 IN CNAME www.example.com.",
                "www.example.com. 3600 IN A 192.0.2.10"},
               /*ordered=*/true);
}

TEST_F(e2eAnswers, CnameChainOfTwoFollowedInOrder) {
  ExpectAnswer("blog.example.com.", LDNS_RR_TYPE_AAAA,
               {"blog.example.com. 3600 IN CNAME web.example.com.",
                "web.example.com. 3600 IN CNAME www.example.com.",
                "www.example.com. 3600 IN AAAA 2001:db8::10"},
               /*ordered=*/true);
}

TEST_F(e2eAnswers, CnameQueriedForItself) {
  ExpectAnswer("web.example.com.", LDNS_RR_TYPE_CNAME,
               {"web.example.com. 3600 IN CNAME www.example.com."});
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
  ExpectAnswer("ext.example.com.", LDNS_RR_TYPE_A,
               {"ext.example.com. 3600 IN CNAME www.example.net."});
}

TEST_F(e2eAnswers, WildcardSynthesizesOwnerEqualToQname) {
  for (const char* qname : {"anything.apps.example.com.", "x.y.apps.example.com."}) {
    ExpectAnswer(qname, LDNS_RR_TYPE_A, {std::string(qname) + " 300 IN A 192.0.2.80"});
  }
}

TEST_F(e2eAnswers, WildcardServesEveryTypeItHas) {
  ExpectAnswer("other.apps.example.com.", LDNS_RR_TYPE_TXT,
               {"other.apps.example.com. 300 IN TXT \"wildcard\""});
}

TEST_F(e2eAnswers, WildcardWithoutTheTypeIsNoData) {
  ExpectNoData("anything.apps.example.com.", LDNS_RR_TYPE_AAAA);
}

TEST_F(e2eAnswers, WildcardDoesNotMatchBelowAnExistingName) {
  // static.apps exists, so it is the closest encloser of x.static.apps and
  // *.static.apps does not exist: name error (RFC 4592 §3.3.1).
  ExpectNxDomain("x.static.apps.example.com.", LDNS_RR_TYPE_A);
}

TEST_F(e2eAnswers, WildcardDoesNotApplyToAnExistingName) {
  ExpectAnswer("static.apps.example.com.", LDNS_RR_TYPE_A,
               {"static.apps.example.com. 3600 IN A 192.0.2.81"});
  // static.apps has no TXT; *.apps's TXT must not show through.
  ExpectNoData("static.apps.example.com.", LDNS_RR_TYPE_TXT);
}

TEST_F(e2eAnswers, WildcardParentIsEmptyNonTerminal) {
  ExpectNoData("apps.example.com.", LDNS_RR_TYPE_A);
}

TEST_F(e2eAnswers, WildcardOwnerQueriedLiterally) {
  ExpectAnswer("*.apps.example.com.", LDNS_RR_TYPE_A, {"*.apps.example.com. 300 IN A 192.0.2.80"});
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
  ExpectNxDomain("nope.example.com.", LDNS_RR_TYPE_ANY);
}

// ---------------------------------------------------------------------------
// The same data through c-ares, an independent client with its own parsers.

constexpr int kTypeA = 1, kTypeNs = 2, kTypeSoa = 6, kTypeMx = 15,
              kTypeTxt = 16, kTypeAaaa = 28, kTypeSrv = 33, kTypeCaa = 257;

class e2eAresAnswers : public ServerTest {
 protected:
  AresResult Ask(const std::string& name, int type, int flags = 0) {
    AresClient client(v4(), flags);
    EXPECT_EQ(client.init_error(), "");
    return client.Query(name, type);
  }
  // Asks for the addresses of `name` in `family` (A or AAAA), expects
  // ARES_SUCCESS, and reads the reply with c-ares' parser (a failure if it
  // cannot). *abuf (if not null) gets the reply.
  AresAddresses AskAddresses(const std::string& name, int family = AF_INET,
                             Bytes* abuf = nullptr) {
    AresResult res = Ask(name, family == AF_INET ? kTypeA : kTypeAaaa);
    EXPECT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
    AresAddresses a = ParseAresAddresses(res.abuf, family);
    EXPECT_EQ(a.status, ARES_SUCCESS);
    if (abuf != nullptr) *abuf = res.abuf;
    return a;
  }
  // Asks for `name`/`type`, expects ARES_SUCCESS, and reads the reply with
  // `parse` (an ares_parse_*_reply). Returns what c-ares allocated (the
  // caller frees it), or nullptr after a test failure.
  template <typename T>
  T* AskAndParse(const std::string& name, int type,
                 int (*parse)(const unsigned char*, int, T**)) {
    AresResult res = Ask(name, type);
    EXPECT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
    T* out = nullptr;
    EXPECT_EQ(parse(res.abuf.data(), static_cast<int>(res.abuf.size()), &out),
              ARES_SUCCESS);
    return out;
  }
  // A negative answer through c-ares: `status` (ARES_ENOTFOUND for
  // NXDOMAIN, ARES_ENODATA for NODATA), and c-ares still delivers the
  // authoritative reply with `rcode`.
  void ExpectAresNegative(const std::string& name, int type, int status, int rcode) {
    AresResult res = Ask(name, type);
    EXPECT_EQ(res.status, status) << res.StatusText();
    ASSERT_FALSE(res.abuf.empty());
    EXPECT_EQ(Rcode(res.abuf), rcode);
    EXPECT_TRUE(Aa(res.abuf));
  }
  static bool Aa(const Bytes& abuf) { return abuf.size() > 2 && (abuf[2] & 0x04); }
  static bool Tc(const Bytes& abuf) { return abuf.size() > 2 && (abuf[2] & 0x02); }
  static int Rcode(const Bytes& abuf) { return abuf.size() > 3 ? abuf[3] & 0x0f : -1; }
};

TEST_F(e2eAresAnswers, A) {
  Bytes abuf;
  const AresAddresses a = AskAddresses("www.example.com", AF_INET, &abuf);
  EXPECT_TRUE(Aa(abuf));
  ASSERT_EQ(a.addresses.size(), 1u);
  EXPECT_EQ(a.addresses[0], "192.0.2.10");
  EXPECT_EQ(a.ttls[0], 3600);
  EXPECT_EQ(a.name, "www.example.com");
}

TEST_F(e2eAresAnswers, Aaaa) {
  const AresAddresses a = AskAddresses("www.example.com", AF_INET6);
  ASSERT_EQ(a.addresses.size(), 1u);
  EXPECT_EQ(a.addresses[0], "2001:db8::10");
  EXPECT_EQ(a.ttls[0], 3600);
}

TEST_F(e2eAresAnswers, CnameChainResolvesToTheFinalAddress) {
  const AresAddresses a = AskAddresses("blog.example.com");
  ASSERT_EQ(a.addresses.size(), 1u);
  EXPECT_EQ(a.addresses[0], "192.0.2.10");
  // (c-ares 1.18 names the host after the first CNAME's target, so h_name
  // is not checked here; the aliases are the owners of the chain.)
  EXPECT_TRUE(a.aliases.count("blog.example.com")) << "aliases miss blog";
  EXPECT_TRUE(a.aliases.count("web.example.com")) << "aliases miss web";
}

TEST_F(e2eAresAnswers, Mx) {
  ares_mx_reply* mx = AskAndParse("example.com", kTypeMx, ares_parse_mx_reply);
  ASSERT_NE(mx, nullptr);
  EXPECT_STREQ(mx->host, "mail.example.com");
  EXPECT_EQ(mx->priority, 10);
  EXPECT_EQ(mx->next, nullptr);
  ares_free_data(mx);
}

TEST_F(e2eAresAnswers, Txt) {
  ares_txt_ext* txt = AskAndParse("example.com", kTypeTxt, ares_parse_txt_reply_ext);
  ASSERT_NE(txt, nullptr);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(txt->txt), txt->length),
            "v=spf1 mx ip4:192.0.2.0/24 -all");
  EXPECT_EQ(txt->next, nullptr);
  ares_free_data(txt);
}

TEST_F(e2eAresAnswers, Srv) {
  ares_srv_reply* srv = AskAndParse("_sip._tcp.example.com", kTypeSrv, ares_parse_srv_reply);
  ASSERT_NE(srv, nullptr);
  EXPECT_STREQ(srv->host, "sip.example.com");
  EXPECT_EQ(srv->priority, 10);
  EXPECT_EQ(srv->weight, 60);
  EXPECT_EQ(srv->port, 5060);
  ares_free_data(srv);
}

TEST_F(e2eAresAnswers, Caa) {
  ares_caa_reply* caa = AskAndParse("example.com", kTypeCaa, ares_parse_caa_reply);
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
  hostent* host = AskAndParse("example.com", kTypeNs, ares_parse_ns_reply);
  ASSERT_NE(host, nullptr);
  std::set<std::string> ns;
  for (char** a = host->h_aliases; a != nullptr && *a != nullptr; ++a) ns.insert(*a);
  ares_free_hostent(host);
  EXPECT_EQ(ns, (std::set<std::string>{"ns1.example.com", "ns2.example.com"}));
}

TEST_F(e2eAresAnswers, Soa) {
  ares_soa_reply* soa = AskAndParse("example.com", kTypeSoa, ares_parse_soa_reply);
  ASSERT_NE(soa, nullptr);
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
  ExpectAresNegative("nope.example.com", kTypeA, ARES_ENOTFOUND, LDNS_RCODE_NXDOMAIN);
}

TEST_F(e2eAresAnswers, NoData) {
  ExpectAresNegative("www.example.com", kTypeMx, ARES_ENODATA, LDNS_RCODE_NOERROR);
}

TEST_F(e2eAresAnswers, TruncatedUdpAnswerIsRetriedOverTcp) {
  // 40 A records do not fit in 512 octets: c-ares sees TC=1 and retries
  // over TCP on its own, getting all of them.
  Bytes abuf;
  const AresAddresses a = AskAddresses("big.example.com", AF_INET, &abuf);
  EXPECT_FALSE(Tc(abuf));
  EXPECT_EQ(a.addresses.size(), 40u);
}

TEST_F(e2eAresAnswers, TruncatedUdpAnswerSeenWithIgnTc) {
  AresResult res = Ask("big.example.com", kTypeA, ARES_FLAG_IGNTC);
  ASSERT_FALSE(res.abuf.empty()) << res.StatusText();
  EXPECT_TRUE(Tc(res.abuf)) << "TC must be set on the 512-octet UDP reply";
  EXPECT_LE(res.abuf.size(), 512u);
}

}  // namespace
}  // namespace e2e
