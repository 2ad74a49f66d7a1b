// Online signing (dns/answer/online_signing.h) in process: an unsigned zone
// with routed record sets, keys made here, the snapshot signed by
// BuildSnapshot, answers made by dns::HandleQuery and decoded and verified
// by ldns (ldns_verify_rrsig_keylist: an independent implementation of
// RFC 4034's signature checks), so every RRSIG checked here must really
// verify under the published DNSKEYs.
#include <stdbool.h>  // NOLINT(modernize-deprecated-headers): before ldns
#include <ldns/ldns.h>

#include <ctime>
#include <map>
#include <set>
#include <tuple>
#include <memory>
#include <string>
#include <vector>

#include "dns/answer/answer.h"
#include "dns/answer/online_signing.h"
#include "dns/control/explain_query.h"
#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/keys.h"
#include "gmock/gmock.h"
#include "nlohmann/json.hpp"
#include "gtest/gtest.h"
#include "tests/ldns_oracle.h"
#include "zones/builder.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"

namespace dns {
namespace {

using ::steer_test::BuildQuery, ::steer_test::QueryWire;
using ::testing::HasSubstr, ::testing::Not;

constexpr char kZone[] =
    "$ORIGIN example.com.\n$TTL 3600\n"
    "@ SOA ns1 h 1 2 3 4 300\n@ NS ns1\n"
    "ns1 A 192.0.2.53\n"
    "www A 192.0.2.1\nwww 600 TXT \"t\"\n"
    "a.b A 192.0.2.9\n"          // b: an empty non-terminal
    "*.w A 192.0.2.7\n"          // a wildcard
    "sub NS ns.sub\nns.sub A 192.0.2.99\n"  // a delegation without DS, glue
    "sec NS ns.other.\nsec DS 12345 13 2 "
    "0000000000000000000000000000000000000000000000000000000000000000\n";

constexpr char kRouted[] = R"({"ResourceRecordSets": [
  {"Name": "r.example.com.", "Type": "A", "SetIdentifier": "a", "Weight": 1, "TTL": 60,
   "ResourceRecords": [{"Value": "192.0.2.77"}]},
  {"Name": "r.example.com.", "Type": "A", "SetIdentifier": "b", "Weight": 1, "TTL": 60,
   "ResourceRecords": [{"Value": "192.0.2.78"}]},
  {"Name": "al.example.com.", "Type": "A",
   "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "www.example.com.",
                   "EvaluateTargetHealth": false}}]})";

std::string Origin() {
  std::string origin;
  EXPECT_TRUE(NameFromText("example.com.", &origin));
  return origin;
}

std::shared_ptr<const zones::Zone> BuildZone(const std::string& text, bool routed = true) {
  zones::ZoneBuilder builder(Origin());
  absl::Status st = zones::ReadMasterText(text, "online.zone", &builder);
  EXPECT_TRUE(st.ok()) << st;
  if (routed) {
    st = zones::ReadRoute53JsonText(kRouted, "r.json", &builder);
    EXPECT_TRUE(st.ok()) << st;
  }
  auto zone = std::move(builder).Build();
  EXPECT_TRUE(zone.ok()) << zone.status();
  return zone.ok() ? *zone : nullptr;
}

// A KSK and a ZSK (ECDSA P-256) for example.com., made now.
std::vector<dnssec::KeyPair> MakeKeys(int64_t now) {
  std::vector<dnssec::KeyPair> keys;
  for (bool ksk : {true, false}) {
    auto k = dnssec::GenerateKeyPair(Origin(), dnssec::algorithm::kEcdsaP256Sha256, ksk, now);
    EXPECT_TRUE(k.ok()) << k.status();
    keys.push_back(*std::move(k));
  }
  dnssec::AssignRoles(&keys);
  return keys;
}

class OnlineSigningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = static_cast<int64_t>(std::time(nullptr));
    auto keys = std::make_shared<dnssec::KeysByZone>();
    (*keys)[Origin()] = MakeKeys(now_);
    keys_ = keys;
    ksk_tag_ = keys->at(Origin())[0].role == dnssec::KeyRole::kKsk
                   ? keys->at(Origin())[0].key_tag
                   : keys->at(Origin())[1].key_tag;
    snap_ = Build(BuildZone(kZone));
  }
  void TearDown() override { ldns_rr_list_deep_free(dnskeys_); }

  std::unique_ptr<const Snapshot> Build(std::shared_ptr<const zones::Zone> zone) {
    SnapshotInputs in;
    in.zones.Put(std::move(zone));
    in.dnssec_keys = keys_;
    in.now = now_;
    auto snap = BuildSnapshot(std::move(in));
    EXPECT_TRUE(snap.ok()) << snap.status();
    return snap.ok() ? *std::move(snap) : nullptr;
  }

  // The reply to name/type from snap_ (DO as given), parsed.
  ldns_pkt* Ask(const std::string& name, ldns_rr_type type, bool dnssec_ok = true) {
    QueryWire w;
    w.edns_udp = 1232;
    w.dnssec_ok = dnssec_ok;
    const std::vector<uint8_t> q = BuildQuery(name, type, w);
    Request req;
    Outcome outcome;
    const size_t n = HandleQuery(*snap_, q.data(), q.size(), req, out_, sizeof out_, &outcome);
    ldns_pkt* pkt = nullptr;
    EXPECT_EQ(ldns_wire2pkt(&pkt, out_, n), LDNS_STATUS_OK);
    return pkt;
  }

  // The zone's DNSKEY RRset, as the server publishes it.
  const ldns_rr_list* Dnskeys() {
    if (dnskeys_ != nullptr) return dnskeys_;
    ldns_pkt* pkt = Ask("example.com.", LDNS_RR_TYPE_DNSKEY);
    // ldns_pkt_rr_list_by_type's list points at the packet's RRs: clone.
    ldns_rr_list* list = ldns_pkt_rr_list_by_type(pkt, LDNS_RR_TYPE_DNSKEY, LDNS_SECTION_ANSWER);
    dnskeys_ = ldns_rr_list_clone(list);
    ldns_rr_list_free(list);
    ldns_pkt_free(pkt);
    return dnskeys_;
  }

  // Verifies every RRSIG in `section` over the RRset it covers in the same
  // section; returns one line per RRSIG ("OWNER TYPE tag N: ok|error").
  std::vector<std::string> Verify(ldns_pkt* pkt, ldns_pkt_section section) {
    std::vector<std::string> out;
    ldns_rr_list* rrs = ldns_pkt_get_section_clone(pkt, section);
    for (size_t i = 0; i < ldns_rr_list_rr_count(rrs); ++i) {
      ldns_rr* sig = ldns_rr_list_rr(rrs, i);
      if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG) continue;
      const ldns_rr_type covered = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig));
      ldns_rr_list* rrset = ldns_rr_list_new();
      for (size_t j = 0; j < ldns_rr_list_rr_count(rrs); ++j) {
        ldns_rr* rr = ldns_rr_list_rr(rrs, j);
        if (ldns_rr_get_type(rr) == covered &&
            ldns_dname_compare(ldns_rr_owner(rr), ldns_rr_owner(sig)) == 0)
          ldns_rr_list_push_rr(rrset, ldns_rr_clone(rr));
      }
      ldns_rr_list* good = ldns_rr_list_new();
      const ldns_status st = ldns_verify_rrsig_keylist(rrset, sig, Dnskeys(), good);
      char* owner = ldns_rdf2str(ldns_rr_owner(sig));
      char* type = ldns_rr_type2str(covered);
      out.push_back(std::string(owner) + " " + type + " tag " +
                    std::to_string(ldns_rdf2native_int16(ldns_rr_rrsig_keytag(sig))) + " " +
                    std::to_string(ldns_rr_list_rr_count(rrset)) + ": " +
                    (st == LDNS_STATUS_OK ? "ok" : ldns_get_errorstr_by_id(st)));
      free(owner);
      free(type);
      ldns_rr_list_free(good);  // points at Dnskeys()' RRs
      ldns_rr_list_deep_free(rrset);
    }
    ldns_rr_list_deep_free(rrs);
    return out;
  }

  // The text of the RRs of `type` in `section`.
  static std::vector<std::string> Rrs(ldns_pkt* pkt, ldns_pkt_section section,
                                      ldns_rr_type type) {
    std::vector<std::string> out;
    ldns_rr_list* list = ldns_pkt_rr_list_by_type(pkt, type, section);
    for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
      char* s = ldns_rr2str(ldns_rr_list_rr(list, i));
      std::string line(s);
      free(s);
      while (!line.empty() && line.back() == '\n') line.pop_back();
      out.push_back(line);
    }
    ldns_rr_list_free(list);  // the RRs are the packet's
    return out;
  }

  int64_t now_ = 0;
  std::shared_ptr<const dnssec::KeysByZone> keys_;
  uint16_t ksk_tag_ = 0;
  std::unique_ptr<const Snapshot> snap_;
  ldns_rr_list* dnskeys_ = nullptr;
  uint8_t out_[65535];
};

TEST_F(OnlineSigningTest, DnskeyCdsAndCdnskeyPublishedAndSignedByTheKsk) {
  ASSERT_NE(snap_, nullptr);
  EXPECT_EQ(ldns_rr_list_rr_count(Dnskeys()), 2u);
  ldns_pkt* pkt = Ask("example.com.", LDNS_RR_TYPE_DNSKEY);
  const std::vector<std::string> v = Verify(pkt, LDNS_SECTION_ANSWER);
  ASSERT_EQ(v.size(), 1u);  // by the KSK alone
  EXPECT_EQ(v[0], "example.com. DNSKEY tag " + std::to_string(ksk_tag_) + " 2: ok");
  ldns_pkt_free(pkt);
  for (ldns_rr_type t : {LDNS_RR_TYPE_CDS, LDNS_RR_TYPE_CDNSKEY}) {
    pkt = Ask("example.com.", t);
    EXPECT_EQ(ldns_pkt_get_rcode(pkt), LDNS_RCODE_NOERROR);
    EXPECT_THAT(Verify(pkt, LDNS_SECTION_ANSWER),
                ::testing::ElementsAre(HasSubstr(std::to_string(ksk_tag_) + " 1: ok")));
    ldns_pkt_free(pkt);
  }
}

TEST_F(OnlineSigningTest, EveryAnswerVerifiesAndStaticOnesAreMadeOnce) {
  ASSERT_NE(snap_, nullptr);
  for (const auto& [name, type] : std::vector<std::pair<std::string, ldns_rr_type>>{
           {"example.com.", LDNS_RR_TYPE_SOA}, {"example.com.", LDNS_RR_TYPE_NS},
           {"www.example.com.", LDNS_RR_TYPE_A}, {"www.example.com.", LDNS_RR_TYPE_TXT},
           {"a.b.example.com.", LDNS_RR_TYPE_A}, {"r.example.com.", LDNS_RR_TYPE_A},
           {"al.example.com.", LDNS_RR_TYPE_A}, {"x.w.example.com.", LDNS_RR_TYPE_A},
           {"sec.example.com.", LDNS_RR_TYPE_DS}}) {
    SCOPED_TRACE(name);
    ldns_pkt* pkt = Ask(name, type);
    EXPECT_EQ(ldns_pkt_get_rcode(pkt), LDNS_RCODE_NOERROR);
    const std::vector<std::string> v = Verify(pkt, LDNS_SECTION_ANSWER);
    ASSERT_EQ(v.size(), 1u);
    EXPECT_THAT(v[0], HasSubstr(": ok"));
    EXPECT_THAT(v[0], Not(HasSubstr("tag " + std::to_string(ksk_tag_))));  // ZSK
    ldns_pkt_free(pkt);
  }
  // Static RRsets and routed members are signed at build: the same RRSIG
  // every time. A wildcard expansion is signed per query, as the name
  // asked (labels 4, not the wildcard's 3): ECDSA's random k makes each
  // signature differ.
  std::map<std::string, std::string> sig_of;  // answer -> its RRSIG
  std::set<std::string> wildcard_sigs;
  for (int i = 0; i < 8; ++i) {
    for (const char* name : {"www.example.com.", "r.example.com.", "x.w.example.com."}) {
      ldns_pkt* pkt = Ask(name, LDNS_RR_TYPE_A);
      const std::vector<std::string> a = Rrs(pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A);
      const std::vector<std::string> s = Rrs(pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_RRSIG);
      ldns_pkt_free(pkt);
      ASSERT_EQ(a.size(), 1u);
      ASSERT_EQ(s.size(), 1u);
      if (std::string(name) == "x.w.example.com.") {
        EXPECT_THAT(s[0], HasSubstr("\tA 13 4 3600 "));
        wildcard_sigs.insert(s[0]);
        continue;
      }
      auto [it, inserted] = sig_of.emplace(a[0], s[0]);
      if (!inserted) EXPECT_EQ(it->second, s[0]) << a[0];
    }
  }
  EXPECT_EQ(wildcard_sigs.size(), 8u);
  EXPECT_GE(sig_of.size(), 2u);
}

TEST_F(OnlineSigningTest, NxDomainIsACompactDenialNoData) {
  ASSERT_NE(snap_, nullptr);
  ldns_pkt* pkt = Ask("nx.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(ldns_pkt_get_rcode(pkt), LDNS_RCODE_NOERROR);  // RFC 9824 §3
  EXPECT_EQ(ldns_pkt_ancount(pkt), 0);
  EXPECT_THAT(Rrs(pkt, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NSEC),
              ::testing::ElementsAre("nx.example.com.\t300\tIN\tNSEC\t"
                                     "\\000.nx.example.com. RRSIG NSEC TYPE128 "));
  EXPECT_THAT(Verify(pkt, LDNS_SECTION_AUTHORITY),
              ::testing::UnorderedElementsAre(HasSubstr("example.com. SOA tag"),
                                              HasSubstr("nx.example.com. NSEC tag")));
  for (const std::string& v : Verify(pkt, LDNS_SECTION_AUTHORITY)) EXPECT_THAT(v, HasSubstr(": ok"));
  ldns_pkt_free(pkt);
  // With the CO flag (RFC 9824 §4): the same NSEC, rcode NXDOMAIN, CO
  // echoed in the reply's OPT.
  {
    QueryWire w;
    w.edns_udp = 1232;
    w.dnssec_ok = true;
    std::vector<uint8_t> q = BuildQuery("nx.example.com.", LDNS_RR_TYPE_A, w);
    q[q.size() - 4] |= 0x40;  // the OPT TTL's flags, high octet: CO
    Request req;
    Outcome outcome;
    const size_t n = HandleQuery(*snap_, q.data(), q.size(), req, out_, sizeof out_, &outcome);
    ldns_pkt* co = nullptr;
    ASSERT_EQ(ldns_wire2pkt(&co, out_, n), LDNS_STATUS_OK);
    EXPECT_EQ(ldns_pkt_get_rcode(co), LDNS_RCODE_NXDOMAIN);
    EXPECT_EQ(Rrs(co, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NSEC).size(), 1u);
    EXPECT_EQ(ldns_pkt_edns_z(co) & 0x4000, 0x4000);
    ldns_pkt_free(co);
  }
  // An explicit query for the NXNAME meta type: FORMERR (RFC 9824 §3.5).
  pkt = Ask("www.example.com.", static_cast<ldns_rr_type>(128));
  EXPECT_EQ(ldns_pkt_get_rcode(pkt), LDNS_RCODE_FORMERR);
  ldns_pkt_free(pkt);
  // Without DO: a plain NXDOMAIN, nothing DNSSEC-only.
  pkt = Ask("nx.example.com.", LDNS_RR_TYPE_A, /*dnssec_ok=*/false);
  EXPECT_EQ(ldns_pkt_get_rcode(pkt), LDNS_RCODE_NXDOMAIN);
  EXPECT_EQ(ldns_pkt_nscount(pkt), 1);
  ldns_pkt_free(pkt);
}

TEST_F(OnlineSigningTest, NoDataNsecListsTheTypesOfTheName) {
  ASSERT_NE(snap_, nullptr);
  for (const auto& [name, type, bitmap] :
       std::vector<std::tuple<std::string, ldns_rr_type, std::string>>{
           {"www.example.com.", LDNS_RR_TYPE_AAAA, "A TXT RRSIG NSEC "},
           {"r.example.com.", LDNS_RR_TYPE_AAAA, "A RRSIG NSEC "},  // routed A
           {"b.example.com.", LDNS_RR_TYPE_A, "RRSIG NSEC "},       // empty non-terminal
           {"x.w.example.com.", LDNS_RR_TYPE_TXT, "A RRSIG NSEC "}, // the wildcard's types
           {"example.com.", LDNS_RR_TYPE_MX, "NS SOA RRSIG NSEC DNSKEY CDS CDNSKEY "}}) {
    SCOPED_TRACE(name);
    ldns_pkt* pkt = Ask(name, type);
    EXPECT_EQ(ldns_pkt_get_rcode(pkt), LDNS_RCODE_NOERROR);
    EXPECT_EQ(ldns_pkt_ancount(pkt), 0);
    EXPECT_THAT(Rrs(pkt, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NSEC),
                ::testing::ElementsAre(name + "\t300\tIN\tNSEC\t\\000." + name + " " + bitmap));
    for (const std::string& v : Verify(pkt, LDNS_SECTION_AUTHORITY)) EXPECT_THAT(v, HasSubstr(": ok"));
    EXPECT_EQ(Verify(pkt, LDNS_SECTION_AUTHORITY).size(), 2u);
    ldns_pkt_free(pkt);
  }
}

TEST_F(OnlineSigningTest, NoDataOfANameThatExistsIsSignedOnceWildcardsPerQuery) {
  ASSERT_NE(snap_, nullptr);
  // The NODATA NSEC of an existing name was made at build: the same RRSIG
  // every time. A wildcard's NODATA names the query name: signed per query.
  std::set<std::string> existing, wildcard;
  for (int i = 0; i < 4; ++i) {
    ldns_pkt* pkt = Ask("www.example.com.", LDNS_RR_TYPE_AAAA);
    for (const std::string& s : Rrs(pkt, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_RRSIG))
      if (s.find("RRSIG\tNSEC") != std::string::npos) existing.insert(s);
    ldns_pkt_free(pkt);
    pkt = Ask("x.w.example.com.", LDNS_RR_TYPE_TXT);
    for (const std::string& s : Rrs(pkt, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_RRSIG))
      if (s.find("RRSIG\tNSEC") != std::string::npos) wildcard.insert(s);
    ldns_pkt_free(pkt);
  }
  EXPECT_EQ(existing.size(), 1u);
  EXPECT_EQ(wildcard.size(), 4u);
}

TEST_F(OnlineSigningTest, ReferralsProveTheirDsOrItsAbsence) {
  ASSERT_NE(snap_, nullptr);
  ldns_pkt* pkt = Ask("host.sub.example.com.", LDNS_RR_TYPE_A);
  EXPECT_FALSE(ldns_pkt_aa(pkt));
  EXPECT_EQ(Rrs(pkt, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NS).size(), 1u);
  EXPECT_THAT(Rrs(pkt, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NSEC),
              ::testing::ElementsAre(HasSubstr("sub.example.com. NS RRSIG NSEC ")));
  EXPECT_THAT(Verify(pkt, LDNS_SECTION_AUTHORITY),
              ::testing::ElementsAre("sub.example.com. NSEC tag " +
                                     std::to_string(snap_->signing.begin()->second.zsks[0]->key_tag) +
                                     " 1: ok"));
  EXPECT_EQ(Rrs(pkt, LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A).size(), 1u);  // glue, unsigned
  EXPECT_TRUE(Rrs(pkt, LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_RRSIG).empty());
  ldns_pkt_free(pkt);
  pkt = Ask("host.sec.example.com.", LDNS_RR_TYPE_A);
  EXPECT_THAT(Verify(pkt, LDNS_SECTION_AUTHORITY),
              ::testing::ElementsAre(HasSubstr("sec.example.com. DS tag")));
  EXPECT_THAT(Verify(pkt, LDNS_SECTION_AUTHORITY)[0], HasSubstr(": ok"));
  EXPECT_TRUE(Rrs(pkt, LDNS_SECTION_AUTHORITY, LDNS_RR_TYPE_NSEC).empty());
  ldns_pkt_free(pkt);
}

TEST_F(OnlineSigningTest, KeyTimingDecidesWhatIsPublishedAndWhatSigns) {
  // A second ZSK published an hour ago, active in a day: in the DNSKEY
  // RRset, signing nothing yet; the snapshot asks to be built again when
  // it becomes active.
  auto keys = std::make_shared<dnssec::KeysByZone>(*keys_);
  auto next = dnssec::GenerateKeyPair(Origin(), dnssec::algorithm::kEd25519, false, now_);
  ASSERT_TRUE(next.ok()) << next.status();
  next->timing.publish = now_ - 3600;
  next->timing.activate = now_ + 86400;
  (*keys)[Origin()].push_back(*next);
  dnssec::AssignRoles(&(*keys)[Origin()]);
  keys_ = keys;
  snap_ = Build(BuildZone(kZone));
  ASSERT_NE(snap_, nullptr);
  EXPECT_EQ(ldns_rr_list_rr_count(Dnskeys()), 3u);
  EXPECT_EQ(snap_->next_signing_event, now_ + 86400);
  const ZoneSigning& signing = snap_->signing.begin()->second;
  ASSERT_EQ(signing.zsks.size(), 1u);
  EXPECT_NE(signing.zsks[0]->key_tag, next->key_tag);
  EXPECT_TRUE(signing.online);
  EXPECT_GT(signing.expiration - signing.inception, 14u * 86400);
  ldns_pkt* pkt = Ask("www.example.com.", LDNS_RR_TYPE_A);
  EXPECT_THAT(Verify(pkt, LDNS_SECTION_ANSWER), ::testing::ElementsAre(HasSubstr(": ok")));
  ldns_pkt_free(pkt);

  // No key active at all: the build fails, naming the zone.
  for (dnssec::KeyPair& k : (*keys)[Origin()]) k.timing.activate = now_ + 100;
  SnapshotInputs in;
  in.zones.Put(BuildZone(kZone));
  in.dnssec_keys = keys;
  in.now = now_;
  auto failed = BuildSnapshot(std::move(in));
  ASSERT_FALSE(failed.ok());
  EXPECT_THAT(failed.status().message(),
              HasSubstr("zone example.com.: none of its 3 DNSSEC keys is active at"));
}

TEST_F(OnlineSigningTest, ExplainSaysHowTheZoneIsSignedAndWhichKeySignedTheReply) {
  ASSERT_NE(snap_, nullptr);
  const uint16_t zsk = snap_->signing.begin()->second.zsks[0]->key_tag;
  control::ExplainRequest req{"r.example.com", "A", "192.0.2.1", ""};
  req.dnssec_ok = true;
  absl::StatusOr<std::string> out = control::ExplainQuery(*snap_, req);
  ASSERT_TRUE(out.ok()) << out.status();
  nlohmann::json j = nlohmann::json::parse(*out);
  EXPECT_EQ(j["dnssec"]["zone"], "online");
  EXPECT_EQ(j["dnssec"]["do"], true);
  EXPECT_EQ(j["dnssec"]["answer_signed"], true);
  EXPECT_EQ(j["dnssec"]["signed_by"], nlohmann::json::array({zsk}));
  EXPECT_EQ(j["dnssec"]["zsk_tags"], nlohmann::json::array({zsk}));
  EXPECT_EQ(j["dnssec"]["ksk_tags"], nlohmann::json::array({ksk_tag_}));
  EXPECT_TRUE(j["dnssec"]["signatures_expire"].is_string());
  // Without DO: the zone is still said to be signed, the reply is not.
  req.dnssec_ok = false;
  out = control::ExplainQuery(*snap_, req);
  ASSERT_TRUE(out.ok()) << out.status();
  j = nlohmann::json::parse(*out);
  EXPECT_EQ(j["dnssec"]["answer_signed"], false);
  EXPECT_EQ(j["dnssec"]["rrsigs"], 0);
}

TEST_F(OnlineSigningTest, PreSignedZoneKeepsItsSignaturesAndGetsRoutedOnesMade) {
  // A zone with RRSIGs in its file (fake ones: not checked here) and keys:
  // the file's signatures stay, the routed members are signed with the keys.
  const std::string text = std::string(kZone) +
                           "www RRSIG A 13 3 3600 20300101000000 20200101000000 1 "
                           "example.com. AAAA\n";
  snap_ = Build(BuildZone(text));
  ASSERT_NE(snap_, nullptr);
  const ZoneSigning& signing = snap_->signing.begin()->second;
  EXPECT_FALSE(signing.online);
  EXPECT_EQ(signing.signatures, 2u);  // the two routed members
  ldns_pkt* pkt = Ask("r.example.com.", LDNS_RR_TYPE_A);
  EXPECT_EQ(Rrs(pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_RRSIG).size(), 1u);
  ldns_pkt_free(pkt);
  pkt = Ask("www.example.com.", LDNS_RR_TYPE_A);
  EXPECT_THAT(Rrs(pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_RRSIG),
              ::testing::ElementsAre(HasSubstr(" 1 example.com. AAAA")));
  ldns_pkt_free(pkt);
}

}  // namespace
}  // namespace dns
