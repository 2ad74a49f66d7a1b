// File: tests/e2e/errors_test.cc
//
// Error replies and silence: REFUSED outside the loaded zones and for AXFR,
// NOTIMP for every opcode but QUERY and NOTIFY, NOTIFY refused (no
// secondary zones) or NOTAUTH (zone not served), FORMERR for two questions, BADVERS for
// EDNS version 1, and no reply at all to a packet that is itself a reply.
#include <string>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"

namespace e2e {
namespace {

constexpr int kBadVers = 16;  // RFC 6891 §9

class e2eErrors : public ServerTest {};

TEST_F(e2eErrors, NameInNoLoadedZoneIsRefused) {
  for (const char* qname : {"www.example.org.", "com.", ".", "example.net."}) {
    SCOPED_TRACE(qname);
    Reply r;
    ASSERT_TRUE(AskUdp(qname, LDNS_RR_TYPE_A, {}, &r));
    EXPECT_EQ(r.rcode(), LDNS_RCODE_REFUSED) << r.ToString();
    EXPECT_FALSE(r.aa()) << r.ToString();
    EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
    EXPECT_EQ(ldns_rr_list_rr_count(r.authority()), 0u) << r.ToString();
  }
}

TEST_F(e2eErrors, RefusedOverTcpAndViaCares) {
  Reply r;
  ASSERT_TRUE(AskTcp("www.example.org.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_REFUSED) << r.ToString();

  AresClient client(v4());
  AresResult res = client.Query("www.example.org", 1);
  EXPECT_EQ(res.status, ARES_EREFUSED) << res.StatusText();
}

TEST_F(e2eErrors, AxfrOverTcpIsRefused) {
  Reply r;
  ASSERT_TRUE(AskTcp("example.com.", LDNS_RR_TYPE_AXFR, {}, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_REFUSED) << r.ToString();
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
}

TEST_F(e2eErrors, IxfrOverTcpIsRefused) {
  Reply r;
  ASSERT_TRUE(AskTcp("example.com.", LDNS_RR_TYPE_IXFR, {}, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_REFUSED) << r.ToString();
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
}

class e2eOpcodes : public ServerTest,
                   public testing::WithParamInterface<ldns_pkt_opcode> {};

TEST_P(e2eOpcodes, AnythingButQueryIsNotImplemented) {
  // With RD, CD and AD set (ISC's EDNS compliance test `opcodeflg`): the
  // reply has QR and the opcode, no other flag (as BIND).
  const QueryOptions o{.opcode = GetParam(), .rd = true, .cd = true, .ad = true};
  Bytes q = MakeQuery("example.com.", LDNS_RR_TYPE_SOA, o);
  Reply r;
  ASSERT_TRUE(AskUdpRaw(v4(), q, &r, /*check_question=*/false));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOTIMPL) << r.ToString();
  EXPECT_EQ(r.opcode(), GetParam()) << "the reply keeps the query's opcode";
  EXPECT_FALSE(r.aa()) << r.ToString();
  EXPECT_FALSE(r.rd()) << "NOTIMP clears RD\n" << r.ToString();
  EXPECT_FALSE(r.cd()) << "NOTIMP clears CD\n" << r.ToString();
  EXPECT_FALSE(r.ad()) << r.ToString();
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
}

// NOTIFY is answered since issue 17 (below), no longer NOTIMP.
INSTANTIATE_TEST_SUITE_P(NonQuery, e2eOpcodes,
                         testing::Values(LDNS_PACKET_IQUERY, LDNS_PACKET_STATUS,
                                         LDNS_PACKET_UPDATE),
                         [](const testing::TestParamInfo<ldns_pkt_opcode>& i) {
                           return "opcode" + std::to_string(static_cast<int>(i.param));
                         });

TEST_F(e2eErrors, TwoQuestionsAreFormErr) {
  Bytes q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A);
  Bytes second = MakeQuery("mail.example.com.", LDNS_RR_TYPE_A);
  // Append mail.example.com/A/IN as a second question; QDCOUNT = 2.
  q.insert(q.end(), second.begin() + 12, second.end());
  q[5] = 2;
  Reply r;
  ASSERT_TRUE(AskUdpRaw(v4(), q, &r, /*check_question=*/false));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_FORMERR) << r.ToString();
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();

  Reply t;
  ASSERT_TRUE(AskTcpRaw(v4(), q, &t, /*check_question=*/false));
  EXPECT_EQ(t.rcode(), LDNS_RCODE_FORMERR) << t.ToString();
}

TEST_F(e2eErrors, EdnsVersion1IsBadVers) {
  const QueryOptions o{.edns = true, .edns_version = 1};
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, o, &r));
  ASSERT_TRUE(r.has_opt()) << "BADVERS needs an OPT to carry the extended rcode\n"
                           << r.ToString();
  EXPECT_EQ(r.rcode(), kBadVers)
      << "header rcode " << r.header_rcode() << ", extended "
      << static_cast<int>(ldns_pkt_edns_extended_rcode(r.pkt())) << "\n"
      << r.ToString();
  EXPECT_EQ(r.header_rcode(), 0) << "BADVERS = 16: header bits 0, OPT bits 1";
  EXPECT_EQ(r.edns_version(), 0) << "the server speaks EDNS version 0";
  EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
}

TEST_F(e2eErrors, CdIsClearedAndRdKept) {
  // RFC 4035 §3.1.6: an authoritative server SHOULD clear CD (NSD and Knot
  // do); RD is copied (RFC 1035 §4.1.1). Answers, negative answers,
  // REFUSED and BADVERS alike.
  const QueryOptions o{.rd = true, .cd = true};
  for (const char* qname : {"www.example.com.", "nope.example.com.", "www.example.org."}) {
    SCOPED_TRACE(qname);
    Reply r;
    ASSERT_TRUE(AskUdp(qname, LDNS_RR_TYPE_A, o, &r));
    EXPECT_FALSE(r.cd()) << r.ToString();
    EXPECT_TRUE(r.rd()) << r.ToString();
  }
  Reply b;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A,
                     {.edns = true, .edns_version = 1, .rd = true, .cd = true}, &b));
  EXPECT_EQ(b.rcode(), kBadVers) << b.ToString();
  EXPECT_FALSE(b.cd()) << b.ToString();
}

TEST_F(e2eErrors, EdnsVersion0IsFine) {
  const QueryOptions o{.edns = true};
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, o, &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR) << r.ToString();
  EXPECT_TRUE(r.aa());
}

TEST_F(e2eErrors, NoReplyToAPacketWithQrSet) {
  const QueryOptions o{.qr = true};
  Bytes q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A, o);
  UdpSocket s(v4());
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.Send(q));
  auto reply = s.Receive(milliseconds(500));
  EXPECT_FALSE(reply.has_value())
      << "the server answered a response (" << reply->size() << " octets)";

  // The server is still there, on the same socket.
  Bytes ok = MakeQuery("www.example.com.", LDNS_RR_TYPE_A);
  ASSERT_TRUE(s.Send(ok));
  Reply r;
  ASSERT_TRUE(CheckReply(ok, s.ReceiveId(IdOf(ok), kExchangeTimeout), &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_NOERROR);
}

// RFC 1996 NOTIFY: this server has no secondary zones, so a NOTIFY for a
// zone it serves is REFUSED (as NSD; Knot says NOTAUTH) and one for a
// zone it does not serve NOTAUTH (as Knot; NSD says NXDOMAIN). The reply
// keeps the opcode and echoes the question.
TEST_F(e2eErrors, NotifyIsRefusedWithoutSecondaryZones) {
  const QueryOptions o{.opcode = LDNS_PACKET_NOTIFY, .rd = false};
  Reply r;
  ASSERT_TRUE(AskUdpRaw(v4(), MakeQuery("example.com.", LDNS_RR_TYPE_SOA, o), &r));
  EXPECT_EQ(r.rcode(), LDNS_RCODE_REFUSED) << r.ToString();
  EXPECT_EQ(r.opcode(), LDNS_PACKET_NOTIFY) << r.ToString();
  Reply other;
  ASSERT_TRUE(AskUdpRaw(v4(), MakeQuery("example.org.", LDNS_RR_TYPE_SOA, o), &other));
  EXPECT_EQ(other.rcode(), LDNS_RCODE_NOTAUTH) << other.ToString();
}

TEST_F(e2eErrors, NoReplyToAPacketShorterThanAHeader) {
  UdpSocket s(v4());
  ASSERT_TRUE(s.ok());
  ASSERT_TRUE(s.Send(Bytes{0x12, 0x34, 0x01, 0x00, 0x00}));
  auto reply = s.Receive(milliseconds(300));
  EXPECT_FALSE(reply.has_value());
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, {}, &r));
}

}  // namespace
}  // namespace e2e
