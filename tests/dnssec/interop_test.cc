// dns/dnssec against the two DNSSEC toolchains of Debian, both ways:
//  - keys made by dnssec-keygen (BIND) and ldns-keygen load, sign, and ldns
//    verifies the signatures (ldns_verify_rrsig_keylist_time);
//  - a zone signed by our code (with an NSEC chain whose bitmaps are ours)
//    passes ldns-verify-zone and BIND's dnssec-verify, and fails them once
//    one signature octet is changed;
//  - zones signed by ldns-signzone and dnssec-signzone (NSEC and NSEC3,
//    ECDSA, Ed25519, RSA/SHA-256) verify with our code, and their NSEC3
//    owner names are our NSEC3 hashes;
//  - keys we write are read by ldns-signzone, dnssec-signzone,
//    ldns-key2ds and dnssec-dsfromkey, whose DS equal ours.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "base/file.h"
#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/canonical.h"
#include "dns/dnssec/ds.h"
#include "dns/dnssec/keys.h"
#include "dns/dnssec/nsec.h"
#include "dns/dnssec/signer.h"
#include "dns/wire/name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/dnssec/dnssec_test_util.h"
#include "tests/require.h"

namespace {

using namespace dns::dnssec;  // NOLINT
using steer_test::CommandResult;
using steer_test::RunCommand;
using steer_test::WireRr;
namespace fs = std::filesystem;

constexpr char kZone[] = "example.test.";
constexpr char kZoneText[] =
    "$ORIGIN example.test.\n"
    "$TTL 3600\n"
    "@ IN SOA ns1 hostmaster 2026120701 7200 3600 1209600 300\n"
    "@ IN NS ns1\n"
    "@ IN NS NS2.Example.Test.\n"
    "@ IN MX 10 Mail\n"
    "@ IN MX 20 mail2\n"
    "@ IN TXT \"Hello World\"\n"
    "ns1 IN A 192.0.2.1\n"
    "ns2 IN A 192.0.2.2\n"
    "mail IN A 192.0.2.3\n"
    "mail2 IN AAAA 2001:db8::3\n"
    "WWW IN A 192.0.2.10\n"
    "www IN A 192.0.2.11\n"
    "*.wild IN TXT \"wildcard\"\n"
    "_sip._udp IN SRV 1 2 5060 SIP\n"
    "sip IN CNAME www\n";

bool HaveTools() {
  for (const char* t : {"ldns-keygen", "ldns-signzone", "ldns-verify-zone", "ldns-key2ds",
                        "dnssec-keygen", "dnssec-signzone", "dnssec-verify", "dnssec-dsfromkey"}) {
    if (!steer_test::HaveTool(t)) return false;
  }
  return true;
}
constexpr char kWhy[] =
    "ldnsutils and bind9-utils (ldns-keygen, ldns-signzone, dnssec-keygen, ...) are not installed";

std::string Wire(const std::string& text) {
  std::string w;
  EXPECT_TRUE(dns::NameFromText(text, &w));
  return w;
}

std::string Lower(std::string_view wire) {
  std::string s(wire);
  for (char& c : s) c = static_cast<char>(dns::LowerOctet(static_cast<uint8_t>(c)));
  return s;
}

// Every RR of a zone file, read by ldns.
std::vector<WireRr> ReadZone(const std::string& path) {
  FILE* f = fopen(path.c_str(), "r");
  EXPECT_NE(f, nullptr) << path;
  std::vector<WireRr> out;
  if (f == nullptr) return out;
  ldns_zone* z = nullptr;
  int line = 0;
  const ldns_status st = ldns_zone_new_frm_fp_l(&z, f, nullptr, 3600, LDNS_RR_CLASS_IN, &line);
  fclose(f);
  EXPECT_EQ(st, LDNS_STATUS_OK) << path << ":" << line << ": " << ldns_get_errorstr_by_id(st);
  if (st != LDNS_STATUS_OK) return out;
  auto add = [&out](const ldns_rr* rr) {
    char* s = ldns_rr2str(rr);
    out.push_back(steer_test::ParseRr(s));
    free(s);
  };
  add(ldns_zone_soa(z));
  for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_zone_rrs(z)); ++i) {
    add(ldns_rr_list_rr(ldns_zone_rrs(z), i));
  }
  ldns_zone_deep_free(z);
  return out;
}

// RRsets keyed by (lower-cased owner, type); RRSIGs by (owner, covered).
struct Rrsets {
  std::map<std::pair<std::string, uint16_t>, std::vector<WireRr>> sets;
  std::vector<WireRr> rrsigs;
};
Rrsets Group(const std::vector<WireRr>& rrs) {
  Rrsets g;
  for (const WireRr& r : rrs) {
    if (r.type == 46) {
      g.rrsigs.push_back(r);
    } else {
      g.sets[{Lower(r.owner), r.type}].push_back(r);
    }
  }
  return g;
}

// Verifies every RRSIG of a signed zone with our code; returns how many.
int VerifyWithOurCode(const std::string& path, std::set<uint8_t>* algorithms = nullptr) {
  Rrsets g = Group(ReadZone(path));
  std::map<uint16_t, std::vector<PublicKey>> keys;
  for (const WireRr& k : g.sets[{Wire(kZone), 48}]) {
    auto pub = PublicKey::FromDnskey(k.owner, k.rdata);
    EXPECT_TRUE(pub.ok()) << pub.status();
    if (pub.ok()) keys[pub->key_tag()].push_back(std::move(*pub));
  }
  EXPECT_FALSE(keys.empty()) << path << ": no DNSKEY";
  int verified = 0;
  for (const WireRr& sig : g.rrsigs) {
    RrsigFields f;
    std::string_view signature;
    EXPECT_TRUE(ParseRrsigRdata(sig.rdata, &f, &signature));
    auto set = g.sets.find({Lower(sig.owner), f.type_covered});
    EXPECT_NE(set, g.sets.end()) << path << ": RRSIG without RRset";
    if (set == g.sets.end()) continue;
    std::vector<std::string_view> rdatas;
    for (const WireRr& r : set->second) rdatas.push_back(r.rdata);
    const RrsetView rrset{set->second[0].owner, f.type_covered, 1, set->second[0].ttl, rdatas};
    bool ok = false;
    std::string why;
    for (const PublicKey& k : keys[f.key_tag]) {
      absl::Status s = k.Verify(rrset, sig.rdata);
      ok |= s.ok();
      why = std::string(s.message());
    }
    EXPECT_TRUE(ok) << path << ": RRSIG " << steer_test::RrText(sig.owner, 46, sig.ttl, sig.rdata)
                    << ": " << why;
    verified += ok;
    if (algorithms != nullptr) algorithms->insert(f.algorithm);
  }
  return verified;
}

// Signs the zone file at `in` with `keys` (KSKs sign the DNSKEY RRset,
// ZSKs the rest, CSKs both), with an NSEC chain, into `out`.
void SignZoneWithOurCode(const std::string& in, const std::vector<KeyPair>& keys,
                         const std::string& out) {
  std::vector<WireRr> rrs = ReadZone(in);
  const std::string apex = Wire(kZone);
  uint32_t minimum = 300;
  for (const KeyPair& k : keys) {
    rrs.push_back({apex, 48, 1, 3600, k.dnskey.Rdata()});
  }
  // The NSEC chain: owners in canonical order, each pointing to the next.
  std::map<std::string, std::set<uint16_t>> types;
  for (const WireRr& r : rrs) types[Lower(r.owner)].insert(r.type);
  std::vector<std::string> owners;
  for (const auto& [o, t] : types) owners.push_back(o);
  std::sort(owners.begin(), owners.end(), [](const std::string& a, const std::string& b) {
    return dns::NameCanonicalCompare(a, b) < 0;
  });
  for (size_t i = 0; i < owners.size(); ++i) {
    std::vector<uint16_t> t(types[owners[i]].begin(), types[owners[i]].end());
    t.push_back(46);
    t.push_back(47);
    std::string rdata = owners[(i + 1) % owners.size()];
    AppendTypeBitmap(t, &rdata);
    rrs.push_back({owners[i], 47, 1, minimum, rdata});
  }
  Rrsets g = Group(rrs);
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  std::ofstream o(out);
  // Names in canonical order, the apex (and its SOA) first: BIND's loader
  // warns about a zone file that starts elsewhere.
  std::vector<std::pair<std::string, uint16_t>> order;
  for (const auto& [key, set] : g.sets) order.push_back(key);
  std::stable_sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    return dns::NameCanonicalCompare(a.first, b.first) < 0;
  });
  for (const auto& key : order) {
    const std::vector<WireRr>& set = g.sets[key];
    std::vector<std::string_view> rdatas;
    for (const WireRr& r : set) {
      rdatas.push_back(r.rdata);
      o << steer_test::RrText(r.owner, r.type, r.ttl, r.rdata) << "\n";
    }
    for (const KeyPair& k : keys) {
      const bool dnskey = key.second == 48;
      if (k.role == KeyRole::kKsk && !dnskey) continue;
      if (k.role == KeyRole::kZsk && dnskey) continue;
      auto signer = Signer::Create(k);
      ASSERT_TRUE(signer.ok()) << signer.status();
      std::string rrsig;
      absl::Status s = (*signer)->Sign({set[0].owner, key.second, 1, set[0].ttl, rdatas},
                                       now - 3600, now + 30 * 86400, &rrsig);
      ASSERT_TRUE(s.ok()) << s;
      o << steer_test::RrText(set[0].owner, 46, set[0].ttl, rrsig) << "\n";
    }
  }
}

class DnssecInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    STEER_REQUIRE(HaveTools(), kWhy);
    zone_file_ = dir_.path() + "/example.test.zone";
    std::ofstream(zone_file_) << kZoneText;
  }
  // Runs `command` in the test's folder; fails the test if it fails.
  std::string Run(const std::string& command) {
    CommandResult r = RunCommand("sh -c 'cd " + dir_.path() + " && " + command + "'");
    EXPECT_EQ(r.status, 0) << command << "\n" << r.output;
    return r.output;
  }
  steer_test::TempDir dir_;
  std::string zone_file_;
};

// Key files of both tools load; our signatures with each key verify in ldns.
TEST_F(DnssecInteropTest, KeysOfBindAndLdnsSignAndLdnsVerifies) {
  Run("dnssec-keygen -q -a ECDSAP256SHA256 -n ZONE example.test");
  Run("dnssec-keygen -q -a ED25519 -f KSK example.test");
  Run("dnssec-keygen -q -a RSASHA256 -b 2048 example.test");
  Run("ldns-keygen -a ECDSAP256SHA256 example.test");
  Run("ldns-keygen -a ED25519 -k example.test");
  auto keys = LoadKeyDirectory(dir_.path());
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 1u);
  const std::vector<KeyPair>& zone = keys->at(Wire(kZone));
  ASSERT_EQ(zone.size(), 5u);
  int ksks = 0;
  for (const KeyPair& k : zone) ksks += k.role == KeyRole::kKsk;
  EXPECT_EQ(ksks, 2);

  const std::vector<std::vector<std::string>> rrsets = {
      {"WWW.example.test. 300 IN A 192.0.2.1", "www.Example.test. 300 IN A 192.0.2.2"},
      {"example.test. 300 IN MX 10 MAIL.example.test.", "example.test. 300 IN MX 20 b.Example.TEST."},
      {"example.test. 300 IN SOA ns1.Example.test. h.example.test. 1 2 3 4 5"},
      {"t.example.test. 300 IN TXT \"Mixed Case\" \"two\""},
      // Signed at the wildcard, checked as the answer to a.x.b.wild.example.test.
      {"*.b.Wild.example.test. 300 IN TXT \"from *.b.wild\""},
  };
  const uint32_t now = static_cast<uint32_t>(std::time(nullptr));
  for (const KeyPair& k : zone) {
    // ldns reads the DNSKEY from the .key file itself.
    std::string text = *base::ReadFile(k.key_path);
    std::string line;
    for (absl::string_view l : absl::StrSplit(text, '\n')) {
      if (!l.empty() && l[0] != ';') line = std::string(l);
    }
    ldns_rr* dnskey = nullptr;
    ASSERT_EQ(ldns_rr_new_frm_str(&dnskey, line.c_str(), 3600, nullptr, nullptr), LDNS_STATUS_OK) << line;
    EXPECT_EQ(ldns_calc_keytag(dnskey), k.key_tag) << k.key_path;
    ldns_rr_list* key_list = ldns_rr_list_new();
    ldns_rr_list_push_rr(key_list, dnskey);
    auto signer = Signer::Create(k);
    ASSERT_TRUE(signer.ok()) << signer.status();
    for (const auto& texts : rrsets) {
      std::vector<WireRr> rrs;
      std::vector<std::string_view> rdatas;
      for (const std::string& t : texts) rrs.push_back(steer_test::ParseRr(t));
      for (const WireRr& r : rrs) rdatas.push_back(r.rdata);
      RrsetView view{rrs[0].owner, rrs[0].type, 1, rrs[0].ttl, rdatas};
      std::string rrsig;
      ASSERT_TRUE((*signer)->Sign(view, now - 60, now + 3600, &rrsig).ok());
      std::string owner = rrs[0].owner;
      if (dns::NameIsWildcard(Lower(owner))) {
        // A wildcard's RRSIG has labels 4 (RFC 4034 §3.1.3) and verifies
        // for a name it synthesizes, two labels deeper (RFC 4035 §5.3.2).
        RrsigFields f;
        std::string_view unused;
        ASSERT_TRUE(ParseRrsigRdata(rrsig, &f, &unused));
        EXPECT_EQ(f.labels, 4);
        owner = Wire("A.x.b.wild.example.test.");
        auto pub = PublicKey::FromDnskey(k.zone, k.dnskey.Rdata());
        ASSERT_TRUE(pub.ok());
        EXPECT_TRUE(pub->Verify({owner, rrs[0].type, 1, rrs[0].ttl, rdatas}, rrsig).ok());
      }
      ldns_rr_list* set = ldns_rr_list_new();
      for (const WireRr& r : rrs) ldns_rr_list_push_rr(set, steer_test::LdnsRr(owner, r.type, r.ttl, r.rdata));
      ldns_rr* sig = steer_test::LdnsRr(owner, 46, rrs[0].ttl, rrsig);
      ldns_rr_list* good = ldns_rr_list_new();
      const ldns_status st = ldns_verify_rrsig_keylist_time(set, sig, key_list, now, good);
      EXPECT_EQ(st, LDNS_STATUS_OK) << k.key_path << " " << texts[0] << ": " << ldns_get_errorstr_by_id(st);
      ldns_rr_list_free(good);
      ldns_rr_free(sig);
      ldns_rr_list_deep_free(set);
    }
    ldns_rr_list_deep_free(key_list);
  }
}

// A zone signed by our code passes both toolchains' zone verifiers.
TEST_F(DnssecInteropTest, ZoneWeSignPassesLdnsVerifyZoneAndDnssecVerify) {
  struct Case {
    const char* ksk_cmd;
    const char* zsk_cmd;  // none: the one key is a CSK
  };
  const Case kCases[] = {
      {"dnssec-keygen -q -a ECDSAP256SHA256 -f KSK example.test", "ldns-keygen -a ECDSAP256SHA256 example.test"},
      {"ldns-keygen -a ED25519 -k example.test", "dnssec-keygen -q -a ED25519 example.test"},
      {"dnssec-keygen -q -a ECDSAP256SHA256 example.test", nullptr},  // a lone ZSK: a CSK
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.ksk_cmd);
    Run("rm -f K*");
    Run(c.ksk_cmd);
    if (c.zsk_cmd != nullptr) Run(c.zsk_cmd);
    auto keys = LoadKeyDirectory(dir_.path());
    ASSERT_TRUE(keys.ok()) << keys.status();
    const std::string signed_file = dir_.path() + "/ours.signed";
    SignZoneWithOurCode(zone_file_, keys->at(Wire(kZone)), signed_file);
    CommandResult ldns = RunCommand("ldns-verify-zone -V 2 " + signed_file);
    EXPECT_EQ(ldns.status, 0) << ldns.output;
    // dnssec-verify wants a SEP key signing the DNSKEY RRset unless told
    // (-z) that any key may: a CSK without the SEP flag.
    const std::string verify = std::string("dnssec-verify ") + (c.zsk_cmd ? "" : "-z ") + "-o example.test ";
    CommandResult bind = RunCommand(verify + signed_file);
    EXPECT_EQ(bind.status, 0) << bind.output;
    EXPECT_THAT(bind.output, ::testing::Not(::testing::HasSubstr("warning"))) << bind.output;
    EXPECT_GT(VerifyWithOurCode(signed_file), 15);

    // The negative control: one octet of one signature changed.
    std::vector<WireRr> rrs = ReadZone(signed_file);
    std::ofstream broken(signed_file);
    bool changed = false;
    for (WireRr& r : rrs) {
      if (r.type == 46 && !changed && Lower(r.owner).find("\003www") == 0) {
        r.rdata.back() ^= 0x01;
        changed = true;
      }
      broken << steer_test::RrText(r.owner, r.type, r.ttl, r.rdata) << "\n";
    }
    broken.close();
    ASSERT_TRUE(changed);
    EXPECT_NE(RunCommand("ldns-verify-zone " + signed_file).status, 0);
    EXPECT_NE(RunCommand(verify + signed_file).status, 0);
  }
}

// Zones the tools sign verify with our code; NSEC3 owners are our hashes.
TEST_F(DnssecInteropTest, WeVerifyZonesSignedByLdnsSignzoneAndDnssecSignzone) {
  // ldns-signzone with ldns keys, NSEC then NSEC3.
  const std::string ksk = Run("ldns-keygen -a ECDSAP256SHA256 -k example.test");
  const std::string zsk = Run("ldns-keygen -a ECDSAP256SHA256 example.test");
  auto base = [](const std::string& s) { return std::string(absl::StripAsciiWhitespace(s)); };
  Run("ldns-signzone -e 20300101000000 -f ldns.signed example.test.zone " + base(ksk) + " " + base(zsk));
  std::set<uint8_t> algs;
  EXPECT_GT(VerifyWithOurCode(dir_.path() + "/ldns.signed", &algs), 15);
  Run("ldns-signzone -n -s aabbccdd -t 5 -e 20300101000000 -f ldns3.signed example.test.zone " +
      base(ksk) + " " + base(zsk));
  EXPECT_GT(VerifyWithOurCode(dir_.path() + "/ldns3.signed", &algs), 15);

  // dnssec-signzone with BIND keys of each algorithm, NSEC and NSEC3.
  for (const char* alg : {"ED25519", "RSASHA256", "ECDSAP256SHA256"}) {
    SCOPED_TRACE(alg);
    Run("rm -f K*");
    Run(std::string("dnssec-keygen -q -a ") + alg + " -f KSK example.test");
    Run(std::string("dnssec-keygen -q -a ") + alg + " example.test");
    // -S: the keys in the folder (-K .) by their timing metadata, DNSKEYs added.
    Run("dnssec-signzone -q -S -K . -o example.test -f bind.signed -e +2592000 example.test.zone");
    EXPECT_GT(VerifyWithOurCode(dir_.path() + "/bind.signed", &algs), 15);
    Run("dnssec-signzone -q -S -K . -3 aabbccdd -H 5 -o example.test -f bind3.signed -e +2592000 "
        "example.test.zone");
    EXPECT_GT(VerifyWithOurCode(dir_.path() + "/bind3.signed", &algs), 15);
  }
  EXPECT_EQ(algs, (std::set<uint8_t>{8, 13, 15}));

  // Each owner of the unsigned zone has an NSEC3 whose owner label is our
  // hash of it, in both tools' output.
  for (const char* file : {"/ldns3.signed", "/bind3.signed"}) {
    std::set<std::string> nsec3_owners;
    for (const WireRr& r : ReadZone(dir_.path() + file)) {
      if (r.type == rrtype::kNSEC3) nsec3_owners.insert(Lower(r.owner));
    }
    ASSERT_FALSE(nsec3_owners.empty()) << file;
    std::set<std::string> names;
    for (const WireRr& r : ReadZone(zone_file_)) names.insert(Lower(r.owner));
    for (const std::string& n : names) {
      uint8_t h[kNsec3HashLength];
      ASSERT_TRUE(Nsec3Hash(n, std::string("\xaa\xbb\xcc\xdd", 4), 5, h));
      char label[kNsec3LabelLength];
      Base32HexEncode(h, sizeof h, label);
      const std::string owner = std::string(1, static_cast<char>(kNsec3LabelLength)) +
                                std::string(label, sizeof label) + Wire(kZone);
      EXPECT_TRUE(nsec3_owners.count(owner)) << file << ": no NSEC3 for " << dns::NameToText(n);
    }
  }
}

// Keys we write are read by both toolchains; their DS equal ours.
TEST_F(DnssecInteropTest, KeysWeWriteAreReadByLdnsAndBind) {
  for (uint8_t alg : {algorithm::kEcdsaP256Sha256, algorithm::kEd25519}) {
    SCOPED_TRACE(int(alg));
    Run("rm -f K*");
    auto ksk = GenerateKeyPair(Wire(kZone), alg, true, std::time(nullptr) - 60);
    auto zsk = GenerateKeyPair(Wire(kZone), alg, false, std::time(nullptr) - 60);
    ASSERT_TRUE(ksk.ok() && zsk.ok());
    ASSERT_TRUE(WriteKeyPair(dir_.path(), &*ksk).ok());
    ASSERT_TRUE(WriteKeyPair(dir_.path(), &*zsk).ok());
    const std::string k = fs::path(ksk->key_path).stem().string();
    const std::string z = fs::path(zsk->key_path).stem().string();

    Run("ldns-signzone -e 20300101000000 -f ldns.signed example.test.zone " + k + " " + z);
    EXPECT_EQ(RunCommand("ldns-verify-zone " + dir_.path() + "/ldns.signed").status, 0);
    EXPECT_GT(VerifyWithOurCode(dir_.path() + "/ldns.signed"), 15);
    Run("dnssec-signzone -q -S -K . -o example.test -f bind.signed -e +2592000 example.test.zone");
    EXPECT_EQ(RunCommand("dnssec-verify -o example.test " + dir_.path() + "/bind.signed").status, 0);
    EXPECT_GT(VerifyWithOurCode(dir_.path() + "/bind.signed"), 15);

    auto ours = DsRdata(ksk->zone, ksk->dnskey.Rdata(), digest_type::kSha256);
    ASSERT_TRUE(ours.ok());
    const std::vector<std::string> want = absl::StrSplit(DsText(ksk->zone, *ours), '\t');
    // "example.test. IN DS 12345 13 2 HEX" from BIND; ldns: tabs, a TTL, lower-case hex.
    std::string bind = Run("dnssec-dsfromkey -2 " + k + ".key");
    std::string ldns = Run("ldns-key2ds -n -2 " + k + ".key");
    for (std::string* s : {&bind, &ldns}) {
      std::vector<std::string> words = absl::StrSplit(*s, absl::ByAnyChar(" \t\n"), absl::SkipEmpty());
      ASSERT_GE(words.size(), 7u) << *s;
      const std::string rdata = absl::AsciiStrToUpper(words[words.size() - 4] + " " + words[words.size() - 3] +
                                                      " " + words[words.size() - 2] + " " + words.back());
      EXPECT_EQ(rdata, want[3]) << *s;
      EXPECT_EQ(words[0], want[0]);
    }
    // The CDS BIND would publish for the KSK is our CDS.
    auto sync = MakeChildSyncRecords({*ksk, *zsk});
    ASSERT_TRUE(sync.ok());
    ASSERT_EQ(sync->cds.size(), 1u);
    std::vector<std::string> cds = absl::StrSplit(
        std::string(absl::StripAsciiWhitespace(Run("dnssec-dsfromkey -C -2 " + k + ".key"))),
        absl::ByAnyChar(" \t"), absl::SkipEmpty());
    ASSERT_EQ(cds.size(), 7u);
    EXPECT_EQ(cds[2], "CDS");
    EXPECT_EQ(cds[3] + " " + cds[4] + " " + cds[5] + " " + absl::AsciiStrToUpper(cds[6]),
              std::vector<std::string>(absl::StrSplit(DsText(ksk->zone, sync->cds[0], "CDS"), '\t'))[3]);
  }
}

}  // namespace
