// zones/rdata_text.h: names, TTLs, types and classes, and RDATA of every
// type in common use, checked against ldns's encoding of the same text, and
// errors that name the field.
#include "zones/rdata_text.h"

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>
#include <arpa/inet.h>
#include <ldns/ldns.h>

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "zones/master_tokenizer.h"

namespace zones {
namespace {

using ::testing::HasSubstr;

const std::string kOrigin("\7example\3com\0", 13);

// The RDATA of "TYPE rdata..." both ways: ours and ldns's.
struct Both {
  std::string ours, ours_error, ldns, ldns_error;
};

Both Encode(const std::string& rr_text) {
  Both b;
  MasterTokenizer t(rr_text);
  MasterEntry e;
  MasterTokenizer::Error err;
  EXPECT_TRUE(t.Next(&e, &err));
  EXPECT_EQ(err.message, "") << rr_text;
  EXPECT_GE(e.tokens.size(), 2u) << rr_text;
  uint16_t type = 0;
  EXPECT_TRUE(TypeFromText(e.tokens[1].text, &type)) << rr_text;
  b.ours_error = RdataFromText(type, absl::MakeConstSpan(e.tokens).subspan(2), kOrigin, &b.ours);

  ldns_rdf* origin = ldns_dname_new_frm_str("example.com.");
  ldns_rr* rr = nullptr;
  const ldns_status st = ldns_rr_new_frm_str(&rr, rr_text.c_str(), 3600, origin, nullptr);
  if (st != LDNS_STATUS_OK) {
    b.ldns_error = ldns_get_errorstr_by_id(st);
  } else {
    ldns_buffer* buf = ldns_buffer_new(512);
    ldns_rr_rdata2buffer_wire(buf, rr);
    b.ldns.assign(reinterpret_cast<const char*>(ldns_buffer_begin(buf)), ldns_buffer_position(buf));
    ldns_buffer_free(buf);
    ldns_rr_free(rr);
  }
  ldns_rdf_deep_free(origin);
  return b;
}

std::string Hex(const std::string& s) {
  static const char* d = "0123456789abcdef";
  std::string h;
  for (unsigned char c : s) {
    h.push_back(d[c >> 4]);
    h.push_back(d[c & 15]);
  }
  return h;
}

// Lines both readers must accept and encode alike.
const char* const kSameAsLdns[] = {
    "www A 192.0.2.1",
    "www AAAA 2001:db8::1",
    "www AAAA ::ffff:192.0.2.1",
    "@ NS ns1",
    "@ NS ns1.example.net.",
    "alias CNAME www",
    "d DNAME other.example.",
    "@ SOA ns1 hostmaster 2024060101 3600 900 1209600 300",
    "@ SOA ns1.example.com. host\\.master.example.com. 1 1h 15m 2w 5m",
    "@ MX 10 mail",
    "t TXT \"v=spf1 -all\"",
    "t TXT \"a\" \"b c\" unquoted",
    "t TXT \"say \\\"hi\\\"\" \"\\065\\066\"",
    "t TXT \"\"",
    "t SPF \"v=spf1 -all\"",
    "h HINFO \"PC\" \"Linux\"",
    "_sip._tcp SRV 10 60 5060 sip",
    "n NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp",
    "n NAPTR 100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .",
    "c CAA 0 issue \"letsencrypt.org\"",
    "c CAA 128 iodef \"mailto:security@example.com\"",
    "s SSHFP 1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac",
    "_443._tcp TLSA 3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6",
    "_443._tcp SMIMEA 3 1 1 0c72ac70b745ac19998811b131d662c9ac69dbdbe7cb23e5b514b56664c5d3d6",
    "p PTR www",
    "@ DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
    "@ DS 60485 RSASHA1 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
    "@ CDS 60485 8 2 2BB183AF5F22588179A53B0A98631FAD1A2921182BB183AF5F22588179A53B0A",
    "@ DNSKEY 257 3 8 AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjFFVQUTf6v58fLjwBd0YI0EzrAcQqBGCzh/RStIoO8g0NfnfL2MTJRkxoXbfDaUeVPQuYEhg37NZWAJQ9VnMVDxP/VHL496M/QZxkjf5/Efucp2gaDX6RS6CXpoY68LsvPVjR0ZSwzz1apAzvN9dlzEheX7ICJBBtuA6G3LQpzW5hOA2hzCTMjJPJ8LbqF6dsV6DoBQzgul0sGIcGOYl7OyQdXfZ57relSQageu+ipAdTTJ25AsRTAoub8ONGcLmqrAmRLKBP1dfwhYB4N7knNnulqQxA+Uk1ihz0=",
    "@ CDNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
    "@ RRSIG SOA 8 2 3600 20250101000000 20241201000000 12345 example.com. "
    "dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ==",
    "@ RRSIG A 13 2 300 1735689600 1733011200 12345 example.com. "
    "dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ==",
    "@ NSEC www.example.com. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY",
    "@ NSEC www.example.com. A TYPE1234",
    "x NSEC3 1 0 10 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG",
    "x NSEC3 1 1 0 - 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR",
    "@ NSEC3PARAM 1 0 10 AABBCCDD",
    "@ NSEC3PARAM 1 0 0 -",
    "@ OPENPGPKEY dGhpcyBpcyBub3QgYSByZWFsIGtleQ==",
    "_ftp._tcp URI 10 1 \"ftp://ftp1.example.com/public\"",
    "@ ZONEMD 2024060101 1 1 "
    "a3b69bad980a3504e1cffcb0fd6397f93848071c93151f552ae2f6b1711d4bd2d8b39808226d7b9db71e34b72077f8fe",
    "r RP mbox.example.com. txt.example.com.",
    "a AFSDB 1 afs",
    "k KX 10 kx",
    "l LOC 52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
    "s SVCB 1 svc.example.net. alpn=h2,h3 port=8443",
    "s HTTPS 1 . alpn=h2 ipv4hint=192.0.2.1",
    "s HTTPS 1 . alpn=\"h2,h3\" port=443",
    "w TYPE65280 \\# 4 0a000001",
    "w A \\# 4 c0000201",
    "u TYPE999 \\# 3 010203",
    "e EUI48 00-00-5e-00-53-2a",
};

TEST(RdataTextTest, SameWireAsLdns) {
  for (const char* line : kSameAsLdns) {
    Both b = Encode(line);
    EXPECT_EQ(b.ours_error, "") << line;
    EXPECT_EQ(b.ldns_error, "") << line;
    EXPECT_EQ(Hex(b.ours), Hex(b.ldns)) << line;
  }
}

std::string Error(const std::string& rr_text) { return Encode(rr_text).ours_error; }

TEST(RdataTextTest, ErrorsNameTheField) {
  EXPECT_EQ(Error("a A 192.0.2.256"), "bad IPv4 address '192.0.2.256'");
  EXPECT_EQ(Error("a AAAA 2001:db8::g"), "bad IPv6 address '2001:db8::g'");
  EXPECT_EQ(Error("a A"), "A record is missing its IPv4 address");
  EXPECT_EQ(Error("a A 192.0.2.1 192.0.2.2"), "too many fields for A: '192.0.2.2' is left over");
  EXPECT_EQ(Error("m MX 70000 mail"), "16-bit value 70000 is out of range (0..65535)");
  EXPECT_EQ(Error("m MX ten mail"), "bad 16-bit value 'ten'");
  EXPECT_EQ(Error("c CNAME a..b"), "empty label in 'a..b'");
  EXPECT_EQ(Error("c CNAME " + std::string(64, 'x')),
            "label longer than 63 octets in '" + std::string(64, 'x') + "'");
  EXPECT_EQ(Error("t TXT \"" + std::string(256, 'x') + "\""),
            "character string longer than 255 octets (256)");
  EXPECT_EQ(Error("s SSHFP 1 1 abc"), "odd number of hex digits in 'abc'");
  EXPECT_EQ(Error("k DNSKEY 257 3 8 !!!"), "bad base64 data '!!!'");
  EXPECT_EQ(Error("k DS 1 NOSUCHALG 1 00"), "unknown algorithm 'NOSUCHALG'");
  EXPECT_EQ(Error("n NSEC next BOGUS"), "unknown type 'BOGUS'");
  EXPECT_EQ(Error("w A \\# 5 c0000201"), "generic RDATA says 5 octets but has 4");
  EXPECT_EQ(Error("w TXT \\# 0"), "generic RDATA of TXT needs at least one character-string");
  EXPECT_EQ(Error("w MX \\# 5 000a000000"), "generic RDATA of MX has 2 octets of trailing RDATA");
  EXPECT_EQ(Error("c CAA 0 \"issue\" \"x\""), "bad CAA tag 'issue' (quoted)");
  EXPECT_THAT(Error("l LOC north"), HasSubstr("bad LOC data"));
}

// The address parsers of our own read exactly what inet_pton() reads.
TEST(RdataTextTest, AddressesReadAsInetPtonReadsThem) {
  const char* const v4[] = {"0.0.0.0", "192.0.2.1", "255.255.255.255", "256.0.0.1", "1.2.3",
                            "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1..2.3", ".1.2.3", "1.2.3.4.",
                            "1.2.3.4x", "1234.1.1.1", "00.0.0.0", "1.2.3.-4", "", "a.b.c.d",
                            "10.0.0.255", "1.2.3.4 "};
  const char* const v6[] = {"::", "::1", "1::", "2001:db8::1", "2001:DB8:0:0:8:800:200C:417A",
                            "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
                            "1:2:3:4:5:6:7::8", "1::2::3", ":1::2", "1::2:", ":::", "12345::",
                            "::ffff:192.0.2.1", "::192.0.2.1", "1:2:3:4:5:6:192.0.2.1",
                            "1:2:3:4:5:6:7:192.0.2.1", "::1.2.3", "::1.2.3.04", "::g", "0001:0:0::1",
                            "fe80::1%eth0", "", ":", "1:2:3:4:5:6:7:8::", "::1.2.3.4:5", "1.2.3.4",
                            "2001:db8::", "a:b:c:d:e:f:1.2.3.4", "a:b:c:d:e::1.2.3.4"};
  auto check = [](uint16_t type, const char* text, int af) {
    unsigned char want[16];
    const bool ok = inet_pton(af, text, want) == 1;
    MasterToken t;
    t.text = text;
    std::string wire;
    const std::string err = RdataFromText(type, absl::MakeConstSpan(&t, 1), kOrigin, &wire);
    EXPECT_EQ(err.empty(), ok) << text << ": " << err;
    if (ok && err.empty()) {
      EXPECT_EQ(wire, std::string(reinterpret_cast<const char*>(want), af == AF_INET ? 4 : 16))
          << text;
    }
  };
  for (const char* a : v4) check(1, a, AF_INET);
  for (const char* a : v6) check(28, a, AF_INET6);
}

TEST(RdataTextTest, TtlsInSecondsAndUnits) {
  uint32_t ttl = 0;
  EXPECT_EQ(TtlFromText("300", &ttl), "");
  EXPECT_EQ(ttl, 300u);
  EXPECT_EQ(TtlFromText("1h30m", &ttl), "");
  EXPECT_EQ(ttl, 5400u);
  EXPECT_EQ(TtlFromText("1W2d3H4m5S", &ttl), "");
  EXPECT_EQ(ttl, 604800u + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
  EXPECT_EQ(TtlFromText("2147483647", &ttl), "");
  EXPECT_EQ(TtlFromText("2147483648", &ttl), "TTL 2147483648 is out of range (0..2147483647)");
  bool top_bit = false;
  ttl = 7;
  EXPECT_EQ(TtlFromText("4294967295", &ttl, &top_bit), "");  // RFC 2181 §8: read as 0
  EXPECT_TRUE(top_bit);
  EXPECT_EQ(ttl, 0u);
  EXPECT_EQ(TtlFromText("300", &ttl, &top_bit), "");
  EXPECT_FALSE(top_bit);
  EXPECT_EQ(TtlFromText("4294967296", &ttl, &top_bit),
            "TTL 4294967296 is out of range (0..2147483647)");
  EXPECT_EQ(TtlFromText("4294967295", &ttl), "TTL 4294967295 is out of range (0..2147483647)");
  EXPECT_EQ(TtlFromText("99999999999", &ttl), "TTL 99999999999 is out of range (0..2147483647)");
  EXPECT_EQ(TtlFromText("1x", &ttl), "bad TTL '1x'");
  EXPECT_EQ(TtlFromText("h", &ttl), "bad TTL 'h'");
}

TEST(RdataTextTest, TypesAndClasses) {
  auto type = [](std::string_view text) -> int {
    uint16_t t;
    return TypeFromText(text, &t) ? t : -1;
  };
  auto rclass = [](std::string_view text) -> int {
    uint16_t c;
    return ClassFromText(text, &c) ? c : -1;
  };
  EXPECT_EQ(type("a"), 1);
  EXPECT_EQ(type("AAAA"), 28);
  EXPECT_EQ(type("cname"), 5);
  EXPECT_EQ(type("TYPE65280"), 65280);
  EXPECT_EQ(type("https"), 65);
  EXPECT_EQ(type("BOGUSTYPE"), -1);
  EXPECT_EQ(type("TYPE70000"), -1);
  EXPECT_EQ(type("TYPE"), -1);
  EXPECT_EQ(rclass("in"), 1);
  EXPECT_EQ(rclass("CH"), 3);
  EXPECT_EQ(rclass("CLASS32"), 32);
  EXPECT_EQ(rclass("A"), -1);
}

TEST(RdataTextTest, Names) {
  std::string w;
  EXPECT_EQ(NameFromPresentation("@", kOrigin, &w), "");
  EXPECT_EQ(w, kOrigin);
  EXPECT_EQ(NameFromPresentation("www", kOrigin, &w), "");
  EXPECT_EQ(w, std::string("\3www", 4) + kOrigin);
  EXPECT_EQ(NameFromPresentation("a\\.b.", kOrigin, &w), "");
  EXPECT_EQ(w, std::string("\3a.b\0", 5));
  EXPECT_EQ(NameFromPresentation("\\065.", kOrigin, &w), "");
  EXPECT_EQ(w, std::string("\1A\0", 3));
  EXPECT_EQ(NameFromPresentation(".", kOrigin, &w), "");
  EXPECT_EQ(w, std::string("\0", 1));
  EXPECT_EQ(NameFromPresentation("\\256.", kOrigin, &w), "bad escape in '\\256.'");
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'a') + ".";
  EXPECT_THAT(NameFromPresentation(long_name, kOrigin, &w), HasSubstr("name longer than 255"));
}

// RFC 9460 Appendix D: the presentation forms and their wire forms (the
// RDATA, hex), ours alone (ldns 1.8.3 reads the escaped alpn differently).
std::string SvcbHex(const std::string& rr_text) {
  Both b = Encode(rr_text);
  EXPECT_EQ(b.ours_error, "") << rr_text;
  return Hex(b.ours);
}

TEST(RdataTextTest, SvcbRfc9460AppendixD) {
  // D.1 AliasMode.
  EXPECT_EQ(SvcbHex("example.com. HTTPS 0 foo.example.com."),
            "0000" "03666f6f076578616d706c6503636f6d00");
  // D.2 ServiceMode.
  EXPECT_EQ(SvcbHex("example.com. SVCB 1 ."), "000100");
  EXPECT_EQ(SvcbHex("example.com. SVCB 16 foo.example.com. port=53"),
            "0010" "03666f6f076578616d706c6503636f6d00" "000300020035");
  EXPECT_EQ(SvcbHex("example.com. SVCB 1 foo.example.com. key667=hello"),
            "0001" "03666f6f076578616d706c6503636f6d00" "029b000568656c6c6f");
  EXPECT_EQ(SvcbHex("example.com. SVCB 1 foo.example.com. key667=\"hello\\210qoo\""),
            "0001" "03666f6f076578616d706c6503636f6d00" "029b000968656c6c6fd2716f6f");
  EXPECT_EQ(SvcbHex("example.com. SVCB 1 foo.example.com. "
                    "ipv6hint=\"2001:db8::1,2001:db8::53:1\""),
            "0001" "03666f6f076578616d706c6503636f6d00" "00060020"
            "20010db8000000000000000000000001" "20010db8000000000000000000530001");
  EXPECT_EQ(SvcbHex("example.com. SVCB 1 example.com. ipv6hint=\"2001:db8:122:344::192.0.2.33\""),
            "0001" "076578616d706c6503636f6d00" "00060010" "20010db80122034400000000c0000221");
  EXPECT_EQ(SvcbHex("example.com. SVCB 16 foo.example.org. "
                    "( alpn=h2,h3-19 mandatory=ipv4hint,alpn ipv4hint=192.0.2.1 )"),
            "0010" "03666f6f076578616d706c65036f726700"
            "0000000400010004" "00010009026832056833" "2d3139" "00040004c0000201");
  const std::string escaped_alpn =
      "0010" "03666f6f076578616d706c65036f726700" "0001000c" "08665c6f6f2c626172" "026832";
  EXPECT_EQ(SvcbHex("example.com. SVCB 16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\""),
            escaped_alpn);
  EXPECT_EQ(SvcbHex("example.com. SVCB 16 foo.example.org. alpn=f\\\\\\092oo\\092,bar,h2"),
            escaped_alpn);
  // The other keys: no-default-alpn, ech, dohpath (RFC 9461), sorted.
  EXPECT_EQ(SvcbHex("s HTTPS 1 . dohpath=/q{?dns} no-default-alpn alpn=h2 ech=AQID"),
            "000100" "00010003026832" "00020000" "00050003010203" "00070008" "2f717b3f646e737d");
}

// RFC 9460 Appendix D.3: the failure cases, and the other errors.
TEST(RdataTextTest, SvcbErrors) {
  EXPECT_EQ(Error("s SVCB 1 foo.example.com. key123=abc key123=def"),
            "SvcParam key123 appears twice");
  for (const char* key : {"mandatory", "alpn", "port", "ipv4hint", "ipv6hint"}) {
    EXPECT_EQ(Error(std::string("s SVCB 1 foo.example.com. ") + key),
              std::string("SvcParam ") + key + " needs a value");
  }
  EXPECT_EQ(Error("s SVCB 1 foo.example.com. no-default-alpn=abc"),
            "SvcParam no-default-alpn takes no value");
  EXPECT_EQ(Error("s SVCB 1 foo.example.com. mandatory=key123"),
            "mandatory lists key123, which the record does not have");
  EXPECT_EQ(Error("s SVCB 1 foo.example.com. mandatory=mandatory"),
            "mandatory must not list mandatory");
  EXPECT_EQ(Error("s SVCB 1 foo.example.com. mandatory=key123,key123 key123=abc"),
            "mandatory lists key123 twice");
  EXPECT_EQ(Error("s SVCB 1 . bogus=1"), "unknown SvcParamKey 'bogus'");
  EXPECT_EQ(Error("s SVCB 1 . key65535=1"), "unknown SvcParamKey 'key65535'");
  EXPECT_EQ(Error("s SVCB 1 . ipv4hint=192.0.2.1,192.0.2.256"),
            "bad IPv4 address '192.0.2.256' in ipv4hint");
  EXPECT_EQ(Error("s SVCB 1 . alpn=h2,,h3"), "empty ALPN id in alpn 'h2,,h3'");
  EXPECT_EQ(Error("s SVCB 1 . port=65536"), "port 65536 is out of range (0..65535)");
  EXPECT_EQ(Error("s SVCB 70000 ."), "SvcPriority 70000 is out of range (0..65535)");
  EXPECT_EQ(Error("s SVCB 1"), "SVCB record needs a priority and a target name");
}

}  // namespace
}  // namespace zones
