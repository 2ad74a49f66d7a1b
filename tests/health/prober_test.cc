// Tests for health/prober.h against real endpoints on loopback that each test
// starts and stops itself: a TCP listener, a tiny HTTP(S) server (the TLS
// certificate is made here with OpenSSL), and a DNS responder c-ares is
// pointed at. The prober reads a FakeClock that the tests advance (intervals,
// thresholds, timeouts), so nothing sleeps: a test waits only for real
// loopback I/O, for a bounded time, woken by every round of the prober's
// work. The scale test alone runs on the real clock.
#include "health/prober.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <mutex>
#include <condition_variable>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "geo/health.h"
#include "health/clock.h"
#include "health/health_checks.h"
#include "tests/health/loopback.h"

namespace health {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using Clock = std::chrono::steady_clock;  // real time; health::Clock is the prober's
using namespace std::chrono_literals;

// --------------------------------------------------------------------------
// Waiting without sleeping.

// Rounds of work a test may be waiting for: the prober's (after_round) and
// the test servers' (a request read). WaitFor re-checks its condition after
// each.
class Rounds {
 public:
  void Note() {
    {
      std::lock_guard<std::mutex> l(mu_);
      ++count_;
    }
    cv_.notify_all();
  }
  // Waits until `pred` holds (evaluated without our lock, so it may take
  // the Prober's) or `timeout` passes.
  bool WaitFor(const std::function<bool()>& pred, Clock::duration timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      uint64_t seen;
      {
        std::lock_guard<std::mutex> l(mu_);
        seen = count_;
      }
      if (pred()) return true;
      std::unique_lock<std::mutex> l(mu_);
      if (!cv_.wait_until(l, deadline, [&] { return count_ != seen; })) return pred();
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  uint64_t count_ = 0;
};

Rounds& TestRounds() {
  static Rounds* rounds = new Rounds();
  return *rounds;
}

// Waits until `pred` holds, for `timeout` at most.
bool WaitFor(const std::function<bool()>& pred, Clock::duration timeout) {
  return TestRounds().WaitFor(pred, timeout);
}

// --------------------------------------------------------------------------
// Loopback endpoints (tests/health/loopback.h has the sockets).

using ::tests::BindLoopback;
using ::tests::ClosedPort;
using ::tests::PortOf;

// Accepts connections on a thread and hands each to `serve` (which closes
// it). Stop() closes the listening socket: new connects are refused.
class Listener {
 public:
  using Serve = std::function<void(int fd)>;
  explicit Listener(Serve serve = [](int fd) { close(fd); })
      : serve_(std::move(serve)), server_([this](int fd) {
          const int c = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
          if (c >= 0) serve_(c);
        }) {}

  // Listens on `port` (0 = pick one). False if the port cannot be bound.
  bool Start(uint16_t port = 0) { return server_.Start(SOCK_STREAM, port, /*backlog=*/128); }
  void Stop() { server_.Stop(); }
  uint16_t port() const { return server_.port(); }

 private:
  Serve serve_;
  tests::LoopbackServer server_;  // last: its thread uses serve_
};

struct Response {
  int status = 200;
  std::string body = "ok";
  bool chunked = false;
  bool hang = false;  // read the request, never answer
};

// A tiny HTTP/1.1 server (HTTPS with a context), one connection at a time.
class HttpServer {
 public:
  using Handler = std::function<Response(const std::string& path)>;
  explicit HttpServer(Handler handler, SSL_CTX* tls = nullptr)
      : handler_(std::move(handler)),
        tls_(tls),
        listener_([this](int fd) { Serve(fd); }) {}
  ~HttpServer() {
    listener_.Stop();
    std::lock_guard<std::mutex> l(mu_);
    for (int fd : hung_) close(fd);
  }
  bool Start() { return listener_.Start(); }
  uint16_t port() const { return listener_.port(); }
  std::string last_request() {
    std::lock_guard<std::mutex> l(mu_);
    return last_request_;
  }
  int requests() {
    std::lock_guard<std::mutex> l(mu_);
    return requests_;
  }
  // Whether any request so far contained `text`.
  bool Saw(const std::string& text) {
    std::lock_guard<std::mutex> l(mu_);
    for (const std::string& r : all_requests_) {
      if (r.find(text) != std::string::npos) return true;
    }
    return false;
  }

 private:
  void Serve(int fd) {
    timeval tv{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    SSL* ssl = nullptr;
    if (tls_ != nullptr) {
      ssl = SSL_new(tls_);
      SSL_set_fd(ssl, fd);
      if (SSL_accept(ssl) != 1) {
        SSL_free(ssl);
        close(fd);
        return;
      }
    }
    auto rd = [&](char* b, int n) { return ssl ? SSL_read(ssl, b, n) : static_cast<int>(recv(fd, b, n, 0)); };
    auto wr = [&](const std::string& s) {
      if (ssl) {
        SSL_write(ssl, s.data(), static_cast<int>(s.size()));
      } else {
        send(fd, s.data(), s.size(), MSG_NOSIGNAL);
      }
    };
    std::string req;
    char buf[2048];
    while (req.find("\r\n\r\n") == std::string::npos && req.size() < 65536) {
      const int n = rd(buf, sizeof buf);
      if (n <= 0) break;
      req.append(buf, static_cast<size_t>(n));
    }
    std::string path = "/";
    if (const size_t sp = req.find(' '); sp != std::string::npos) {
      path = req.substr(sp + 1, req.find(' ', sp + 1) - sp - 1);
    }
    const Response r = handler_(path);
    {
      std::lock_guard<std::mutex> l(mu_);
      last_request_ = req;
      if (all_requests_.size() < 100) all_requests_.push_back(req);
      ++requests_;
      if (r.hang) {
        hung_.push_back(fd);
        if (ssl) SSL_free(ssl);  // leaves the socket open
      }
    }
    TestRounds().Note();
    if (r.hang) return;
    std::string out = absl::StrCat("HTTP/1.1 ", r.status, " Whatever\r\nConnection: close\r\n");
    if (r.chunked) {
      absl::StrAppend(&out, "Transfer-Encoding: chunked\r\n\r\n");
      // Chunks of at most 1000 bytes.
      for (size_t i = 0; i < r.body.size(); i += 1000) {
        const std::string part = r.body.substr(i, 1000);
        char size[16];
        std::snprintf(size, sizeof size, "%zx", part.size());
        absl::StrAppend(&out, size, "\r\n", part, "\r\n");
      }
      absl::StrAppend(&out, "0\r\n\r\n");
    } else {
      absl::StrAppend(&out, "Content-Length: ", r.body.size(), "\r\n\r\n", r.body);
    }
    wr(out);
    if (ssl) {
      SSL_shutdown(ssl);
      SSL_free(ssl);
    }
    close(fd);
  }

  Handler handler_;
  SSL_CTX* tls_;
  std::mutex mu_;
  std::string last_request_;
  std::vector<std::string> all_requests_;  // the first 100
  int requests_ = 0;
  std::vector<int> hung_;
  Listener listener_;  // last: its thread uses the members above
};

// A self-signed certificate made in-process: EC P-256, CN=localhost.
struct TlsServerContext {
  TlsServerContext() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
    ctx = SSL_CTX_new(TLS_server_method());
    ok = key != nullptr && SSL_CTX_use_certificate(ctx, cert) == 1 &&
         SSL_CTX_use_PrivateKey(ctx, key) == 1;
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  ~TlsServerContext() { SSL_CTX_free(ctx); }
  SSL_CTX* ctx = nullptr;
  bool ok = false;
};

// Answers A queries for one name on 127.0.0.1 (UDP); NXDOMAIN otherwise.
class DnsResponder {
 public:
  DnsResponder(std::string name, std::array<uint8_t, 4> addr)
      : name_(absl::AsciiStrToLower(name)), addr_(addr) {
    server_.Start(SOCK_DGRAM, 0, /*backlog=*/0);
  }
  uint16_t port() const { return server_.port(); }
  int queries() const { return queries_; }

 private:
  // Reads one query from `fd` and answers it.
  void Answer(int fd) {
    uint8_t q[512];
    sockaddr_in from{};
    socklen_t flen = sizeof from;
    const ssize_t n = recvfrom(fd, q, sizeof q, 0, reinterpret_cast<sockaddr*>(&from), &flen);
    if (n < 12) return;
    ++queries_;
    TestRounds().Note();
    // Question: labels, then type and class.
    size_t i = 12;
    std::string qname;
    while (i < static_cast<size_t>(n) && q[i] != 0) {
      const size_t len = q[i];
      if (!qname.empty()) qname.push_back('.');
      qname.append(reinterpret_cast<const char*>(q + i + 1), len);
      i += len + 1;
    }
    const size_t qend = i + 5;  // root label, type, class
    if (qend > static_cast<size_t>(n)) return;
    const uint16_t qtype = static_cast<uint16_t>(q[i + 1] << 8 | q[i + 2]);
    const bool known = absl::AsciiStrToLower(qname) == name_;
    std::vector<uint8_t> r(q, q + qend);
    r[2] = 0x84 | (q[2] & 0x01);        // QR, AA, RD copied
    r[3] = known ? 0 : 3;               // NOERROR / NXDOMAIN
    r[4] = 0, r[5] = 1;                 // QDCOUNT
    r[6] = 0, r[7] = (known && qtype == 1) ? 1 : 0;
    r[8] = r[9] = r[10] = r[11] = 0;
    if (known && qtype == 1) {
      const uint8_t rr[] = {0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4,
                            addr_[0], addr_[1], addr_[2], addr_[3]};
      r.insert(r.end(), std::begin(rr), std::end(rr));
    }
    sendto(fd, r.data(), r.size(), 0, reinterpret_cast<sockaddr*>(&from), flen);
  }

  std::string name_;
  std::array<uint8_t, 4> addr_;
  std::atomic<int> queries_{0};
  tests::LoopbackServer server_{[this](int fd) { Answer(fd); }};  // last: uses the above
};

// --------------------------------------------------------------------------
// Checks and waiting.

HealthCheckConfig Check(std::string id, HealthCheckType type, uint16_t port,
                        int interval = 1, int threshold = 1) {
  HealthCheckConfig c;
  c.id = std::move(id);
  c.type = type;
  c.ip_address = "127.0.0.1";
  c.port = port;
  c.request_interval_s = interval;
  c.failure_threshold = threshold;
  return c;
}

HealthCheckConfig Calculated(std::string id, std::vector<std::string> children,
                             int threshold) {
  HealthCheckConfig c;
  c.id = std::move(id);
  c.type = HealthCheckType::kCalculated;
  c.children = std::move(children);
  c.health_threshold = threshold;
  return c;
}

HealthChecksConfig Config(std::vector<HealthCheckConfig> checks) {
  absl::StatusOr<HealthChecksConfig> cfg = HealthChecksConfig::FromChecks(std::move(checks));
  EXPECT_TRUE(cfg.ok()) << cfg.status();
  return cfg.ok() ? *std::move(cfg) : HealthChecksConfig();
}

class ProberTest : public ::testing::Test {
 protected:
  // Our servers' writes, and the prober's when FakeClock::Advance() runs
  // its timers on the test's thread.
  void SetUp() override { signal(SIGPIPE, SIG_IGN); }

  // Options logging into logs_ and waking WaitFor, on clock_ (nullptr: the
  // real clock).
  ProberOptions Options(std::string dns_servers, health::Clock* clock) {
    ProberOptions opt;
    opt.dns_servers = std::move(dns_servers);
    opt.log = [this](std::string_view line) {
      std::lock_guard<std::mutex> l(log_mu_);
      logs_.emplace_back(line);
    };
    opt.clock = clock;
    opt.after_round = [] { TestRounds().Note(); };
    return opt;
  }
  // Starts a prober on the real clock, logging into logs_.
  void StartProber(std::string dns_servers = "") {
    prober_ = std::make_unique<Prober>(health_, Options(std::move(dns_servers), nullptr));
    ASSERT_TRUE(prober_->Start().ok());
  }
  // Starts a prober on clock_: time moves only by Advance().
  void StartProberOnFakeClock(std::string dns_servers = "") {
    prober_ = std::make_unique<Prober>(health_, Options(std::move(dns_servers), &clock_));
    ASSERT_TRUE(prober_->Start().ok());
  }

  // Every probe started so far has its result (loopback I/O, bounded).
  bool Settle() {
    return WaitFor(
        [&] {
          const Prober::Totals t = prober_->totals();
          return t.results == t.probes_started;
        },
        3s);
  }
  // Moves clock_ by `d` once no probe is in flight (so none times out by
  // the jump), then waits for the probes that fell due to report.
  bool Advance(Clock::duration d) {
    if (!Settle()) return false;
    clock_.Advance(d);
    return Settle();
  }

  HealthCheckStatus StatusOf(const std::string& id) {
    for (HealthCheckStatus& s : prober_->Status()) {
      if (s.id == id) return s;
    }
    ADD_FAILURE() << "no status for " << id;
    return {};
  }
  // Waits for `id`'s first result.
  bool WaitResult(const std::string& id, Clock::duration timeout = 3s) {
    return WaitFor([&] { return StatusOf(id).has_result; }, timeout);
  }
  bool WaitHealthy(const std::string& id, bool healthy, Clock::duration timeout = 4s) {
    return WaitFor(
        [&] {
          const HealthCheckStatus s = StatusOf(id);
          return s.has_result && s.healthy == healthy;
        },
        timeout);
  }
  bool SlotHealthy(const std::string& id) { return health_.healthy(*health_.Find(id)); }
  std::vector<std::string> LogsFor(const std::string& id) {
    std::lock_guard<std::mutex> l(log_mu_);
    std::vector<std::string> out;
    for (const std::string& line : logs_) {
      if (line.find("'" + id + "'") != std::string::npos) out.push_back(line);
    }
    return out;
  }

  FakeClock clock_;  // outlives prober_
  geo::HealthTable health_;
  std::unique_ptr<Prober> prober_;
  std::mutex log_mu_;
  std::vector<std::string> logs_;
};

// --------------------------------------------------------------------------

TEST_F(ProberTest, TcpUpDownAndBack) {
  Listener server;
  ASSERT_TRUE(server.Start());
  const uint16_t port = server.port();
  StartProberOnFakeClock();
  ASSERT_TRUE(prober_->Apply(Config({Check("tcp", HealthCheckType::kTcp, port, 1, 2)})).ok());
  ASSERT_TRUE(WaitResult("tcp"));
  HealthCheckStatus s = StatusOf("tcp");
  EXPECT_TRUE(s.healthy);
  EXPECT_TRUE(s.last_ok);
  EXPECT_EQ(s.reason, "connected");
  EXPECT_EQ(s.address, absl::StrCat("127.0.0.1:", port));
  EXPECT_TRUE(SlotHealthy("tcp"));

  // Kill the endpoint: unhealthy within RequestInterval x FailureThreshold + 1 s.
  server.Stop();
  const SteadyTime killed = clock_.Now();
  ASSERT_TRUE(Advance(1s));
  EXPECT_TRUE(StatusOf("tcp").healthy) << "one failure, FailureThreshold 2";
  ASSERT_TRUE(Advance(1s));
  ASSERT_TRUE(WaitHealthy("tcp", false, 3s));
  const double flip_s = std::chrono::duration<double>(clock_.Now() - killed).count();
  EXPECT_LE(flip_s, 1 * 2 + 1);
  s = StatusOf("tcp");
  EXPECT_EQ(s.reason, "connect refused");
  EXPECT_FALSE(SlotHealthy("tcp"));
  EXPECT_GE(s.consecutive, 2);
  EXPECT_GE(s.failures, 2u);
  std::printf("TCP down detected %.2f s after the kill\n", flip_s);

  // Restore it on the same port.
  ASSERT_TRUE(server.Start(port));
  const SteadyTime restored = clock_.Now();
  ASSERT_TRUE(Advance(1s));
  EXPECT_FALSE(StatusOf("tcp").healthy) << "one success, FailureThreshold 2";
  ASSERT_TRUE(Advance(1s));
  ASSERT_TRUE(WaitHealthy("tcp", true, 3s));
  EXPECT_LE(std::chrono::duration<double>(clock_.Now() - restored).count(), 3.0);
  EXPECT_TRUE(SlotHealthy("tcp"));
  s = StatusOf("tcp");
  EXPECT_GE(s.checks, 5u);
  EXPECT_GE(s.last_latency_ms, 0.0);
  EXPECT_LT(s.last_latency_ms, 500.0);
  EXPECT_GT(s.last_change.time_since_epoch().count(), 0);

  // Each change logged once, one line with its reason.
  const std::vector<std::string> logs = LogsFor("tcp");
  ASSERT_EQ(logs.size(), 2u) << ::testing::PrintToString(logs);
  EXPECT_THAT(logs[0], HasSubstr("is now unhealthy: connect refused (2 consecutive failures)"));
  EXPECT_THAT(logs[1], HasSubstr("is now healthy: connected (2 consecutive successes)"));
  EXPECT_EQ(logs[0].find('\n'), std::string::npos);
  for (const std::string& line : logs) std::printf("log: %s\n", line.c_str());
  EXPECT_GE(prober_->totals().state_changes, 2u);
}

TEST_F(ProberTest, HttpStatusDecides) {
  std::atomic<int> code{503};
  HttpServer server([&](const std::string&) { return Response{code.load(), "x"}; });
  ASSERT_TRUE(server.Start());
  StartProberOnFakeClock();
  HealthCheckConfig c = Check("http", HealthCheckType::kHttp, server.port());
  c.resource_path = "/health?x=1";
  ASSERT_TRUE(prober_->Apply(Config({c})).ok());
  ASSERT_TRUE(WaitHealthy("http", false));
  EXPECT_EQ(StatusOf("http").reason, "HTTP 503");
  EXPECT_FALSE(SlotHealthy("http"));
  const std::string req = server.last_request();
  EXPECT_THAT(req, StartsWith("GET /health?x=1 HTTP/1.1\r\n"));
  EXPECT_THAT(req, HasSubstr(absl::StrCat("\r\nHost: 127.0.0.1:", server.port(), "\r\n")));

  code = 302;  // 3xx passes, not followed
  ASSERT_TRUE(Advance(1s));
  ASSERT_TRUE(WaitHealthy("http", true));
  EXPECT_EQ(StatusOf("http").reason, "HTTP 302");
  EXPECT_TRUE(SlotHealthy("http"));
}

TEST_F(ProberTest, HangingServerTimesOut) {
  HttpServer server([](const std::string&) {
    Response r;
    r.hang = true;
    return r;
  });
  ASSERT_TRUE(server.Start());
  StartProberOnFakeClock();
  // RequestInterval 3: Route 53's 2 s fits under the cap (2.7 s).
  HealthCheckConfig slow = Check("hang", HealthCheckType::kHttp, server.port(), 3, 1);
  // RequestInterval 1: the cap (900 ms) wins.
  HealthCheckConfig fast = Check("hang-fast", HealthCheckType::kHttp, server.port(), 1, 1);
  ASSERT_TRUE(prober_->Apply(Config({slow, fast})).ok());
  // "hang" probes at once (t = 0), "hang-fast" half a second later; each
  // waits for its status once the server has its request.
  ASSERT_TRUE(WaitFor([&] { return server.requests() >= 1; }, 3s));
  clock_.Advance(500ms);
  ASSERT_TRUE(WaitFor([&] { return server.requests() >= 2; }, 3s));
  clock_.Advance(900ms);  // t = 1.4 s: hang-fast's cap
  ASSERT_TRUE(WaitHealthy("hang-fast", false, 3s));
  EXPECT_EQ(StatusOf("hang-fast").reason, "timeout after 900ms");
  EXPECT_TRUE(StatusOf("hang").healthy) << "no result yet";
  clock_.Advance(600ms);  // t = 2 s: Route 53's status timeout
  ASSERT_TRUE(WaitHealthy("hang", false, 4s));
  HealthCheckStatus s = StatusOf("hang");
  EXPECT_EQ(s.reason, "timeout after 2s");
  EXPECT_GE(s.last_latency_ms, 1990);
  EXPECT_LE(s.last_latency_ms, 2600);  // the cap (2.7 s) never fired
  EXPECT_GE(server.requests(), 2);
}

std::string Filler(size_t n) { return std::string(n, '.'); }

TEST_F(ProberTest, StrMatchSearchesTheFirst5120Bytes) {
  HttpServer server([](const std::string& path) {
    Response r;
    if (path == "/early") r.body = Filler(100) + "ALIVE" + Filler(9000);
    if (path == "/edge") r.body = Filler(5115) + "ALIVE" + Filler(100);  // ends at 5120
    if (path == "/late") r.body = Filler(5116) + "ALIVE";                 // ends at 5121
    if (path == "/missing") r.body = Filler(300);
    if (path == "/chunked") {
      r.body = Filler(2500) + "ALIVE" + Filler(10);
      r.chunked = true;
    }
    if (path == "/bad") {
      r.status = 500;
      r.body = "ALIVE";
    }
    return r;
  });
  ASSERT_TRUE(server.Start());
  StartProberOnFakeClock();
  std::vector<HealthCheckConfig> checks;
  for (const char* p : {"early", "edge", "late", "missing", "chunked", "bad"}) {
    HealthCheckConfig c = Check(p, HealthCheckType::kHttpStrMatch, server.port());
    c.resource_path = absl::StrCat("/", p);
    c.search_string = "ALIVE";
    checks.push_back(c);
  }
  ASSERT_TRUE(prober_->Apply(Config(checks)).ok());
  ASSERT_TRUE(Advance(1s));  // every first probe is due within a second
  for (const char* p : {"early", "edge", "late", "missing", "chunked", "bad"}) {
    ASSERT_TRUE(WaitResult(p)) << p;
  }
  EXPECT_TRUE(StatusOf("early").healthy);
  EXPECT_EQ(StatusOf("early").reason, "HTTP 200");
  EXPECT_TRUE(StatusOf("edge").healthy);
  EXPECT_TRUE(StatusOf("chunked").healthy);
  EXPECT_FALSE(StatusOf("late").healthy);
  EXPECT_EQ(StatusOf("late").reason, "search string not found");
  EXPECT_FALSE(StatusOf("missing").healthy);
  EXPECT_EQ(StatusOf("missing").reason, "search string not found");
  EXPECT_FALSE(StatusOf("bad").healthy);
  EXPECT_EQ(StatusOf("bad").reason, "HTTP 500");
}

TEST_F(ProberTest, HttpsWithSelfSignedCertificate) {
  TlsServerContext tls;
  ASSERT_TRUE(tls.ok);
  HttpServer server([](const std::string&) { return Response{200, "<h1>READY</h1>"}; },
                    tls.ctx);
  ASSERT_TRUE(server.Start());
  Listener plain([](int fd) { close(fd); });  // not TLS: closes at once
  ASSERT_TRUE(plain.Start());
  StartProberOnFakeClock();
  HealthCheckConfig https = Check("https", HealthCheckType::kHttps, server.port());
  https.fqdn = "localhost";  // SNI and Host; IPAddress is what is probed
  HealthCheckConfig str = Check("https-str", HealthCheckType::kHttpsStrMatch, server.port());
  str.search_string = "READY";
  HealthCheckConfig bad = Check("https-bad", HealthCheckType::kHttps, plain.port());
  ASSERT_TRUE(prober_->Apply(Config({https, str, bad})).ok());
  ASSERT_TRUE(Advance(1s));
  ASSERT_TRUE(WaitHealthy("https", true));
  EXPECT_EQ(StatusOf("https").reason, "HTTP 200");
  ASSERT_TRUE(WaitHealthy("https-str", true));
  ASSERT_TRUE(WaitHealthy("https-bad", false));
  EXPECT_THAT(StatusOf("https-bad").reason, StartsWith("TLS handshake failed"));
  EXPECT_TRUE(server.Saw(absl::StrCat("\r\nHost: localhost:", server.port(), "\r\n")));
}

TEST_F(ProberTest, NameResolvedWithCaresEachInterval) {
  DnsResponder dns("web.steer.test", {127, 0, 0, 1});
  HttpServer server([](const std::string&) { return Response{}; });
  ASSERT_TRUE(server.Start());
  StartProberOnFakeClock(absl::StrCat("127.0.0.1:", dns.port()));
  HealthCheckConfig web;
  web.id = "web";
  web.type = HealthCheckType::kHttp;
  web.fqdn = "web.steer.test";
  web.port = server.port();
  web.request_interval_s = 1;
  web.failure_threshold = 1;
  HealthCheckConfig ghost = web;
  ghost.id = "ghost";
  ghost.fqdn = "ghost.steer.test";
  ASSERT_TRUE(prober_->Apply(Config({web, ghost})).ok());
  ASSERT_TRUE(Advance(1s));
  ASSERT_TRUE(WaitHealthy("web", true));
  HealthCheckStatus s = StatusOf("web");
  EXPECT_EQ(s.address, absl::StrCat("127.0.0.1:", server.port()));
  EXPECT_EQ(s.reason, "HTTP 200");
  EXPECT_TRUE(server.Saw(absl::StrCat("\r\nHost: web.steer.test:", server.port(), "\r\n")));
  ASSERT_TRUE(WaitHealthy("ghost", false));
  EXPECT_THAT(StatusOf("ghost").reason, StartsWith("resolve failed: "));
  // Resolved again for every probe.
  const int before = dns.queries();
  ASSERT_TRUE(Advance(1s));
  ASSERT_TRUE(WaitFor([&] { return dns.queries() >= before + 2; }, 3s));
}

TEST_F(ProberTest, ResolveTimeoutIsCapped) {
  // A DNS "server" that never answers: a bound UDP socket nobody reads.
  const int mute = BindLoopback(SOCK_DGRAM, 0, /*backlog=*/0);
  ASSERT_GE(mute, 0);
  StartProberOnFakeClock(absl::StrCat("127.0.0.1:", PortOf(mute)));
  HealthCheckConfig c = Check("slow-dns", HealthCheckType::kTcp, 80);
  c.ip_address.clear();
  c.fqdn = "web.steer.test";
  ASSERT_TRUE(prober_->Apply(Config({c})).ok());
  ASSERT_TRUE(WaitFor([&] { return prober_->totals().probes_started >= 1; }, 3s));
  clock_.Advance(900ms);  // the cap, long before c-ares gives up (1 s a try)
  ASSERT_TRUE(WaitHealthy("slow-dns", false, 3s));
  EXPECT_EQ(StatusOf("slow-dns").reason, "resolve timeout after 900ms");
  prober_->Stop();
  close(mute);
}

TEST_F(ProberTest, Ipv6Loopback) {
  const int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_addr = in6addr_loopback;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 16) != 0) {
    if (fd >= 0) close(fd);
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  const uint16_t port = ntohs(a.sin6_port);
  StartProberOnFakeClock();
  HealthCheckConfig c = Check("v6", HealthCheckType::kTcp, port);
  c.ip_address = "::1";
  ASSERT_TRUE(prober_->Apply(Config({c})).ok());
  ASSERT_TRUE(WaitResult("v6"));
  EXPECT_TRUE(StatusOf("v6").healthy);
  EXPECT_EQ(StatusOf("v6").address, absl::StrCat("[::1]:", port));
  prober_->Stop();
  close(fd);
}

TEST_F(ProberTest, InvertedAndDisabled) {
  Listener server;
  ASSERT_TRUE(server.Start());
  ClosedPort closed;
  HealthCheckConfig inv_up = Check("inv-up", HealthCheckType::kTcp, server.port());
  inv_up.inverted = true;
  HealthCheckConfig inv_down = Check("inv-down", HealthCheckType::kTcp, closed.port());
  inv_down.inverted = true;
  HealthCheckConfig dis = Check("dis", HealthCheckType::kTcp, closed.port());
  dis.disabled = true;
  HealthCheckConfig dis_inv = dis;
  dis_inv.id = "dis-inv";
  dis_inv.inverted = true;

  // Before the first result (Apply before Start, nothing probed yet): new
  // checks are healthy, inverted ones unhealthy.
  prober_ = std::make_unique<Prober>(health_, Options("", &clock_));
  ASSERT_TRUE(prober_->Apply(Config({inv_up, inv_down, dis, dis_inv})).ok());
  EXPECT_FALSE(SlotHealthy("inv-up"));
  EXPECT_FALSE(SlotHealthy("inv-down"));
  EXPECT_TRUE(SlotHealthy("dis"));
  EXPECT_FALSE(SlotHealthy("dis-inv"));
  EXPECT_FALSE(StatusOf("inv-up").has_result);

  ASSERT_TRUE(prober_->Start().ok());
  ASSERT_TRUE(WaitResult("inv-up"));
  ASSERT_TRUE(Advance(500ms));  // the second check's first probe
  ASSERT_TRUE(WaitResult("inv-down"));
  EXPECT_FALSE(StatusOf("inv-up").healthy);  // endpoint up -> unhealthy
  EXPECT_TRUE(StatusOf("inv-up").last_ok);
  EXPECT_TRUE(StatusOf("inv-down").healthy);  // endpoint down -> healthy
  EXPECT_EQ(StatusOf("inv-down").reason, "connect refused");
  EXPECT_TRUE(SlotHealthy("inv-down"));
  // More intervals pass: the others are probed again, the disabled never.
  const uint64_t probed = StatusOf("inv-up").checks;
  ASSERT_TRUE(Advance(1200ms));
  EXPECT_GT(StatusOf("inv-up").checks, probed);
  const HealthCheckStatus d = StatusOf("dis");
  EXPECT_TRUE(d.healthy);
  EXPECT_EQ(d.checks, 0u);  // never probed
  EXPECT_EQ(d.reason, "disabled");
  EXPECT_TRUE(SlotHealthy("dis"));
  EXPECT_FALSE(StatusOf("dis-inv").healthy);  // Route 53: disabled + inverted
  EXPECT_FALSE(SlotHealthy("dis-inv"));
}

TEST_F(ProberTest, CalculatedNeedsHealthThresholdChildren) {
  Listener a, b, c;
  ASSERT_TRUE(a.Start());
  ASSERT_TRUE(b.Start());
  ClosedPort closed;
  StartProberOnFakeClock();
  HealthCheckConfig inverted = Calculated("calc-inv", {"a", "b", "c"}, 2);
  inverted.inverted = true;
  ASSERT_TRUE(prober_
                  ->Apply(Config({Check("a", HealthCheckType::kTcp, a.port()),
                                  Check("b", HealthCheckType::kTcp, b.port()),
                                  Check("c", HealthCheckType::kTcp, closed.port()),
                                  Calculated("calc", {"a", "b", "c"}, 2), inverted,
                                  Calculated("top", {"calc"}, 1)}))
                  .ok());
  ASSERT_TRUE(Advance(1s));  // every first probe is due within a second
  ASSERT_TRUE(WaitHealthy("c", false));
  ASSERT_TRUE(WaitResult("a"));
  ASSERT_TRUE(WaitResult("b"));
  ASSERT_TRUE(WaitFor([&] { return StatusOf("calc").reason.find("2 of 3") == 0; }, 2s));
  EXPECT_TRUE(StatusOf("calc").healthy);
  EXPECT_EQ(StatusOf("calc").reason, "2 of 3 children healthy (HealthThreshold 2)");
  EXPECT_TRUE(SlotHealthy("calc"));
  EXPECT_FALSE(SlotHealthy("calc-inv"));
  EXPECT_TRUE(SlotHealthy("top"));

  b.Stop();  // 1 of 3
  ASSERT_TRUE(Advance(1s));
  ASSERT_TRUE(WaitHealthy("calc", false, 3s));
  EXPECT_FALSE(SlotHealthy("calc"));
  EXPECT_TRUE(SlotHealthy("calc-inv"));
  EXPECT_FALSE(SlotHealthy("top"));  // nested: follows calc
  EXPECT_THAT(LogsFor("calc").back(), HasSubstr("is now unhealthy: 1 of 3 children healthy"));

  // An operator's forced child counts (re-evaluated within a second).
  health_.Force(*health_.Find("c"), true);
  ASSERT_TRUE(Advance(1s));
  ASSERT_TRUE(WaitHealthy("calc", true, 2s));
  EXPECT_TRUE(SlotHealthy("top"));
}

TEST_F(ProberTest, ForcedSlotIsLeftAloneUntilUnforced) {
  ClosedPort closed;
  StartProberOnFakeClock();
  // The operator forces the slot before the prober's first result.
  const geo::HealthSlot slot = *health_.SlotFor("f");
  health_.Force(slot, true);
  ASSERT_TRUE(prober_->Apply(Config({Check("f", HealthCheckType::kTcp, closed.port())})).ok());
  ASSERT_TRUE(WaitHealthy("f", false));
  HealthCheckStatus s = StatusOf("f");
  EXPECT_TRUE(s.forced);
  EXPECT_TRUE(s.slot_healthy);
  EXPECT_TRUE(health_.healthy(slot));
  EXPECT_THAT(LogsFor("f").back(), HasSubstr("forced by an operator"));
  health_.Unforce(slot);
  ASSERT_TRUE(Advance(1s));  // the slots are rewritten once a second
  ASSERT_TRUE(WaitFor([&] { return !health_.healthy(slot); }, 2s));
}

TEST_F(ProberTest, ReloadKeepsUnchangedChecks) {
  ClosedPort closed;
  Listener server;
  ASSERT_TRUE(server.Start());
  StartProberOnFakeClock();
  HealthCheckConfig keep = Check("keep", HealthCheckType::kTcp, closed.port());
  HealthCheckConfig change = Check("change", HealthCheckType::kTcp, closed.port());
  HealthCheckConfig gone = Check("gone", HealthCheckType::kTcp, closed.port());
  ASSERT_TRUE(prober_->Apply(Config({keep, change, gone})).ok());
  ASSERT_TRUE(WaitHealthy("keep", false));
  ASSERT_TRUE(Advance(1s));
  ASSERT_TRUE(WaitHealthy("change", false));
  const geo::HealthSlot keep_slot = *health_.Find("keep");
  const geo::HealthSlot change_slot = *health_.Find("change");
  const uint64_t keep_checks = StatusOf("keep").checks;

  HealthCheckConfig changed = change;
  changed.port = server.port();
  HealthCheckConfig fresh = Check("new", HealthCheckType::kTcp, server.port());
  keep.line = 99;  // only the line moved: still the same check
  ASSERT_TRUE(prober_->Apply(Config({fresh, changed, keep})).ok());

  std::vector<HealthCheckStatus> all = prober_->Status();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].id, "new");
  EXPECT_EQ(all[2].id, "keep");
  // Kept: state, counters and slot.
  EXPECT_FALSE(all[2].healthy);
  EXPECT_GE(all[2].checks, keep_checks);
  EXPECT_EQ(all[2].slot, keep_slot);
  EXPECT_FALSE(health_.healthy(keep_slot));
  // Changed: fresh (healthy until its first result), same slot.
  EXPECT_EQ(all[1].slot, change_slot);
  EXPECT_EQ(all[1].checks, 0u);
  EXPECT_FALSE(all[1].has_result);
  EXPECT_TRUE(health_.healthy(change_slot));
  // Removed: gone from the status; its slot stays registered.
  EXPECT_TRUE(health_.Find("gone").has_value());

  ASSERT_TRUE(Advance(1s));
  ASSERT_TRUE(WaitResult("change"));
  ASSERT_TRUE(WaitResult("new"));
  EXPECT_TRUE(StatusOf("change").healthy);
  EXPECT_TRUE(StatusOf("new").healthy);
  EXPECT_FALSE(StatusOf("keep").healthy);
}

TEST_F(ProberTest, ApplyFailsWhenTheTableIsFull) {
  geo::HealthTable small(2);
  Prober prober(small, Options("", nullptr));
  ClosedPort closed;
  auto ok = Config({Check("a", HealthCheckType::kTcp, closed.port())});
  ASSERT_TRUE(prober.Apply(ok).ok());
  auto too_many = Config({Check("b", HealthCheckType::kTcp, closed.port()),
                          Check("c", HealthCheckType::kTcp, closed.port())});
  EXPECT_EQ(prober.Apply(too_many).code(), absl::StatusCode::kResourceExhausted);
  ASSERT_EQ(prober.Status().size(), 1u);  // unchanged
  EXPECT_EQ(prober.Status()[0].id, "a");
}

TEST_F(ProberTest, BadDnsServersFailStart) {
  Prober prober(health_, Options("not an address", nullptr));
  EXPECT_EQ(prober.Start().code(), absl::StatusCode::kInvalidArgument);
}

// 1,000 TCP checks at RequestInterval 1 on the one prober thread: none
// misses an interval.
TEST_F(ProberTest, ThousandChecksOnOneThread) {
  constexpr int kChecks = 1000;
  rlimit rl{};
  getrlimit(RLIMIT_NOFILE, &rl);
  if (rl.rlim_cur < 2 * kChecks + 100 && rl.rlim_max >= 2 * kChecks + 100) {
    rl.rlim_cur = 2 * kChecks + 100;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  std::vector<std::unique_ptr<ClosedPort>> ports;
  std::vector<HealthCheckConfig> checks;
  for (int i = 0; i < kChecks; ++i) {
    ports.push_back(std::make_unique<ClosedPort>());
    checks.push_back(Check(absl::StrCat("scale-", i), HealthCheckType::kTcp,
                           ports.back()->port(), 1, 1));
  }
  StartProber();
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  const auto start = Clock::now();
  ASSERT_TRUE(prober_->Apply(Config(checks)).ok());
  std::this_thread::sleep_for(5500ms);
  const std::vector<HealthCheckStatus> all = prober_->Status();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  auto cpu_ms = [](const rusage& r) {
    return (r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1000.0 +
           (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1000.0;
  };
  ASSERT_EQ(all.size(), static_cast<size_t>(kChecks));
  uint64_t min_checks = UINT64_MAX, max_checks = 0, total = 0;
  double max_latency = 0;
  for (const HealthCheckStatus& s : all) {
    min_checks = std::min(min_checks, s.checks);
    max_checks = std::max(max_checks, s.checks);
    total += s.checks;
    max_latency = std::max(max_latency, s.last_latency_ms);
    EXPECT_FALSE(s.healthy) << s.id;
    EXPECT_EQ(s.reason, "connect refused") << s.id;
  }
  const Prober::Totals t = prober_->totals();
  std::printf(
      "scale: %d TCP checks, RequestInterval 1, %.2f s: results per check min %llu max %llu, "
      "total %llu; max probe latency %.2f ms; process CPU %.0f ms; loop iterations %llu\n",
      kChecks, elapsed, static_cast<unsigned long long>(min_checks),
      static_cast<unsigned long long>(max_checks), static_cast<unsigned long long>(total),
      max_latency, cpu_ms(after) - cpu_ms(before),
      static_cast<unsigned long long>(t.loop_iterations));
  EXPECT_GE(min_checks, 4u);
  EXPECT_LE(max_checks, 7u);
}

}  // namespace
}  // namespace health
