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

#include <string>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/server_process.h"

namespace e2e {

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

  ServerProcess server_;
  bool running_ = false;
};

// A dig-style one-liner for failure messages: "www.example.com./A".
inline std::string Q(const std::string& qname, ldns_rr_type type) {
  char* t = ldns_rr_type2str(type);
  std::string s = qname + "/" + (t != nullptr ? t : "?");
  free(t);
  return s;
}

}  // namespace e2e

#endif  // STEERDNS_TESTS_E2E_E2E_FIXTURE_H_
