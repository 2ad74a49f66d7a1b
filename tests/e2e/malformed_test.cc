// File: tests/e2e/malformed_test.cc
//
// A barrage of malformed input (fixed seed, so every run sends the same
// packets): random datagrams, truncated and bit-flipped queries, hand-made
// nasties (compression loops, overlong names, bogus OPT, TSIG: unknown key,
// not the last RR, truncated MAC, garbage RDATA), and garbage TCP
// connections. Afterwards the server must still run and answer correctly.
// Along the way: every reply must decode and have QR=1, and no packet that
// is itself a response (QR=1) may be answered.
#include <poll.h>
#include <sys/socket.h>

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"

namespace e2e {
namespace {

constexpr uint32_t kSeed = 20240601;
constexpr int kRandomPackets = 1000;
constexpr int kTruncatedPackets = 1000;
constexpr int kFlippedPackets = 1500;

// A query signed by ldns with a TSIG key the server does not know (it has
// none): answered NOTAUTH/BADKEY. *unsigned_size: where the TSIG RR starts.
Bytes TsigQuery(size_t* unsigned_size) {
  ldns_pkt* pkt = ldns_pkt_query_new(ldns_dname_new_frm_str("www.example.com."),
                                     LDNS_RR_TYPE_A, LDNS_RR_CLASS_IN, 0);
  ldns_pkt_set_id(pkt, 0x7777);
  uint8_t* bytes = nullptr;
  size_t len = 0;
  EXPECT_EQ(ldns_pkt2wire(&bytes, pkt, &len), LDNS_STATUS_OK);
  free(bytes);
  *unsigned_size = len;
  EXPECT_EQ(ldns_pkt_tsig_sign(pkt, "nobody.example.", "c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0", 300,
                               "hmac-sha256.", nullptr),
            LDNS_STATUS_OK);
  EXPECT_EQ(ldns_pkt2wire(&bytes, pkt, &len), LDNS_STATUS_OK);
  Bytes out(bytes, bytes + len);
  free(bytes);
  ldns_pkt_free(pkt);
  return out;
}

// Well-formed queries the mutations start from.
std::vector<Bytes> Seeds() {
  std::vector<Bytes> seeds;
  QueryOptions edns;
  edns.edns = true;
  edns.udp_size = 4096;
  seeds.push_back(MakeQuery("www.example.com.", LDNS_RR_TYPE_A));
  seeds.push_back(MakeQuery("big.example.com.", LDNS_RR_TYPE_A, edns));
  seeds.push_back(MakeQuery("anything.apps.example.com.", LDNS_RR_TYPE_TXT, edns));
  seeds.push_back(MakeQuery("web.example.com.", LDNS_RR_TYPE_A));
  seeds.push_back(MakeQuery("www.sub.example.com.", LDNS_RR_TYPE_A, edns));
  seeds.push_back(MakeQuery("example.com.", LDNS_RR_TYPE_ANY));
  seeds.push_back(MakeQuery("nope.example.com.", LDNS_RR_TYPE_MX, edns));
  // With an EDNS Client Subnet option (code 8): family 1, /24, 192.0.2.0.
  Bytes ecs = MakeQuery("www.example.com.", LDNS_RR_TYPE_A, edns);
  const Bytes opt_rdata = {0x00, 0x08, 0x00, 0x07, 0x00, 0x01, 24, 0, 192, 0, 2};
  // The OPT is last: patch its RDLENGTH (last two octets) and append.
  ecs[ecs.size() - 1] = static_cast<uint8_t>(opt_rdata.size());
  ecs.insert(ecs.end(), opt_rdata.begin(), opt_rdata.end());
  seeds.push_back(ecs);
  size_t unused;
  seeds.push_back(TsigQuery(&unused));
  return seeds;
}

// Hand-made packets that trip naive parsers.
std::vector<Bytes> Nasties() {
  std::vector<Bytes> out;
  const Bytes header = {0xab, 0xcd, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                        0x00, 0x00, 0x00, 0x00};
  auto with = [&](Bytes body) {
    Bytes p = header;
    p.insert(p.end(), body.begin(), body.end());
    return p;
  };
  out.push_back(with({0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01}));  // pointer to itself
  out.push_back(with({0x03, 'w', 'w', 'w', 0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01}));  // loop
  out.push_back(with({0xc0, 0xff, 0x00, 0x01, 0x00, 0x01}));  // pointer past the end
  out.push_back(with({0x40, 'a', 0x00, 0x00, 0x01, 0x00, 0x01}));  // label type 01
  out.push_back(with({0x80, 'a', 0x00, 0x00, 0x01, 0x00, 0x01}));  // label type 10
  out.push_back(with({0x3f}));                                      // label runs off
  out.push_back(with({0x05, 'a', 'b'}));                            // short label
  out.push_back(with({0x00}));                                      // no type/class
  out.push_back(with({0x00, 0x00, 0x01}));                          // half a class
  {
    Bytes long_name;  // 5 labels of 63: 320 octets, over the 255 limit
    for (int l = 0; l < 5; ++l) {
      long_name.push_back(63);
      for (int i = 0; i < 63; ++i) long_name.push_back('a');
    }
    long_name.insert(long_name.end(), {0x00, 0x00, 0x01, 0x00, 0x01});
    out.push_back(with(long_name));
  }
  {
    Bytes p = MakeQuery("www.example.com.", LDNS_RR_TYPE_A);
    p[4] = 0xff;  // QDCOUNT 65280
    p[5] = 0x00;
    out.push_back(p);
    Bytes q = MakeQuery("www.example.com.", LDNS_RR_TYPE_A);
    q[6] = 0xff;  // ANCOUNT 65535 with nothing behind it
    q[7] = 0xff;
    out.push_back(q);
    Bytes r = MakeQuery("www.example.com.", LDNS_RR_TYPE_A);
    r[11] = 5;  // ARCOUNT 5, none present
    out.push_back(r);
    Bytes z = MakeQuery("www.example.com.", LDNS_RR_TYPE_A);
    z[4] = 0;  // QDCOUNT 0 but a question follows
    z[5] = 0;
    out.push_back(z);
  }
  {
    QueryOptions edns;
    edns.edns = true;
    Bytes opt = MakeQuery("www.example.com.", LDNS_RR_TYPE_A, edns);
    Bytes bad_len = opt;  // OPT RDLENGTH 200, no RDATA
    bad_len[bad_len.size() - 1] = 200;
    out.push_back(bad_len);
    Bytes bad_option = opt;  // an option whose length runs past the RDATA
    bad_option[bad_option.size() - 1] = 4;
    bad_option.insert(bad_option.end(), {0x00, 0x08, 0x00, 0x30});
    out.push_back(bad_option);
    Bytes ecs_bad = opt;  // ECS with source prefix 99 for IPv4
    ecs_bad[ecs_bad.size() - 1] = 8;
    ecs_bad.insert(ecs_bad.end(), {0x00, 0x08, 0x00, 0x04, 0x00, 0x01, 99, 0});
    out.push_back(ecs_bad);
    Bytes ecs_family = opt;  // ECS with family 7
    ecs_family[ecs_family.size() - 1] = 8;
    ecs_family.insert(ecs_family.end(), {0x00, 0x08, 0x00, 0x04, 0x00, 0x07, 8, 0});
    out.push_back(ecs_family);
    Bytes two_opts = opt;  // two OPT RRs (FORMERR per RFC 6891 §6.1.1)
    two_opts.insert(two_opts.end(), opt.end() - 11, opt.end());
    two_opts[11] = 2;
    out.push_back(two_opts);
    Bytes opt_name = opt;  // OPT owner must be root; make it "a."
    opt_name[opt_name.size() - 11] = 0x01;
    opt_name.insert(opt_name.end() - 10, {'a', 0x00});
    out.push_back(opt_name);
  }
  {
    // TSIG (RFC 8945). The owner "\6nobody\7example\0" is 16 octets; the
    // fixed part follows, then RDATA (algorithm "\13hmac-sha256\0", 13).
    size_t off = 0;
    const Bytes tsig = TsigQuery(&off);
    out.push_back(tsig);  // unknown key: NOTAUTH with BADKEY
    Bytes not_last = tsig;  // an A RR after the TSIG
    not_last.insert(not_last.end(), {0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 192, 0, 2, 1});
    not_last[11] = 2;
    out.push_back(not_last);
    Bytes in_answer = tsig;  // the TSIG in the answer section
    in_answer[7] = 1;
    in_answer[11] = 0;
    out.push_back(in_answer);
    Bytes truncated = tsig;  // MAC cut to 8 of 32 octets (and RDLENGTH)
    const size_t rd = off + 16 + 8;
    const size_t mac = rd + 2 + 13 + 6 + 2;
    truncated[mac + 1] = 8;
    truncated.erase(truncated.begin() + static_cast<long>(mac + 2 + 8),
                    truncated.begin() + static_cast<long>(mac + 2 + 32));
    truncated[rd + 1] = static_cast<uint8_t>(truncated[rd + 1] - 24);
    out.push_back(truncated);
    Bytes garbage(tsig.begin(), tsig.begin() + static_cast<long>(rd));  // RDATA junk
    garbage.insert(garbage.end(), {0, 5, 0xc0, 0xff, 1, 2, 3});
    out.push_back(garbage);
    Bytes short_rdata = tsig;  // RDLENGTH one more than there is
    short_rdata[rd + 1] = static_cast<uint8_t>(short_rdata[rd + 1] + 1);
    out.push_back(short_rdata);
  }
  return out;
}

class e2eMalformed : public ServerTest {
 protected:
  // Reads every datagram waiting on `s` (up to `wait`); checks each one.
  void Drain(UdpSocket& s, milliseconds wait, bool expect_none) {
    for (int i = 0; i < 100000; ++i) {
      auto m = s.Receive(i == 0 ? wait : milliseconds(0));
      if (!m.has_value()) return;
      ++replies_;
      if (expect_none) {
        ++replies_to_responses_;
        continue;
      }
      std::string error;
      auto r = Reply::Parse(*m, &error);
      if (!r.has_value()) {
        if (bad_replies_.size() < 5) bad_replies_.push_back(error);
      } else if (!r->qr()) {
        if (bad_replies_.size() < 5) bad_replies_.push_back("reply with QR=0");
      }
    }
  }

  // Reads up to `max` framed messages from `c`, each within `wait`, until
  // none comes; each must decode (and have QR=1 if `check_qr`).
  static void ExpectRepliesDecode(TcpConnection& c, int max, milliseconds wait,
                                  bool check_qr) {
    for (int i = 0; i < max; ++i) {
      auto m = c.ReadFramed(wait);
      if (!m.has_value()) return;
      std::string error;
      auto r = Reply::Parse(*m, &error);
      EXPECT_TRUE(r.has_value()) << error;
      if (check_qr && r.has_value()) {
        EXPECT_TRUE(r->qr());
      }
    }
  }

  int replies_ = 0;
  int replies_to_responses_ = 0;
  std::vector<std::string> bad_replies_;
};

TEST_F(e2eMalformed, UdpBarrageThenStillAnswers) {
  std::mt19937 rng(kSeed);
  auto uniform = [&](int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
  };
  std::vector<Bytes> packets;
  for (int i = 0; i < kRandomPackets; ++i) {
    Bytes p(static_cast<size_t>(uniform(0, 600)));
    for (auto& b : p) b = static_cast<uint8_t>(uniform(0, 255));
    if (p.size() > 2 && uniform(0, 1) == 0) p[2] &= 0x7f;  // half look like queries
    packets.push_back(p);
  }
  const std::vector<Bytes> seeds = Seeds();
  for (int i = 0; i < kTruncatedPackets; ++i) {
    const Bytes& s = seeds[static_cast<size_t>(uniform(0, static_cast<int>(seeds.size()) - 1))];
    packets.emplace_back(s.begin(), s.begin() + uniform(0, static_cast<int>(s.size()) - 1));
  }
  for (int i = 0; i < kFlippedPackets; ++i) {
    Bytes p = seeds[static_cast<size_t>(uniform(0, static_cast<int>(seeds.size()) - 1))];
    const int flips = uniform(1, 8);
    for (int f = 0; f < flips; ++f) {
      const int bit = uniform(0, static_cast<int>(p.size()) * 8 - 1);
      p[static_cast<size_t>(bit / 8)] ^= static_cast<uint8_t>(1u << (bit % 8));
    }
    packets.push_back(p);
  }
  for (const Bytes& n : Nasties()) packets.push_back(n);
  std::shuffle(packets.begin(), packets.end(), rng);

  // Queries (QR=0) from one socket, responses (QR=1) from another: nothing
  // may ever come back to the second.
  UdpSocket queries(v4()), responses(v4());
  ASSERT_TRUE(queries.ok() && responses.ok());
  int sent = 0;
  for (size_t i = 0; i < packets.size(); ++i) {
    const Bytes& p = packets[i];
    const bool is_response = p.size() >= 3 && (p[2] & 0x80) != 0;
    if ((is_response ? responses : queries).Send(p)) ++sent;
    if (i % 50 == 49) {  // pace, and keep our receive buffer empty
      Drain(queries, milliseconds(2), false);
      Drain(responses, milliseconds(0), true);
    }
  }
  Drain(queries, milliseconds(300), false);
  Drain(responses, milliseconds(300), true);
  RecordProperty("packets_sent", sent);
  RecordProperty("replies", replies_);

  EXPECT_GE(sent, static_cast<int>(packets.size()) - 10);
  EXPECT_EQ(replies_to_responses_, 0)
      << "the server answered packets that had QR=1 (reflection risk)";
  EXPECT_TRUE(bad_replies_.empty()) << "first bad reply: "
                                    << (bad_replies_.empty() ? "" : bad_replies_[0]);
  EXPECT_GT(replies_, 0) << "FORMERR replies and answers to intact queries expected";

  ASSERT_TRUE(server_.IsRunning()) << "the server died:\n" << server_.Log();
  Reply r;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_TRUE(r.aa());
  EXPECT_TRUE(SectionEquals(r.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
  Reply t;
  ASSERT_TRUE(AskTcp("web.example.com.", LDNS_RR_TYPE_A, {}, &t));
  EXPECT_TRUE(SectionEquals(t.answer(),
                            {"web.example.com. 3600 IN CNAME www.example.com.",
                             "www.example.com. 3600 IN A 192.0.2.10"},
                            true));
}

TEST_F(e2eMalformed, EveryNastyGetsFormErrOrSilence) {
  int index = 0;
  for (const Bytes& p : Nasties()) {
    SCOPED_TRACE("nasty #" + std::to_string(index++));
    auto wire = UdpExchange(v4(), p, milliseconds(300));
    if (!wire.has_value()) continue;  // dropping is fine
    std::string error;
    auto r = Reply::Parse(*wire, &error);
    ASSERT_TRUE(r.has_value()) << error;
    EXPECT_TRUE(r->qr());
    EXPECT_EQ(r->id(), IdOf(p));
    // A malformed query never gets data.
    EXPECT_EQ(ldns_rr_list_rr_count(r->answer()), 0u) << r->ToString();
    EXPECT_TRUE(r->rcode() == LDNS_RCODE_FORMERR ||
                r->rcode() == LDNS_RCODE_NOTIMPL ||
                r->rcode() == LDNS_RCODE_REFUSED ||
                r->rcode() == LDNS_RCODE_NOTAUTH)  // TSIG
        << "rcode " << r->rcode() << "\n" << r->ToString();
  }
  ASSERT_TRUE(server_.IsRunning()) << server_.Log();
  Reply ok;
  ASSERT_TRUE(AskUdp("www.example.com.", LDNS_RR_TYPE_A, {}, &ok));
}

// The TSIG cases with their rcodes (RFC 8945 §5.2): the server has no
// keys, so a well-formed signed query is NOTAUTH with TSIG error BADKEY
// (the key is checked before the MAC's length); a TSIG that is not the
// last RR, or whose RDATA does not parse, is FORMERR.
TEST_F(e2eMalformed, TsigCasesGetTheirRcodes) {
  const std::vector<Bytes> n = Nasties();
  const size_t first_tsig = n.size() - 6;
  const int want[] = {LDNS_RCODE_NOTAUTH, LDNS_RCODE_FORMERR, LDNS_RCODE_FORMERR,
                      LDNS_RCODE_NOTAUTH, LDNS_RCODE_FORMERR, LDNS_RCODE_FORMERR};
  for (size_t i = 0; i < 6; ++i) {
    SCOPED_TRACE("tsig case " + std::to_string(i));
    auto wire = UdpExchange(v4(), n[first_tsig + i], milliseconds(1000));
    ASSERT_TRUE(wire.has_value());
    std::string error;
    auto r = Reply::Parse(*wire, &error);
    ASSERT_TRUE(r.has_value()) << error;
    EXPECT_EQ(r->rcode(), want[i]) << r->ToString();
    ldns_rr* tsig = ldns_pkt_tsig(r->pkt());
    if (want[i] == LDNS_RCODE_NOTAUTH) {
      ASSERT_NE(tsig, nullptr) << r->ToString();
      EXPECT_EQ(ldns_rdf2native_int16(ldns_rr_rdf(tsig, 5)), 17) << "BADKEY";
      EXPECT_EQ(ldns_rdf_size(ldns_rr_rdf(tsig, 3)), 2u) << "unsigned: MAC size 0";
    } else {
      EXPECT_EQ(tsig, nullptr) << r->ToString();
    }
  }
}

TEST_F(e2eMalformed, GarbageTcpConnectionsThenStillAnswers) {
  std::mt19937 rng(kSeed + 1);
  auto random_bytes = [&](size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<uint8_t>(std::uniform_int_distribution<int>(0, 255)(rng));
    return b;
  };
  const Bytes good = MakeQuery("www.example.com.", LDNS_RR_TYPE_A);
  {  // 1. random bytes, then close
    TcpConnection c;
    ASSERT_TRUE(c.Connect(v4()));
    c.SendRaw(random_bytes(300));
  }
  {  // 2. a 65535-octet length with 10 octets behind it, then close
    TcpConnection c;
    ASSERT_TRUE(c.Connect(v4()));
    Bytes b = {0xff, 0xff};
    Bytes r = random_bytes(10);
    b.insert(b.end(), r.begin(), r.end());
    c.SendRaw(b);
  }
  {  // 3. a zero length
    TcpConnection c;
    ASSERT_TRUE(c.Connect(v4()));
    c.SendRaw(Bytes{0x00, 0x00});
    c.WaitForClose(milliseconds(200));
  }
  {  // 4. a message shorter than a header: the server may answer or close
    TcpConnection c;
    ASSERT_TRUE(c.Connect(v4()));
    c.SendRaw(Bytes{0x00, 0x05, 1, 2, 3, 4, 5});
    c.WaitForClose(milliseconds(200));
  }
  {  // 5. connect and close at once
    TcpConnection c;
    ASSERT_TRUE(c.Connect(v4()));
  }
  {  // 6. half a query, then close
    TcpConnection c;
    ASSERT_TRUE(c.Connect(v4()));
    Bytes f = Frame(good);
    c.SendRaw(Bytes(f.begin(), f.begin() + static_cast<long>(f.size() / 2)));
  }
  {  // 7. twenty random framed messages; read whatever comes back
    TcpConnection c;
    ASSERT_TRUE(c.Connect(v4()));
    Bytes all;
    for (int i = 0; i < 20; ++i) {
      Bytes f = Frame(random_bytes(std::uniform_int_distribution<size_t>(12, 200)(rng)));
      all.insert(all.end(), f.begin(), f.end());
    }
    c.SendRaw(all);
    ExpectRepliesDecode(c, 20, milliseconds(200), /*check_qr=*/true);
  }
  {  // 8. a query, then shut down our side: the answer still comes
    TcpConnection c;
    ASSERT_TRUE(c.Connect(v4()));
    ASSERT_TRUE(c.SendFramed(good));
    shutdown(c.fd(), SHUT_WR);
    Reply r;
    EXPECT_TRUE(CheckReply(good, c.ReadFramed(), &r))
        << "a query followed by a half-close is still answered";
  }
  {  // 9. a bad message then a good one on the same connection
    TcpConnection c;
    ASSERT_TRUE(c.Connect(v4()));
    Bytes bad = good;
    bad[5] = 2;  // QDCOUNT 2 with one question: malformed
    Bytes both = Frame(bad);
    Bytes f = Frame(good);
    both.insert(both.end(), f.begin(), f.end());
    c.SendRaw(both);
    // Either a FORMERR then the answer, or the server hangs up; both fine.
    ExpectRepliesDecode(c, 2, milliseconds(500), /*check_qr=*/false);
  }

  ASSERT_TRUE(server_.IsRunning()) << "the server died:\n" << server_.Log();
  Reply t;
  ASSERT_TRUE(AskTcp("www.example.com.", LDNS_RR_TYPE_A, {}, &t));
  EXPECT_TRUE(SectionEquals(t.answer(), {"www.example.com. 3600 IN A 192.0.2.10"}));
  Reply u;
  ASSERT_TRUE(AskUdp("mail.example.com.", LDNS_RR_TYPE_A, {}, &u));
  EXPECT_TRUE(SectionEquals(u.answer(), {"mail.example.com. 3600 IN A 192.0.2.25"}));
  AresClient client(v4(), ARES_FLAG_USEVC);
  AresResult res = client.Query("www.example.com", 1);
  EXPECT_EQ(res.status, ARES_SUCCESS) << res.StatusText();
}

}  // namespace
}  // namespace e2e
