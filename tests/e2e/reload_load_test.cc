// File: tests/e2e/reload_load_test.cc
//
// Reloads under load: while a bounded raw-UDP load generator sends a few
// thousand queries a second for ~5 s to the real `steerdns`, one thread
// replaces the zone over and over (alternating `zonectl load` of version 1
// and an API PUT of version 2) and another applies change batches (UPSERT
// of the same name, alternating the two versions' values). Every query must
// be answered, none with SERVFAIL or any other error, and every answer must
// be one of the two versions' values, with its TTL.
//
// Only 127.0.0.1 is used. The generator is bounded in rate, time and count
// and stops by itself; every wait is bounded.
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <iostream>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/control_client.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/server_process.h"

namespace e2e {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Load: ~3,000 queries/s for 5 s (15,000 queries), at most 64 in flight
// over 4 sockets (the server's UDP workers share the load by source port).
constexpr int kRatePerSecond = 3000;
constexpr seconds kLoadDuration{5};
constexpr int kMaxInFlight = 64;
constexpr int kSockets = 4;
// A query not answered within this long counts as unanswered.
constexpr milliseconds kAnswerTimeout{2000};

constexpr char kOrigin[] = "reload.test.";

// Version `v` (1 or 2) of the zone: www differs, the rest is alike.
std::string ZoneVersion(int v) {
  return std::string("$ORIGIN reload.test.\n$TTL 300\n") +
         "@ SOA ns1 hostmaster " + std::to_string(v) + " 7200 3600 1209600 300\n" +
         "@ NS ns1\n"
         "ns1 A 192.0.2.1\n"
         "www A " + (v == 1 ? "192.0.2.10" : "192.0.2.20") + "\n"
         "static A 192.0.2.5\n";
}

// Latency records for app.reload.test (the same in both versions).
std::string RoutedJson() {
  json sets = {{"ResourceRecordSets", json::array()}};
  const std::vector<std::vector<std::string>> members = {
      {"use1", "us-east-1", "192.0.2.101"},
      {"euw1", "eu-west-1", "192.0.2.102"},
      {"apse1", "ap-southeast-1", "192.0.2.103"}};
  for (const auto& m : members) {
    sets["ResourceRecordSets"].push_back(
        {{"Name", "app.reload.test."}, {"Type", "A"}, {"SetIdentifier", m[0]},
         {"Region", m[1]}, {"TTL", 60}, {"ResourceRecords", {{{"Value", m[2]}}}}});
  }
  return sets.dump(2);
}

// The queries of the mix and the answers each may get.
struct Kind {
  std::string qname;
  QueryOptions options;
  std::set<std::string> allowed;  // RR text of the one answer RR
};

std::vector<Kind> Kinds() {
  QueryOptions europe;
  europe.edns = true;
  europe.edns_options = EcsOption(24, {198, 51, 100});
  return {
      {"www.reload.test.", {}, {"www.reload.test.\t300\tIN\tA\t192.0.2.10",
                                "www.reload.test.\t300\tIN\tA\t192.0.2.20"}},
      {"app.reload.test.", europe, {"app.reload.test.\t60\tIN\tA\t192.0.2.102"}},
      {"static.reload.test.", {}, {"static.reload.test.\t300\tIN\tA\t192.0.2.5"}},
  };
}

struct InFlight {
  size_t kind;
  Bytes query;
  Clock::time_point sent;
};

struct LoadResult {
  int sent = 0;
  int answered = 0;
  int unanswered = 0;
  std::map<std::string, int> wrong;  // what came back instead -> count
  std::map<std::string, int> seen;   // answers, for the log
};

// Sends the mix at kRatePerSecond for kLoadDuration, then waits for the
// stragglers.
LoadResult RunLoad(uint16_t port) {
  const std::vector<Kind> kinds = Kinds();
  std::vector<std::unique_ptr<UdpSocket>> sockets;
  for (int i = 0; i < kSockets; ++i) {
    sockets.push_back(std::make_unique<UdpSocket>(Endpoint::V4(port)));
    EXPECT_TRUE(sockets.back()->ok());
  }
  // In flight, per socket, by ID.
  std::vector<std::unordered_map<uint16_t, InFlight>> flying(kSockets);
  LoadResult out;
  uint16_t next_id = 1;
  size_t in_flight = 0;
  const Clock::time_point start = Clock::now();
  const Clock::time_point stop_sending = start + kLoadDuration;
  const Clock::time_point hard_stop = stop_sending + kAnswerTimeout + milliseconds(500);

  auto check = [&](const InFlight& f, const Bytes& wire) {
    ++out.answered;
    Reply r;
    testing::AssertionResult ok = CheckReply(f.query, wire, &r);
    std::string got;
    if (!ok) {
      got = std::string("bad reply: ") + ok.message();
    } else if (r.rcode() != LDNS_RCODE_NOERROR) {
      char* rc = ldns_pkt_rcode2str(static_cast<ldns_pkt_rcode>(r.rcode()));
      got = std::string("rcode ") + (rc != nullptr ? rc : "?");
      free(rc);
    } else if (ldns_rr_list_rr_count(r.answer()) != 1) {
      got = "answer section: " + ListText(r.answer());
    } else {
      got = RRText(ldns_rr_list_rr(r.answer(), 0));
      if (kinds[f.kind].allowed.count(got) == 0) got = "wrong answer: " + got;
    }
    if (got.rfind("bad reply", 0) == 0 || got.rfind("rcode", 0) == 0 ||
        got.rfind("answer section", 0) == 0 || got.rfind("wrong answer", 0) == 0) {
      ++out.wrong[kinds[f.kind].qname + " -> " + got];
    } else {
      ++out.seen[got];
    }
  };

  while (Clock::now() < hard_stop) {
    const Clock::time_point now = Clock::now();
    if (now >= stop_sending && in_flight == 0) break;
    // Send what the rate allows now.
    if (now < stop_sending) {
      const double elapsed = std::chrono::duration<double>(now - start).count();
      const int due = static_cast<int>(elapsed * kRatePerSecond) + 1;
      while (out.sent < due && in_flight < static_cast<size_t>(kMaxInFlight)) {
        const int s = out.sent % kSockets;
        uint16_t id;
        do {
          id = next_id++;
          if (next_id == 0) next_id = 1;
        } while (flying[s].count(id) != 0);
        const size_t kind = static_cast<size_t>(out.sent) % kinds.size();
        QueryOptions o = kinds[kind].options;
        o.id = id;
        InFlight f{kind, MakeQuery(kinds[kind].qname, LDNS_RR_TYPE_A, o), Clock::now()};
        if (!sockets[s]->Send(f.query)) {
          ADD_FAILURE() << "send failed";
          return out;
        }
        flying[s].emplace(id, std::move(f));
        ++in_flight;
        ++out.sent;
      }
    }
    // Collect replies.
    std::vector<pollfd> fds;
    for (const auto& sock : sockets) fds.push_back({sock->fd(), POLLIN, 0});
    poll(fds.data(), fds.size(), 1);
    for (int s = 0; s < kSockets; ++s) {
      if ((fds[s].revents & POLLIN) == 0) continue;
      for (;;) {
        uint8_t buf[4096];
        const ssize_t n = recv(sockets[s]->fd(), buf, sizeof buf, MSG_DONTWAIT);
        if (n <= 0) break;
        if (n < 2) continue;
        const uint16_t id = static_cast<uint16_t>(buf[0] << 8 | buf[1]);
        auto it = flying[s].find(id);
        if (it == flying[s].end()) continue;  // late reply to a timed-out query
        check(it->second, Bytes(buf, buf + n));
        flying[s].erase(it);
        --in_flight;
      }
    }
    // Expire the ones that waited too long.
    const Clock::time_point late = Clock::now() - kAnswerTimeout;
    for (auto& per_socket : flying) {
      for (auto it = per_socket.begin(); it != per_socket.end();) {
        if (it->second.sent < late) {
          ++out.unanswered;
          it = per_socket.erase(it);
          --in_flight;
        } else {
          ++it;
        }
      }
    }
  }
  for (auto& per_socket : flying) out.unanswered += static_cast<int>(per_socket.size());
  return out;
}

TEST(e2eReloadLoad, EveryQueryAnsweredWhileZonesReload) {
  signal(SIGPIPE, SIG_IGN);
  const std::string dir = MakeTempDir();
  ASSERT_FALSE(dir.empty());
  const std::string v1 = dir + "/reload.test.v1.zone";
  const std::string routed = dir + "/reload.test.json";
  ASSERT_TRUE(WriteFile(v1, ZoneVersion(1)));
  ASSERT_TRUE(WriteFile(routed, RoutedJson()));
  const json v2_body = {
      {"files",
       {{{"name", "reload.test.v2.zone"}, {"format", "master"}, {"content", ZoneVersion(2)}},
        {{"name", "reload.test.json"}, {"format", "route53"}, {"content", RoutedJson()}}}}};

  ServerProcess server;
  ServerOptions o;
  o.control = true;
  o.threads = 2;
  o.extra_args = {"--latency", ExamplePath("latency.csv")};
  ASSERT_TRUE(server.Start(o));
  ASSERT_TRUE(Succeeded(Zonectl(server, {"load", kOrigin, v1, routed})));
  HttpReply status0 = Http(server, "GET", "/v1/status");
  ASSERT_EQ(status0.status, 200) << status0.Describe();
  const long long generation0 = status0.body_json.value("snapshot_generation", 0LL);

  std::atomic<bool> stop{false};
  std::mutex mu;
  std::vector<std::string> errors;  // guarded by mu
  std::atomic<int> reloads_cli{0}, reloads_api{0}, changes{0};
  auto record = [&](const std::string& e) {
    std::lock_guard<std::mutex> lock(mu);
    if (errors.size() < 20) errors.push_back(e);
  };

  // Zone replacement: zonectl load (version 1) and API PUT (version 2).
  std::thread reloader([&] {
    for (int i = 0; !stop.load(); ++i) {
      if (i % 2 == 0) {
        ToolRun r = Zonectl(server, {"load", kOrigin, v1, routed});
        if (!Succeeded(r)) {
          record("zonectl load: " + r.Describe());
        } else {
          ++reloads_cli;
        }
      } else {
        HttpReply h = Http(server, "PUT", "/v1/zones/reload.test.", v2_body.dump());
        if (h.status != 200) {
          record("PUT: " + h.Describe());
        } else {
          ++reloads_api;
        }
      }
    }
  });
  // Change batches: www back and forth between the two versions' values.
  std::thread changer([&] {
    for (int i = 0; !stop.load(); ++i) {
      const std::string value = i % 2 == 0 ? "192.0.2.20" : "192.0.2.10";
      const json batch = {
          {"Changes",
           {{{"Action", "UPSERT"},
             {"ResourceRecordSet",
              {{"Name", "www.reload.test."}, {"Type", "A"}, {"TTL", 300},
               {"ResourceRecords", {{{"Value", value}}}}}}}}}};
      HttpReply h = Http(server, "POST", "/v1/zones/reload.test./changes", batch.dump());
      if (h.status != 200) {
        record("change batch: " + h.Describe());
      } else {
        ++changes;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
  });

  const LoadResult load = RunLoad(server.port());
  stop.store(true);
  reloader.join();
  changer.join();

  std::string seen;
  for (const auto& [answer, n] : load.seen) seen += "  " + std::to_string(n) + " x " + answer + "\n";
  std::string wrong;
  for (const auto& [what, n] : load.wrong) wrong += "  " + std::to_string(n) + " x " + what + "\n";
  std::cout << "[  LOAD    ] " << load.sent << " queries, " << load.answered
            << " answered, " << load.unanswered << " unanswered, " << load.wrong.size()
            << " kinds of wrong answer; " << reloads_cli.load() << " zonectl loads, "
            << reloads_api.load() << " API PUTs, " << changes.load()
            << " change batches\n" << seen;
  SCOPED_TRACE("sent " + std::to_string(load.sent) + ", zonectl loads " +
               std::to_string(reloads_cli.load()) + ", API PUTs " +
               std::to_string(reloads_api.load()) + ", change batches " +
               std::to_string(changes.load()) + "\nanswers:\n" + seen);

  EXPECT_GE(load.sent, kRatePerSecond * kLoadDuration.count() * 9 / 10)
      << "the generator fell behind its rate";
  EXPECT_EQ(load.unanswered, 0) << "queries without a reply within "
                                << kAnswerTimeout.count() << " ms";
  EXPECT_EQ(load.answered, load.sent);
  EXPECT_TRUE(load.wrong.empty()) << "SERVFAIL, errors or wrong answers:\n" << wrong;
  {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& e : errors) ADD_FAILURE() << e;
  }
  // The reloads did happen, many times, while the load ran.
  EXPECT_GE(reloads_cli.load(), 3);
  EXPECT_GE(reloads_api.load(), 3);
  EXPECT_GE(changes.load(), 10);
  EXPECT_EQ(load.seen.count("www.reload.test.\t300\tIN\tA\t192.0.2.10") +
                load.seen.count("www.reload.test.\t300\tIN\tA\t192.0.2.20"),
            2u)
      << "both versions were served";
  HttpReply status = Http(server, "GET", "/v1/status");
  ASSERT_EQ(status.status, 200) << status.Describe();
  EXPECT_GT(status.body_json.value("snapshot_generation", 0LL), generation0)
      << status.Describe();
  EXPECT_TRUE(server.IsRunning());
  EXPECT_TRUE(server.Stop());
}

}  // namespace
}  // namespace e2e
