// File: tests/e2e/drain_load_test.cc
//
// bench/drain_load (the generator of bench/drain-scale.sh) against the real
// server: it stops the server, queues queries, continues it and counts the
// replies. Checks that the tool still works (every queued query answered
// once, a rate printed) and that being stopped and continued with full
// queues does not hurt the server: it keeps answering and exits cleanly.
#include <chrono>
#include <regex>
#include <string>

#include "gtest/gtest.h"
#include "tests/e2e/e2e_fixture.h"

namespace e2e {
namespace {

class e2eDrainLoad : public ServerTest {
 protected:
  ServerOptions Options() override {
    ServerOptions o = ServerOptions::ExampleZones();
    o.threads = 1;
    return o;
  }
};

TEST_F(e2eDrainLoad, EveryQueuedQueryIsAnsweredOnce) {
  const std::string dir = MakeTempDir();
  const std::string queries = dir + "/queries.txt";
  ASSERT_TRUE(WriteFile(queries,
                        "www.example.com A\nwww.example.com AAAA\n"
                        "nope.example.com A\nexample.com SOA\n"));
  std::string out;
  const ExitInfo info = RunProgram(
      {STEER_DRAIN_LOAD, "-p", std::to_string(server_.port()), "-d", queries, "-P",
       std::to_string(server_.pid()), "-f", "8", "-n", "200", "-c", "2"},  // 200 fit any buffer
      std::chrono::seconds(60), &out);
  ASSERT_TRUE(info.exited_in_time && info.exited && info.exit_code == 0)
      << info.Describe() << "\n" << out;

  // "cycle N: sent S, dropped at the server's queue D, replies R (bad B), ..."
  const std::regex cycle(
      R"(cycle \d+: sent (\d+), dropped at the server's queue (\d+), replies (\d+) \(bad (\d+)\))");
  int cycles = 0;
  for (std::sregex_iterator it(out.begin(), out.end(), cycle), end; it != end; ++it) {
    ++cycles;
    const long sent = std::stol((*it)[1]), dropped = std::stol((*it)[2]);
    const long replies = std::stol((*it)[3]), bad = std::stol((*it)[4]);
    EXPECT_EQ(sent, 200) << out;
    // `dropped` counts every socket's receive-buffer drops on the machine
    // (tests run side by side): at least what it drops, at most all.
    EXPECT_LE(replies, sent) << out;
    EXPECT_GE(replies, sent - dropped) << out;
    EXPECT_EQ(bad, 0) << out;
  }
  EXPECT_EQ(cycles, 2) << out;
  EXPECT_NE(out.find("drain: median_qps="), std::string::npos) << out;

  Reply reply;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, QueryOptions(), &reply))
      << "still serving after SIGSTOP/SIGCONT";
}

}  // namespace
}  // namespace e2e
