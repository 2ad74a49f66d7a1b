// File: tests/e2e/e2e_fixture.h
//
// A GoogleTest fixture that starts `steerdns` with the bundled example zones
// before each test and stops it after, asserting a clean exit on SIGTERM.
// ctest runs each test in its own process (gtest_discover_tests), so one
// server per test is what it costs anyway; it also keeps tests independent.
//
// Test suite names start with "e2e" so that `ctest -R e2e` selects them.
//
// Example:
//   class e2eAnswers : public e2e::ServerTest {};
//   TEST_F(e2eAnswers, WwwA) {
//     e2e::Reply r;
//     ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, {}, &r));
//     EXPECT_TRUE(r.aa());
//   }
#ifndef STEERDNS_TESTS_E2E_E2E_FIXTURE_H_
#define STEERDNS_TESTS_E2E_E2E_FIXTURE_H_

#include <signal.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/server_process.h"

namespace e2e {

// A fixture for tests that start the binaries themselves: SIGPIPE ignored,
// and a fresh temporary directory tmp_ for the files they write.
class TempDirTest : public testing::Test {
 protected:
  void SetUp() override {
    signal(SIGPIPE, SIG_IGN);
    tmp_ = MakeTempDir();
    ASSERT_FALSE(tmp_.empty());
  }

  // Writes `text` to tmp_/`name` (a failure if it cannot); returns the path.
  std::string WriteTemp(const std::string& name, const std::string& text) {
    const std::string path = tmp_ + "/" + name;
    EXPECT_TRUE(WriteFile(path, text));
    return path;
  }

  std::string tmp_;
};

// A dig-style one-liner for failure messages: "www.example.com./A".
inline std::string Q(const std::string& qname, ldns_rr_type type) {
  char* t = ldns_rr_type2str(type);
  std::string s = qname + "/" + (t != nullptr ? t : "?");
  free(t);
  return s;
}

class ServerTest : public testing::Test {
 protected:
  // What to start; override for other zones or flags.
  virtual ServerOptions Options() { return ServerOptions::ExampleZones(); }

  void SetUp() override {
    signal(SIGPIPE, SIG_IGN);
    auto started = server_.Start(Options());
    ASSERT_TRUE(started);
    running_ = true;
  }

  void TearDown() override {
    if (running_) {
      EXPECT_TRUE(server_.Stop()) << "clean shutdown on SIGTERM";
      running_ = false;
    }
  }

  Endpoint v4() const { return Endpoint::V4(server_.port()); }
  Endpoint v6() const { return Endpoint::V6(server_.port()); }

  testing::AssertionResult AskUdp(const std::string& qname, ldns_rr_type qtype,
                                  const QueryOptions& options, Reply* out) {
    return e2e::AskUdp(v4(), qname, qtype, options, out);
  }
  testing::AssertionResult AskTcp(const std::string& qname, ldns_rr_type qtype,
                                  const QueryOptions& options, Reply* out) {
    return e2e::AskTcp(v4(), qname, qtype, options, out);
  }

  // The parts every authoritative reply to a query without EDNS shares:
  // `rcode`, AA set, TC clear, RA clear (no recursion offered), no OPT.
  static void ExpectAuthoritative(const Reply& r, int rcode) {
    EXPECT_EQ(r.rcode(), rcode) << r.ToString();
    EXPECT_TRUE(r.aa()) << "AA must be set\n" << r.ToString();
    EXPECT_FALSE(r.tc()) << r.ToString();
    EXPECT_FALSE(r.ra()) << "an authoritative-only server does not offer recursion\n"
                         << r.ToString();
    EXPECT_FALSE(r.has_opt()) << "no OPT in the reply to a query without one\n"
                              << r.ToString();
  }

  // Asks over UDP without EDNS; expects an authoritative NOERROR reply
  // whose answer section is exactly `answer` (in that order if `ordered`).
  void ExpectAnswer(const std::string& qname, ldns_rr_type qtype,
                    const std::vector<std::string>& answer, bool ordered = false) {
    ExpectAnswerAndAdditional(qname, qtype, answer, {}, ordered);
  }
  // The same, and the additional section holds (at least) `additional`.
  void ExpectAnswerAndAdditional(const std::string& qname, ldns_rr_type qtype,
                                 const std::vector<std::string>& answer,
                                 const std::vector<std::string>& additional,
                                 bool ordered = false) {
    SCOPED_TRACE(Q(qname, qtype));
    Reply r;
    ASSERT_TRUE(AskUdp(qname, qtype, {}, &r));
    ExpectAuthoritative(r, LDNS_RCODE_NOERROR);
    EXPECT_TRUE(SectionEquals(r.answer(), answer, ordered));
    EXPECT_TRUE(SectionContains(r.additional(), additional));
  }

  // Asks over UDP without EDNS; expects an authoritative negative reply
  // (RFC 2308): `rcode` (NXDOMAIN, or NOERROR for NODATA), no answer RRs,
  // and the zone's SOA with the negative TTL, `soa`, alone in authority.
  // `why`, if given, is shown with any failure.
  void ExpectNegative(const std::string& qname, ldns_rr_type qtype, int rcode,
                      const std::string& soa, const std::string& why = "") {
    SCOPED_TRACE(Q(qname, qtype) + (why.empty() ? "" : ": " + why));
    Reply r;
    ASSERT_TRUE(AskUdp(qname, qtype, {}, &r));
    ExpectAuthoritative(r, rcode);
    EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 0u) << r.ToString();
    EXPECT_TRUE(SectionEquals(r.authority(), {soa}));
  }

  ServerProcess server_;
  bool running_ = false;
};

}  // namespace e2e

#endif  // STEERDNS_TESTS_E2E_E2E_FIXTURE_H_
