// The canonical form and order of RRsets (RFC 4034 §6, RFC 6840 §5.1) and
// the signed data of §3.1.8.1: the octets themselves, and signatures over
// mixed-case, duplicated RRsets that ldns's verifier (which canonicalizes
// on its own) accepts.
#include <ctime>
#include <string>
#include <vector>

#include "dns/dnssec/canonical.h"
#include "dns/dnssec/keys.h"
#include "dns/dnssec/signer.h"
#include "dns/wire/name.h"
#include "gtest/gtest.h"
#include "tests/dnssec/dnssec_test_util.h"

namespace {

using namespace dns::dnssec;  // NOLINT
using steer_test::ParseRr;
using steer_test::WireRr;

std::string Canonical(const std::string& rr_text) {
  WireRr rr = ParseRr(rr_text);
  std::string out;
  EXPECT_TRUE(AppendCanonicalRdata(rr.type, rr.rdata, &out)) << rr_text;
  return out;
}

TEST(CanonicalRdataTest, NamesLowerCasedOnlyWhereSection6_2Says) {
  // Names in RDATA of NS, MX, SOA, CNAME, PTR, SRV, DNAME, RP, RRSIG: lower-cased.
  EXPECT_EQ(Canonical("a. IN MX 10 MAIL.Example.COM."), ParseRr("a. IN MX 10 mail.example.com.").rdata);
  EXPECT_EQ(Canonical("a. IN NS NS1.EXAMPLE."), ParseRr("a. IN NS ns1.example.").rdata);
  EXPECT_EQ(Canonical("a. IN CNAME Target.Example."), ParseRr("a. IN CNAME target.example.").rdata);
  EXPECT_EQ(Canonical("a. IN PTR Host.Example."), ParseRr("a. IN PTR host.example.").rdata);
  EXPECT_EQ(Canonical("a. IN DNAME Other.Example."), ParseRr("a. IN DNAME other.example.").rdata);
  EXPECT_EQ(Canonical("a. IN SRV 1 2 3 Target.Example."), ParseRr("a. IN SRV 1 2 3 target.example.").rdata);
  EXPECT_EQ(Canonical("a. IN RP Mbox.Example. TXT.Example."), ParseRr("a. IN RP mbox.example. txt.example.").rdata);
  EXPECT_EQ(Canonical("a. IN SOA NS.Example. Hostmaster.EXAMPLE. 1 2 3 4 5"),
            ParseRr("a. IN SOA ns.example. hostmaster.example. 1 2 3 4 5").rdata);
  EXPECT_EQ(Canonical("a. IN NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _Sip._udp.Example."),
            ParseRr("a. IN NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.").rdata);
  EXPECT_EQ(Canonical("a. IN RRSIG A 13 1 60 20300101000000 20200101000000 1 Example. AAAA"),
            ParseRr("a. IN RRSIG A 13 1 60 20300101000000 20200101000000 1 example. AAAA").rdata);
  // Not in TXT, HINFO (no names), NSEC (RFC 6840 §5.1), nor opaque types.
  for (const char* keep : {"a. IN TXT \"Hello World\" \"MiXeD\"", "a. IN HINFO \"INTEL\" \"Linux\"",
                           "a. IN NSEC Next.Example. A RRSIG NSEC",
                           "a. IN CAA 0 issue \"CA.Example\""}) {
    EXPECT_EQ(Canonical(keep), ParseRr(keep).rdata) << keep;
    EXPECT_FALSE(TypeHasCanonicalNames(ParseRr(keep).type)) << keep;
  }
  // A name running past the RDATA: refused, nothing appended.
  std::string out = "x";
  EXPECT_FALSE(AppendCanonicalRdata(15, std::string("\x00\x0a\x04mail", 7), &out));
  EXPECT_EQ(out, "x");
  EXPECT_FALSE(AppendCanonicalRdata(2, std::string("\xc0\x0c", 2), &out));  // compressed
}

TEST(RrsigLabelsTest, WildcardAndRoot) {
  std::string w;
  dns::NameFromText("*.w.example.", &w);
  EXPECT_EQ(RrsigLabels(w), 2);
  dns::NameFromText("www.Example.COM.", &w);
  EXPECT_EQ(RrsigLabels(w), 3);
  EXPECT_EQ(RrsigLabels(std::string(1, '\0')), 0);
}

// The signed data of a small RRset, octet by octet.
TEST(SignedDataTest, OctetsOfSection3_1_8_1) {
  WireRr a1 = ParseRr("WWW.Example. 300 IN A 192.0.2.2");
  WireRr a2 = ParseRr("www.example. 300 IN A 192.0.2.1");
  std::string signer;
  dns::NameFromText("EXAMPLE.", &signer);
  const std::string_view rdatas[] = {a1.rdata, a2.rdata, a1.rdata};  // a duplicate
  RrsigFields f{.type_covered = 1, .algorithm = 13, .labels = 2, .original_ttl = 3600,
                .expiration = 0x01020304, .inception = 0x05060708, .key_tag = 0xabcd,
                .signer = signer};
  SignedData sd;
  // The RRset's own TTL (300) is not what is signed: the original TTL is.
  ASSERT_TRUE(sd.Build(f, {a1.owner, 1, 1, 300, rdatas}).ok());
  const std::string owner("\x03www\x07" "example\x00", 13);
  const std::string expected =
      std::string("\x00\x01\x0d\x02\x00\x00\x0e\x10\x01\x02\x03\x04\x05\x06\x07\x08\xab\xcd", 18) +
      std::string("\x07" "example\x00", 9) +
      owner + std::string("\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\xc0\x00\x02\x01", 14) +
      owner + std::string("\x00\x01\x00\x01\x00\x00\x0e\x10\x00\x04\xc0\x00\x02\x02", 14);
  EXPECT_EQ(sd.data(), expected);
  EXPECT_EQ(sd.rr_count(), 2u);

  // A wildcard expansion: a.b.example. signed with labels 1 is "*.example.".
  WireRr x = ParseRr("A.B.example. 300 IN A 192.0.2.9");
  const std::string_view xr[] = {x.rdata};
  f.labels = 1;
  ASSERT_TRUE(sd.Build(f, {x.owner, 1, 1, 300, xr}).ok());
  EXPECT_EQ(sd.data().substr(18 + 9, 11), std::string("\x01*\x07" "example\x00", 11));

  // Mistakes of the caller: refused.
  f.labels = 4;
  EXPECT_FALSE(sd.Build(f, {x.owner, 1, 1, 300, xr}).ok());
  f.labels = 3;
  EXPECT_FALSE(sd.Build(f, {x.owner, 28, 1, 300, xr}).ok());  // type != covered
  EXPECT_FALSE(sd.Build(f, {x.owner, 1, 1, 300, {}}).ok());   // empty
}

TEST(SignedDataTest, CanonicalOrderIsByCanonicalRdata) {
  std::string signer;
  dns::NameFromText("example.", &signer);
  RrsigFields f{.type_covered = 15, .algorithm = 13, .labels = 1, .original_ttl = 60,
                .signer = signer};
  // Raw order would put "B" (0x42) before "a" (0x61); canonical is a, b.
  // "MAIL" and "mail" are one RR once lower-cased.
  WireRr b = ParseRr("example. IN MX 10 B.example.");
  WireRr a = ParseRr("example. IN MX 10 a.example.");
  WireRr m1 = ParseRr("example. IN MX 5 MAIL.example.");
  WireRr m2 = ParseRr("example. IN MX 5 mail.example.");
  const std::string_view mx[] = {b.rdata, m1.rdata, a.rdata, m2.rdata};
  SignedData sd;
  ASSERT_TRUE(sd.Build(f, {b.owner, 15, 1, 60, mx}).ok());
  ASSERT_EQ(sd.rr_count(), 3u);
  EXPECT_EQ(sd.canonical_rdata(0), ParseRr("example. IN MX 5 mail.example.").rdata);
  EXPECT_EQ(sd.canonical_rdata(1), ParseRr("example. IN MX 10 a.example.").rdata);
  EXPECT_EQ(sd.canonical_rdata(2), ParseRr("example. IN MX 10 b.example.").rdata);

  // TXT keeps case, so "B" and "b" are two RRs, "B" first; a shorter RDATA
  // that is a prefix of a longer one sorts first.
  f.type_covered = 65280;
  const std::string_view opaque[] = {std::string_view("\x01\x02\x03", 3), std::string_view("\x01\x02", 2),
                                     std::string_view("b"), std::string_view("B")};
  ASSERT_TRUE(sd.Build(f, {b.owner, 65280, 1, 60, opaque}).ok());
  ASSERT_EQ(sd.rr_count(), 4u);
  EXPECT_EQ(sd.canonical_rdata(0), std::string_view("\x01\x02", 2));
  EXPECT_EQ(sd.canonical_rdata(1), std::string_view("\x01\x02\x03", 3));
  EXPECT_EQ(sd.canonical_rdata(2), "B");
  EXPECT_EQ(sd.canonical_rdata(3), "b");
}

TEST(RrsigTimeTest, SerialArithmetic) {
  RrsigFields f;
  f.inception = 1000;
  f.expiration = 2000;
  EXPECT_TRUE(RrsigTimeValid(f, 1500));
  EXPECT_FALSE(RrsigTimeValid(f, 999));
  EXPECT_FALSE(RrsigTimeValid(f, 2001));
  // Across the 2^32 wrap (2106): inception before it, expiration after.
  f.inception = 0xfffffff0u;
  f.expiration = 0x10;
  EXPECT_TRUE(RrsigTimeValid(f, 0x100000005ull));
}

// Our signatures over RRsets in mixed case and with duplicates, checked by
// ldns (ldns_verify_rrsig_keylist_time lower-cases and sorts on its own).
TEST(SignedDataTest, LdnsVerifiesOurSignaturesOverMixedCaseRrsets) {
  const std::vector<std::vector<std::string>> rrsets = {
      {"WWW.Example.COM. 300 IN A 192.0.2.3", "www.example.com. 300 IN A 192.0.2.1",
       "Www.Example.Com. 300 IN A 192.0.2.3"},
      {"Example.COM. 300 IN MX 10 MAIL.Example.COM.", "example.com. 300 IN MX 20 Backup.EXAMPLE.com.",
       "example.com. 300 IN MX 10 mail.example.com."},
      {"example.com. 300 IN NS NS1.Example.COM.", "example.com. 300 IN NS ns2.example.com."},
      {"example.com. 300 IN SOA NS1.Example.COM. HostMaster.Example.COM. 1 7200 3600 1209600 300"},
      {"Txt.example.com. 300 IN TXT \"Hello World\"", "txt.example.com. 300 IN TXT \"hello world\""},
      {"_sip._udp.Example.com. 300 IN SRV 1 2 5060 SIP.Example.com."},
      {"*.Wild.example.com. 300 IN AAAA 2001:db8::1"},
      {"Alias.example.com. 300 IN CNAME Target.Example.NET."},
  };
  for (uint8_t alg : {13, 15}) {
    std::string zone;
    dns::NameFromText("example.com.", &zone);
    auto pair = GenerateKeyPair(zone, alg, false, std::time(nullptr));
    ASSERT_TRUE(pair.ok()) << pair.status();
    auto signer = Signer::Create(*pair);
    ASSERT_TRUE(signer.ok());
    ldns_rr_list* keys = ldns_rr_list_new();
    ldns_rr_list_push_rr(keys, steer_test::LdnsRr(zone, 48, 3600, pair->dnskey.Rdata()));
    for (const auto& texts : rrsets) {
      std::vector<WireRr> rrs;
      for (const std::string& t : texts) rrs.push_back(ParseRr(t));
      std::vector<std::string_view> rdatas;
      for (const WireRr& r : rrs) rdatas.push_back(r.rdata);
      std::string rrsig;
      const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
      ASSERT_TRUE((*signer)->Sign({rrs[0].owner, rrs[0].type, 1, rrs[0].ttl, rdatas}, now - 3600,
                                  now + 86400, &rrsig)
                      .ok());
      // ldns gets the RRs without the duplicates (it keeps them, the RFC
      // says they are one RR); "www" with a different case is the same owner.
      ldns_rr_list* set = ldns_rr_list_new();
      std::vector<std::string> seen;
      for (const WireRr& r : rrs) {
        std::string canon;
        AppendCanonicalRdata(r.type, r.rdata, &canon);
        if (std::find(seen.begin(), seen.end(), canon) != seen.end()) continue;
        seen.push_back(canon);
        ldns_rr_list_push_rr(set, steer_test::LdnsRr(rrs[0].owner, r.type, r.ttl, r.rdata));
      }
      ldns_rr* sig = steer_test::LdnsRr(rrs[0].owner, 46, rrs[0].ttl, rrsig);
      ldns_rr_list* good = ldns_rr_list_new();
      const ldns_status st = ldns_verify_rrsig_keylist_time(set, sig, keys, now, good);
      EXPECT_EQ(st, LDNS_STATUS_OK) << "algorithm " << int(alg) << " " << texts[0] << ": "
                                    << ldns_get_errorstr_by_id(st);
      // And our own verifier agrees.
      auto pub = PublicKey::FromDnskey(zone, pair->dnskey.Rdata());
      ASSERT_TRUE(pub.ok());
      EXPECT_TRUE(pub->Verify({rrs[0].owner, rrs[0].type, 1, rrs[0].ttl, rdatas}, rrsig).ok());
      ldns_rr_list_free(good);
      ldns_rr_free(sig);
      ldns_rr_list_deep_free(set);
    }
    ldns_rr_list_deep_free(keys);
  }
}

}  // namespace
