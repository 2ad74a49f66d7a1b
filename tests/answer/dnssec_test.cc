// Pre-signed zones answered with and without the DO bit (RFC 4035 §3.1,
// RFC 5155 §7.2), in process: a hand-made signed zone (structurally valid
// RRSIG/NSEC/NSEC3 records; their signatures are not checked here — the
// e2e test tests/e2e/dnssec_interop_test.cc has delv validate real ones and
// compares with NSD) answered by dns::HandleQuery, decoded by ldns.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers): before ldns
#include <ldns/ldns.h>

#include <memory>
#include <string>
#include <vector>

#include "dns/answer/answer.h"
#include "dns/dnssec/nsec.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/ldns_oracle.h"
#include "zones/builder.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"

namespace dns {
namespace {

using ::steer_test::BuildQuery, ::steer_test::QueryWire, ::steer_test::SectionText;
using ::testing::Contains, ::testing::HasSubstr, ::testing::IsEmpty, ::testing::Not;

// RRSIG RDATA for type T with `labels`, a fake signature.
std::string Sig(const std::string& type, int labels, int ttl = 3600) {
  return "RRSIG " + type + " 13 " + std::to_string(labels) + " " + std::to_string(ttl) +
         " 20300101000000 20200101000000 1234 example.com. AAAA";
}

// NSEC-signed: apex, ns1, www (A, TXT with another TTL), a.b (b is an
// empty non-terminal), *.w, sub (a delegation without DS), sec (with DS).
std::string NsecZone() {
  return std::string("$ORIGIN example.com.\n$TTL 3600\n") +
         "@ SOA ns1 h 1 2 3 4 300\n@ " + Sig("SOA", 2) + "\n" +
         "@ NS ns1\n@ " + Sig("NS", 2) + "\n" +
         "@ DNSKEY 257 3 13 AAAA\n@ " + Sig("DNSKEY", 2) + "\n" +
         "@ 300 NSEC a.b NS SOA RRSIG NSEC DNSKEY\n@ " + Sig("NSEC", 2, 300) + "\n" +
         "a.b A 192.0.2.9\na.b " + Sig("A", 3) + "\n" +
         "a.b 300 NSEC ns1 A RRSIG NSEC\na.b " + Sig("NSEC", 3, 300) + "\n" +
         "ns1 A 192.0.2.53\nns1 " + Sig("A", 2) + "\n" +
         "ns1 300 NSEC sec A RRSIG NSEC\nns1 " + Sig("NSEC", 2, 300) + "\n" +
         "sec NS ns.other.\nsec DS 1 13 2 00\nsec " + Sig("DS", 2) + "\n" +
         "sec 300 NSEC sub NS DS RRSIG NSEC\nsec " + Sig("NSEC", 2, 300) + "\n" +
         "sub NS ns.other.\n" +
         "sub 300 NSEC *.w NS RRSIG NSEC\nsub " + Sig("NSEC", 2, 300) + "\n" +
         "*.w A 192.0.2.7\n*.w " + Sig("A", 2) + "\n" +
         "*.w 300 NSEC www A RRSIG NSEC\n*.w " + Sig("NSEC", 2, 300) + "\n" +
         "www A 192.0.2.1\nwww " + Sig("A", 2) + "\n" +
         "www 600 TXT \"t\"\nwww 600 " + Sig("TXT", 2, 600) + "\n" +
         "www 300 NSEC example.com. A TXT RRSIG NSEC\nwww " + Sig("NSEC", 2, 300) + "\n";
}

std::unique_ptr<Snapshot> SnapshotOf(const std::string& text) {
  auto snap = std::make_unique<Snapshot>();
  std::string origin;
  EXPECT_TRUE(NameFromText("example.com.", &origin));
  zones::ZoneBuilder builder(origin);
  const absl::Status st = zones::ReadMasterText(text, "dnssec.zone", &builder);
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_THAT(builder.warnings(), IsEmpty());  // RRSIGs keep their own TTLs
  auto zone = std::move(builder).Build();
  EXPECT_TRUE(zone.ok()) << zone.status();
  if (zone.ok()) snap->zones.Put(*zone);
  return snap;
}

struct Answer {
  int rcode = -1;
  bool tc = false;
  std::vector<std::string> an, ns, ar;
};

class DnssecAnswerTest : public ::testing::Test {
 protected:
  Answer Ask(const Snapshot& snap, const std::string& name, ldns_rr_type type, bool dnssec_ok,
             int edns_udp = 1232) {
    QueryWire w;
    w.edns_udp = edns_udp;
    w.dnssec_ok = dnssec_ok;
    const std::vector<uint8_t> q = BuildQuery(name, type, w);
    Request req;
    const size_t n = HandleQuery(snap, q.data(), q.size(), req, out_, sizeof out_, nullptr);
    Answer a;
    ldns_pkt* pkt = nullptr;
    EXPECT_EQ(ldns_wire2pkt(&pkt, out_, n), LDNS_STATUS_OK);
    if (pkt == nullptr) return a;
    a.rcode = ldns_pkt_get_rcode(pkt);
    a.tc = ldns_pkt_tc(pkt);
    a.an = SectionText(pkt, LDNS_SECTION_ANSWER);
    a.ns = SectionText(pkt, LDNS_SECTION_AUTHORITY);
    a.ar = SectionText(pkt, LDNS_SECTION_ADDITIONAL);
    ldns_pkt_free(pkt);
    return a;
  }
  static bool Has(const std::vector<std::string>& rrs, const std::string& owner,
                  const std::string& type_and_more) {
    for (const std::string& rr : rrs)
      if (rr.rfind(owner + "\t", 0) == 0 && rr.find("\t" + type_and_more) != std::string::npos)
        return true;
    return false;
  }
  uint8_t out_[65535];
};

TEST_F(DnssecAnswerTest, PositiveAnswerCarriesItsOwnRrsigsOnlyWithDo) {
  auto snap = SnapshotOf(NsecZone());
  Answer a = Ask(*snap, "www.example.com.", LDNS_RR_TYPE_A, true);
  EXPECT_EQ(a.an.size(), 2u);
  EXPECT_TRUE(Has(a.an, "www.example.com.", "RRSIG\tA "));
  EXPECT_FALSE(Has(a.an, "www.example.com.", "RRSIG\tTXT "));
  EXPECT_THAT(a.ns, IsEmpty());
  // Each RRSIG keeps the TTL of what it covers (600 for the TXT).
  a = Ask(*snap, "www.example.com.", LDNS_RR_TYPE_TXT, true);
  EXPECT_TRUE(Has(a.an, "www.example.com.", "RRSIG\tTXT "));
  EXPECT_THAT(a.an, Contains(HasSubstr("\t600\tIN\tRRSIG")));
  // Without DO (and without EDNS) nothing DNSSEC-only.
  for (int edns : {1232, 0}) {
    a = Ask(*snap, "www.example.com.", LDNS_RR_TYPE_A, false, edns);
    EXPECT_EQ(a.an.size(), 1u);
    a = Ask(*snap, "nope.example.com.", LDNS_RR_TYPE_A, false, edns);
    EXPECT_EQ(a.ns.size(), 1u);
  }
}

TEST_F(DnssecAnswerTest, ExplicitDnssecTypesAreData) {
  auto snap = SnapshotOf(NsecZone());
  // qtype RRSIG: every RRSIG of the name, with or without DO.
  for (bool d : {false, true}) {
    Answer a = Ask(*snap, "www.example.com.", LDNS_RR_TYPE_RRSIG, d);
    EXPECT_EQ(a.an.size(), 3u);
    a = Ask(*snap, "www.example.com.", LDNS_RR_TYPE_NSEC, d);
    EXPECT_EQ(a.an.size(), d ? 2u : 1u);
    a = Ask(*snap, "example.com.", LDNS_RR_TYPE_DNSKEY, d);
    EXPECT_EQ(a.an.size(), d ? 2u : 1u);
  }
}

TEST_F(DnssecAnswerTest, NxDomainHasCoveringAndWildcardNsec) {
  auto snap = SnapshotOf(NsecZone());
  // zz.example.com. sorts after www: the last NSEC (www -> apex) covers
  // it; *.example.com. sorts before a.b: the apex NSEC covers that.
  Answer a = Ask(*snap, "zz.example.com.", LDNS_RR_TYPE_A, true);
  EXPECT_EQ(a.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(Has(a.ns, "example.com.", "SOA"));
  EXPECT_TRUE(Has(a.ns, "example.com.", "RRSIG\tSOA "));
  EXPECT_THAT(a.ns, Contains(HasSubstr("\t300\tIN\tRRSIG\tSOA")));  // negative TTL
  EXPECT_TRUE(Has(a.ns, "www.example.com.", "NSEC\t"));
  EXPECT_TRUE(Has(a.ns, "example.com.", "NSEC\ta.b"));
  EXPECT_EQ(a.ns.size(), 6u);
  // Below an empty non-terminal: x.b sorts after a.b.
  a = Ask(*snap, "x.b.example.com.", LDNS_RR_TYPE_A, true);
  EXPECT_TRUE(Has(a.ns, "a.b.example.com.", "NSEC\t"));
}

TEST_F(DnssecAnswerTest, NoDataAndEmptyNonTerminal) {
  auto snap = SnapshotOf(NsecZone());
  Answer a = Ask(*snap, "www.example.com.", LDNS_RR_TYPE_MX, true);
  EXPECT_EQ(a.rcode, LDNS_RCODE_NOERROR);
  EXPECT_TRUE(Has(a.ns, "www.example.com.", "NSEC\t"));
  EXPECT_EQ(a.ns.size(), 4u);  // SOA, its RRSIG, NSEC, its RRSIG
  // b.example.com. has no NSEC: the one before it (the apex's) proves it.
  a = Ask(*snap, "b.example.com.", LDNS_RR_TYPE_A, true);
  EXPECT_TRUE(Has(a.ns, "example.com.", "NSEC\ta.b"));
}

TEST_F(DnssecAnswerTest, WildcardAnswerAndNoData) {
  auto snap = SnapshotOf(NsecZone());
  Answer a = Ask(*snap, "x.w.example.com.", LDNS_RR_TYPE_A, true);
  EXPECT_TRUE(Has(a.an, "x.w.example.com.", "RRSIG\tA 13 2 "));  // labels 2: a wildcard's
  EXPECT_TRUE(Has(a.ns, "*.w.example.com.", "NSEC\t"));  // x.w does not exist
  a = Ask(*snap, "x.w.example.com.", LDNS_RR_TYPE_MX, true);
  EXPECT_THAT(a.an, IsEmpty());
  EXPECT_TRUE(Has(a.ns, "*.w.example.com.", "NSEC\t"));
}

TEST_F(DnssecAnswerTest, ReferralsCarryDsOrItsAbsence) {
  auto snap = SnapshotOf(NsecZone());
  Answer a = Ask(*snap, "host.sec.example.com.", LDNS_RR_TYPE_A, true);
  EXPECT_TRUE(Has(a.ns, "sec.example.com.", "DS\t"));
  EXPECT_TRUE(Has(a.ns, "sec.example.com.", "RRSIG\tDS "));
  EXPECT_FALSE(Has(a.ns, "sec.example.com.", "NSEC"));
  a = Ask(*snap, "host.sub.example.com.", LDNS_RR_TYPE_A, true);
  EXPECT_TRUE(Has(a.ns, "sub.example.com.", "NSEC\t"));
  EXPECT_TRUE(Has(a.ns, "sub.example.com.", "RRSIG\tNSEC "));
  a = Ask(*snap, "host.sub.example.com.", LDNS_RR_TYPE_A, false);
  EXPECT_EQ(a.ns.size(), 1u);  // the NS alone
}

TEST_F(DnssecAnswerTest, TruncatedWhenSignaturesDoNotFit) {
  std::string zone = NsecZone();
  for (int i = 0; i < 5; ++i)  // 5 x 73 octets fit in 512; their RRSIG does not
    zone += "big TXT \"" + std::to_string(i) + std::string(59, 'x') + "\"\n";
  zone += "big " + Sig("TXT", 2) + std::string(300, 'A') + "\n";
  auto snap = SnapshotOf(zone);
  Answer a = Ask(*snap, "big.example.com.", LDNS_RR_TYPE_TXT, false, 512);
  EXPECT_FALSE(a.tc);
  a = Ask(*snap, "big.example.com.", LDNS_RR_TYPE_TXT, true, 512);
  EXPECT_TRUE(a.tc);
  a = Ask(*snap, "big.example.com.", LDNS_RR_TYPE_TXT, true, 4096);
  EXPECT_FALSE(a.tc) << a.an.size();
  EXPECT_EQ(a.an.size(), 6u);
}

// A routed name in a signed zone: answered unsigned (online signing is to
// come), with no proof that would contradict the answer.
TEST_F(DnssecAnswerTest, RoutedNameInSignedZoneIsAnsweredUnsigned) {
  std::string origin;
  ASSERT_TRUE(NameFromText("example.com.", &origin));
  zones::ZoneBuilder builder(origin);
  ASSERT_TRUE(zones::ReadMasterText(NsecZone(), "dnssec.zone", &builder).ok());
  const absl::Status st = zones::ReadRoute53JsonText(
      R"({"ResourceRecordSets": [
        {"Name": "r.example.com.", "Type": "A", "SetIdentifier": "a", "Weight": 1, "TTL": 60,
         "ResourceRecords": [{"Value": "192.0.2.77"}]}]})",
      "r.json", &builder);
  ASSERT_TRUE(st.ok()) << st;
  auto zone = std::move(builder).Build();
  ASSERT_TRUE(zone.ok()) << zone.status();
  SnapshotInputs in;
  in.zones.Put(*zone);
  auto snap = BuildSnapshot(std::move(in));
  ASSERT_TRUE(snap.ok()) << snap.status();
  Answer a = Ask(**snap, "r.example.com.", LDNS_RR_TYPE_A, true);
  EXPECT_EQ(a.rcode, LDNS_RCODE_NOERROR);
  ASSERT_EQ(a.an.size(), 1u);
  EXPECT_THAT(a.an[0], HasSubstr("192.0.2.77"));
  // NODATA at the routed name: the SOA and its RRSIG, no NSEC (the chain
  // does not know the name, and would deny it).
  a = Ask(**snap, "r.example.com.", LDNS_RR_TYPE_AAAA, true);
  EXPECT_EQ(a.rcode, LDNS_RCODE_NOERROR);
  EXPECT_EQ(a.ns.size(), 2u);
  EXPECT_FALSE(Has(a.ns, "example.com.", "NSEC\t"));
}

// NSEC3: the zone of RFC 5155 Appendix A would need 20 real hashes; a
// small chain made with our hash is enough to check which NSEC3 proves what.
class Nsec3AnswerTest : public DnssecAnswerTest {
 protected:
  static std::string Hashed(const std::string& text) {
    std::string name;
    EXPECT_TRUE(NameFromText(text, &name));
    uint8_t h[dns::dnssec::kNsec3HashLength];
    EXPECT_TRUE(dns::dnssec::Nsec3Hash(name, "", 0, h));
    char label[dns::dnssec::kNsec3LabelLength];
    return std::string(label, dns::dnssec::Base32HexEncode(h, sizeof h, label));
  }
  // Names with NSEC3s, in hash order, each NSEC3 pointing at the next.
  static std::string Zone() {
    std::vector<std::pair<std::string, std::string>> owners;  // hash, types
    for (const auto& [n, types] : std::vector<std::pair<std::string, std::string>>{
             {"example.com.", "NS SOA RRSIG DNSKEY NSEC3PARAM"},
             {"ns1.example.com.", "A RRSIG"},
             {"www.example.com.", "A RRSIG"}}) {
      owners.emplace_back(Hashed(n), types);
    }
    std::sort(owners.begin(), owners.end());
    std::string z = "$ORIGIN example.com.\n$TTL 3600\n@ SOA ns1 h 1 2 3 4 300\n@ " +
                    Sig("SOA", 2) + "\n@ NS ns1\n@ NSEC3PARAM 1 0 0 -\n" +
                    "ns1 A 192.0.2.53\nwww A 192.0.2.1\nwww " + Sig("A", 2) + "\n";
    for (size_t i = 0; i < owners.size(); ++i) {
      const std::string& next = owners[(i + 1) % owners.size()].first;
      z += owners[i].first + " 300 NSEC3 1 0 0 - " + next + " " + owners[i].second + "\n";
      z += owners[i].first + " " + Sig("NSEC3", 3, 300) + "\n";
    }
    return z;
  }
};

TEST_F(Nsec3AnswerTest, ProofsFromTheChain) {
  auto snap = SnapshotOf(Zone());
  // NODATA: the NSEC3 matching www.
  Answer a = Ask(*snap, "www.example.com.", LDNS_RR_TYPE_MX, true);
  EXPECT_TRUE(Has(a.ns, Hashed("www.example.com.") + ".example.com.", "NSEC3\t"));
  // NXDOMAIN: closest encloser (apex) match, next closer and wildcard cover.
  a = Ask(*snap, "nope.example.com.", LDNS_RR_TYPE_A, true);
  EXPECT_EQ(a.rcode, LDNS_RCODE_NXDOMAIN);
  EXPECT_TRUE(Has(a.ns, Hashed("example.com.") + ".example.com.", "NSEC3\t"));
  int nsec3 = 0;
  for (const std::string& rr : a.ns) nsec3 += rr.find("\tNSEC3\t") != std::string::npos;
  // Three proofs at most; with three hashes in the chain they may coincide.
  EXPECT_GE(nsec3, 1);
  EXPECT_LE(nsec3, 3);
  // An NSEC3 owner is no name of the zone (RFC 5155 §7.2.8): NXDOMAIN.
  const std::string owner = Hashed("www.example.com.") + ".example.com.";
  a = Ask(*snap, owner, LDNS_RR_TYPE_NSEC3, false);
  EXPECT_EQ(a.rcode, LDNS_RCODE_NXDOMAIN);
  a = Ask(*snap, "x." + owner, LDNS_RR_TYPE_A, false);
  EXPECT_EQ(a.rcode, LDNS_RCODE_NXDOMAIN);
}

}  // namespace
}  // namespace dns
