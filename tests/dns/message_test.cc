// Tests for dns/wire/message.h: ParseQuery verdicts, EDNS and Client
// Subnet parsing, and the OPT record we write (checked with ldns).
#include "dns/wire/message.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "dns/wire/name.h"
#include "dns/wire/reader.h"
#include "dns/wire/writer.h"

// ldns/common.h #defines bool/true/false unless stdbool.h came first.
#include <stdbool.h>  // NOLINT
#include <ldns/ldns.h>

namespace dns {
namespace {

using std::string_literals::operator""s;

std::string U16(uint16_t v) {
  return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)};
}
std::string U32(uint32_t v) { return U16(v >> 16) + U16(v & 0xffff); }

std::string Header(uint16_t flags, uint16_t qd, uint16_t an = 0,
                   uint16_t ns = 0, uint16_t ar = 0, uint16_t id = 0xabcd) {
  return U16(id) + U16(flags) + U16(qd) + U16(an) + U16(ns) + U16(ar);
}

const std::string kQname = "\003WwW\007Example\003COM\000"s;

std::string Question(const std::string& name = kQname,
                     uint16_t type = 28, uint16_t cls = 1) {
  return name + U16(type) + U16(cls);
}

std::string Rr(const std::string& owner, uint16_t type,
               const std::string& rdata, uint16_t cls = 1,
               uint32_t ttl = 60) {
  return owner + U16(type) + U16(cls) + U32(ttl) +
         U16(static_cast<uint16_t>(rdata.size())) + rdata;
}

std::string Option(uint16_t code, const std::string& data) {
  return U16(code) + U16(static_cast<uint16_t>(data.size())) + data;
}

std::string Ecs(uint16_t family, uint8_t source, uint8_t scope,
                const std::string& addr) {
  return Option(8, U16(family) + static_cast<char>(source) +
                       static_cast<char>(scope) + addr);
}

// An OPT RR: udp size in CLASS, ext-rcode/version/DO in TTL.
std::string Opt(const std::string& options = "", uint16_t udp = 4096,
                uint8_t version = 0, bool dnssec_ok = false,
                const std::string& owner = "\000"s) {
  uint32_t ttl = (uint32_t{version} << 16) | (dnssec_ok ? 0x8000u : 0u);
  return Rr(owner, 41, options, udp, ttl);
}

// A standard query for kQname AAAA with one OPT RR.
std::string EdnsQuery(const std::string& options, uint16_t udp = 4096,
                      uint8_t version = 0, bool dnssec_ok = false) {
  return Header(0x0100, 1, 0, 0, 1) + Question() +
         Opt(options, udp, version, dnssec_ok);
}

ParseStatus Parse(const std::string& packet, Query* q) {
  return ParseQuery(reinterpret_cast<const uint8_t*>(packet.data()),
                    packet.size(), q);
}

ParseStatus Parse(const std::string& packet) {
  Query q;
  return Parse(packet, &q);
}

TEST(ParseQueryTest, DropsShortPacketsAndResponses) {
  Query q;
  EXPECT_EQ(ParseQuery(nullptr, 0, &q), ParseStatus::kDrop);
  EXPECT_EQ(Parse(Header(0, 1).substr(0, 11)), ParseStatus::kDrop);
  const std::string response = Header(flag::kQR, 1) + Question();
  EXPECT_EQ(Parse(response, &q), ParseStatus::kDrop);
  EXPECT_EQ(q.id, 0xabcd);  // header fields are filled before deciding
  EXPECT_EQ(q.flags, flag::kQR);
  // QR with a non-QUERY opcode is still dropped, not NOTIMP.
  EXPECT_EQ(Parse(Header(flag::kQR | (4 << 11), 1) + Question()),
            ParseStatus::kDrop);
}

TEST(ParseQueryTest, PlainQuery) {
  Query q;
  const std::string packet = Header(0x0110, 1) + Question();
  ASSERT_EQ(Parse(packet, &q), ParseStatus::kOk);
  EXPECT_EQ(q.id, 0xabcd);
  EXPECT_EQ(q.flags, 0x0110);
  EXPECT_EQ(q.opcode, 0);
  EXPECT_TRUE(q.has_question);
  EXPECT_EQ(q.qname.wire(), "\003www\007example\003com\000"s);
  EXPECT_EQ(q.qname.label_count(), 3);
  EXPECT_EQ(q.qname_as_sent, kQname);
  EXPECT_EQ(q.qname_as_sent.data(), packet.data() + 12);  // a view
  EXPECT_EQ(q.qtype, 28);
  EXPECT_EQ(q.qclass, 1);
  EXPECT_FALSE(q.edns.present);
  EXPECT_FALSE(q.edns.has_ecs);
}

TEST(ParseQueryTest, RootQuestion) {
  Query q;
  const std::string packet = Header(0, 1) + Question("\000"s, 2);
  ASSERT_EQ(Parse(packet, &q), ParseStatus::kOk);
  EXPECT_EQ(q.qname.length(), 1u);
  EXPECT_EQ(q.qname_as_sent, "\000"s);
  EXPECT_EQ(q.qtype, 2);
}

TEST(ParseQueryTest, ResetsPreviousContents) {
  Query q;
  ASSERT_EQ(Parse(EdnsQuery(Ecs(1, 24, 0, "\300\000\002"s)), &q),
            ParseStatus::kOk);
  ASSERT_TRUE(q.edns.has_ecs);
  ASSERT_EQ(Parse(Header(0x2800, 0), &q), ParseStatus::kNotImp);  // UPDATE
  EXPECT_FALSE(q.has_question);
  EXPECT_EQ(q.qname.length(), 1u);
  EXPECT_TRUE(q.qname_as_sent.empty());
  EXPECT_FALSE(q.edns.present);
  EXPECT_FALSE(q.edns.has_ecs);
}

TEST(ParseQueryTest, NotifyIsParsedLikeAQuery) {
  Query q;
  // NOTIFY (4) with a question and an SOA in the answer section: parsed
  // (RFC 1996; it used to be NOTIMP, issue 17 answers it).
  const std::string notify = Header(4 << 11, 1, 1) + Question(kQname, 6) +
                             Rr("\300\014"s, 6, "xyz");
  ASSERT_EQ(Parse(notify, &q), ParseStatus::kOk);
  EXPECT_EQ(q.opcode, 4);
  EXPECT_TRUE(q.has_question);
  EXPECT_EQ(q.qtype, 6);
  // ... and a malformed NOTIFY is FORMERR, as a query.
  EXPECT_EQ(Parse(Header(4 << 11, 2) + Question(), &q), ParseStatus::kFormErr);
}

TEST(ParseQueryTest, TsigMustBeTheLastAdditionalRecord) {
  Query q;
  const std::string tsig = Rr("\3key\0"s, 250, "rdata");  // checked by dns/tsig
  const std::string opt = Opt("", 1400);
  // Last of the additional section: its offset is recorded.
  const std::string last = Header(0, 1, 0, 0, 2) + Question() + opt + tsig;
  ASSERT_EQ(Parse(last, &q), ParseStatus::kOk);
  EXPECT_EQ(q.tsig_offset, last.size() - tsig.size());
  EXPECT_TRUE(q.edns.present);
  // Not last, twice, or in the answer section: FORMERR.
  EXPECT_EQ(Parse(Header(0, 1, 0, 0, 2) + Question() + tsig + opt, &q), ParseStatus::kFormErr);
  EXPECT_EQ(Parse(Header(0, 1, 0, 0, 2) + Question() + tsig + tsig, &q), ParseStatus::kFormErr);
  EXPECT_EQ(Parse(Header(0, 1, 1, 0, 0) + Question() + tsig, &q), ParseStatus::kFormErr);
  // Trailing octets after it: FORMERR, no offset.
  EXPECT_EQ(Parse(Header(0, 1, 0, 0, 1) + Question() + tsig + "x", &q), ParseStatus::kFormErr);
  EXPECT_EQ(q.tsig_offset, 0);
  // None: 0.
  ASSERT_EQ(Parse(Header(0, 1) + Question(), &q), ParseStatus::kOk);
  EXPECT_EQ(q.tsig_offset, 0);
}

TEST(ParseQueryTest, NotImpForOtherOpcodes) {
  Query q;
  // UPDATE (5) with garbage: still NOTIMP, question echoed if parsed.
  ASSERT_EQ(Parse(Header(5 << 11, 1, 7) + Question() + "junk", &q),
            ParseStatus::kNotImp);
  EXPECT_TRUE(q.has_question);
  // STATUS (2) with no question at all.
  ASSERT_EQ(Parse(Header(2 << 11, 0), &q), ParseStatus::kNotImp);
  EXPECT_FALSE(q.has_question);
  // A question that does not parse.
  ASSERT_EQ(Parse(Header(1 << 11, 1) + "\300\014"s, &q),
            ParseStatus::kNotImp);
  EXPECT_FALSE(q.has_question);
  // EDNS is read for the echo.
  ASSERT_EQ(Parse(Header(5 << 11, 1, 0, 0, 1) + Question() + Opt("", 1400),
                  &q),
            ParseStatus::kNotImp);
  EXPECT_TRUE(q.edns.present);
  EXPECT_EQ(q.edns.udp_size, 1400);
  // NOTIMP wins over BADVERS.
  EXPECT_EQ(Parse(Header(5 << 11, 1, 0, 0, 1) + Question() + Opt("", 1400, 1)),
            ParseStatus::kNotImp);
}

struct BadCase {
  const char* what;
  std::string packet;
};

TEST(ParseQueryTest, FormErrCases) {
  const std::string h1 = Header(0x0100, 1);
  const std::string q = Question();
  std::string long_name;
  for (int i = 0; i < 128; ++i) long_name += "\001x";
  long_name += '\0';
  const std::vector<BadCase> cases = {
      {"no question", Header(0, 0)},
      {"two questions", Header(0, 2) + q + q},
      {"qdcount 2, one question", Header(0, 2) + q},
      {"empty question", h1},
      {"truncated label", h1 + "\003ww"},
      {"no root label", h1 + "\003www"},
      {"truncated qtype", h1 + kQname + "\000"s},
      {"truncated qclass", h1 + kQname + "\000\034\000"s},
      {"qname pointer", h1 + "\300\014"s + U32(0x001c0001)},
      {"qname labels then pointer", h1 + "\003www\300\014"s + U32(0x001c0001)},
      {"qname 0x40 label", h1 + "\101www\000"s + U32(0x001c0001)},
      {"qname 0x80 label", h1 + "\201www\000"s + U32(0x001c0001)},
      {"qname over 255", h1 + long_name + U32(0x001c0001)},
      {"trailing octet", h1 + q + "x"},
      {"trailing octets after OPT", EdnsQuery("") + "\000\000"s},
      {"answer missing", Header(0, 1, 1) + q},
      {"answer truncated rdata", Header(0, 1, 1) + q +
                                     Rr("\300\014"s, 1, "abcd").substr(0, 14)},
      {"answer truncated fixed part", Header(0, 1, 1) + q + "\300\014\000"s},
      {"answer forward pointer", Header(0, 1, 1) + q + Rr("\300\100"s, 1, "")},
      {"answer bad label", Header(0, 1, 1) + q + Rr("\101a\000"s, 1, "")},
      {"authority missing", Header(0, 1, 0, 1) + q},
      {"additional missing", Header(0, 1, 0, 0, 1) + q},
      {"additional truncated", Header(0, 1, 0, 0, 2) + q + Opt()},
      {"OPT in answer", Header(0, 1, 1) + q + Opt()},
      {"OPT in authority", Header(0, 1, 0, 1) + q + Opt()},
      {"two OPTs", Header(0, 1, 0, 0, 2) + q + Opt() + Opt()},
      {"OPT owner not root", Header(0, 1, 0, 0, 1) + q +
                                 Opt("", 4096, 0, false, "\001a\000"s)},
      {"OPT owner pointer to non-root", Header(0, 1, 0, 0, 1) + q +
                                            Opt("", 4096, 0, false,
                                                "\300\014"s)},
      {"OPT truncated fixed part", Header(0, 1, 0, 0, 1) + q + "\000\000\051"s},
      {"OPT rdata past end", Header(0, 1, 0, 0, 1) + q + Opt("abcd").substr(
                                                             0, 13)},
      {"option header truncated", EdnsQuery("\000\012\000"s)},
      {"option past rdata", EdnsQuery(U16(10) + U16(9) + "12345678")},
      {"ECS family 0", EdnsQuery(Ecs(0, 0, 0, ""))},
      {"ECS family 3", EdnsQuery(Ecs(3, 8, 0, "\001"s))},
      {"ECS v4 source 33", EdnsQuery(Ecs(1, 33, 0, "\001\002\003\004\200"s))},
      {"ECS v6 source 129", EdnsQuery(Ecs(2, 129, 0, std::string(17, '\0')))},
      {"ECS address too long", EdnsQuery(Ecs(1, 24, 0, "\300\000\002\000"s))},
      {"ECS address too short", EdnsQuery(Ecs(1, 24, 0, "\300\000"s))},
      {"ECS address for /0", EdnsQuery(Ecs(1, 0, 0, "\000"s))},
      {"ECS v6 address too long", EdnsQuery(Ecs(2, 56, 0, std::string(8, 1)))},
      {"ECS bits past prefix", EdnsQuery(Ecs(1, 23, 0, "\300\000\003"s))},
      {"ECS bits past /1", EdnsQuery(Ecs(2, 1, 0, "\100"s))},
      {"ECS scope non-zero", EdnsQuery(Ecs(1, 24, 24, "\300\000\002"s))},
      {"ECS option too short", EdnsQuery(Option(8, "\000\001"s))},
      {"ECS option empty", EdnsQuery(Option(8, ""))},
      {"two ECS options", EdnsQuery(Ecs(1, 24, 0, "\300\000\002"s) +
                                    Ecs(1, 24, 0, "\300\000\002"s))},
      {"ECS error with BADVERS", EdnsQuery(Ecs(3, 0, 0, ""), 4096, 1)},
  };
  for (const BadCase& c : cases) {
    Query parsed;
    EXPECT_EQ(Parse(c.packet, &parsed), ParseStatus::kFormErr) << c.what;
    EXPECT_EQ(parsed.id, 0xabcd) << c.what;
    EXPECT_FALSE(parsed.edns.has_ecs) << c.what;
  }
}

TEST(ParseQueryTest, FormErrKeepsWhatWasParsed) {
  Query q;
  const std::string packet = Header(0x0100, 1) + Question() + "x";
  ASSERT_EQ(Parse(packet, &q), ParseStatus::kFormErr);
  EXPECT_TRUE(q.has_question);
  EXPECT_EQ(q.qname_as_sent, kQname);
  EXPECT_EQ(q.qtype, 28);

  ASSERT_EQ(Parse(EdnsQuery(Ecs(1, 24, 24, "\300\000\002"s), 1232, 0, true),
                  &q),
            ParseStatus::kFormErr);
  EXPECT_TRUE(q.has_question);
  EXPECT_TRUE(q.edns.present);  // echo OPT in the FORMERR
  EXPECT_EQ(q.edns.udp_size, 1232);
  EXPECT_FALSE(q.edns.has_ecs);
}

TEST(ParseQueryTest, BadVers) {
  Query q;
  ASSERT_EQ(Parse(EdnsQuery("", 1232, 1, true), &q), ParseStatus::kBadVers);
  EXPECT_TRUE(q.has_question);
  EXPECT_TRUE(q.edns.present);
  EXPECT_EQ(q.edns.version, 1);
  EXPECT_TRUE(q.edns.dnssec_ok);
  EXPECT_EQ(q.edns.udp_size, 1232);
  EXPECT_EQ(Parse(EdnsQuery("", 1232, 255)), ParseStatus::kBadVers);
  // Well-formedness is decided first.
  EXPECT_EQ(Parse(EdnsQuery("", 1232, 1) + "x"), ParseStatus::kFormErr);
}

TEST(ParseQueryTest, EdnsFields) {
  Query q;
  ASSERT_EQ(Parse(EdnsQuery("", 4096, 0, true), &q), ParseStatus::kOk);
  EXPECT_TRUE(q.edns.present);
  EXPECT_EQ(q.edns.udp_size, 4096);
  EXPECT_EQ(q.edns.version, 0);
  EXPECT_TRUE(q.edns.dnssec_ok);
  EXPECT_FALSE(q.edns.has_ecs);

  ASSERT_EQ(Parse(EdnsQuery("", 100), &q), ParseStatus::kOk);
  EXPECT_EQ(q.edns.udp_size, 512);
  EXPECT_FALSE(q.edns.dnssec_ok);
  ASSERT_EQ(Parse(EdnsQuery("", 0), &q), ParseStatus::kOk);
  EXPECT_EQ(q.edns.udp_size, 512);
  ASSERT_EQ(Parse(EdnsQuery("", 65535), &q), ParseStatus::kOk);
  EXPECT_EQ(q.edns.udp_size, 65535);

  // Extended RCODE and Z bits other than DO are ignored.
  const std::string odd = Header(0, 1, 0, 0, 1) + Question() +
                          Rr("\000"s, 41, "", 1232, 0xff007fff);
  ASSERT_EQ(Parse(odd, &q), ParseStatus::kOk);
  EXPECT_FALSE(q.edns.dnssec_ok);
}

TEST(ParseQueryTest, ClientSubnetIpv4) {
  Query q;
  ASSERT_EQ(Parse(EdnsQuery(Ecs(1, 24, 0, "\300\000\002"s)), &q),
            ParseStatus::kOk);
  ASSERT_TRUE(q.edns.has_ecs);
  EXPECT_EQ(q.edns.ecs.family, 1);
  EXPECT_EQ(q.edns.ecs.source_prefix, 24);
  EXPECT_EQ(q.edns.ecs.scope_prefix, 0);
  const uint8_t want[16] = {192, 0, 2};
  EXPECT_EQ(std::memcmp(q.edns.ecs.address, want, 16), 0);

  ASSERT_EQ(Parse(EdnsQuery(Ecs(1, 32, 0, "\306\063\144\007"s)), &q),
            ParseStatus::kOk);
  EXPECT_EQ(q.edns.ecs.source_prefix, 32);
  EXPECT_EQ(q.edns.ecs.address[3], 7);

  // /23 with the last bit of the third octet clear.
  ASSERT_EQ(Parse(EdnsQuery(Ecs(1, 23, 0, "\300\000\002"s)), &q),
            ParseStatus::kOk);
  EXPECT_EQ(q.edns.ecs.source_prefix, 23);
}

TEST(ParseQueryTest, ClientSubnetIpv6) {
  Query q;
  const std::string addr = "\040\001\015\270\000\001\043"s;  // 2001:db8:1:23
  ASSERT_EQ(Parse(EdnsQuery(Ecs(2, 56, 0, addr)), &q), ParseStatus::kOk);
  ASSERT_TRUE(q.edns.has_ecs);
  EXPECT_EQ(q.edns.ecs.family, 2);
  EXPECT_EQ(q.edns.ecs.source_prefix, 56);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(q.edns.ecs.address), 16),
            addr + std::string(9, '\0'));

  ASSERT_EQ(Parse(EdnsQuery(Ecs(2, 128, 0, std::string(16, '\377'))), &q),
            ParseStatus::kOk);
  EXPECT_EQ(q.edns.ecs.address[15], 0xff);
}

TEST(ParseQueryTest, ClientSubnetPrefixZero) {
  for (uint16_t family : {1, 2}) {
    Query q;
    ASSERT_EQ(Parse(EdnsQuery(Ecs(family, 0, 0, "")), &q), ParseStatus::kOk);
    ASSERT_TRUE(q.edns.has_ecs);
    EXPECT_EQ(q.edns.ecs.family, family);
    EXPECT_EQ(q.edns.ecs.source_prefix, 0);
    const uint8_t zero[16] = {};
    EXPECT_EQ(std::memcmp(q.edns.ecs.address, zero, 16), 0);
  }
}

TEST(ParseQueryTest, OtherOptionsIgnored) {
  Query q;
  const std::string options = Option(10, "12345678") +  // client cookie
                              Option(12, std::string(20, '\0')) +  // padding
                              Ecs(1, 16, 0, "\012\001"s) + Option(65001, "");
  ASSERT_EQ(Parse(EdnsQuery(options), &q), ParseStatus::kOk);
  ASSERT_TRUE(q.edns.has_ecs);
  EXPECT_EQ(q.edns.ecs.address[0], 10);
  EXPECT_EQ(q.edns.ecs.address[1], 1);
}

TEST(ParseQueryTest, SkipsOtherSectionsAndRecords) {
  Query q;
  // An answer RR owned by a pointer to the qname, an authority RR, and a
  // non-OPT additional RR (a TKEY-like record; a TSIG there is FORMERR
  // since it must be last, see TsigMustBeTheLastAdditionalRecord) around
  // the OPT.
  const std::string packet =
      Header(0x0100, 1, 1, 1, 3) + Question() +
      Rr("\300\014"s, 1, "\300\000\002\001"s) +
      Rr("\300\020"s, 2, "\002ns\300\020"s) +
      Rr("\001x\300\014"s, 249, std::string(30, 'k'), 255) +
      Opt(Ecs(1, 8, 0, "\012"s)) + Rr("\000"s, 16, "\003txt"s);
  ASSERT_EQ(Parse(packet, &q), ParseStatus::kOk);
  EXPECT_TRUE(q.edns.present);
  EXPECT_TRUE(q.edns.has_ecs);
}

TEST(ParseQueryTest, OptOwnerMayPointToRoot) {
  Query q;
  // The qname's root octet is at 12 + 16 = 28.
  const std::string packet = Header(0, 1, 0, 0, 1) + Question() +
                             Opt("", 1400, 0, false, "\300\034"s);
  ASSERT_EQ(Parse(packet, &q), ParseStatus::kOk);
  EXPECT_EQ(q.edns.udp_size, 1400);
}

// ---- AppendOpt / OptSize ----

struct OptCase {
  const char* what;
  bool with_ecs;
  ClientSubnet ecs;
  Rcode rcode;
  std::string want_rdata;
};

ClientSubnet Subnet(uint16_t family, uint8_t source, uint8_t scope,
                    std::vector<uint8_t> addr) {
  ClientSubnet s;
  s.family = family;
  s.source_prefix = source;
  s.scope_prefix = scope;
  for (size_t i = 0; i < addr.size() && i < 16; ++i) s.address[i] = addr[i];
  return s;
}

TEST(AppendOptTest, SizeMatchesAndLdnsDecodes) {
  const std::vector<OptCase> cases = {
      {"no ECS", false, {}, Rcode::kNoError, ""},
      {"BADVERS", false, {}, Rcode::kBadVers, ""},
      {"v4 /24 scope 16", true, Subnet(1, 24, 16, {192, 0, 2}),
       Rcode::kNoError, "\000\010\000\007\000\001\030\020\300\000\002"s},
      {"v4 /0", true, Subnet(1, 0, 0, {}), Rcode::kNoError,
       "\000\010\000\004\000\001\000\000"s},
      {"v4 /32", true, Subnet(1, 32, 32, {198, 51, 100, 7}),
       Rcode::kNoError, "\000\010\000\010\000\001\040\040\306\063\144\007"s},
      {"v6 /56 scope 48", true,
       Subnet(2, 56, 48, {0x20, 0x01, 0x0d, 0xb8, 0, 1, 0x23}),
       Rcode::kNxDomain,
       "\000\010\000\013\000\002\070\060\040\001\015\270\000\001\043"s},
      {"v6 /128", true, Subnet(2, 128, 0, std::vector<uint8_t>(16, 0xab)),
       Rcode::kNoError,
       "\000\010\000\024\000\002\200\000"s + std::string(16, '\253')},
      {"stray bits masked", true, Subnet(1, 20, 0, {10, 0xff, 0xff, 0xff}),
       Rcode::kNoError, "\000\010\000\007\000\001\024\000\012\377\360"s},
  };
  for (const OptCase& c : cases) {
    uint8_t buf[512];
    Writer w(buf, sizeof buf);
    ASSERT_TRUE(w.AppendHeader(0x4242, flag::kQR | flag::kAA |
                                           (static_cast<uint16_t>(c.rcode) &
                                            flag::kRcodeMask)));
    const ClientSubnet* ecs = c.with_ecs ? &c.ecs : nullptr;
    const size_t before = w.size();
    ASSERT_TRUE(AppendOpt(w, 1232, c.rcode, ecs)) << c.what;
    EXPECT_EQ(w.size() - before, OptSize(ecs)) << c.what;
    EXPECT_EQ(w.count(Section::kAdditional), 1) << c.what;
    const size_t len = w.Finish();

    // The exact bytes.
    const uint32_t ttl = static_cast<uint32_t>(c.rcode) >> 4 << 24;
    const std::string want = "\000\000\051\004\320"s + U32(ttl) +
                             U16(static_cast<uint16_t>(c.want_rdata.size())) +
                             c.want_rdata;
    EXPECT_EQ(std::string(reinterpret_cast<char*>(buf) + before, len - before),
              want)
        << c.what;

    // ldns as the oracle.
    ldns_pkt* pkt = nullptr;
    ASSERT_EQ(ldns_wire2pkt(&pkt, buf, len), LDNS_STATUS_OK) << c.what;
    EXPECT_TRUE(ldns_pkt_edns(pkt)) << c.what;
    EXPECT_EQ(ldns_pkt_edns_udp_size(pkt), 1232) << c.what;
    EXPECT_EQ(ldns_pkt_edns_extended_rcode(pkt),
              static_cast<uint16_t>(c.rcode) >> 4)
        << c.what;
    EXPECT_EQ(ldns_pkt_edns_version(pkt), 0) << c.what;
    EXPECT_FALSE(ldns_pkt_edns_do(pkt)) << c.what;
    const ldns_rdf* data = ldns_pkt_edns_data(pkt);
    if (c.want_rdata.empty()) {
      EXPECT_TRUE(data == nullptr || ldns_rdf_size(data) == 0) << c.what;
    } else {
      ASSERT_NE(data, nullptr) << c.what;
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(ldns_rdf_data(data)),
                            ldns_rdf_size(data)),
                c.want_rdata)
          << c.what;
    }
    ldns_pkt_free(pkt);
  }
}

TEST(AppendOptTest, RefusedWhenItDoesNotFit) {
  uint8_t buf[512];
  Writer w(buf, sizeof buf);
  ASSERT_TRUE(w.AppendHeader(1, flag::kQR));
  const ClientSubnet ecs = Subnet(1, 24, 0, {192, 0, 2});
  w.SetLimit(12 + OptSize(&ecs) - 1);
  EXPECT_FALSE(AppendOpt(w, 1232, Rcode::kNoError, &ecs));
  EXPECT_EQ(w.size(), 12u);
  EXPECT_EQ(w.count(Section::kAdditional), 0);
  EXPECT_TRUE(AppendOpt(w, 1232, Rcode::kNoError, nullptr));  // 11 octets fit
  w.SetLimit(w.size() + OptSize(&ecs));
  EXPECT_TRUE(AppendOpt(w, 1232, Rcode::kNoError, &ecs));
  EXPECT_EQ(w.size(), w.limit());
  EXPECT_EQ(w.count(Section::kAdditional), 2);
}

TEST(AppendOptTest, OptSizeValues) {
  EXPECT_EQ(OptSize(nullptr), 11u);
  ClientSubnet ecs = Subnet(1, 0, 0, {});
  EXPECT_EQ(OptSize(&ecs), 19u);
  ecs.source_prefix = 1;
  EXPECT_EQ(OptSize(&ecs), 20u);
  ecs.source_prefix = 24;
  EXPECT_EQ(OptSize(&ecs), 22u);
  ecs = Subnet(2, 128, 0, {});
  EXPECT_EQ(OptSize(&ecs), 35u);
}

// ---- Queries built by ldns ----

std::string LdnsQuery(const char* name, ldns_rr_type type, uint16_t id,
                      bool edns, uint8_t version, const std::string& options) {
  ldns_rdf* owner = ldns_dname_new_frm_str(name);
  EXPECT_NE(owner, nullptr);
  ldns_pkt* pkt = ldns_pkt_query_new(owner, type, LDNS_RR_CLASS_IN, LDNS_RD);
  EXPECT_NE(pkt, nullptr);
  ldns_pkt_set_id(pkt, id);
  if (edns) {
    ldns_pkt_set_edns_udp_size(pkt, 4096);
    ldns_pkt_set_edns_do(pkt, true);
    ldns_pkt_set_edns_version(pkt, version);
    if (!options.empty()) {
      ldns_pkt_set_edns_data(
          pkt, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_UNKNOWN, options.size(),
                                     options.data()));
    }
  }
  uint8_t* wire = nullptr;
  size_t size = 0;
  EXPECT_EQ(ldns_pkt2wire(&wire, pkt, &size), LDNS_STATUS_OK);
  std::string out(reinterpret_cast<char*>(wire), size);
  free(wire);
  ldns_pkt_free(pkt);
  return out;
}

TEST(LdnsRoundTripTest, PlainQuery) {
  Query q;
  const std::string packet =
      LdnsQuery("WWW.Example.com.", LDNS_RR_TYPE_A, 777, false, 0, "");
  ASSERT_EQ(Parse(packet, &q), ParseStatus::kOk);
  EXPECT_EQ(q.id, 777);
  EXPECT_TRUE(q.flags & flag::kRD);
  EXPECT_EQ(q.qname.ToText(), "www.example.com.");
  EXPECT_EQ(q.qname_as_sent, "\003WWW\007Example\003com\000"s);
  EXPECT_EQ(q.qtype, rrtype::kA);
  EXPECT_EQ(q.qclass, rrclass::kIN);
  EXPECT_FALSE(q.edns.present);
}

TEST(LdnsRoundTripTest, EdnsWithClientSubnet) {
  Query q;
  const std::string options =
      Option(10, "abcdefgh") + Ecs(2, 48, 0, "\040\001\015\270\000\052"s);
  ASSERT_EQ(Parse(LdnsQuery("Api.Example.NET.", LDNS_RR_TYPE_AAAA, 4242, true,
                            0, options),
                  &q),
            ParseStatus::kOk);
  EXPECT_EQ(q.id, 4242);
  EXPECT_EQ(q.qname.ToText(), "api.example.net.");
  EXPECT_EQ(q.qtype, rrtype::kAAAA);
  ASSERT_TRUE(q.edns.present);
  EXPECT_EQ(q.edns.udp_size, 4096);
  EXPECT_TRUE(q.edns.dnssec_ok);
  EXPECT_EQ(q.edns.version, 0);
  ASSERT_TRUE(q.edns.has_ecs);
  EXPECT_EQ(q.edns.ecs.family, 2);
  EXPECT_EQ(q.edns.ecs.source_prefix, 48);
  EXPECT_EQ(q.edns.ecs.address[0], 0x20);
  EXPECT_EQ(q.edns.ecs.address[5], 0x2a);
  EXPECT_EQ(q.edns.ecs.address[6], 0);
}

TEST(LdnsRoundTripTest, EdnsVersionOne) {
  Query q;
  EXPECT_EQ(Parse(LdnsQuery("example.com.", LDNS_RR_TYPE_SOA, 1, true, 1, ""),
                  &q),
            ParseStatus::kBadVers);
  EXPECT_EQ(q.edns.version, 1);
}

// Our reply, read back: header + question + OPT parse as a message with our
// own Reader too (the OPT RR is where AppendOpt put it).
TEST(AppendOptTest, ReplyOptReadsBack) {
  Query q;
  const std::string query = EdnsQuery(Ecs(1, 24, 0, "\300\000\002"s), 4096);
  ASSERT_EQ(Parse(query, &q), ParseStatus::kOk);
  uint8_t buf[512];
  Writer w(buf, sizeof buf);
  ASSERT_TRUE(w.AppendHeader(q.id, flag::kQR | flag::kAA));
  ASSERT_TRUE(w.AppendQuestion(q.qname_as_sent, q.qname.wire(), q.qtype,
                               q.qclass));
  ClientSubnet echo = q.edns.ecs;
  echo.scope_prefix = 20;
  ASSERT_TRUE(AppendOpt(w, 1232, Rcode::kNoError, &echo));
  const size_t len = w.Finish();
  Reader r(buf, len);
  r.Seek(12 + kQname.size() + 4);
  Name owner;
  r.ReadName(&owner);
  EXPECT_EQ(owner.length(), 1u);
  EXPECT_EQ(r.ReadU16(), rrtype::kOPT);
  EXPECT_EQ(r.ReadU16(), 1232);
  EXPECT_EQ(r.ReadU32(), 0u);
  EXPECT_EQ(r.ReadU16(), 11);
  EXPECT_EQ(r.ReadU16(), ednsopt::kClientSubnet);
  EXPECT_EQ(r.ReadU16(), 7);
  EXPECT_EQ(r.ReadU16(), 1);
  EXPECT_EQ(r.ReadU8(), 24);
  EXPECT_EQ(r.ReadU8(), 20);
  EXPECT_EQ(r.ReadU8(), 192);
  EXPECT_EQ(r.ReadU8(), 0);
  EXPECT_EQ(r.ReadU8(), 2);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

}  // namespace
}  // namespace dns

namespace dns {
namespace {

// Mutated and truncated packets never crash the parser, and every verdict
// is consistent with what the Query holds.
TEST(ParseQueryTest, SurvivesMutations) {
  const std::string seed =
      Header(0x0100, 1, 1, 0, 2) + Question() +
      Rr("\300\014"s, 1, "\300\000\002\001"s) +
      Rr("\001x\300\014"s, 16, "\003abc"s) +
      Opt(Option(10, "12345678") + Ecs(1, 24, 0, "\300\000\002"s));
  Query q;
  ASSERT_EQ(Parse(seed, &q), ParseStatus::kOk);
  uint32_t rng = 12345;
  auto next = [&rng] {
    rng = rng * 1103515245u + 12345u;
    return rng >> 8;
  };
  for (int i = 0; i < 200000; ++i) {
    std::string p = seed;
    const int flips = 1 + static_cast<int>(next() % 4);
    for (int f = 0; f < flips; ++f) {
      p[next() % p.size()] = static_cast<char>(next());
    }
    if (next() % 4 == 0) p.resize(next() % (p.size() + 1));
    const ParseStatus st = Parse(p, &q);
    if (st == ParseStatus::kOk) {
      ASSERT_TRUE(q.has_question);
      ASSERT_LE(q.qname.length(), kMaxNameLength);
      ASSERT_GE(q.edns.udp_size, q.edns.present ? 512 : 0);
    }
    if (st == ParseStatus::kDrop) {
      ASSERT_TRUE(p.size() < 12 || (static_cast<uint8_t>(p[2]) & 0x80));
    }
    // The reader on the same bytes: names anywhere decode or fail cleanly.
    Reader r(reinterpret_cast<const uint8_t*>(p.data()), p.size());
    r.Seek(next() % (p.size() + 1));
    Name n;
    r.ReadName(&n);
    if (r.ok()) {
      ASSERT_LE(n.length(), kMaxNameLength);
    }
  }
}

}  // namespace
}  // namespace dns
