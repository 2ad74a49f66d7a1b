// Tests for dns/wire/writer.h: exact bytes of compressed output, limits,
// rollback, and ldns as an independent decoder of what we write.
#include "dns/wire/writer.h"

// ldns/common.h #defines bool/true/false unless stdbool.h came first.
#include <stdbool.h>  // NOLINT
#include <ldns/ldns.h>

#include <algorithm>
#include <deque>
#include <cctype>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dns/wire/name.h"
#include "dns/wire/types.h"

namespace dns {
namespace {

using std::string_literals::operator""s;

std::string W(std::string_view text) {
  std::string wire;
  EXPECT_TRUE(NameFromText(text, &wire)) << text;
  return wire;
}

std::string Bytes(const Writer& w, size_t from = 0) {
  return std::string(reinterpret_cast<const char*>(w.data()) + from,
                     w.size() - from);
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Decodes a message with ldns; returns nullptr (and fails) if it cannot.
struct LdnsPacket {
  ldns_pkt* pkt = nullptr;
  ~LdnsPacket() {
    if (pkt) ldns_pkt_free(pkt);
  }
};

std::string RdfText(const ldns_rdf* rdf) {
  char* s = ldns_rdf2str(rdf);
  std::string out = s ? s : "";
  free(s);
  return out;
}

class WriterTest : public ::testing::Test {
 protected:
  // Header plus the question "WWW.Example.com. A IN" as a client sent it.
  void StartReply(Writer& w) {
    ASSERT_TRUE(w.AppendHeader(0x1234, flag::kQR | flag::kAA));
    ASSERT_TRUE(w.AppendQuestion(qname_sent_, qname_, rrtype::kA,
                                 rrclass::kIN));
    ASSERT_EQ(w.size(), 12u + 17u + 4u);
  }

  // The writer keeps pointers to the names it remembers: they must outlive
  // it, so tests keep every name here.
  std::string_view N(std::string_view text) { return Keep(W(text)); }
  std::string_view Keep(std::string wire) {
    names_.push_back(std::move(wire));
    return names_.back();
  }

  // Appends the name `wire` and returns the octets that took ("<no room>"
  // if AppendName failed).
  static std::string AppendedName(Writer& w, std::string_view wire) {
    const size_t at = w.size();
    if (!w.AppendName(wire)) return "<no room>";
    return Bytes(w, at);
  }

  std::deque<std::string> names_;
  const std::string qname_sent_ = "\003WWW\007Example\003com\000"s;
  const std::string qname_ = W("www.example.com.");
  uint8_t buf_[4096];
};

TEST_F(WriterTest, HeaderAndCounts) {
  Writer w(buf_, sizeof buf_);
  ASSERT_TRUE(w.AppendHeader(0xbeef, flag::kQR | flag::kRD));
  EXPECT_EQ(w.size(), 12u);
  EXPECT_EQ(w.flags(), flag::kQR | flag::kRD);
  w.SetFlags(w.flags() | flag::kTC);
  EXPECT_EQ(w.flags(), flag::kQR | flag::kRD | flag::kTC);
  w.SetQuestionCount(1);
  w.AddCount(Section::kAnswer, 2);
  w.AddCount(Section::kAuthority, 3);
  w.AddCount(Section::kAdditional, 0x0104);
  EXPECT_EQ(w.count(Section::kAnswer), 2);
  EXPECT_EQ(w.Finish(), 12u);
  EXPECT_EQ(Bytes(w), "\276\357\203\000\000\001\000\002\000\003\001\004"s);
  // Appending after Finish works; Finish again patches new counts.
  ASSERT_TRUE(w.AppendU8(7));
  w.AddCount(Section::kAnswer, 1);
  EXPECT_EQ(w.Finish(), 13u);
  EXPECT_EQ(buf_[7], 3);
}

TEST_F(WriterTest, AppendHeaderStartsOver) {
  Writer w(buf_, sizeof buf_);
  StartReply(w);
  w.AddCount(Section::kAnswer, 1);
  ASSERT_TRUE(w.AppendHeader(1, 0));
  EXPECT_EQ(w.size(), 12u);
  EXPECT_EQ(w.count(Section::kAnswer), 0);
  // The old question is forgotten: nothing to compress against.
  ASSERT_TRUE(w.AppendName(qname_));
  EXPECT_EQ(Bytes(w, 12), qname_);
}

TEST_F(WriterTest, HeaderNeedsRoom) {
  Writer small(buf_, 11);
  EXPECT_FALSE(small.AppendHeader(1, 0));
  EXPECT_EQ(small.size(), 0u);
  Writer w(buf_, sizeof buf_);
  w.SetLimit(5);
  EXPECT_FALSE(w.AppendHeader(1, 0));
}

TEST_F(WriterTest, QuestionKeepsClientCaseAndSetsQdcount) {
  Writer w(buf_, sizeof buf_);
  StartReply(w);
  EXPECT_EQ(Bytes(w, 12), qname_sent_ + "\000\001\000\001"s);
  EXPECT_EQ(buf_[4], 0);
  EXPECT_EQ(buf_[5], 1);
}

TEST_F(WriterTest, CompressesAgainstLongestSuffix) {
  Writer w(buf_, sizeof buf_);
  StartReply(w);  // qname at 12; "example" at 16; "com" at 24
  EXPECT_EQ(AppendedName(w, N("www.example.com.")), "\300\014"s);
  const size_t mail_at = w.size();
  EXPECT_EQ(AppendedName(w, N("mail.example.com.")), "\004mail\300\020"s);
  EXPECT_EQ(AppendedName(w, N("example.com.")), "\300\020"s);
  EXPECT_EQ(AppendedName(w, N("com.")), "\300\030"s);
  const size_t org_at = w.size();
  EXPECT_EQ(AppendedName(w, N("org.")), "\003org\000"s);
  EXPECT_EQ(AppendedName(w, N("a.mail.example.com.")), "\001a\300"s + static_cast<char>(mail_at));
  EXPECT_EQ(AppendedName(w, N("x.org.")), "\001x\300"s + static_cast<char>(org_at));
  // The root is never a pointer.
  EXPECT_EQ(AppendedName(w, "\000"s), "\000"s);
  // No common suffix.
  EXPECT_EQ(AppendedName(w, N("net.")), "\003net\000"s);
}

TEST_F(WriterTest, PointsOnlyAtLabelBoundaries) {
  Writer w(buf_, sizeof buf_);
  ASSERT_TRUE(w.AppendHeader(1, 0));
  // One label "x\007example": its octets end with "\007example\003com\000".
  const std::string trap = W("x\\007example.com.");
  ASSERT_EQ(trap, "\011x\007example\003com\000"s);
  ASSERT_TRUE(w.AppendName(trap));
  size_t at = w.size();
  ASSERT_TRUE(w.AppendName(N("example.com.")));
  // Only "com" (at 12 + 10) is a real suffix of the trap name.
  EXPECT_EQ(Bytes(w, at), "\007example\300\026"s);
  // And now example.com. itself is remembered at `at`.
  const size_t second = w.size();
  ASSERT_TRUE(w.AppendName(N("www.example.com.")));
  EXPECT_EQ(Bytes(w, second), "\003www\300"s + static_cast<char>(at));
}

TEST_F(WriterTest, PointsIntoLiteralPartOnly) {
  Writer w(buf_, sizeof buf_);
  StartReply(w);
  const size_t mail_at = w.size();
  ASSERT_TRUE(w.AppendName(N("mail.example.com.")));  // "\4mail" + ptr
  // "b.mail.example.com." points at mail's literal label; its suffix
  // "example.com." is reached through mail's pointer.
  size_t at = w.size();
  ASSERT_TRUE(w.AppendName(N("b.mail.example.com.")));
  EXPECT_EQ(Bytes(w, at), "\001b\300"s + static_cast<char>(mail_at));
  const size_t b_at = at;
  // "c.b.mail..." points at b's literal label.
  at = w.size();
  ASSERT_TRUE(w.AppendName(N("c.b.mail.example.com.")));
  EXPECT_EQ(Bytes(w, at), "\001c\300"s + static_cast<char>(b_at));
}

TEST_F(WriterTest, UncompressedNamesAreStillRemembered) {
  Writer w(buf_, sizeof buf_);
  ASSERT_TRUE(w.AppendHeader(1, 0));
  const std::string foo = W("foo.bar.");
  ASSERT_TRUE(w.AppendName(foo, /*compress=*/false));
  size_t at = w.size();
  ASSERT_TRUE(w.AppendName(foo, /*compress=*/false));
  EXPECT_EQ(Bytes(w, at), foo);
  at = w.size();
  ASSERT_TRUE(w.AppendName(N("x.foo.bar.")));
  EXPECT_EQ(Bytes(w, at), "\001x\300\014"s);  // the first copy
}

TEST_F(WriterTest, LimitRefusesWholeAppends) {
  Writer w(buf_, sizeof buf_);
  StartReply(w);
  const size_t base = w.size();
  w.SetLimit(base + 3);
  EXPECT_EQ(w.limit(), base + 3);
  EXPECT_FALSE(w.AppendName(N("org.")));  // 5 octets
  EXPECT_FALSE(w.AppendU32(1));
  EXPECT_FALSE(w.AppendRRFixed(1, 1, 1, 1));
  EXPECT_FALSE(w.AppendBytes("abcd", 4));
  EXPECT_EQ(w.size(), base);
  EXPECT_TRUE(w.AppendName(N("www.example.com.")));  // a 2-octet pointer
  EXPECT_TRUE(w.AppendU8(1));
  EXPECT_FALSE(w.AppendU8(1));
  EXPECT_EQ(w.size(), base + 3);
  // A name refused for room is not remembered.
  w.ClearLimit();
  EXPECT_EQ(w.limit(), sizeof buf_);
  const size_t at = w.size();
  ASSERT_TRUE(w.AppendName(N("x.org.")));
  EXPECT_EQ(Bytes(w, at), "\001x\003org\000"s);
  // A limit below the current size blocks every append.
  w.SetLimit(10);
  EXPECT_EQ(w.limit(), w.size());
  EXPECT_FALSE(w.AppendU8(0));
  EXPECT_TRUE(w.AppendBytes("", 0));
  // The limit never exceeds the capacity.
  w.SetLimit(1u << 20);
  EXPECT_EQ(w.limit(), sizeof buf_);
}

TEST_F(WriterTest, RollbackRestoresSizeCountsAndTable) {
  Writer w(buf_, sizeof buf_);
  StartReply(w);
  w.AddCount(Section::kAnswer, 1);
  const Writer::Mark mark = w.GetMark();
  const size_t at = w.size();
  ASSERT_TRUE(w.AppendName(N("mail.example.com.")));
  ASSERT_TRUE(w.AppendRRFixed(rrtype::kA, rrclass::kIN, 60, 4));
  ASSERT_TRUE(w.AppendU32(0xc0000201));
  w.AddCount(Section::kAnswer, 1);
  w.AddCount(Section::kAdditional, 2);
  w.Rollback(mark);
  EXPECT_EQ(w.size(), at);
  EXPECT_EQ(w.count(Section::kAnswer), 1);
  EXPECT_EQ(w.count(Section::kAdditional), 0);
  // "mail" was forgotten: no pointer into rolled-back octets.
  ASSERT_TRUE(w.AppendName(N("a.mail.example.com.")));
  EXPECT_EQ(Bytes(w, at), "\001a\004mail\300\020"s);
  // The question is still remembered.
  const size_t next = w.size();
  ASSERT_TRUE(w.AppendName(qname_));
  EXPECT_EQ(Bytes(w, next), "\300\014"s);
}

TEST_F(WriterTest, PatchWritesInPlace) {
  Writer w(buf_, sizeof buf_);
  ASSERT_TRUE(w.AppendHeader(1, 0));
  ASSERT_TRUE(w.AppendRRFixed(rrtype::kCNAME, rrclass::kIN, 0, 0));
  w.PatchU16(12 + 8, 0x0102);
  w.PatchU32(12 + 4, 0xa0b0c0d0);
  EXPECT_EQ(Bytes(w, 12), "\000\005\000\001\240\260\300\320\001\002"s);
  w.PatchU16(w.size() - 1, 0xffff);  // past the end: ignored
  EXPECT_EQ(buf_[w.size() - 1], 2);
}

TEST_F(WriterTest, TableFullWritesUncompressed) {
  Writer w(buf_, sizeof buf_);
  ASSERT_TRUE(w.AppendHeader(1, 0));
  std::vector<std::string> names;
  for (int i = 0; i < 40; ++i) {
    names.push_back(W("n" + std::to_string(100 + i) + "."));
  }
  for (const std::string& n : names) ASSERT_TRUE(w.AppendName(n));
  size_t at = w.size();
  ASSERT_TRUE(w.AppendName(Keep("\001x"s + names[35])));  // not remembered
  EXPECT_EQ(Bytes(w, at), "\001x"s + names[35]);
  at = w.size();
  ASSERT_TRUE(w.AppendName(Keep("\001x"s + names[5])));  // remembered
  EXPECT_EQ(Bytes(w, at), "\001x\300"s + static_cast<char>(12 + 5 * 6));
}

TEST_F(WriterTest, NoPointerTargetsPast0x3fff) {
  std::vector<uint8_t> big(0x5000);
  Writer w(big.data(), big.size());
  ASSERT_TRUE(w.AppendHeader(1, 0));
  std::vector<uint8_t> pad(0x3ffe - 12, 0xee);
  ASSERT_TRUE(w.AppendBytes(pad.data(), pad.size()));
  ASSERT_EQ(w.size(), 0x3ffeu);
  ASSERT_TRUE(w.AppendName(N("a.com.")));  // "a" at 0x3ffe, "com" at 0x4000
  size_t at = w.size();
  ASSERT_TRUE(w.AppendName(N("com.")));  // 0x4000 does not fit 14 bits
  EXPECT_EQ(Bytes(w, at), "\003com\000"s);
  at = w.size();
  ASSERT_TRUE(w.AppendName(N("b.a.com.")));
  EXPECT_EQ(Bytes(w, at), "\001b\377\376"s);  // 0xc000 | 0x3ffe
}

TEST_F(WriterTest, CapacityAboveMessageLimitIsClamped) {
  std::vector<uint8_t> big(70000);
  Writer w(big.data(), big.size());
  EXPECT_EQ(w.limit(), kMaxMessageSize);
}

// A whole reply, decoded by ldns.
TEST_F(WriterTest, LdnsDecodesOurReply) {
  Writer w(buf_, sizeof buf_);
  StartReply(w);
  // www CNAME mail.example.com.
  ASSERT_TRUE(w.AppendName(qname_));
  ASSERT_TRUE(w.AppendRRFixed(rrtype::kCNAME, rrclass::kIN, 300, 0));
  size_t rdata_at = w.size();
  ASSERT_TRUE(w.AppendName(N("mail.example.com.")));
  w.PatchU16(rdata_at - 2, static_cast<uint16_t>(w.size() - rdata_at));
  w.AddCount(Section::kAnswer, 1);
  // mail A 192.0.2.1
  ASSERT_TRUE(w.AppendName(N("mail.example.com.")));
  ASSERT_TRUE(w.AppendRRFixed(rrtype::kA, rrclass::kIN, 60, 4));
  ASSERT_TRUE(w.AppendU32(0xc0000201));
  w.AddCount(Section::kAnswer, 1);
  // example.com NS ns1.example.com. / ns.example.org. (uncompressed)
  const char* ns_targets[] = {"ns1.example.com.", "ns.example.org."};
  for (const char* t : ns_targets) {
    ASSERT_TRUE(w.AppendName(N("example.com.")));
    ASSERT_TRUE(w.AppendRRFixed(rrtype::kNS, rrclass::kIN, 3600, 0));
    rdata_at = w.size();
    ASSERT_TRUE(w.AppendName(N(t), /*compress=*/t[3] != 'e'));
    w.PatchU16(rdata_at - 2, static_cast<uint16_t>(w.size() - rdata_at));
    w.AddCount(Section::kAuthority, 1);
  }
  // Glue for ns1 and a name under ns.example.org.
  ASSERT_TRUE(w.AppendName(N("ns1.example.com.")));
  ASSERT_TRUE(w.AppendRRFixed(rrtype::kA, rrclass::kIN, 3600, 4));
  ASSERT_TRUE(w.AppendU32(0xc0000235));
  ASSERT_TRUE(w.AppendName(N("x.ns.example.org.")));
  ASSERT_TRUE(w.AppendRRFixed(rrtype::kA, rrclass::kIN, 3600, 4));
  ASSERT_TRUE(w.AppendU32(0xc0000236));
  w.AddCount(Section::kAdditional, 2);
  const size_t len = w.Finish();

  LdnsPacket p;
  ASSERT_EQ(ldns_wire2pkt(&p.pkt, buf_, len), LDNS_STATUS_OK);
  EXPECT_EQ(ldns_pkt_id(p.pkt), 0x1234);
  EXPECT_TRUE(ldns_pkt_qr(p.pkt));
  EXPECT_TRUE(ldns_pkt_aa(p.pkt));
  EXPECT_EQ(ldns_pkt_qdcount(p.pkt), 1);
  EXPECT_EQ(ldns_pkt_ancount(p.pkt), 2);
  EXPECT_EQ(ldns_pkt_nscount(p.pkt), 2);
  EXPECT_EQ(ldns_pkt_arcount(p.pkt), 2);

  const ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(p.pkt), 0);
  EXPECT_EQ(RdfText(ldns_rr_owner(q)), "WWW.Example.com.");  // client case

  std::vector<std::string> got;
  for (ldns_rr_list* list : {ldns_pkt_answer(p.pkt), ldns_pkt_authority(p.pkt),
                             ldns_pkt_additional(p.pkt)}) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
      const ldns_rr* rr = ldns_rr_list_rr(list, i);
      got.push_back(Lower(RdfText(ldns_rr_owner(rr)) + " " +
                          RdfText(ldns_rr_rdf(rr, 0))));
    }
  }
  const std::vector<std::string> want = {
      "www.example.com. mail.example.com.",
      "mail.example.com. 192.0.2.1",
      "example.com. ns1.example.com.",
      "example.com. ns.example.org.",
      "ns1.example.com. 192.0.2.53",
      "x.ns.example.org. 192.0.2.54",
  };
  EXPECT_EQ(got, want);
  // And compression actually happened.
  EXPECT_LT(len, 200u);
}

TEST_F(WriterTest, LdnsDecodesManyNamesPastTheTable) {
  Writer w(buf_, sizeof buf_);
  StartReply(w);
  std::vector<std::string> owners;
  for (int i = 0; i < 45; ++i) {
    std::string text = "h" + std::to_string(i) +
                       (i % 3 == 0 ? ".example.com." : ".sub.example.net.");
    owners.push_back(text);
    ASSERT_TRUE(w.AppendName(N(text)));
    ASSERT_TRUE(w.AppendRRFixed(rrtype::kA, rrclass::kIN, 1, 4));
    ASSERT_TRUE(w.AppendU32(0x0a000000u + static_cast<uint32_t>(i)));
    w.AddCount(Section::kAnswer, 1);
  }
  const size_t len = w.Finish();
  LdnsPacket p;
  ASSERT_EQ(ldns_wire2pkt(&p.pkt, buf_, len), LDNS_STATUS_OK);
  ldns_rr_list* an = ldns_pkt_answer(p.pkt);
  ASSERT_EQ(ldns_rr_list_rr_count(an), owners.size());
  for (size_t i = 0; i < owners.size(); ++i) {
    EXPECT_EQ(Lower(RdfText(ldns_rr_owner(ldns_rr_list_rr(an, i)))),
              owners[i]);
  }
}

}  // namespace
}  // namespace dns
