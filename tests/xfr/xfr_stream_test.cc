// Tests for dns/xfr/xfr_stream.h: crafted AXFR/IXFR response messages and
// RR sequences (good, truncated, bad SOA order, wrong serial, oversize,
// garbage), IXFR application, and the master text the lead loads.
#include "dns/xfr/xfr_stream.h"

#include <cstdint>
#include <string>
#include <vector>

#include "dns/wire/name.h"
#include "gtest/gtest.h"
#include "zones/master_file.h"

namespace dns::xfr {
namespace {

const std::string kOrigin = std::string("\7example\4test\0", 14);

std::string W(std::string_view text) {
  std::string w;
  EXPECT_TRUE(NameFromText(text, &w));
  return w;
}

void Put16(std::string* s, uint16_t v) {
  s->push_back(static_cast<char>(v >> 8));
  s->push_back(static_cast<char>(v & 0xff));
}
void Put32(std::string* s, uint32_t v) {
  Put16(s, static_cast<uint16_t>(v >> 16));
  Put16(s, static_cast<uint16_t>(v & 0xffff));
}

Record Soa(uint32_t serial) {
  Record r;
  r.owner = kOrigin;
  r.type = 6;
  r.ttl = 3600;
  r.rdata = W("ns1.example.test.") + W("admin.example.test.");
  Put32(&r.rdata, serial);
  Put32(&r.rdata, 60);
  Put32(&r.rdata, 30);
  Put32(&r.rdata, 600);
  Put32(&r.rdata, 300);
  return r;
}

Record A(std::string_view owner, uint8_t last, uint32_t ttl = 300) {
  Record r;
  r.owner = W(owner);
  r.type = 1;
  r.ttl = ttl;
  r.rdata = std::string("\xc0\x00\x02", 3) + static_cast<char>(last);
  return r;
}

Record Ns(std::string_view owner, std::string_view target) {
  Record r;
  r.owner = W(owner);
  r.type = 2;
  r.ttl = 3600;
  r.rdata = W(target);
  return r;
}

// A response message: header, question (origin/qtype), the answer RRs.
std::string Message(uint16_t id, uint16_t qtype, const std::vector<Record>& rrs,
                    uint16_t rcode = 0, bool question = true) {
  std::string m;
  Put16(&m, id);
  Put16(&m, static_cast<uint16_t>(0x8400 | rcode));
  Put16(&m, question ? 1 : 0);
  Put16(&m, static_cast<uint16_t>(rrs.size()));
  Put16(&m, 0);
  Put16(&m, 0);
  if (question) {
    m += kOrigin;
    Put16(&m, qtype);
    Put16(&m, 1);
  }
  for (const Record& r : rrs) {
    m += r.owner;
    Put16(&m, r.type);
    Put16(&m, 1);
    Put32(&m, r.ttl);
    Put16(&m, static_cast<uint16_t>(r.rdata.size()));
    m += r.rdata;
  }
  return m;
}

absl::Status Parse(const std::string& m, std::vector<Record>* out, uint16_t qtype = 252) {
  return ParseTransferMessage(reinterpret_cast<const uint8_t*>(m.data()), m.size(), 7, kOrigin,
                              qtype, out);
}

absl::StatusOr<StreamResult> Feed(const std::vector<Record>& rrs, uint16_t qtype = 252,
                                 const ZoneCopy* base = nullptr, TransferLimits limits = {}) {
  StreamAssembler a(kOrigin, qtype, base, limits);
  for (const Record& r : rrs) {
    absl::Status s = a.Add(r);
    if (!s.ok()) return s;
  }
  return a.Finish();
}

std::vector<Record> Zone1() {
  return {Soa(1), Ns("example.test.", "ns1.example.test."), A("ns1.example.test.", 1),
          A("www.example.test.", 10), A("www.example.test.", 11), Soa(1)};
}

TEST(XfrStream, ParsesAMessageAndDecompressesRdataNames) {
  std::string m = Message(7, 252, {Soa(1)});
  // An NS whose target is a compression pointer to the question's name.
  std::string tail;
  tail += std::string("\xc0\x0c", 2);
  Put16(&tail, 2);
  Put16(&tail, 1);
  Put32(&tail, 60);
  tail += std::string("\0\x06\3ns2\xc0\x0c", 8);
  m += tail;
  m[7] = 2;  // ANCOUNT
  std::vector<Record> rrs;
  ASSERT_TRUE(Parse(m, &rrs).ok()) << Parse(m, &rrs);
  ASSERT_EQ(rrs.size(), 2u);
  EXPECT_EQ(rrs[1].owner, kOrigin);
  EXPECT_EQ(rrs[1].rdata, W("ns2.example.test."));
  SoaFields f;
  ASSERT_TRUE(ParseSoaRdata(rrs[0].rdata, &f));
  EXPECT_EQ(f.serial, 1u);
  EXPECT_EQ(f.expire, 600u);
}

TEST(XfrStream, RejectsBadHeadersAndGarbage) {
  std::vector<Record> rrs;
  std::string m = Message(7, 252, {Soa(1)});
  EXPECT_EQ(TransferErrorReason(Parse(m.substr(0, 5), &rrs)), "malformed");
  EXPECT_EQ(TransferErrorReason(Parse(m.substr(0, m.size() - 3), &rrs)), "malformed");
  EXPECT_EQ(TransferErrorReason(Parse(Message(8, 252, {Soa(1)}), &rrs)), "malformed");
  EXPECT_EQ(TransferErrorReason(Parse(Message(7, 252, {}, 5), &rrs)), "rcode");
  EXPECT_NE(Parse(Message(7, 252, {}, 5), &rrs).message().find("REFUSED"), std::string::npos);
  EXPECT_EQ(TransferErrorReason(Parse(Message(7, 251, {Soa(1)}), &rrs)), "malformed");
  std::string garbage(200, '\xff');
  garbage[0] = 0;
  garbage[1] = 7;
  EXPECT_FALSE(Parse(garbage, &rrs).ok());
  // Out of zone, and an A with a 3-octet RDATA is kept as is (the builder
  // rejects it), but an NS whose name runs past RDLENGTH is malformed.
  EXPECT_EQ(TransferErrorReason(Parse(Message(7, 252, {A("www.other.test.", 1)}), &rrs)),
            "malformed");
  Record bad_ns = Ns("example.test.", "ns1.example.test.");
  bad_ns.rdata.pop_back();
  EXPECT_EQ(TransferErrorReason(Parse(Message(7, 252, {bad_ns}), &rrs)), "malformed");
  // Messages without the question (the 2nd.. of a stream) are fine.
  rrs.clear();
  EXPECT_TRUE(Parse(Message(7, 252, {A("a.example.test.", 1)}, 0, false), &rrs).ok());
  EXPECT_EQ(rrs.size(), 1u);
}

TEST(XfrStream, AxfrGood) {
  absl::StatusOr<StreamResult> r = Feed(Zone1());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind, TransferKind::kAxfr);
  EXPECT_EQ(r->zone->serial(), 1u);
  EXPECT_EQ(r->zone->record_count(), 5u);
  EXPECT_EQ(r->records, 6u);
  // The text reads back through the zone builder.
  const std::string text = r->zone->ToMasterText();
  zones::ZoneBuilder b(kOrigin);
  absl::Status s = zones::ReadMasterText(text, "xfr", &b);
  EXPECT_TRUE(s.ok()) << s << "\n" << text;
  EXPECT_NE(text.find("www.example.test. 300 IN A 192.0.2.10"), std::string::npos) << text;
}

TEST(XfrStream, AxfrTruncatedBadOrderWrongSerialGarbage) {
  std::vector<Record> z = Zone1();
  z.pop_back();  // no final SOA
  EXPECT_EQ(TransferErrorReason(Feed(z).status()), "soa");
  EXPECT_EQ(TransferErrorReason(Feed({}).status()), "soa");
  // Not starting with the SOA.
  std::vector<Record> bad = {A("www.example.test.", 1), Soa(1), Soa(1)};
  EXPECT_EQ(TransferErrorReason(Feed(bad).status()), "soa");
  // Last SOA with another serial.
  z = Zone1();
  z.back() = Soa(2);
  EXPECT_EQ(TransferErrorReason(Feed(z).status()), "soa");
  // Records after the final SOA.
  z = Zone1();
  z.push_back(A("late.example.test.", 1));
  EXPECT_EQ(TransferErrorReason(Feed(z).status()), "soa");
  // An SOA below the apex.
  Record sub = Soa(1);
  sub.owner = W("sub.example.test.");
  EXPECT_EQ(TransferErrorReason(Feed({Soa(1), sub, Soa(1)}).status()), "soa");
}

TEST(XfrStream, Oversize) {
  TransferLimits lim;
  lim.max_records = 4;
  EXPECT_EQ(TransferErrorReason(Feed(Zone1(), 252, nullptr, lim).status()), "too_big");
  StreamAssembler a(kOrigin, 252, nullptr, TransferLimits{.max_bytes = 100});
  EXPECT_TRUE(a.AddBytes(60).ok());
  EXPECT_EQ(TransferErrorReason(a.AddBytes(60)), "too_big");
}

TEST(XfrStream, IxfrAppliesDifferences) {
  absl::StatusOr<StreamResult> base = Feed(Zone1());
  ASSERT_TRUE(base.ok());
  // 1 -> 2: www .10 removed, .12 added; 2 -> 3: new name.
  std::vector<Record> ixfr = {Soa(3),
                              Soa(1), A("www.example.test.", 10),
                              Soa(2), A("www.example.test.", 12),
                              Soa(2),
                              Soa(3), A("new.example.test.", 5),
                              Soa(3)};
  absl::StatusOr<StreamResult> r = Feed(ixfr, 251, base->zone.get());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind, TransferKind::kIxfr);
  EXPECT_EQ(r->zone->serial(), 3u);
  EXPECT_EQ(r->zone->record_count(), 6u);
  const std::string text = r->zone->ToMasterText();
  EXPECT_EQ(text.find("192.0.2.10"), std::string::npos) << text;
  EXPECT_NE(text.find("www.example.test. 300 IN A 192.0.2.12"), std::string::npos) << text;
  EXPECT_NE(text.find("new.example.test. 300 IN A 192.0.2.5"), std::string::npos) << text;
  // The base is unchanged.
  EXPECT_EQ(base->zone->serial(), 1u);
}

TEST(XfrStream, IxfrUpToDateAndAxfrStyle) {
  absl::StatusOr<StreamResult> base = Feed(Zone1());
  ASSERT_TRUE(base.ok());
  absl::StatusOr<StreamResult> r = Feed({Soa(1)}, 251, base->zone.get());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind, TransferKind::kUpToDate);
  // A full zone in answer to IXFR.
  std::vector<Record> full = {Soa(5), A("only.example.test.", 1), Soa(5)};
  r = Feed(full, 251, base->zone.get());
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->kind, TransferKind::kAxfr);
  EXPECT_EQ(r->zone->record_count(), 2u);  // shrinking is fine
  // A lone newer SOA is not a complete answer.
  EXPECT_EQ(TransferErrorReason(Feed({Soa(2)}, 251, base->zone.get()).status()), "soa");
}

TEST(XfrStream, IxfrInconsistent) {
  absl::StatusOr<StreamResult> base = Feed(Zone1());
  ASSERT_TRUE(base.ok());
  // Deletes an RR we do not have.
  std::vector<Record> ixfr = {Soa(2), Soa(1), A("www.example.test.", 99), Soa(2), Soa(2)};
  EXPECT_EQ(TransferErrorReason(Feed(ixfr, 251, base->zone.get()).status()), "ixfr");
  // The chain skips a serial (1 -> 2, then a difference from 3).
  ixfr = {Soa(4), Soa(1), Soa(2), Soa(3), Soa(4), Soa(4)};
  EXPECT_EQ(TransferErrorReason(Feed(ixfr, 251, base->zone.get()).status()), "ixfr");
  // A difference that goes backwards.
  ixfr = {Soa(2), Soa(1), Soa(0), Soa(2)};
  EXPECT_EQ(TransferErrorReason(Feed(ixfr, 251, base->zone.get()).status()), "ixfr");
  // Ends in the middle.
  ixfr = {Soa(2), Soa(1), A("www.example.test.", 10), Soa(2), A("x.example.test.", 1)};
  EXPECT_EQ(TransferErrorReason(Feed(ixfr, 251, base->zone.get()).status()), "soa");
}

}  // namespace
}  // namespace dns::xfr

namespace dns::xfr {
namespace {

TEST(XfrStream, MasterTextReadsBack) {
  std::vector<Record> z = Zone1();
  Record txt;
  txt.owner = W("t.example.test.");
  txt.type = 16;
  txt.ttl = 60;
  txt.rdata = std::string("\5a \"b;\x02\xff\x01", 9);
  Record mx;
  mx.owner = kOrigin;
  mx.type = 15;
  mx.ttl = 60;
  mx.rdata = std::string("\0\x0a", 2) + W("mx.other.test.");
  Record unknown;
  unknown.owner = W("u.example.test.");
  unknown.type = 65280;
  unknown.ttl = 1;
  unknown.rdata = std::string("\x01\x02\x00", 3);
  z.insert(z.end() - 1, {txt, mx, unknown});
  absl::StatusOr<StreamResult> r = Feed(z);
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string text = r->zone->ToMasterText();
  absl::StatusOr<std::unique_ptr<ZoneCopy>> back = ZoneCopy::FromMasterText(kOrigin, text);
  ASSERT_TRUE(back.ok()) << back.status() << "\n" << text;
  EXPECT_EQ((*back)->ToMasterText(), text);
  EXPECT_EQ((*back)->serial(), 1u);
  EXPECT_EQ((*back)->record_count(), r->zone->record_count());
  EXPECT_FALSE(ZoneCopy::FromMasterText(kOrigin, "www.example.test. 300 IN A 192.0.2.1\n").ok());
  EXPECT_FALSE(ZoneCopy::FromMasterText(kOrigin, text + "x.other. 1 IN A 192.0.2.1\n").ok());
}

}  // namespace
}  // namespace dns::xfr
