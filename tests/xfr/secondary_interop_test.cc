// Interop: steerdns's Secondaries (dns/xfr/secondary.h) as the secondary of
// real primaries on loopback — NSD 4 and Knot 3 (Debian packages), each
// with a TSIG key (hmac-sha256) that allows transfer to 127.0.0.1 and
// NOTIFY to our listener:
//   1. the zone arrives by AXFR (TSIG on every message);
//   2. the primary's zone file is edited (serial+1, a changed record) and
//      reloaded (NSD: SIGHUP; Knot: knotc zone-reload): the primary's
//      NOTIFY brings the new zone (Knot: by IXFR from its journal; NSD 4.6
//      answers IXFR with the whole zone, which must be taken as AXFR);
//   3. with NOTIFYs ignored, the next edit arrives by the SOA refresh timer
//      (refresh 1 s in the test zone);
//   4. a new Secondaries on the same data dir serves the persisted copy at
//      once (LoadPersisted), with the last serial;
//   5. and its first transfer is an IXFR (Knot) from that copy.
// The NOTIFY listener is a small UDP loop (TSIG verified and signed with
// dns/tsig) that calls Secondaries::AcceptNotify, as the query path will
// through TransferHooks::OnNotify.
// ctest label `interop`; bounded: each wait is at most 15 s.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "dns/tsig/key.h"
#include "dns/tsig/tsig.h"
#include "dns/wire/reader.h"
#include "dns/xfr/secondary.h"
#include "gtest/gtest.h"
#include "tests/e2e/server_process.h"
#include "tests/require.h"
#include "zones/master_file.h"

namespace dns::xfr {
namespace {

constexpr char kKeyName[] = "xfr-key.";
constexpr char kSecret[] = "MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkwMTI=";
constexpr char kOrigin[] = "example.test.";

std::string ZoneText(uint32_t serial, uint32_t refresh, const std::string& www) {
  return absl::StrCat("$TTL 300\n", "@ IN SOA ns1.example.test. admin.example.test. ", serial, " ",
                      refresh, " 1 600 300\n", "@ IN NS ns1.example.test.\n",
                      "ns1 IN A 127.0.0.1\n", "www IN A ", www, "\n", "mail IN MX 10 mx.other.test.\n",
                      "txt IN TXT \"hello world\" \"two\"\n",
                      "srv IN SRV 0 5 5060 sip.example.test.\n");
}

// Writes the zone file with an mtime `bump` seconds ahead (NSD reloads a
// file whose mtime changed; seconds resolution).
void WriteZone(const std::string& path, const std::string& text, int bump) {
  ASSERT_TRUE(e2e::WriteFile(path, text));
  timespec ts[2];
  clock_gettime(CLOCK_REALTIME, &ts[0]);
  ts[0].tv_sec += bump;
  ts[1] = ts[0];
  utimensat(AT_FDCWD, path.c_str(), ts, 0);
}

// What the lead's commit callback would see.
struct Commits {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::pair<uint32_t, std::string>> got;  // serial, text
  std::vector<std::string> errors;

  absl::Status Commit(const std::string& origin, const std::string& text, uint32_t serial) {
    std::string wire;
    EXPECT_TRUE(NameFromText(origin, &wire));
    zones::ZoneBuilder b(wire);
    absl::Status s = zones::ReadMasterText(text, "transfer", &b);
    if (s.ok()) {
      absl::StatusOr<std::shared_ptr<const zones::Zone>> z = std::move(b).Build();
      if (!z.ok()) s = z.status();
    }
    std::lock_guard<std::mutex> l(mu);
    if (!s.ok()) {
      errors.push_back(std::string(s.message()));
      return s;
    }
    got.emplace_back(serial, text);
    cv.notify_all();
    return absl::OkStatus();
  }

  // Waits for a commit with `serial`; its text.
  std::string WaitFor(uint32_t serial, int seconds = 15) {
    std::unique_lock<std::mutex> l(mu);
    cv.wait_for(l, std::chrono::seconds(seconds), [&] {
      for (auto& g : got) if (g.first == serial) return true;
      return false;
    });
    for (auto& g : got) if (g.first == serial) return g.second;
    return "";
  }
};

// A UDP NOTIFY listener: verifies TSIG, asks Secondaries, answers.
class NotifyListener {
 public:
  explicit NotifyListener(std::shared_ptr<const tsig::KeyRing> ring) : ring_(std::move(ring)) {}
  ~NotifyListener() { Stop(); }

  // UDP and TCP on one loopback port (Knot sends NOTIFY over TCP).
  uint16_t Start() {
    for (int attempt = 0; attempt < 5; ++attempt) {
      const uint16_t port = e2e::PickFreePort();
      sockaddr_in sin{};
      sin.sin_family = AF_INET;
      sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      sin.sin_port = htons(port);
      fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      tcp_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      const int one = 1;
      setsockopt(tcp_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
      if (bind(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) == 0 &&
          bind(tcp_fd_, reinterpret_cast<sockaddr*>(&sin), sizeof(sin)) == 0 &&
          listen(tcp_fd_, 8) == 0) {
        thread_ = std::thread([this] { Loop(); });
        return port;
      }
      close(fd_);
      close(tcp_fd_);
      fd_ = tcp_fd_ = -1;
    }
    return 0;
  }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
    if (tcp_fd_ >= 0) close(tcp_fd_);
    fd_ = tcp_fd_ = -1;
  }
  void set_target(Secondaries* s) { target_.store(s); }
  void set_ignore(bool v) { ignore_ = v; }
  int accepted() const { return accepted_.load(); }

 private:
  // The reply to one NOTIFY message, or "" for none.
  std::string Handle(const uint8_t* buf, size_t len, const sockaddr_in& from) {
    if (len < 12 || ignore_) return "";
    if (((buf[2] >> 3) & 0xf) != 4) return "";  // not NOTIFY
    Reader r(buf, len);
    r.Skip(12);
    Name qname;
    r.ReadName(&qname);
    r.Skip(4);
    if (!r.ok()) return "";
    const size_t question_end = r.position();
    tsig::TsigRecord rec;
    tsig::ServerContext ctx;
    bool is_signed = false;
    uint16_t rcode = 0;
    const tsig::Key* key = nullptr;
    const int64_t now = time(nullptr);
    if (tsig::FindTsig(buf, len, &rec) == tsig::FindResult::kFound) {
      is_signed = true;
      if (tsig::VerifyRequest(ring_.get(), buf, len, rec.offset, now, &ctx) ==
          tsig::VerifyStatus::kOk) {
        key = ctx.key;
      } else {
        rcode = ctx.Rcode();
      }
    }
    Secondaries* s = target_.load();
    if (rcode == 0) {
      dns::ClientAddress src;
      std::memcpy(src.bytes, &from.sin_addr, 4);
      rcode = s != nullptr && s->AcceptNotify(qname.wire(), src, key) ? 0 : 5;
      if (rcode == 0) ++accepted_;
    }
    std::vector<uint8_t> out(buf, buf + question_end);
    out.resize(4096);
    out[2] = static_cast<uint8_t>(0x80 | (4 << 3) | 0x04);
    out[3] = static_cast<uint8_t>(rcode & 0xf);
    out[6] = out[7] = out[8] = out[9] = out[10] = out[11] = 0;
    size_t olen = question_end;
    if (is_signed) {
      const size_t signed_len = tsig::SignResponse(ctx, out.data(), olen, out.size(), now);
      if (signed_len != 0) olen = signed_len;
    }
    return std::string(reinterpret_cast<const char*>(out.data()), olen);
  }

  void ServeTcp(int c, const sockaddr_in& from) {
    timeval tv{1, 0};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    uint8_t lenbuf[2];
    if (recv(c, lenbuf, 2, MSG_WAITALL) != 2) return;
    const size_t len = (size_t{lenbuf[0]} << 8) | lenbuf[1];
    std::vector<uint8_t> msg(len);
    if (recv(c, msg.data(), len, MSG_WAITALL) != static_cast<ssize_t>(len)) return;
    const std::string reply = Handle(msg.data(), len, from);
    if (reply.empty()) return;
    std::string framed;
    framed.push_back(static_cast<char>(reply.size() >> 8));
    framed.push_back(static_cast<char>(reply.size() & 0xff));
    framed += reply;
    send(c, framed.data(), framed.size(), MSG_NOSIGNAL);
  }

  void Loop() {
    std::vector<uint8_t> buf(65535);
    while (!stop_) {
      pollfd p[2] = {{fd_, POLLIN, 0}, {tcp_fd_, POLLIN, 0}};
      if (poll(p, 2, 100) <= 0) continue;
      sockaddr_in from{};
      socklen_t fl = sizeof(from);
      if (p[1].revents & POLLIN) {
        const int c = accept4(tcp_fd_, reinterpret_cast<sockaddr*>(&from), &fl, SOCK_CLOEXEC);
        if (c >= 0) {
          ServeTcp(c, from);
          close(c);
        }
        continue;
      }
      const ssize_t n = recvfrom(fd_, buf.data(), buf.size(), 0,
                                 reinterpret_cast<sockaddr*>(&from), &fl);
      if (n <= 0) continue;
      const std::string reply = Handle(buf.data(), static_cast<size_t>(n), from);
      if (!reply.empty()) {
        sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), fl);
      }
    }
  }

  std::shared_ptr<const tsig::KeyRing> ring_;
  int fd_ = -1;
  int tcp_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<bool> ignore_{false};
  std::atomic<Secondaries*> target_{nullptr};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

std::shared_ptr<const tsig::KeyRing> Ring() {
  absl::StatusOr<tsig::Key> key =
      tsig::ParseKeySpec(absl::StrCat(kKeyName, ":hmac-sha256:", kSecret));
  EXPECT_TRUE(key.ok()) << key.status();
  absl::StatusOr<std::shared_ptr<const tsig::KeyRing>> ring = tsig::KeyRing::Create({*key});
  EXPECT_TRUE(ring.ok());
  return *ring;
}

bool WaitSoa(uint16_t port) {
  Endpoint ep;
  ep.address = *geo::Address::Parse("127.0.0.1");
  ep.port = port;
  std::string wire;
  NameFromText(kOrigin, &wire);
  for (int i = 0; i < 100; ++i) {
    ClientOptions o;
    o.query_timeout = absl::Milliseconds(200);
    if (QuerySoa(ep, nullptr, wire, o).ok()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

// A primary under test.
struct Primary {
  virtual ~Primary() = default;
  virtual testing::AssertionResult Start(const std::string& dir, uint16_t notify_port) = 0;
  virtual void Reload() = 0;
  virtual void Stop() = 0;
  virtual std::string Log() = 0;
  uint16_t port = 0;
  std::string zone_path;
};

struct NsdPrimary : Primary {
  pid_t pid = -1;
  std::string dir;
  testing::AssertionResult Start(const std::string& d, uint16_t notify_port) override {
    dir = d;
    port = e2e::PickFreePort();
    zone_path = dir + "/example.test.zone";
    const std::string conf = absl::StrCat(
        "server:\n    ip-address: 127.0.0.1@", port,
        "\n    do-ip6: no\n    server-count: 1\n    username: \"\"\n    chroot: \"\"\n"
        "    zonesdir: \"", dir, "\"\n    database: \"\"\n    zonelistfile: \"", dir,
        "/zone.list\"\n    xfrdfile: \"", dir, "/xfrd.state\"\n    xfrdir: \"", dir,
        "\"\n    pidfile: \"", dir, "/nsd.pid\"\n    verbosity: 2\n"
        "    rrl-ratelimit: 0\n    rrl-whitelist-ratelimit: 0\n"
        "remote-control:\n    control-enable: no\n"
        "key:\n    name: \"", kKeyName, "\"\n    algorithm: hmac-sha256\n    secret: \"", kSecret,
        "\"\n", "zone:\n    name: \"", kOrigin, "\"\n    zonefile: \"", zone_path,
        "\"\n    provide-xfr: 127.0.0.1 ", kKeyName, "\n    notify: 127.0.0.1@", notify_port, " ",
        kKeyName, "\n");
    e2e::WriteFile(dir + "/nsd.conf", conf);
    pid = e2e::SpawnWithLog({"/usr/sbin/nsd", "-d", "-c", dir + "/nsd.conf"}, dir + "/nsd.log");
    if (!WaitSoa(port)) return testing::AssertionFailure() << "NSD did not start:\n" << Log();
    return testing::AssertionSuccess();
  }
  void Reload() override { kill(pid, SIGHUP); }
  void Stop() override {
    if (pid > 0) e2e::StopProcess(pid);
    pid = -1;
  }
  std::string Log() override { return e2e::ReadFile(dir + "/nsd.log"); }
};

struct KnotPrimary : Primary {
  pid_t pid = -1;
  std::string dir;
  testing::AssertionResult Start(const std::string& d, uint16_t notify_port) override {
    dir = d;
    port = e2e::PickFreePort();
    zone_path = dir + "/example.test.zone";
    mkdir((dir + "/knot-db").c_str(), 0755);
    const std::string conf = absl::StrCat(
        "server:\n    rundir: \"", dir, "\"\n    pidfile: \"", dir, "/knot.pid\"\n"
        "    listen: 127.0.0.1@", port, "\n    udp-workers: 1\n    tcp-workers: 1\n"
        "    background-workers: 1\n"
        "control:\n    listen: \"", dir, "/knot.sock\"\n"
        "database:\n    storage: \"", dir, "/knot-db\"\n"
        "log:\n  - target: stderr\n    any: info\n"
        "key:\n  - id: ", kKeyName, "\n    algorithm: hmac-sha256\n    secret: ", kSecret, "\n"
        "remote:\n  - id: steer\n    address: 127.0.0.1@", notify_port, "\n    key: ", kKeyName,
        "\n"
        "acl:\n  - id: xfr\n    address: 127.0.0.1\n    key: ", kKeyName,
        "\n    action: transfer\n"
        "zone:\n  - domain: ", kOrigin, "\n    storage: \"", dir, "\"\n    file: \"", zone_path,
        "\"\n    zonefile-sync: -1\n    zonefile-load: difference\n    journal-content: changes\n"
        "    semantic-checks: off\n    acl: xfr\n    notify: steer\n");
    e2e::WriteFile(dir + "/knot.conf", conf);
    pid = e2e::SpawnWithLog({"/usr/sbin/knotd", "-c", dir + "/knot.conf"}, dir + "/knot.log");
    if (!WaitSoa(port)) return testing::AssertionFailure() << "knotd did not start:\n" << Log();
    return testing::AssertionSuccess();
  }
  void Reload() override {
    const std::string cmd = absl::StrCat("/usr/sbin/knotc -c ", dir,
                                         "/knot.conf zone-reload example.test. >>", dir,
                                         "/knotc.log 2>&1");
    EXPECT_EQ(system(cmd.c_str()), 0) << e2e::ReadFile(dir + "/knotc.log");
  }
  void Stop() override {
    if (pid > 0) e2e::StopProcess(pid);
    pid = -1;
  }
  std::string Log() override { return e2e::ReadFile(dir + "/knot.log"); }
};

// Status() once the zone has `serial` (the commit callback runs before the
// status is updated).
SecondaryStatus WaitStatus(Secondaries& sec, uint32_t serial) {
  for (int i = 0; i < 100; ++i) {
    SecondaryStatus st = sec.Status()[0];
    if (st.has_zone && st.serial == serial) return st;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return sec.Status()[0];
}

void RunScenario(Primary& primary, const char* expect_second_kind) {
  const std::string dir = e2e::MakeTempDir();
  std::shared_ptr<const tsig::KeyRing> ring = Ring();
  NotifyListener listener(ring);
  const uint16_t notify_port = listener.Start();
  ASSERT_NE(notify_port, 0);

  primary.zone_path = dir + "/example.test.zone";
  WriteZone(primary.zone_path, ZoneText(1, 3600, "192.0.2.1"), 0);
  ASSERT_TRUE(primary.Start(dir, notify_port));

  absl::StatusOr<std::pair<std::string, Endpoint>> spec =
      ParseSecondarySpec(absl::StrCat("example.test=127.0.0.1:", primary.port, ":", kKeyName));
  ASSERT_TRUE(spec.ok()) << spec.status();
  TransferConfig tc;
  ASSERT_TRUE(tc.AddSecondary(spec->first, spec->second).ok());

  Commits commits;
  std::vector<std::pair<std::string, bool>> expiries;
  SecondariesOptions opts;
  opts.data_dir = dir + "/data";
  opts.keys = ring;
  SecondaryCallbacks cb;
  cb.commit = [&](const std::string& o, const std::string& t, uint32_t s) {
    return commits.Commit(o, t, s);
  };
  cb.set_expired = [&](const std::string& o, bool e) { expiries.emplace_back(o, e); };
  std::vector<std::string> log;
  std::mutex log_mu;
  cb.log = [&](std::string_view l) {
    std::lock_guard<std::mutex> g(log_mu);
    log.emplace_back(l);
  };
  absl::StatusOr<std::unique_ptr<Secondaries>> sec = Secondaries::Create(tc.secondaries, opts, cb);
  ASSERT_TRUE(sec.ok()) << sec.status();
  EXPECT_EQ((*sec)->LoadPersisted(), 0);
  listener.set_target(sec->get());
  const auto t0 = std::chrono::steady_clock::now();
  (*sec)->Start();
  auto dump = [&] {
    std::lock_guard<std::mutex> g(log_mu);
    std::string s;
    for (auto& l : log) s += l + "\n";
    return s + "--- primary log:\n" + primary.Log();
  };

  // 1. AXFR with TSIG.
  std::string text = commits.WaitFor(1);
  ASSERT_FALSE(text.empty()) << dump();
  EXPECT_NE(text.find("www.example.test. 300 IN A 192.0.2.1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("srv.example.test. 300 IN SRV 0 5 5060 sip.example.test."), std::string::npos)
      << text;
  std::vector<SecondaryStatus> st = {WaitStatus(**sec, 1)};
  EXPECT_EQ(st[0].last_transfer_kind, "AXFR");
  EXPECT_EQ(st[0].serial, 1u);
  EXPECT_GT(st[0].last_transfer_bytes, 0u);
  std::printf("[ info ] AXFR serial 1: %.0f ms after start, %llu octets\n",
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                  .count(),
              static_cast<unsigned long long>(st[0].last_transfer_bytes));

  // 2. Edit + reload: the NOTIFY brings serial 2 (refresh is 3600: only
  // the NOTIFY can). The new SOA has refresh 1 for step 3.
  WriteZone(primary.zone_path, ZoneText(2, 1, "192.0.2.2"), 2);
  const auto t1 = std::chrono::steady_clock::now();
  primary.Reload();
  text = commits.WaitFor(2);
  ASSERT_FALSE(text.empty()) << dump();
  std::printf("[ info ] serial 2 by NOTIFY: %.0f ms after the reload\n",
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t1)
                  .count());
  EXPECT_NE(text.find("www.example.test. 300 IN A 192.0.2.2\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("192.0.2.1\n"), std::string::npos) << text;
  st = {WaitStatus(**sec, 2)};
  EXPECT_EQ(st[0].serial, 2u);
  EXPECT_EQ(st[0].last_transfer_kind, expect_second_kind) << st[0].ixfr_fallback << "\n" << dump();
  EXPECT_GE(st[0].notifies, 1u);  // counted in AcceptNotify, before the wake-up

  // 3. NOTIFYs ignored: the refresh timer (1 s) finds serial 3.
  listener.set_ignore(true);
  WriteZone(primary.zone_path, ZoneText(3, 1, "192.0.2.3"), 4);
  primary.Reload();
  text = commits.WaitFor(3);
  ASSERT_FALSE(text.empty()) << dump();
  EXPECT_NE(text.find("www.example.test. 300 IN A 192.0.2.3\n"), std::string::npos) << text;
  WaitStatus(**sec, 3);
  SecondaryTotals totals = (*sec)->Totals();
  EXPECT_EQ(totals.transfers_ok, 3u);
  EXPECT_TRUE(expiries.empty());
  EXPECT_TRUE(commits.errors.empty()) << commits.errors.front();
  listener.set_target(nullptr);
  (*sec)->Stop();

  // 4. A restart serves the persisted copy at once.
  Commits again;
  cb.commit = [&](const std::string& o, const std::string& t, uint32_t s) {
    return again.Commit(o, t, s);
  };
  absl::StatusOr<std::unique_ptr<Secondaries>> sec2 = Secondaries::Create(tc.secondaries, opts, cb);
  ASSERT_TRUE(sec2.ok());
  EXPECT_EQ((*sec2)->LoadPersisted(), 1);
  text = again.WaitFor(3, 0);
  EXPECT_NE(text.find("192.0.2.3"), std::string::npos) << text;
  EXPECT_EQ((*sec2)->Status()[0].serial, 3u);

  // 5. ... and its first transfer after the restart is an IXFR where the
  // primary offers one: the persisted copy was read back.
  listener.set_target(sec2->get());
  listener.set_ignore(false);
  (*sec2)->Start();
  WriteZone(primary.zone_path, ZoneText(4, 1, "192.0.2.4"), 6);
  primary.Reload();
  text = again.WaitFor(4);
  ASSERT_FALSE(text.empty()) << dump();
  EXPECT_NE(text.find("www.example.test. 300 IN A 192.0.2.4\n"), std::string::npos) << text;
  st = {WaitStatus(**sec2, 4)};
  EXPECT_EQ(st[0].last_transfer_kind, expect_second_kind) << st[0].ixfr_fallback;
  (*sec2)->Stop();
  listener.Stop();
  primary.Stop();
}

TEST(SecondaryInterop, FromNsd) {
  STEER_REQUIRE(access("/usr/sbin/nsd", X_OK) == 0, "nsd is not installed");
  NsdPrimary nsd;
  // NSD 4.6 keeps no IXFR history for zone files: it answers our IXFR with
  // the whole zone, taken as AXFR.
  RunScenario(nsd, "AXFR");
  nsd.Stop();
}

TEST(SecondaryInterop, FromKnot) {
  STEER_REQUIRE(access("/usr/sbin/knotd", X_OK) == 0, "knotd is not installed (knot)");
  KnotPrimary knot;
  RunScenario(knot, "IXFR");
  knot.Stop();
}

}  // namespace
}  // namespace dns::xfr
