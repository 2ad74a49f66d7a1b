// Tests for dns/xfr/secondary.h without a primary: configuration errors,
// which NOTIFYs are accepted (source address, TSIG key), Retransfer of an
// unknown zone, and a primary that is not there: the error is counted and
// reported, nothing is committed, nothing expires (no copy yet).
#include "dns/xfr/secondary.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "dns/wire/reader.h"
#include "tests/e2e/server_process.h"
#include "zones/master_file.h"

namespace dns::xfr {
namespace {

std::shared_ptr<const tsig::KeyRing> Ring() {
  auto key = tsig::ParseKeySpec("xfr-key.:hmac-sha256:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=");
  auto other = tsig::ParseKeySpec("other.:hmac-sha256:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=");
  return *tsig::KeyRing::Create({*key, *other});
}

ClientAddress V4(const char* text) {
  ClientAddress a;
  inet_pton(AF_INET, text, a.bytes);
  return a;
}

SecondaryCallbacks NoopCallbacks(int* commits) {
  SecondaryCallbacks cb;
  cb.commit = [commits](const std::string&, const std::string&, uint32_t) {
    ++*commits;
    return absl::OkStatus();
  };
  cb.set_expired = [](const std::string&, bool) {};
  cb.log = [](std::string_view) {};
  return cb;
}

TransferConfig Config(const std::vector<std::string>& specs) {
  TransferConfig tc;
  for (const std::string& s : specs) {
    auto p = ParseSecondarySpec(s);
    EXPECT_TRUE(p.ok()) << p.status();
    EXPECT_TRUE(tc.AddSecondary(p->first, p->second).ok());
  }
  return tc;
}

TEST(Secondaries, RejectsUnknownKeyAndMissingCallbacks) {
  int n = 0;
  SecondariesOptions o;
  o.keys = Ring();
  auto s = Secondaries::Create(Config({"example.test=127.0.0.1:53:nokey"}).secondaries, o,
                               NoopCallbacks(&n));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(std::string(s.status().message()).find("nokey"), std::string::npos);
  s = Secondaries::Create(Config({"example.test=127.0.0.1:53"}).secondaries, o, {});
  EXPECT_FALSE(s.ok());
}

TEST(Secondaries, AcceptsNotifyOnlyFromPrimariesWithTheirKey) {
  int n = 0;
  SecondariesOptions o;
  o.keys = Ring();
  auto s = Secondaries::Create(
      Config({"example.test=127.0.0.1:53:xfr-key", "example.test=192.0.2.5:5300"}).secondaries, o,
      NoopCallbacks(&n));
  ASSERT_TRUE(s.ok()) << s.status();
  Secondaries& sec = **s;
  std::string origin;
  ASSERT_TRUE(NameFromText("example.test.", &origin));
  const tsig::Key* key = o.keys->Find(std::string("\7xfr-key\0", 9));
  const tsig::Key* other = o.keys->Find(std::string("\5other\0", 7));
  ASSERT_NE(key, nullptr);
  EXPECT_FALSE(sec.AcceptNotify(origin, V4("127.0.0.1"), nullptr));  // key required
  EXPECT_FALSE(sec.AcceptNotify(origin, V4("127.0.0.1"), other));    // wrong key
  EXPECT_TRUE(sec.AcceptNotify(origin, V4("127.0.0.1"), key));
  EXPECT_TRUE(sec.AcceptNotify(origin, V4("192.0.2.5"), nullptr));   // no key configured
  EXPECT_TRUE(sec.AcceptNotify(origin, V4("192.0.2.5"), other));
  EXPECT_FALSE(sec.AcceptNotify(origin, V4("192.0.2.6"), key));      // not a primary
  std::string other_zone;
  ASSERT_TRUE(NameFromText("other.test.", &other_zone));
  EXPECT_FALSE(sec.AcceptNotify(other_zone, V4("127.0.0.1"), key));
  SecondaryTotals t = sec.Totals();
  EXPECT_EQ(t.notifies_accepted, 3u);
  EXPECT_EQ(t.notifies_refused, 4u);
  EXPECT_EQ(sec.Status()[0].notifies, 3u);
  EXPECT_TRUE(sec.Retransfer("EXAMPLE.test").ok());
  EXPECT_EQ(sec.Retransfer("nope.test.").code(), absl::StatusCode::kNotFound);
}

TEST(Secondaries, AnAbsentPrimaryIsCountedAndNothingIsCommitted) {
  int n = 0;
  SecondariesOptions o;
  o.client.query_timeout = absl::Milliseconds(300);
  const uint16_t port = e2e::PickFreePort();  // nobody listens there
  auto s = Secondaries::Create(Config({absl::StrCat("example.test=127.0.0.1:", port)}).secondaries,
                               o, NoopCallbacks(&n));
  ASSERT_TRUE(s.ok());
  (*s)->Start();
  for (int i = 0; i < 50 && (*s)->Totals().transfers_failed == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  (*s)->Stop();
  SecondaryTotals t = (*s)->Totals();
  EXPECT_GE(t.transfers_failed, 1u);
  EXPECT_EQ(t.failures_by_reason["network"], t.transfers_failed);
  SecondaryStatus st = (*s)->Status()[0];
  EXPECT_FALSE(st.has_zone);
  EXPECT_NE(st.last_error.find("connect"), std::string::npos) << st.last_error;
  EXPECT_EQ(n, 0);
}

}  // namespace
}  // namespace dns::xfr

// --- A scripted primary on loopback: what can go wrong, and that the old
// zone keeps serving through it. ---
namespace dns::xfr {
namespace {

void P16(std::string* s, uint16_t v) {
  s->push_back(static_cast<char>(v >> 8));
  s->push_back(static_cast<char>(v & 0xff));
}
void P32(std::string* s, uint32_t v) {
  P16(s, static_cast<uint16_t>(v >> 16));
  P16(s, static_cast<uint16_t>(v & 0xffff));
}
std::string Wire(std::string_view text) {
  std::string w;
  NameFromText(text, &w);
  return w;
}
Record SoaRR(uint32_t serial, uint32_t expire = 600) {
  Record r;
  r.owner = Wire("example.test.");
  r.type = 6;
  r.ttl = 300;
  r.rdata = Wire("ns1.example.test.") + Wire("admin.example.test.");
  P32(&r.rdata, serial);
  P32(&r.rdata, 1);  // refresh
  P32(&r.rdata, 1);  // retry
  P32(&r.rdata, expire);
  P32(&r.rdata, 60);
  return r;
}
Record RR(std::string_view owner, uint16_t type, std::string rdata) {
  Record r;
  r.owner = Wire(owner);
  r.type = type;
  r.ttl = 300;
  r.rdata = std::move(rdata);
  return r;
}
std::string Ip(uint8_t last) { return std::string("\xc0\x00\x02", 3) + static_cast<char>(last); }

std::string Reply(const uint8_t* q, size_t qlen, uint16_t rcode, const std::vector<Record>& rrs) {
  // Header + the question of the query, QR AA.
  dns::Reader r(q, qlen);
  r.Skip(12);
  dns::Name n;
  r.ReadName(&n);
  r.Skip(4);
  std::string m(reinterpret_cast<const char*>(q), r.position());
  m[2] = static_cast<char>(0x84);
  m[3] = static_cast<char>(rcode);
  m[4] = 0, m[5] = 1;
  m[6] = static_cast<char>(rrs.size() >> 8), m[7] = static_cast<char>(rrs.size() & 0xff);
  m[8] = m[9] = m[10] = m[11] = 0;
  for (const Record& rr : rrs) {
    m += rr.owner;
    P16(&m, rr.type);
    P16(&m, 1);
    P32(&m, rr.ttl);
    P16(&m, static_cast<uint16_t>(rr.rdata.size()));
    m += rr.rdata;
  }
  return m;
}

class FakePrimary {
 public:
  // What the next requests get.
  std::atomic<uint32_t> soa_serial{1};
  std::atomic<uint32_t> soa_expire{600};
  std::atomic<bool> silent{false};       // no answer at all
  std::atomic<bool> refuse_ixfr{false};  // REFUSED to IXFR
  std::atomic<bool> cut_stream{false};   // close after the first message
  std::mutex mu;
  std::vector<Record> zone;  // the AXFR content between the two SOAs

  uint16_t Start() {
    port_ = e2e::PickFreePort();
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons(port_);
    udp_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    tcp_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(tcp_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(udp_, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0 ||
        bind(tcp_, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) != 0 || listen(tcp_, 8) != 0) {
      return 0;
    }
    thread_ = std::thread([this] { Loop(); });
    return port_;
  }
  ~FakePrimary() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(udp_);
    close(tcp_);
  }

 private:
  void Loop() {
    std::vector<uint8_t> buf(65535);
    while (!stop_) {
      pollfd p[2] = {{udp_, POLLIN, 0}, {tcp_, POLLIN, 0}};
      if (poll(p, 2, 50) <= 0) continue;
      sockaddr_in from{};
      socklen_t fl = sizeof(from);
      if (p[0].revents & POLLIN) {
        const ssize_t n = recvfrom(udp_, buf.data(), buf.size(), 0,
                                   reinterpret_cast<sockaddr*>(&from), &fl);
        if (n < 12 || silent) continue;
        const std::string m = Reply(buf.data(), static_cast<size_t>(n), 0,
                                    {SoaRR(soa_serial, soa_expire)});
        sendto(udp_, m.data(), m.size(), 0, reinterpret_cast<sockaddr*>(&from), fl);
      }
      if (p[1].revents & POLLIN) {
        const int c = accept4(tcp_, reinterpret_cast<sockaddr*>(&from), &fl, SOCK_CLOEXEC);
        if (c < 0) continue;
        Serve(c);
        close(c);
      }
    }
  }
  void Serve(int c) {
    if (silent) return;
    timeval tv{1, 0};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    uint8_t lb[2];
    if (recv(c, lb, 2, MSG_WAITALL) != 2) return;
    std::vector<uint8_t> q((lb[0] << 8) | lb[1]);
    if (recv(c, q.data(), q.size(), MSG_WAITALL) != static_cast<ssize_t>(q.size())) return;
    dns::Reader r(q.data(), q.size());
    r.Skip(12);
    r.SkipName();
    const uint16_t qtype = r.ReadU16();
    std::vector<std::string> msgs;
    if (qtype == 251 && refuse_ixfr) {
      msgs.push_back(Reply(q.data(), q.size(), 5, {}));
    } else {
      std::lock_guard<std::mutex> l(mu);
      std::vector<Record> first = {SoaRR(soa_serial, soa_expire)};
      first.insert(first.end(), zone.begin(), zone.end());
      msgs.push_back(Reply(q.data(), q.size(), 0, first));
      if (!cut_stream) msgs.push_back(Reply(q.data(), q.size(), 0, {SoaRR(soa_serial, soa_expire)}));
    }
    for (const std::string& m : msgs) {
      std::string framed;
      P16(&framed, static_cast<uint16_t>(m.size()));
      framed += m;
      send(c, framed.data(), framed.size(), MSG_NOSIGNAL);
    }
  }

  uint16_t port_ = 0;
  int udp_ = -1, tcp_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// The lead's commit: the text must build, as through ControlState.
struct Lead {
  std::mutex mu;
  std::vector<uint32_t> serials;
  std::vector<bool> expired;
  SecondaryCallbacks Callbacks() {
    SecondaryCallbacks cb;
    cb.commit = [this](const std::string& origin, const std::string& text, uint32_t serial) {
      zones::ZoneBuilder b(Wire(origin));
      absl::Status s = zones::ReadMasterText(text, "xfr", &b);
      if (s.ok()) s = std::move(b).Build().status();
      if (s.ok()) {
        std::lock_guard<std::mutex> l(mu);
        serials.push_back(serial);
      }
      return s;
    };
    cb.set_expired = [this](const std::string&, bool e) {
      std::lock_guard<std::mutex> l(mu);
      expired.push_back(e);
    };
    cb.log = [](std::string_view) {};
    return cb;
  }
};

template <typename Pred>
bool WaitUntil(Pred pred, int ms = 5000) {
  for (int i = 0; i < ms / 20; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

class SecondariesFailures : public testing::Test {
 protected:
  void SetUp() override {
    port_ = primary_.Start();
    ASSERT_NE(port_, 0);
    {
      std::lock_guard<std::mutex> l(primary_.mu);
      primary_.zone = {RR("example.test.", 2, Wire("ns1.example.test.")),
                       RR("ns1.example.test.", 1, Ip(1)), RR("www.example.test.", 1, Ip(2))};
    }
  }
  void StartSecondary(SecondariesOptions o = {}) {
    o.client.query_timeout = absl::Milliseconds(300);
    auto s = Secondaries::Create(
        Config({absl::StrCat("example.test=127.0.0.1:", port_)}).secondaries, o, lead_.Callbacks());
    ASSERT_TRUE(s.ok()) << s.status();
    sec_ = *std::move(s);
    sec_->Start();
    ASSERT_TRUE(WaitUntil([&] { return sec_->Status()[0].serial == 1; }));
  }
  uint64_t Failed(const std::string& reason) { return sec_->Totals().failures_by_reason[reason]; }

  FakePrimary primary_;
  uint16_t port_ = 0;
  Lead lead_;
  std::unique_ptr<Secondaries> sec_;
};

TEST_F(SecondariesFailures, CutStreamKeepsTheOldZone) {
  StartSecondary();
  primary_.cut_stream = true;
  primary_.soa_serial = 2;
  ASSERT_TRUE(sec_->Refresh("example.test").ok());
  ASSERT_TRUE(WaitUntil([&] { return sec_->Totals().transfers_failed > 0; }));
  EXPECT_EQ(sec_->Status()[0].serial, 1u);
  EXPECT_GE(Failed("network"), 1u);  // closed mid-transfer
  std::lock_guard<std::mutex> l(lead_.mu);
  EXPECT_EQ(lead_.serials, std::vector<uint32_t>{1});
}

TEST_F(SecondariesFailures, SerialBackwardsKeepsOurs) {
  StartSecondary();
  primary_.soa_serial = 0;  // RFC 1982 older than 1
  ASSERT_TRUE(sec_->Refresh("example.test").ok());
  ASSERT_TRUE(WaitUntil([&] { return Failed("serial_backwards") > 0; }));
  EXPECT_EQ(sec_->Status()[0].serial, 1u);
  EXPECT_NE(sec_->Status()[0].last_error.find("older than ours"), std::string::npos);
}

TEST_F(SecondariesFailures, AZoneThatDoesNotBuildIsNotCommitted) {
  StartSecondary();
  {
    std::lock_guard<std::mutex> l(primary_.mu);
    primary_.zone.push_back(RR("www.example.test.", 5, Wire("other.test.")));  // CNAME + A
  }
  primary_.soa_serial = 2;
  ASSERT_TRUE(sec_->Refresh("example.test").ok());
  ASSERT_TRUE(WaitUntil([&] { return Failed("commit") > 0; }));
  EXPECT_EQ(sec_->Status()[0].serial, 1u);
  EXPECT_EQ(sec_->Totals().transfers_ok, 1u);
}

TEST_F(SecondariesFailures, TooBig) {
  SecondariesOptions o;
  o.client.limits.max_records = 4;  // serial 1 has 3 + 2 SOAs = 5
  o.client.query_timeout = absl::Milliseconds(300);
  auto s = Secondaries::Create(Config({absl::StrCat("example.test=127.0.0.1:", port_)}).secondaries,
                               o, lead_.Callbacks());
  ASSERT_TRUE(s.ok());
  sec_ = *std::move(s);
  sec_->Start();
  ASSERT_TRUE(WaitUntil([&] { return Failed("too_big") > 0; }));
  EXPECT_FALSE(sec_->Status()[0].has_zone);
}

TEST_F(SecondariesFailures, IxfrRefusedFallsBackToAxfr) {
  StartSecondary();
  primary_.refuse_ixfr = true;
  {
    std::lock_guard<std::mutex> l(primary_.mu);
    primary_.zone.back() = RR("www.example.test.", 1, Ip(9));
  }
  primary_.soa_serial = 2;
  ASSERT_TRUE(sec_->Refresh("example.test").ok());
  ASSERT_TRUE(WaitUntil([&] { return sec_->Status()[0].serial == 2; }));
  SecondaryStatus st = sec_->Status()[0];
  EXPECT_EQ(st.last_transfer_kind, "AXFR");
  EXPECT_NE(st.ixfr_fallback.find("REFUSED"), std::string::npos) << st.ixfr_fallback;
}

TEST_F(SecondariesFailures, ExpiresWhenThePrimaryIsGoneAndRecovers) {
  primary_.soa_expire = 2;
  StartSecondary();
  primary_.silent = true;
  ASSERT_TRUE(WaitUntil([&] { return sec_->Status()[0].expired; }, 6000));
  {
    std::lock_guard<std::mutex> l(lead_.mu);
    EXPECT_EQ(lead_.expired, std::vector<bool>{true});
  }
  EXPECT_GE(Failed("timeout"), 1u);
  primary_.silent = false;
  ASSERT_TRUE(WaitUntil([&] { return !sec_->Status()[0].expired; }, 6000));
  std::lock_guard<std::mutex> l(lead_.mu);
  EXPECT_EQ(lead_.expired, (std::vector<bool>{true, false}));
}

TEST_F(SecondariesFailures, RetransferForcesAnAxfrOfTheSameSerial) {
  StartSecondary();
  ASSERT_TRUE(sec_->Retransfer("example.test.").ok());
  ASSERT_TRUE(WaitUntil([&] { return sec_->Totals().transfers_ok == 2; }));
  std::lock_guard<std::mutex> l(lead_.mu);
  EXPECT_EQ(lead_.serials, (std::vector<uint32_t>{1, 1}));
}

}  // namespace
}  // namespace dns::xfr
