// File: tests/e2e/nsd_interop_test.cc
//
// steerdns against NSD, the reference: both serve the same zone set
// (tests/answer/chain_zones/: DNAMEs with chains, loops, an owner asked
// directly, a too-long substitution, a DNAME at the apex of a delegated zone;
// CNAMEs into a sibling zone, into a child zone served by the same server,
// to a wildcard, out of every zone) on free loopback ports, and every query
// of a list must get the same reply from both: RCODE, the flags AA, TC, RD,
// CD, RA and AD, and the answer, authority and additional sections as sets
// of RRs (canonical form, TTLs included). NSD runs unprivileged from a
// config file (tests/e2e/nsd_process.h), with minimal-responses (no NS
// RRset in the authority of positive answers: steerdns never adds one) and
// no rate limiting. The list
// avoids MX and SRV answers: with minimal-responses NSD leaves out their
// targets' addresses, which steerdns adds (RFC 1034 §4.3.2 step 6).
//
// ctest label `interop`; needs the Debian package nsd (STEER_REQUIRE).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/nsd_process.h"
#include "tests/e2e/server_process.h"
#include "tests/require.h"

namespace e2e {
namespace {

// The zones, by origin; files are tests/answer/chain_zones/<origin>.zone.
const std::vector<std::string> kZones = {"example.test", "child.example.test",
                                         "dn.example.test", "sibling.test"};

std::string SourceDir() {
  const char* dir = std::getenv("STEER_SOURCE_DIR");
  return dir != nullptr ? dir : STEER_E2E_DEFAULT_SOURCE_DIR;
}

std::string ZonePath(const std::string& origin) {
  return SourceDir() + "/tests/answer/chain_zones/" + origin + ".zone";
}

// One query of the list.
struct Case {
  std::string qname;
  ldns_rr_type qtype;
  QueryOptions options = {.edns = true};  // 1232 octets: no truncation
};

// What the two servers are compared on.
std::string Flags(const Reply& r) {
  std::string f;
  for (const auto& [set, name] : {std::pair{r.aa(), "aa"}, {r.tc(), "tc"}, {r.rd(), "rd"},
                                  {r.cd(), "cd"}, {r.ra(), "ra"}, {r.ad(), "ad"}}) {
    if (set) f += std::string(f.empty() ? "" : " ") + name;
  }
  return f;
}

// A section as a sorted list of (canonical wire, text): a set of RRs that
// keeps duplicates visible.
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
    if (a != b) {
      diff += std::string(name) + ": steerdns\n" + Text(a) + "  NSD\n" + Text(b);
    }
  }
  if (diff.empty()) return testing::AssertionSuccess();
  return testing::AssertionFailure() << diff << "--- steerdns:\n"
                                     << ours.ToString() << "--- NSD:\n"
                                     << nsd.ToString();
}

class e2eNsdInterop : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    if (HasFatalFailure()) return;
    STEER_REQUIRE(!NsdProcess::Path().empty(), "NSD is not installed (Debian package nsd)");
    NsdOptions n{.dir = tmp_};
    ServerOptions o;
    for (const std::string& origin : kZones) {
      n.zones.push_back({origin, ZonePath(origin)});
      o.zones.push_back(origin + ".=" + ZonePath(origin));
    }
    ASSERT_TRUE(nsd_.Start(n));
    ASSERT_TRUE(steerdns_.Start(o));
    steerdns_running_ = true;
  }

  void TearDown() override {
    if (steerdns_running_) {
      EXPECT_TRUE(steerdns_.Stop());
    }
    nsd_.Stop();
  }

  // Asks both servers; fails (naming the query) unless the replies agree.
  void Compare(const Case& c) {
    SCOPED_TRACE(Q(c.qname, c.qtype));
    const Bytes q = MakeQuery(c.qname, c.qtype, c.options);
    Reply ours, nsd;
    ASSERT_TRUE(AskUdpRaw(Endpoint::V4(steerdns_.port()), q, &ours));
    ASSERT_TRUE(AskUdpRaw(Endpoint::V4(nsd_.port()), q, &nsd));
    EXPECT_TRUE(SameReply(ours, nsd));
  }

  NsdProcess nsd_;
  ServerProcess steerdns_;
  bool steerdns_running_ = false;
};

TEST_F(e2eNsdInterop, Dname) {
  const std::string c51(51, 'c'), c52(52, 'c'), c60(60, 'c');
  for (const Case& c : std::vector<Case>{
           {"host.d.example.test.", LDNS_RR_TYPE_A},
           {"HOST.D.Example.Test.", LDNS_RR_TYPE_A},
           {"host.d.example.test.", LDNS_RR_TYPE_AAAA},       // NODATA at the target
           {"nope.d.example.test.", LDNS_RR_TYPE_A},          // NXDOMAIN at the target
           {"a.b.host.d.example.test.", LDNS_RR_TYPE_A},      // deeper below the owner
           {"host.d.example.test.", LDNS_RR_TYPE_CNAME},      // the synthesized CNAME
           {"host.d.example.test.", LDNS_RR_TYPE_DNAME},
           {"d.example.test.", LDNS_RR_TYPE_DNAME},           // the owner itself
           {"d.example.test.", LDNS_RR_TYPE_A},
           {"host.d300.example.test.", LDNS_RR_TYPE_A},       // the DNAME's TTL
           {"host.chain.example.test.", LDNS_RR_TYPE_A},      // DNAME -> DNAME
           {"x.loop1.example.test.", LDNS_RR_TYPE_A},         // DNAME loop
           {"x.away.example.test.", LDNS_RR_TYPE_A},          // target in no zone of ours
           {"www.tosib.example.test.", LDNS_RR_TYPE_A},       // into another zone
           {c51 + ".long.example.test.", LDNS_RR_TYPE_A},     // 255 octets: fits
           {c52 + ".long.example.test.", LDNS_RR_TYPE_A},     // 256: YXDOMAIN
           {c60 + ".long.example.test.", LDNS_RR_TYPE_A},
           {"cn2d.example.test.", LDNS_RR_TYPE_A},            // CNAME -> DNAME
           {"host.dn.example.test.", LDNS_RR_TYPE_A},         // apex DNAME, child zone
           {"x.dn.example.test.", LDNS_RR_TYPE_A},
           {"dn.example.test.", LDNS_RR_TYPE_DNAME},
           {"dn.example.test.", LDNS_RR_TYPE_SOA},
           {"todn.example.test.", LDNS_RR_TYPE_A},            // CNAME -> apex DNAME
       }) {
    Compare(c);
  }
}

TEST_F(e2eNsdInterop, CnameAcrossZones) {
  for (const Case& c : std::vector<Case>{
           {"tosibling.example.test.", LDNS_RR_TYPE_A},       // a sibling zone
           {"towild.example.test.", LDNS_RR_TYPE_A},          // a wildcard there
           {"tosibcname.example.test.", LDNS_RR_TYPE_A},      // there and back
           {"tosibnx.example.test.", LDNS_RR_TYPE_A},         // NXDOMAIN there
           {"tochild.example.test.", LDNS_RR_TYPE_A},         // the child zone served here
           {"tochild.example.test.", LDNS_RR_TYPE_AAAA},
           {"tochildnx.example.test.", LDNS_RR_TYPE_A},
           {"tochildapex.example.test.", LDNS_RR_TYPE_A},
           {"tochildapex.example.test.", LDNS_RR_TYPE_DS},    // DS: the parent's
           {"toout.example.test.", LDNS_RR_TYPE_A},           // out of every zone
           {"todeleg.example.test.", LDNS_RR_TYPE_A},         // a delegation not served
           {"www.child.example.test.", LDNS_RR_TYPE_A},
           {"child.example.test.", LDNS_RR_TYPE_NS},
           {"child.example.test.", LDNS_RR_TYPE_DS},
           {"host.deleg.example.test.", LDNS_RR_TYPE_A},      // referral
           {"www.example.test.", LDNS_RR_TYPE_A},
           {"nope.example.test.", LDNS_RR_TYPE_A},
           {"bla.something.sibling.test.", LDNS_RR_TYPE_A},
       }) {
    Compare(c);
  }
}

TEST_F(e2eNsdInterop, Flags) {
  // CD cleared (RFC 4035 §3.1.6), RD copied, with and without EDNS.
  for (const Case& c : std::vector<Case>{
           {"www.example.test.", LDNS_RR_TYPE_A, {.rd = true, .cd = true}},
           {"www.example.test.", LDNS_RR_TYPE_A, {.edns = true, .rd = true, .cd = true}},
           {"host.d.example.test.", LDNS_RR_TYPE_A, {.edns = true, .cd = true}},
           {"nope.example.test.", LDNS_RR_TYPE_A, {.edns = true, .rd = true, .cd = true}},
           {"tochild.example.test.", LDNS_RR_TYPE_A, {.rd = true, .ad = true}},
       }) {
    Compare(c);
  }
}

}  // namespace
}  // namespace e2e
