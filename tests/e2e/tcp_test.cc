// File: tests/e2e/tcp_test.cc
//
// DNS over TCP (RFC 1035 §4.2.2, RFC 7766): 2-octet framing, several
// queries pipelined in one write and answered in order, messages split
// across writes (each read by the server on its own: /proc/net/tcp shows
// when), several connections at once, and c-ares with USEVC.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"

namespace e2e {
namespace {

class e2eTcp : public ServerTest {};

struct Expected {
  std::string qname;
  ldns_rr_type type;
  int rcode;
  std::vector<std::string> answer;
};

const std::vector<Expected>& PipelineCases() {
  static const auto* cases = new std::vector<Expected>{
      {"www.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
       {"www.example.com. 3600 IN A 192.0.2.10"}},
      {"www.example.com.", LDNS_RR_TYPE_AAAA, LDNS_RCODE_NOERROR,
       {"www.example.com. 3600 IN AAAA 2001:db8::10"}},
      {"nope.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NXDOMAIN, {}},
      {"example.com.", LDNS_RR_TYPE_MX, LDNS_RCODE_NOERROR,
       {"example.com. 3600 IN MX 10 mail.example.com."}},
      {"web.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
       {"web.example.com. 3600 IN CNAME www.example.com.",
        "www.example.com. 3600 IN A 192.0.2.10"}},
      {"www.example.org.", LDNS_RR_TYPE_A, LDNS_RCODE_REFUSED, {}},
      {"mail.example.com.", LDNS_RR_TYPE_A, LDNS_RCODE_NOERROR,
       {"mail.example.com. 3600 IN A 192.0.2.25"}},
  };
  return *cases;
}

TEST_F(e2eTcp, PipelinedQueriesInOneWriteAreAnsweredInOrder) {
  TcpConnection c;
  ASSERT_TRUE(c.Connect(v4()));
  std::vector<Bytes> queries;
  Bytes all;
  for (const auto& e : PipelineCases()) {
    queries.push_back(MakeQuery(e.qname, e.type));
    Bytes f = Frame(queries.back());
    all.insert(all.end(), f.begin(), f.end());
  }
  ASSERT_TRUE(c.SendRaw(all)) << "one write with every query";
  for (size_t i = 0; i < queries.size(); ++i) {
    const Expected& e = PipelineCases()[i];
    SCOPED_TRACE(Q(e.qname, e.type));
    auto wire = c.ReadFramed();
    Reply r;
    ASSERT_TRUE(CheckReply(queries[i], wire, &r))
        << "reply " << i << " is not the answer to query " << i;
    EXPECT_EQ(r.rcode(), e.rcode) << r.ToString();
    EXPECT_TRUE(SectionEquals(r.answer(), e.answer, /*ordered=*/true));
  }
}

TEST_F(e2eTcp, SeveralQueriesOneAfterAnotherOnOneConnection) {
  TcpConnection c;
  ASSERT_TRUE(c.Connect(v4()));
  for (int i = 0; i < 5; ++i) {
    SCOPED_TRACE(i);
    Bytes q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A);
    ASSERT_TRUE(c.SendFramed(q));
    Reply r;
    ASSERT_TRUE(CheckReply(q, c.ReadFramed(), &r));
    EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
  }
}

// The octets the server has not read yet on its end of the IPv4
// connection from local port `client_port` to `server_port` (its receive
// queue, from /proc/net/tcp), or -1 while the kernel does not list it.
long ServerUnread(uint16_t client_port, uint16_t server_port) {
  std::ifstream in("/proc/net/tcp");
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    // "  0: 0100007F:14B4 0100007F:D2F0 01 00000000:00000005 ..."
    std::istringstream fields(line);
    std::string slot, local, remote, state, queues;
    fields >> slot >> local >> remote >> state >> queues;
    auto port_of = [](const std::string& address) {
      return std::stoul(address.substr(address.find(':') + 1), nullptr, 16);
    };
    if (state == "01" && port_of(local) == server_port && port_of(remote) == client_port) {
      return std::stol(queues.substr(queues.find(':') + 1), nullptr, 16);
    }
  }
  return -1;
}

// Waits until the server has read everything sent on `c` so far: the next
// write then reaches it as a read of its own. Bounded: fails after 10 s.
testing::AssertionResult ServerReadAll(const TcpConnection& c, uint16_t server_port) {
  sockaddr_in local{};
  socklen_t len = sizeof local;
  if (getsockname(c.fd(), reinterpret_cast<sockaddr*>(&local), &len) != 0) {
    return testing::AssertionFailure() << "getsockname: " << std::strerror(errno);
  }
  const uint16_t client_port = ntohs(local.sin_port);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  long unread = -1;
  while ((unread = ServerUnread(client_port, server_port)) != 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      return testing::AssertionFailure()
             << "the server has not read its socket within 10 s (unread: " << unread << ")";
    }
    std::this_thread::sleep_for(milliseconds(1));  // poll interval, not a timing
  }
  return testing::AssertionSuccess();
}

// True if a reply (or anything) is waiting to be read on `c`.
bool ReplyWaiting(const TcpConnection& c) {
  pollfd p{c.fd(), POLLIN, 0};
  return poll(&p, 1, 0) > 0;
}

TEST_F(e2eTcp, MessageSplitAcrossWritesIsReassembled) {
  TcpConnection c;
  ASSERT_TRUE(c.Connect(v4()));
  // Every write leaves at once as a segment of its own.
  const int one = 1;
  ASSERT_EQ(setsockopt(c.fd(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one), 0);
  Bytes q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A);
  Bytes f = Frame(q);
  // The length octets one at a time, then the message in two halves; the
  // server reads each piece before the next is sent, and answers only
  // once the message is complete.
  const size_t half = 2 + q.size() / 2;
  const std::vector<std::pair<size_t, size_t>> pieces = {
      {0, 1}, {1, 2}, {2, half}, {half, f.size()}};
  for (const auto& [from, to] : pieces) {
    SCOPED_TRACE(testing::Message() << "octets " << from << ".." << to);
    ASSERT_TRUE(c.SendRaw(Bytes(f.begin() + static_cast<long>(from),
                                f.begin() + static_cast<long>(to))));
    if (to == f.size()) break;
    ASSERT_TRUE(ServerReadAll(c, server_.port()));
    EXPECT_FALSE(ReplyWaiting(c)) << "a reply before the message was complete";
  }
  Reply r;
  ASSERT_TRUE(CheckReply(q, c.ReadFramed(), &r));
  EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
}

TEST_F(e2eTcp, SecondConnectionIsServedWhileTheFirstIsIdle) {
  TcpConnection idle;
  ASSERT_TRUE(idle.Connect(v4()));
  // The idle connection has sent half a length prefix only.
  ASSERT_TRUE(idle.SendRaw(Bytes{0x00}));

  Reply r;
  ASSERT_TRUE(AskTcp("www.example.com.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));

  // The first one still works once it completes its query.
  Bytes q = MakeQuery("mail.example.com.", LDNS_RR_TYPE_A);
  Bytes f = Frame(q);
  ASSERT_EQ(f[0], 0x00);
  ASSERT_TRUE(idle.SendRaw(Bytes(f.begin() + 1, f.end())));
  Reply r2;
  ASSERT_TRUE(CheckReply(q, idle.ReadFramed(), &r2));
  EXPECT_TRUE(SectionEquals(r2.answer(), {"mail.example.com. 3600 IN A 192.0.2.25"}));
}

TEST_F(e2eTcp, TwoConnectionsWithQueriesInFlight) {
  TcpConnection a, b;
  ASSERT_TRUE(a.Connect(v4()));
  ASSERT_TRUE(b.Connect(v4()));
  Bytes qa = MakeQuery("www.example.com.", LDNS_RR_TYPE_AAAA);
  Bytes qb = MakeQuery("example.com.", LDNS_RR_TYPE_SOA);
  ASSERT_TRUE(a.SendFramed(qa));
  ASSERT_TRUE(b.SendFramed(qb));
  Reply rb, ra;  // read b first: a's reply waits in the socket meanwhile
  ASSERT_TRUE(CheckReply(qb, b.ReadFramed(), &rb));
  ASSERT_TRUE(CheckReply(qa, a.ReadFramed(), &ra));
  EXPECT_EQ(CountType(rb.answer(), LDNS_RR_TYPE_SOA), 1u) << rb.ToString();
  EXPECT_TRUE(
      SectionEquals(ra.answer(), {"www.example.com. 3600 IN AAAA 2001:db8::10"}));
}

TEST_F(e2eTcp, TwentyConnectionsAtOnce) {
  constexpr int kConnections = 20;
  std::vector<std::unique_ptr<TcpConnection>> conns;
  std::vector<Bytes> queries;
  for (int i = 0; i < kConnections; ++i) {
    conns.push_back(std::make_unique<TcpConnection>());
    ASSERT_TRUE(conns.back()->Connect(v4())) << "connection " << i;
  }
  for (int i = 0; i < kConnections; ++i) {
    queries.push_back(MakeQuery("www.example.com.", LDNS_RR_TYPE_A));
    ASSERT_TRUE(conns[i]->SendFramed(queries.back()));
  }
  for (int i = kConnections - 1; i >= 0; --i) {
    Reply r;
    ASSERT_TRUE(CheckReply(queries[i], conns[i]->ReadFramed(), &r)) << "connection " << i;
    EXPECT_EQ(ldns_rr_list_rr_count(r.answer()), 1u);
  }
}

TEST_F(e2eTcp, CaresOverTcp) {
  AresClient client(v4(), ARES_FLAG_USEVC);
  ASSERT_EQ(client.init_error(), "");
  AresResult res = client.Query("www.example.com", 1);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  ares_addrttl ttls[4];
  int nttls = 4;
  ASSERT_EQ(ares_parse_a_reply(res.abuf.data(), static_cast<int>(res.abuf.size()),
                               nullptr, ttls, &nttls),
            ARES_SUCCESS);
  ASSERT_EQ(nttls, 1);
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &ttls[0].ipaddr, text, sizeof text);
  EXPECT_STREQ(text, "192.0.2.10");

  AresResult big = client.Query("big.example.com", 1);
  ASSERT_EQ(big.status, ARES_SUCCESS) << big.StatusText();
  ares_addrttl many[64];
  int nmany = 64;
  ASSERT_EQ(ares_parse_a_reply(big.abuf.data(), static_cast<int>(big.abuf.size()),
                               nullptr, many, &nmany),
            ARES_SUCCESS);
  EXPECT_EQ(nmany, 40);
}

TEST_F(e2eTcp, CaresSendOfOurOwnQueryOverTcp) {
  AresClient client(v4(), ARES_FLAG_USEVC);
  QueryOptions o;
  o.edns = true;
  Bytes q = MakeQuery("_sip._tcp.example.com.", LDNS_RR_TYPE_SRV, o);
  AresResult res = client.Send(q);
  ASSERT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
  ASSERT_GE(res.abuf.size(), 12u);
  // c-ares gives the query an ID of its own and matches the reply to it;
  // compare the rest of the query with the reply.
  q[0] = res.abuf[0];
  q[1] = res.abuf[1];
  Reply r;
  ASSERT_TRUE(CheckReply(q, res.abuf, &r));
  EXPECT_TRUE(r.has_opt());
  EXPECT_TRUE(SectionEquals(
      r.answer(), {"_sip._tcp.example.com. 3600 IN SRV 10 60 5060 sip.example.com."}));
}

}  // namespace
}  // namespace e2e
