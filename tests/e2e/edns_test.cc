// File: tests/e2e/edns_test.cc
//
// EDNS0 (RFC 6891) and message size: an OPT in the reply exactly when the
// query had one; UDP replies no larger than the client's buffer (512 without
// EDNS), nor than 1232 (or --max-udp-size); TC=1 when the answer does not
// fit and the full answer over TCP; the qname's case kept in the reply.
#include <string>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"

namespace e2e {
namespace {

constexpr size_t kBigACount = 40;   // big.example.com. A records
constexpr size_t kBigTxtCount = 6;  // big.example.com. TXT records

class e2eEdns : public ServerTest {
 protected:
  // The header's ARCOUNT counts the OPT; ldns takes the OPT out of the
  // additional section. Checks both agree with has_opt().
  void ExpectOptCount(const Reply& r) {
    EXPECT_EQ(r.arcount(), ldns_rr_list_rr_count(r.additional()) + (r.has_opt() ? 1 : 0))
        << r.ToString();
  }
};

TEST_F(e2eEdns, NoOptInReplyToQueryWithout) {
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_FALSE(r.has_opt()) << r.ToString();
  ExpectOptCount(r);
}

TEST_F(e2eEdns, OptInReplyToQueryWithOne) {
  const QueryOptions o{.edns = true, .udp_size = 1232};
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, o, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  ASSERT_TRUE(r.has_opt()) << r.ToString();
  EXPECT_EQ(r.edns_version(), 0);
  EXPECT_GE(r.edns_udp_size(), 512) << "the server's advertised buffer size";
  ExpectOptCount(r);
  EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
}

TEST_F(e2eEdns, OptInNegativeAndErrorReplies) {
  const QueryOptions o{.edns = true};
  for (const char* qname : {"nope.example.com.", "www.example.org."}) {
    SCOPED_TRACE(qname);
    Reply r;
    ASSERT_TRUE(AskUdp(qname, LDNS_RR_TYPE_A, o, &r));
    EXPECT_TRUE(r.has_opt()) << r.ToString();
    ExpectOptCount(r);
  }
}

TEST_F(e2eEdns, OptOverTcp) {
  const QueryOptions o{.edns = true};
  Reply with;
  ASSERT_TRUE(AskTcp("www.example.com.", LDNS_RR_TYPE_A, o, &with));
  EXPECT_TRUE(with.has_opt()) << with.ToString();
  Reply without;
  ASSERT_TRUE(AskTcp("www.example.com.", LDNS_RR_TYPE_A, {}, &without));
  EXPECT_FALSE(without.has_opt()) << without.ToString();
}

TEST_F(e2eEdns, BigAnswerWithoutEdnsIsTruncatedOverUdp) {
  Reply r;
  ASSERT_TRUE(AskUdp("big.example.com.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_TRUE(r.tc()) << "673 octets do not fit in 512: TC=1\n" << r.ToString();
  EXPECT_LE(r.wire().size(), 512u);
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  EXPECT_LT(ldns_rr_list_rr_count(r.answer()), kBigACount);
}

TEST_F(e2eEdns, BigAnswerOverTcpIsComplete) {
  Reply udp;
  ASSERT_TRUE(AskUdp("big.example.com.", LDNS_RR_TYPE_A, {}, &udp));
  ASSERT_TRUE(udp.tc()) << udp.ToString();
  Reply r;  // the retry a client makes after TC=1
  ASSERT_TRUE(AskTcp("big.example.com.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_FALSE(r.tc()) << r.ToString();
  EXPECT_TRUE(r.aa()) << r.ToString();
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR);
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), kBigACount) << r.ToString();
  EXPECT_EQ(CountType(r.answer(), LDNS_RR_TYPE_A), kBigACount);
  EXPECT_TRUE(SectionContains(r.answer(), {"big.example.com. 3600 IN A 198.51.100.1",
                                           "big.example.com. 3600 IN A 198.51.100.40"}));
}

TEST_F(e2eEdns, BigAnswerFitsAnEdnsBufferOf1232) {
  const QueryOptions o{.edns = true, .udp_size = 1232};
  Reply r;
  ASSERT_TRUE(AskUdp("big.example.com.", LDNS_RR_TYPE_A, o, &r));
  EXPECT_FALSE(r.tc()) << r.ToString();
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), kBigACount) << r.ToString();
  EXPECT_GT(r.wire().size(), 512u);
  EXPECT_LE(r.wire().size(), 1232u);
}

TEST_F(e2eEdns, ReplyIsCappedAtTheClientBufferSize) {
  // The answer needs 684 octets with the OPT.
  const QueryOptions o{.edns = true, .udp_size = 600};
  Reply r;
  ASSERT_TRUE(AskUdp("big.example.com.", LDNS_RR_TYPE_A, o, &r));
  EXPECT_TRUE(r.tc()) << r.ToString();
  EXPECT_LE(r.wire().size(), 600u);
  EXPECT_TRUE(r.has_opt()) << "a truncated reply still carries the OPT\n"
                           << r.ToString();
}

TEST_F(e2eEdns, ReplyIsCappedAt1232WhateverTheClientOffers) {
  // The TXT RRset needs about 1580 octets.
  const QueryOptions o{.edns = true, .udp_size = 4096};
  Reply r;
  ASSERT_TRUE(AskUdp("big.example.com.", LDNS_RR_TYPE_TXT, o, &r));
  EXPECT_TRUE(r.tc()) << r.ToString();
  EXPECT_LE(r.wire().size(), 1232u);

  Reply t;
  ASSERT_TRUE(AskTcp("big.example.com.", LDNS_RR_TYPE_TXT, o, &t));
  EXPECT_FALSE(t.tc()) << t.ToString();
  EXPECT_EQ(ldns_rr_list_rr_count(t.answer()), kBigTxtCount) << t.ToString();
  EXPECT_GT(t.wire().size(), 1232u);
}

TEST_F(e2eEdns, QnameCaseIsPreservedInTheReply) {
  const std::string mixed = "WwW.ExAmPlE.CoM.";
  for (bool tcp : {false, true}) {
    SCOPED_TRACE(tcp ? "TCP" : "UDP");
    Bytes q = MakeQuery(mixed, LDNS_RR_TYPE_A);
    ASSERT_EQ(std::string(q.begin() + 13, q.begin() + 16), "WwW")
        << "test bug: ldns changed the case of the query";
    Reply r;
    // CheckReply compares the question section octet for octet.
    ASSERT_TRUE(tcp ? AskTcpRaw(v4(), q, &r) : AskUdpRaw(v4(), q, &r));
    EXPECT_EQ(std::string(r.wire().begin() + 12, r.wire().begin() + 29),
              std::string("\x03WwW\x07" "ExAmPlE\x03" "CoM\x00", 17));
    EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR);
    EXPECT_TRUE(r.aa());
    EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
  }
}

TEST_F(e2eEdns, QnameCaseIsPreservedInNegativeAndTruncatedReplies) {
  for (const char* qname : {"NoPe.ExAmPlE.cOm.", "BiG.eXaMpLe.CoM."}) {
    SCOPED_TRACE(qname);
    Reply r;  // CheckReply compares the question octet for octet
    ASSERT_TRUE(AskUdp(qname, LDNS_RR_TYPE_A, {}, &r));
  }
}

TEST_F(e2eEdns, DoBitIsCopiedIntoTheReply) {
  // RFC 3225 §3: "The DO bit of the query MUST be copied in the response."
  QueryOptions o{.edns = true, .do_bit = true};
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, o, &r));
  ASSERT_TRUE(r.has_opt()) << r.ToString();
  EXPECT_TRUE(ldns_pkt_edns_do(r.pkt())) << "DO=1 in the query, DO=0 in the reply\n"
                                         << r.ToString();
  EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));

  o.do_bit = false;
  Reply plain;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, o, &plain));
  EXPECT_FALSE(ldns_pkt_edns_do(plain.pkt())) << plain.ToString();
}

TEST_F(e2eEdns, UnknownOptionIsIgnored) {
  const QueryOptions o{.edns = true,
                       .edns_options = {0xfd, 0xe9, 0x00, 0x02, 0xab, 0xcd}};  // option 65001
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, o, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  EXPECT_TRUE(r.has_opt());
  for (const auto& [code, data] : EdnsOptions(r.pkt())) {
    EXPECT_NE(code, 65001) << "unknown options are not echoed (RFC 6891 §6.1.2)";
  }
  EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
}

TEST_F(e2eEdns, ClientSubnetIsEchoedWithScopeZeroForStaticData) {
  // DESIGN.md: the reply echoes family, source prefix and address; static,
  // negative and referral answers carry scope 0.
  const QueryOptions o{.edns = true, .edns_options = EcsOption(24, {198, 51, 100})};
  for (const char* qname : {"www.example.com.", "nope.example.com.", "www.sub.example.com."}) {
    SCOPED_TRACE(qname);
    Reply r;
    ASSERT_TRUE(AskUdp(qname, LDNS_RR_TYPE_A, o, &r));
    ASSERT_TRUE(r.has_opt()) << r.ToString();
    bool found = false;
    for (const auto& [code, data] : EdnsOptions(r.pkt())) {
      if (code != 8) continue;
      found = true;
      EXPECT_EQ(data, (Bytes{0x00, 0x01, 24, 0, 198, 51, 100}))
          << "family 1, source 24, scope 0, address 198.51.100";
    }
    EXPECT_TRUE(found) << "no Client Subnet option in the reply\n" << r.ToString();
  }
}

TEST_F(e2eEdns, ClientSubnetWithBitsBeyondThePrefixIsFormErr) {
  // RFC 7871 §6: ADDRESS is truncated to SOURCE PREFIX-LENGTH; four octets
  // for a /24 (or non-zero bits past the prefix) is malformed.
  const QueryOptions o{.edns = true, .edns_options = EcsOption(24, {198, 51, 100, 7})};
  Reply r;
  ASSERT_TRUE(AskUdpRaw(v4(), MakeQuery("www.example.com.", LDNS_RR_TYPE_A, o), &r,
                        /*check_question=*/false));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_FORMERR) << r.ToString();
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u);
}

// ---------------------------------------------------------------------------

class e2eMaxUdpSize : public ServerTest {
 protected:
  ServerOptions Options() override {
    ServerOptions o = ServerOptions::ExampleZones();
    o.extra_args = {"--max-udp-size", "600"};
    return o;
  }
};

TEST_F(e2eMaxUdpSize, ServerLimitCapsUdpReplies) {
  const QueryOptions o{.edns = true, .udp_size = 4096};
  Reply r;
  ASSERT_TRUE(AskUdp("big.example.com.", LDNS_RR_TYPE_A, o, &r));
  EXPECT_TRUE(r.tc()) << r.ToString();
  EXPECT_LE(r.wire().size(), 600u);

  Reply small;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, o, &small));
  EXPECT_FALSE(small.tc());
  EXPECT_TRUE(SectionEquals(small.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
}

}  // namespace
}  // namespace e2e
