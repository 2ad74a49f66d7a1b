// File: tests/e2e/burst_test.cc
//
// Many queries in flight at once, so that several worker threads answer
// together: every reply must be the answer to its own query (same ID, same
// question, the right data). Catches replies crossed between threads or
// buffers reused too early.
#include <sys/socket.h>

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"

namespace e2e {
namespace {

struct Case {
  std::string qname;
  ldns_rr_type type;
  int rcode;
  std::string first_answer;  // "" when the answer section is empty
};

const std::vector<Case>& Cases() {
  static const auto* cases = new std::vector<Case>{
      {"www.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
       "www.example.com. 3600 IN A 192.0.2.10"},
      {"www.example.com.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR,
       "www.example.com. 3600 IN AAAA 2001:db8::10"},
      {"mail.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
       "mail.example.com. 3600 IN A 192.0.2.25"},
      {"nope.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, ""},
      {"x.apps.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
       "x.apps.example.com. 300 IN A 192.0.2.80"},
      {"web.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
       "web.example.com. 3600 IN CNAME www.example.com."},
      {"www.example.org.", LDNS_RR_TYPE_A, LDNS_RCODE_REFUSED, ""},
      {"example.com.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR,
       "example.com. 3600 IN MX 10 mail.example.com."},
  };
  return *cases;
}

class e2eBurst : public ServerTest {
 protected:
  ServerOptions Options() override {
    ServerOptions o = ServerOptions::ExampleZones();
    o.threads = 4;  // more workers than cores: interleaving guaranteed
    return o;
  }

  // Checks `wire` against the query it answers; counts mismatches.
  void Check(const Bytes& query, const Bytes& wire, const Case& c) {
    Reply r;
    auto ok = CheckReply(query, wire, &r);
    if (!ok) {
      ++mismatches_;
      if (first_problem_.empty()) first_problem_ = ok.message();
      return;
    }
    bool good = r.rcode() == c.rcode;
    if (c.first_answer.empty()) {
      good = good && ldns_rr_list_rr_count(r.answer()) == 0;
    } else {
      good = good && ldns_rr_list_rr_count(r.answer()) >= 1;
      if (good) {
        ldns_rr_list* first = ldns_rr_list_new();
        ldns_rr_list_push_rr(first, ldns_rr_list_rr(r.answer(), 0));
        good = static_cast<bool>(SectionEquals(first, {c.first_answer}));
        ldns_rr_list_free(first);  // frees the list only, not the RR
      }
    }
    if (!good) {
      ++mismatches_;
      if (first_problem_.empty()) {
        first_problem_ = "wrong answer to " + Q(c.qname, c.type) + "\n" + r.ToString();
      }
    }
  }

  int mismatches_ = 0;
  std::string first_problem_;
};

TEST_F(e2eBurst, UdpBurstEveryReplyMatchesItsQuery) {
  // 800 queries, up to 100 in flight at a time. (Not all 800 at once: the
  // server answers a burst faster than one client socket's receive buffer,
  // about 256 datagrams by default, can hold, and the kernel drops the rest.)
  constexpr int kQueries = 800;
  constexpr size_t kWindow = 100;
  UdpSocket s(v4());
  ASSERT_TRUE(s.ok());
  int rcvbuf = 4 << 20;  // as much as the system allows
  setsockopt(s.fd(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  std::map<uint16_t, std::pair<Bytes, const Case*>> pending;
  int received = 0;
  auto drain = [&](milliseconds wait) {
    for (int i = 0; i < kQueries; ++i) {
      auto m = s.Receive(i == 0 ? wait : milliseconds(0));
      if (!m.has_value()) return;
      auto it = pending.find(IdOf(*m));
      if (it == pending.end()) {
        ++mismatches_;
        if (first_problem_.empty()) first_problem_ = "a reply with an unknown or repeated ID";
        continue;
      }
      ++received;
      Check(it->second.first, *m, *it->second.second);
      pending.erase(it);
    }
  };
  int next = 0;
  for (int round = 0; round < 10 * kQueries && (next < kQueries || !pending.empty());
       ++round) {
    while (next < kQueries && pending.size() < kWindow) {
      const Case& c = Cases()[static_cast<size_t>(next) % Cases().size()];
      QueryOptions o;
      o.id = static_cast<uint16_t>(1000 + next);
      o.edns = (next % 3 == 0);
      Bytes q = MakeQuery(c.qname, c.type, o);
      pending[o.id] = {q, &c};
      ASSERT_TRUE(s.Send(q));
      ++next;
    }
    const size_t before = pending.size();
    drain(milliseconds(300));
    if (pending.size() == before) break;  // nothing more is coming
  }
  EXPECT_EQ(mismatches_, 0) << first_problem_;
  EXPECT_EQ(next, kQueries) << "gave up: replies stopped coming";
  // Loopback does not lose datagrams unless a buffer overflows; allow a few.
  EXPECT_GE(received, kQueries * 99 / 100)
      << pending.size() << " of " << kQueries << " queries got no reply";
}

TEST_F(e2eBurst, ManyPipelinedTcpQueriesInOneWrite) {
  constexpr int kQueries = 500;
  TcpConnection c;
  ASSERT_TRUE(c.Connect(v4()));
  std::vector<Bytes> queries;
  Bytes all;
  for (int i = 0; i < kQueries; ++i) {
    const Case& k = Cases()[static_cast<size_t>(i) % Cases().size()];
    queries.push_back(MakeQuery(k.qname, k.type));
    Bytes f = Frame(queries.back());
    all.insert(all.end(), f.begin(), f.end());
  }
  ASSERT_TRUE(c.SendRaw(all)) << all.size() << " octets in one write";
  int answered = 0;
  for (int i = 0; i < kQueries; ++i) {
    auto wire = c.ReadFramed();
    if (!wire.has_value()) break;
    ++answered;
    Check(queries[static_cast<size_t>(i)], *wire,
          Cases()[static_cast<size_t>(i) % Cases().size()]);
  }
  EXPECT_EQ(answered, kQueries);
  EXPECT_EQ(mismatches_, 0) << first_problem_;
}

TEST_F(e2eBurst, UdpAndTcpTogether) {
  // TCP connections with queries in flight while UDP queries arrive.
  constexpr int kConnections = 8;
  TcpConnection conns[kConnections];
  std::vector<Bytes> tcp_queries;
  for (int i = 0; i < kConnections; ++i) {
    ASSERT_TRUE(conns[i].Connect(v4()));
    tcp_queries.push_back(MakeQuery("big.example.com.", LDNS_RR_TYPE_A));
    ASSERT_TRUE(conns[i].SendFramed(tcp_queries.back()));
  }
  for (int i = 0; i < 50; ++i) {
    const Case& c = Cases()[static_cast<size_t>(i) % Cases().size()];
    Bytes q = MakeQuery(c.qname, c.type);
    auto wire = UdpExchange(v4(), q);
    ASSERT_TRUE(wire.has_value()) << "UDP query " << i;
    Check(q, *wire, c);
  }
  for (int i = 0; i < kConnections; ++i) {
    Reply r;
    ASSERT_TRUE(CheckReply(tcp_queries[static_cast<size_t>(i)], conns[i].ReadFramed(), &r));
    EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 40u);
  }
  EXPECT_EQ(mismatches_, 0) << first_problem_;
}

}  // namespace
}  // namespace e2e
