// File: tests/e2e/dnssec_interop_test.cc
//
// Pre-signed zones (issue 16 item 1), steerdns against NSD: the zone
// tests/e2e/dnssec_zones/signed.test.zone is signed at test time by
// ldns-signzone with keys from ldns-keygen (ECDSA P-256, a KSK and a ZSK),
// three ways: NSEC, NSEC3 and NSEC3 with opt-out. Each signed file is
// served by steerdns and by NSD, and every query of a list covering RFC
// 4035 §3.1 and RFC 5155 §7.2 (positive answers, CNAME chains, DNAME,
// wildcard answers and wildcard NODATA, NODATA at names and at empty
// non-terminals, NXDOMAIN, referrals with DS, without DS and in an opt-out
// span, DS queries, DNSKEY, explicit RRSIG/NSEC/NSEC3 queries, an NSEC3
// owner name) must get the same reply from both, with and without DO:
// RCODE, flags, and the three sections as sets of RRs (TTLs included).
// Two deliberate differences are checked by validation instead (delv
// with the zone's KSK as trust anchor): the NXDOMAIN after a DNAME, where
// NSD leaves out the NSEC covering the synthesized name (an incomplete
// proof) and a name below an NSEC3 owner, which steerdns treats as below
// the apex (RFC 5155 §7.2.8: NSEC3 owners are no names of the zone).
// delv also validates a positive answer, an NXDOMAIN, a NODATA and a
// wildcard answer from steerdns.
//
// ctest label `interop`; needs nsd and ldnsutils (STEER_REQUIRE), and
// bind9-dnsutils for delv.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_process.h"
#include "tests/require.h"

namespace e2e {
namespace {

const char kOrigin[] = "signed.test";

std::string SourceDir() {
  const char* dir = std::getenv("STEER_SOURCE_DIR");
  return dir != nullptr ? dir : STEER_E2E_DEFAULT_SOURCE_DIR;
}

bool Executable(const char* path) { return access(path, X_OK) == 0; }

enum class Denial { kNsec, kNsec3, kNsec3OptOut };

std::string DenialName(const testing::TestParamInfo<Denial>& info) {
  switch (info.param) {
    case Denial::kNsec: return "Nsec";
    case Denial::kNsec3: return "Nsec3";
    case Denial::kNsec3OptOut: return "Nsec3OptOut";
  }
  return "?";
}

struct Case {
  std::string qname;  // relative to signed.test. ("@": the apex)
  ldns_rr_type qtype;
  // Not compared with NSD (a deliberate difference, validated instead).
  bool differs = false;
};

std::string Flags(const Reply& r) {
  std::string f;
  for (const auto& [set, name] : {std::pair{r.aa(), "aa"}, {r.tc(), "tc"}, {r.rd(), "rd"},
                                  {r.cd(), "cd"}, {r.ra(), "ra"}, {r.ad(), "ad"}}) {
    if (set) f += std::string(f.empty() ? "" : " ") + name;
  }
  return f;
}

std::vector<std::pair<Bytes, std::string>> RRSet(const ldns_rr_list* list) {
  std::vector<std::pair<Bytes, std::string>> out;
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(list, i);
    out.emplace_back(CanonicalWire(rr), RRText(rr));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Text(const std::vector<std::pair<Bytes, std::string>>& set) {
  std::string s;
  for (const auto& [wire, text] : set) s += "    " + text + "\n";
  return s.empty() ? "    (none)\n" : s;
}

testing::AssertionResult SameReply(const Reply& ours, const Reply& nsd) {
  std::string diff;
  if (ours.rcode() != nsd.rcode()) {
    diff += "rcode: steerdns " + std::to_string(ours.rcode()) + ", NSD " +
            std::to_string(nsd.rcode()) + "\n";
  }
  if (Flags(ours) != Flags(nsd)) {
    diff += "flags: steerdns [" + Flags(ours) + "], NSD [" + Flags(nsd) + "]\n";
  }
  const std::pair<const char*, ldns_rr_list* (Reply::*)() const> sections[] = {
      {"answer", &Reply::answer}, {"authority", &Reply::authority},
      {"additional", &Reply::additional}};
  for (const auto& [name, section] : sections) {
    const auto a = RRSet((ours.*section)());
    const auto b = RRSet((nsd.*section)());
    if (a != b) diff += std::string(name) + ": steerdns\n" + Text(a) + "  NSD\n" + Text(b);
  }
  if (diff.empty()) return testing::AssertionSuccess();
  return testing::AssertionFailure() << diff;
}

// Whether any RR of the reply is DNSSEC-only (RRSIG, NSEC, NSEC3).
bool HasDnssecRecords(const Reply& r) {
  for (ldns_rr_list* list : {r.answer(), r.authority(), r.additional()}) {
    for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
      const ldns_rr_type t = ldns_rr_get_type(ldns_rr_list_rr(list, i));
      if (t == LDNS_RR_TYPE_RRSIG || t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3)
        return true;
    }
  }
  return false;
}

class e2eDnssecInterop : public TempDirTest, public testing::WithParamInterface<Denial> {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    if (HasFatalFailure()) return;
    STEER_REQUIRE(Executable("/usr/sbin/nsd"), "NSD is not installed (Debian package nsd)");
    STEER_REQUIRE(Executable("/usr/bin/ldns-signzone") && Executable("/usr/bin/ldns-keygen"),
                  "ldns-signzone/ldns-keygen are not installed (Debian package ldnsutils)");
    ASSERT_NO_FATAL_FAILURE(SignZone());
    ASSERT_TRUE(StartNsd());
    ServerOptions o;
    o.zones.push_back(std::string(kOrigin) + ".=" + signed_path_);
    ASSERT_TRUE(steerdns_.Start(o));
    steerdns_running_ = true;
  }

  void TearDown() override {
    if (steerdns_running_) EXPECT_TRUE(steerdns_.Stop());
    StopProcess(nsd_pid_);
  }

  // Keys (ldns-keygen writes them in the current directory: a shell cd's
  // to tmp_), then the signed file, the KSK's DNSKEY as a trust anchor,
  // and the first NSEC3 owner (for the NSEC3 owner cases).
  void SignZone() {
    const std::string zone = SourceDir() + "/tests/e2e/dnssec_zones/signed.test.zone";
    const std::string ksk =
        Trim(RunTool({"/bin/sh", "-c",
                      "cd '" + tmp_ + "' && ldns-keygen -a ECDSAP256SHA256 -k " + kOrigin},
                     std::chrono::seconds(30)));
    const std::string zsk = Trim(RunTool(
        {"/bin/sh", "-c", "cd '" + tmp_ + "' && ldns-keygen -a ECDSAP256SHA256 " + kOrigin},
        std::chrono::seconds(30)));
    ASSERT_FALSE(ksk.empty());
    ASSERT_FALSE(zsk.empty());
    signed_path_ = tmp_ + "/signed.test.zone.signed";
    std::vector<std::string> argv = {"/usr/bin/ldns-signzone", "-f", signed_path_, "-o",
                                     std::string(kOrigin) + "."};
    if (GetParam() != Denial::kNsec) {
      for (const char* a : {"-n", "-s", "abcd", "-t", "2"}) argv.push_back(a);
      if (GetParam() == Denial::kNsec3OptOut) argv.push_back("-p");
    }
    argv.push_back(zone);
    argv.push_back(tmp_ + "/" + ksk);
    argv.push_back(tmp_ + "/" + zsk);
    RunTool(argv, std::chrono::seconds(60));
    // "signed.test.\tIN\tDNSKEY\t257 3 13 <key> ;{...}"
    std::istringstream key(ReadFile(tmp_ + "/" + ksk + ".key"));
    std::string owner, cls, type, flags, proto, alg, part, b64;
    key >> owner >> cls >> type >> flags >> proto >> alg;
    while (key >> part && part[0] != ';') b64 += part;
    ASSERT_EQ(type, "DNSKEY");
    anchor_path_ = WriteTemp("anchor.conf", "trust-anchors { " + owner + " static-key " + flags +
                                                " " + proto + " " + alg + " \"" + b64 + "\"; };\n");
    std::istringstream file(ReadFile(signed_path_));
    std::string line;
    while (std::getline(file, line)) {
      std::istringstream f(line);
      std::string o, ttl, c, t;
      if (f >> o >> ttl >> c >> t && t == "NSEC3") {
        nsec3_owner_ = o;
        break;
      }
    }
  }

  static std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
  }

  testing::AssertionResult StartNsd() {
    std::string why;
    for (int attempt = 0; attempt < 3; ++attempt) {
      nsd_port_ = PickFreePort();
      if (nsd_port_ == 0) return testing::AssertionFailure() << "no free port";
      const std::string conf =
          "server:\n"
          "    ip-address: 127.0.0.1@" + std::to_string(nsd_port_) + "\n"
          "    do-ip6: no\n"
          "    server-count: 1\n"
          "    username: \"\"\n"
          "    chroot: \"\"\n"
          "    zonesdir: \"" + tmp_ + "\"\n"
          "    database: \"\"\n"
          "    zonelistfile: \"" + tmp_ + "/zone.list\"\n"
          "    xfrdfile: \"" + tmp_ + "/xfrd.state\"\n"
          "    xfrdir: \"" + tmp_ + "\"\n"
          "    pidfile: \"" + tmp_ + "/nsd.pid\"\n"
          "    verbosity: 1\n"
          "    hide-version: yes\n"
          "    minimal-responses: yes\n"
          "    rrl-ratelimit: 0\n"
          "    rrl-whitelist-ratelimit: 0\n"
          "remote-control:\n"
          "    control-enable: no\n"
          "zone:\n"
          "    name: " + std::string(kOrigin) + "\n"
          "    zonefile: \"" + signed_path_ + "\"\n";
      const std::string conf_path = WriteTemp("nsd.conf", conf);
      const std::string log = tmp_ + "/nsd.log";
      nsd_pid_ = SpawnWithLog({"/usr/sbin/nsd", "-d", "-c", conf_path}, log);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (std::chrono::steady_clock::now() < deadline && ProcessRunning(nsd_pid_)) {
        const Bytes q = MakeQuery(std::string(kOrigin) + ".", LDNS_RR_TYPE_SOA);
        if (UdpExchange(Endpoint::V4(nsd_port_), q, milliseconds(200)).has_value()) {
          return testing::AssertionSuccess();
        }
        std::this_thread::sleep_for(milliseconds(50));
      }
      why = ReadFile(log);
      StopProcess(nsd_pid_);
      nsd_pid_ = -1;
    }
    return testing::AssertionFailure() << "NSD did not start; its log:\n" << why;
  }

  static std::string Absolute(const std::string& name) {
    if (name == "@") return std::string(kOrigin) + ".";
    if (!name.empty() && name.back() == '.') return name;
    return name + "." + kOrigin + ".";
  }

  void Ask(const std::string& qname, ldns_rr_type qtype, const QueryOptions& options,
           Reply* ours, Reply* nsd) {
    const Bytes q = MakeQuery(Absolute(qname), qtype, options);
    ASSERT_TRUE(AskUdpRaw(Endpoint::V4(steerdns_.port()), q, ours));
    ASSERT_TRUE(AskUdpRaw(Endpoint::V4(nsd_port_), q, nsd));
  }

  // The query list: every case of RFC 4035 §3.1 / RFC 5155 §7.2.
  std::vector<Case> Cases() const {
    std::vector<Case> cases = {
        {"www", LDNS_RR_TYPE_A},            // positive
        {"www", LDNS_RR_TYPE_TXT},          // an RRset with its own TTL
        {"WWW.Signed.Test.", LDNS_RR_TYPE_AAAA},
        {"@", LDNS_RR_TYPE_SOA},
        {"@", LDNS_RR_TYPE_NS},
        {"@", LDNS_RR_TYPE_DNSKEY},         // DNSKEY with the KSK's RRSIG
        {"@", LDNS_RR_TYPE_DS},             // DS at the apex: NODATA here
        {"@", LDNS_RR_TYPE_RRSIG},          // the RRSIG RRset as data
        {"www", LDNS_RR_TYPE_RRSIG},
        {"@", LDNS_RR_TYPE_NSEC},
        {"www", LDNS_RR_TYPE_NSEC},
        {"@", LDNS_RR_TYPE_NSEC3PARAM},
        {"www", LDNS_RR_TYPE_MX},           // NODATA
        {"a.b.c", LDNS_RR_TYPE_A},
        {"b.c", LDNS_RR_TYPE_A},            // NODATA at an empty non-terminal
        {"c", LDNS_RR_TYPE_TXT},
        {"nx", LDNS_RR_TYPE_A},             // NXDOMAIN
        {"x.nx", LDNS_RR_TYPE_A},
        {"nx.b.c", LDNS_RR_TYPE_A},         // below an empty non-terminal
        {"zzz", LDNS_RR_TYPE_A},            // after the last name
        {"alias", LDNS_RR_TYPE_A},          // CNAME chains
        {"alias2", LDNS_RR_TYPE_A},
        {"alias2", LDNS_RR_TYPE_MX},        // chain to a NODATA
        {"tonx", LDNS_RR_TYPE_A},           // chain to an NXDOMAIN
        {"toext", LDNS_RR_TYPE_A},          // chain out of the zone
        {"foo.wild", LDNS_RR_TYPE_A},       // wildcard answer
        {"a.b.wild", LDNS_RR_TYPE_TXT},
        {"foo.wild", LDNS_RR_TYPE_MX},      // wildcard NODATA
        {"*.wild", LDNS_RR_TYPE_A},         // the wildcard itself
        {"*.wild", LDNS_RR_TYPE_NSEC},
        {"wild", LDNS_RR_TYPE_A},           // empty non-terminal above it
        {"foo.wc", LDNS_RR_TYPE_A},         // wildcard CNAME
        {"host.dn", LDNS_RR_TYPE_A},        // DNAME + synthesized CNAME
        {"dn", LDNS_RR_TYPE_DNAME},
        {"x.dn", LDNS_RR_TYPE_A, true},     // DNAME to an NXDOMAIN (see above)
        {"secure", LDNS_RR_TYPE_DS},        // DS answered by the parent
        {"host.secure", LDNS_RR_TYPE_A},    // referral with DS
        {"secure", LDNS_RR_TYPE_NS},
        {"host.insecure", LDNS_RR_TYPE_A},  // referral, no DS (opt-out span)
        {"insecure", LDNS_RR_TYPE_DS},      // DS NODATA at a delegation
        {"x.deep.ent", LDNS_RR_TYPE_A},     // delegation below an ENT
        {"deep.ent", LDNS_RR_TYPE_DS},
        {"ent", LDNS_RR_TYPE_A},
        {"ns.secure", LDNS_RR_TYPE_A},      // glue: referral
        {"big", LDNS_RR_TYPE_TXT},
    };
    if (!nsec3_owner_.empty()) {
      cases.push_back({nsec3_owner_, LDNS_RR_TYPE_NSEC3});  // NXDOMAIN (RFC 5155 §7.2.8)
      cases.push_back({nsec3_owner_, LDNS_RR_TYPE_A});
      cases.push_back({"x." + nsec3_owner_, LDNS_RR_TYPE_A, true});
    }
    return cases;
  }

  // delv's verdict on steerdns's answer to qname/type, with the KSK as the
  // trust anchor: "; fully validated" / "; negative response, fully
  // validated" on its first lines.
  std::string Delv(const std::string& qname, const std::string& type) {
    std::string out;
    RunProgram({"/usr/bin/delv", "-a", anchor_path_, std::string("+root=") + kOrigin,
                "@127.0.0.1", "-p", std::to_string(steerdns_.port()), Absolute(qname), type},
               std::chrono::seconds(20), &out);
    return out;
  }

  std::string signed_path_;
  std::string anchor_path_;
  std::string nsec3_owner_;
  pid_t nsd_pid_ = -1;
  uint16_t nsd_port_ = 0;
  ServerProcess steerdns_;
  bool steerdns_running_ = false;
};

TEST_P(e2eDnssecInterop, SameRepliesAsNsdWithDo) {
  for (const Case& c : Cases()) {
    if (c.differs) continue;
    SCOPED_TRACE(Q(Absolute(c.qname), c.qtype) + " +dnssec");
    Reply ours, nsd;
    ASSERT_NO_FATAL_FAILURE(Ask(c.qname, c.qtype, {.edns = true, .do_bit = true}, &ours, &nsd));
    EXPECT_TRUE(SameReply(ours, nsd)) << "--- steerdns:\n"
                                      << ours.ToString() << "--- NSD:\n"
                                      << nsd.ToString();
  }
}

TEST_P(e2eDnssecInterop, SameRepliesAsNsdWithoutDo) {
  for (const Case& c : Cases()) {
    if (c.differs) continue;
    for (bool edns : {true, false}) {
      SCOPED_TRACE(Q(Absolute(c.qname), c.qtype) + (edns ? " (EDNS, no DO)" : " (no EDNS)"));
      Reply ours, nsd;
      ASSERT_NO_FATAL_FAILURE(Ask(c.qname, c.qtype, {.edns = edns}, &ours, &nsd));
      EXPECT_TRUE(SameReply(ours, nsd));
      // Nothing DNSSEC-only unless asked for by type.
      if (c.qtype != LDNS_RR_TYPE_RRSIG && c.qtype != LDNS_RR_TYPE_NSEC &&
          c.qtype != LDNS_RR_TYPE_NSEC3) {
        EXPECT_FALSE(HasDnssecRecords(ours)) << ours.ToString();
      }
    }
  }
}

TEST_P(e2eDnssecInterop, TruncatesWhenSignaturesDoNotFit) {
  // Three 200-octet TXT strings and their RRSIG do not fit in 512 octets;
  // with 4096 they do. RFC 4035 §3.1.1: TC, as NSD sets it.
  for (uint16_t size : {512, 4096}) {
    SCOPED_TRACE("bufsize " + std::to_string(size));
    Reply ours, nsd;
    ASSERT_NO_FATAL_FAILURE(Ask("big", LDNS_RR_TYPE_TXT,
                                {.edns = true, .udp_size = size, .do_bit = true}, &ours, &nsd));
    EXPECT_EQ(ours.tc(), nsd.tc());
    EXPECT_EQ(ours.tc(), size == 512);
    EXPECT_EQ(ours.rcode(), nsd.rcode());
    if (size == 4096) EXPECT_TRUE(SameReply(ours, nsd));
  }
}

TEST_P(e2eDnssecInterop, DelvValidatesSteerdnsAnswers) {
  STEER_REQUIRE(Executable("/usr/bin/delv"), "delv is not installed (bind9-dnsutils)");
  // delv's first lines: "; fully validated" for answers, "; negative
  // response, fully validated" for NXDOMAIN/NODATA ("resolution failed:
  // ncache ..." before it).
  std::vector<std::string> names = {
      "www/A",     "alias2/A",  "foo.wild/A",  "foo.wc/A", "nx/A",       "www/MX",
      "b.c/A",     "nx.b.c/A",  "foo.wild/MX", "secure/DS", "insecure/DS", "x.dn/A",
  };
  if (!nsec3_owner_.empty()) names.push_back("x." + nsec3_owner_ + "/A");
  for (const std::string& n : names) {
    SCOPED_TRACE(n);
    const std::string qname = n.substr(0, n.find('/'));
    const std::string out = Delv(qname, n.substr(n.find('/') + 1));
    // RFC 5155 §9.2: a wildcard answer whose next closer name an opt-out
    // NSEC3 covers cannot be proven secure; delv calls it unsigned (the
    // same proof NSD sends).
    const bool opt_out_wildcard = GetParam() == Denial::kNsec3OptOut &&
                                  (n == "foo.wild/A" || n == "foo.wc/A");
    EXPECT_NE(out.find(opt_out_wildcard ? "; unsigned answer" : "fully validated"),
              std::string::npos)
        << out;
    EXPECT_EQ(out.find("bogus"), std::string::npos) << out;
  }
}

INSTANTIATE_TEST_SUITE_P(Denial, e2eDnssecInterop,
                         testing::Values(Denial::kNsec, Denial::kNsec3, Denial::kNsec3OptOut),
                         DenialName);

}  // namespace
}  // namespace e2e
