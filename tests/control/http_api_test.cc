// The control API's security and plumbing: constant-time token check,
// loopback rule, start-up errors, and a live server's status codes.
#include "dns/control/http_api.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "tests/control/test_util.h"

namespace dns::control {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(TokenMatchesTest, ExactMatchOnly) {
  EXPECT_TRUE(TokenMatches("s3cret", "s3cret"));
  EXPECT_FALSE(TokenMatches("s3cret", "s3cre"));
  EXPECT_FALSE(TokenMatches("s3cret", "s3cret "));
  EXPECT_FALSE(TokenMatches("s3cret", "S3cret"));
  EXPECT_FALSE(TokenMatches("s3cret", ""));
  EXPECT_FALSE(TokenMatches("s3cret", std::string("s3cret\0", 7)));
  EXPECT_FALSE(TokenMatches("", ""));  // an empty token never matches
  EXPECT_FALSE(TokenMatches("abc", std::string(1000, 'a')));
}

TEST(IsLoopbackAddressTest, Families) {
  EXPECT_TRUE(IsLoopbackAddress("127.0.0.1:8053"));
  EXPECT_TRUE(IsLoopbackAddress("127.1.2.3:0"));
  EXPECT_TRUE(IsLoopbackAddress("[::1]:8053"));
  EXPECT_FALSE(IsLoopbackAddress("0.0.0.0:8053"));
  EXPECT_FALSE(IsLoopbackAddress("192.0.2.1:8053"));
  EXPECT_FALSE(IsLoopbackAddress("[::]:8053"));
  EXPECT_FALSE(IsLoopbackAddress("nonsense"));
}

TEST(CheckControlSettingsTest, NonLoopbackNeedsAToken) {
  dns::control::Config c;
  std::string token;
  EXPECT_EQ(CheckControlSettings(c, &token).value(), "127.0.0.1:8053");
  c.control = "off";
  EXPECT_EQ(CheckControlSettings(c, &token).value(), "");
  c.control = "0.0.0.0:8053";
  absl::StatusOr<std::string> refused = CheckControlSettings(c, &token);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("--control-token-file"));
  const std::string file = MakeTempDir() + "/token";
  WriteText(file, "  t0ken\n");
  c.control_token_file = file;
  EXPECT_EQ(CheckControlSettings(c, &token).value(), "0.0.0.0:8053");
  EXPECT_EQ(token, "t0ken");
  WriteText(file, "\n");
  EXPECT_FALSE(CheckControlSettings(c, &token).ok());
}

class LiveApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dns::control::Config config;  // no zones: nothing to load
    config.control = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<ControlState>> s =
        ControlState::Create(config, [](const std::string&) {});
    ASSERT_TRUE(s.ok()) << s.status();
    state_ = *std::move(s);
    ControlApiOptions o;
    o.address = "127.0.0.1:0";
    o.token = "s3cret";
    o.log = [this](const std::string& line) {
      absl::MutexLock lock(&log_mu_);
      log_.push_back(line);
    };
    absl::StatusOr<std::unique_ptr<ControlApi>> api = ControlApi::Start(o, state_.get(), nullptr);
    ASSERT_TRUE(api.ok()) << api.status();
    api_ = *std::move(api);
    const std::string& a = api_->address();
    port_ = std::stoi(a.substr(a.rfind(':') + 1));
  }
  void TearDown() override {
    if (api_ != nullptr) api_->Stop();
  }
  httplib::Result Get(const std::string& path, const std::string& token) {
    httplib::Client cli("127.0.0.1", port_);
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return cli.Get(path.c_str(), h);
  }

  // The lines logged so far.
  std::vector<std::string> Logged() {
    absl::MutexLock lock(&log_mu_);
    return log_;
  }

  std::unique_ptr<ControlState> state_;
  std::unique_ptr<ControlApi> api_;
  int port_ = 0;
  absl::Mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_F(LiveApiTest, TokenIsCheckedOnEveryRequest) {
  for (const char* path : {"/v1/zones", "/metrics", "/v1/status", "/nope"}) {
    httplib::Result none = Get(path, "");
    ASSERT_TRUE(none) << path;
    EXPECT_EQ(none->status, 401) << path;
    EXPECT_EQ(nlohmann::json::parse(none->body).at("code"), "Unauthorized");
    httplib::Result wrong = Get(path, "s3cre7");
    ASSERT_TRUE(wrong);
    EXPECT_EQ(wrong->status, 401) << path;
  }
  httplib::Result ok = Get("/v1/zones", "s3cret");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
  EXPECT_EQ(nlohmann::json::parse(ok->body).at("zones").size(), 0u);
  httplib::Result metrics = Get("/metrics", "s3cret");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(metrics->get_header_value("Content-Type"), HasSubstr("version=0.0.4"));
  EXPECT_THAT(metrics->body, HasSubstr("# TYPE steerdns_snapshot_generation gauge"));
}

TEST_F(LiveApiTest, ErrorsAreJsonWithFittingStatus) {
  httplib::Result missing = Get("/v1/zones/nope.test", "s3cret");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing->body).at("code"), "NoSuchZone");
  httplib::Result unknown = Get("/v1/nothing", "s3cret");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(nlohmann::json::parse(unknown->body).at("code"), "NotFound");
  httplib::Client cli("127.0.0.1", port_);
  httplib::Headers h{{"Authorization", "Bearer s3cret"}};
  httplib::Result del = cli.Delete("/v1/zones", h);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
  EXPECT_EQ(del->get_header_value("Allow"), "GET");
  httplib::Result bad = cli.Put("/v1/zones/example.test", h, "{not json", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad->body).at("code"), "InvalidInput");
  httplib::Result region = cli.Post("/v1/regions/no-such-region-9", h, R"({"state":"drain"})",
                                    "application/json");
  ASSERT_TRUE(region);
  EXPECT_EQ(region->status, 404);
  EXPECT_EQ(nlohmann::json::parse(region->body).at("code"), "NoSuchRegion");
}

// Sends `request` (raw HTTP/1.1, "Connection: close") to 127.0.0.1:port
// and returns the whole response; "" if the connection fails.
std::string RawHttp(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  timeval tv{5, 0};  // bounded: the test never hangs on a silent server
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 &&
      ::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, n);
  }
  ::close(fd);
  return out;
}

TEST_F(LiveApiTest, WriteWithNoBodyIsRoutedLikeAnEmptyBody) {
  // No Content-Length at all (curl -X POST does this): the method and path
  // decide, as with "Content-Length: 0" — 405 with Allow here, not a bare 400
  // after waiting out the read timeout for a body that never comes.
  const auto start = std::chrono::steady_clock::now();
  const std::string status = RawHttp(
      port_, "POST /v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
             "Connection: close\r\n\r\n");
  EXPECT_THAT(status, HasSubstr("HTTP/1.1 405"));
  EXPECT_THAT(status, HasSubstr("Allow: GET"));
  EXPECT_THAT(status, HasSubstr("MethodNotAllowed"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3))
      << "answered at once, not after the 5 s read timeout";
  // A route that takes the method gets the empty body and says what is missing.
  const std::string zone = RawHttp(
      port_, "PUT /v1/zones/example.test HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer s3cret\r\n"
             "Connection: close\r\n\r\n");
  EXPECT_THAT(zone, HasSubstr("HTTP/1.1 400"));
  EXPECT_THAT(zone, Not(HasSubstr("request not handled")));
  EXPECT_THAT(zone, HasSubstr("expected {"));
  // Without the token it is still 401 first.
  EXPECT_THAT(RawHttp(port_, "POST /v1/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
              HasSubstr("HTTP/1.1 401"));
}

TEST_F(LiveApiTest, HealthChecksGetAndPut) {
  httplib::Client cli("127.0.0.1", port_);
  httplib::Headers h{{"Authorization", "Bearer s3cret"}};
  httplib::Result empty = cli.Get("/v1/health-checks", h);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 200);
  nlohmann::json j = nlohmann::json::parse(empty->body);
  EXPECT_EQ(j.at("health_checks").size(), 0u);
  EXPECT_TRUE(j.at("source").is_null());

  httplib::Result bad = cli.Put("/v1/health-checks", h, "{\"HealthChecks\": [\n{\"Id\": 1}]}",
                                "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(nlohmann::json::parse(bad->body).at("code"), "InvalidInput");
  EXPECT_THAT(nlohmann::json::parse(bad->body).at("error").get<std::string>(),
              HasSubstr("health-checks.json:2:"));

  httplib::Result ok = cli.Put(
      "/v1/health-checks", h,
      R"({"HealthChecks": [{"Id": "hc-1", "HealthCheckConfig": {"Type": "HTTP",
          "IPAddress": "127.0.0.1", "Port": 9, "RequestInterval": 10}}]})",
      "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200) << ok->body;
  EXPECT_EQ(nlohmann::json::parse(ok->body).at("checks"), 1);
  httplib::Result got = cli.Get("/v1/health-checks", h);
  ASSERT_TRUE(got);
  j = nlohmann::json::parse(got->body);
  EXPECT_EQ(j.at("managed_by"), "api");
  ASSERT_EQ(j.at("health_checks").size(), 1u);
  const nlohmann::json& c = j.at("health_checks")[0];
  EXPECT_EQ(c.at("id"), "hc-1");
  EXPECT_EQ(c.at("type"), "HTTP");
  EXPECT_EQ(c.at("target"), "HTTP 127.0.0.1:9/");
  EXPECT_EQ(c.at("state"), "healthy");  // new checks start healthy
  EXPECT_TRUE(c.at("last_result").is_null());
  EXPECT_EQ(c.at("request_interval"), 10);
  EXPECT_TRUE(c.at("used_by").is_array());
  httplib::Result del = cli.Delete("/v1/health-checks", h);
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
}

TEST_F(LiveApiTest, DnssecWithoutKeysIsEmpty) {
  httplib::Result r = Get("/v1/dnssec", "s3cret");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  nlohmann::json j = nlohmann::json::parse(r->body);
  EXPECT_TRUE(j.at("source").is_null());
  EXPECT_TRUE(j.at("loaded_at").is_null());
  EXPECT_EQ(j.at("key_count"), 0);
  EXPECT_EQ(j.at("zones").size(), 0u);
  httplib::Client cli("127.0.0.1", port_);
  httplib::Result put = cli.Put("/v1/dnssec", {{"Authorization", "Bearer s3cret"}}, "",
                                "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);
}

TEST_F(LiveApiTest, PortAlreadyTakenIsAClearError) {
  ControlApiOptions o;
  o.address = api_->address();
  absl::StatusOr<std::unique_ptr<ControlApi>> second = ControlApi::Start(o, state_.get(), nullptr);
  ASSERT_FALSE(second.ok());
  EXPECT_THAT(std::string(second.status().message()),
              HasSubstr("cannot bind control API " + api_->address()));
  EXPECT_THAT(std::string(second.status().message()), HasSubstr("in use"));
}

TEST(RefusedLineTest, OneLineWhoWhatWhy) {
  EXPECT_EQ(RefusedLine("PUT", "/v1/zones/example.com.", "127.0.0.1",
                        "example.com.zone:3: bad IPv4 address '192.0.2.256'\nsecond error"),
            "refused: PUT /v1/zones/example.com. from 127.0.0.1: example.com.zone:3: bad IPv4 "
            "address '192.0.2.256'");
  EXPECT_EQ(RefusedLine("POST", "/x", "", "why"), "refused: POST /x from ?: why");
}

// Every refused change (not a refused read) is one log line: who, what, why.
TEST_F(LiveApiTest, RefusedChangesAreLogged) {
  httplib::Client cli("127.0.0.1", port_);
  httplib::Headers h{{"Authorization", "Bearer s3cret"}};
  const std::string bad_zone = nlohmann::json{
      {"files", {{{"name", "example.test.zone"}, {"format", "master"},
                  {"content", "$ORIGIN example.test.\n$TTL 60\nwww IN A 192.0.2.256\n"}}}}}
                                   .dump();
  httplib::Result put = cli.Put("/v1/zones/example.test.", h, bad_zone, "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 400);
  const std::string error = nlohmann::json::parse(put->body).at("error");
  httplib::Result latency = cli.Put("/v1/latency", h,
                                    "network,region,rtt_ms\n0.0.0.0/0,eu-wset-1,10\n", "text/csv");
  ASSERT_TRUE(latency);
  EXPECT_EQ(latency->status, 400);
  httplib::Result nobody = cli.Post("/v1/zones/example.test./changes", "{}", "application/json");
  ASSERT_TRUE(nobody);
  EXPECT_EQ(nobody->status, 401);
  httplib::Result nothing = cli.Post("/v1/zones/example.test./follow-file", h, "", "text/plain");
  ASSERT_TRUE(nothing);
  EXPECT_EQ(nothing->status, 404);
  // Reads are not logged, refused or not.
  ASSERT_TRUE(cli.Get("/v1/zones/nope.test", h));
  ASSERT_TRUE(cli.Get("/v1/zones", h));
  EXPECT_THAT(Logged(),
              ::testing::ElementsAre(
                  "refused: PUT /v1/zones/example.test. from 127.0.0.1: " + error,
                  "refused: PUT /v1/latency from 127.0.0.1: latency.csv:2: unknown region "
                  "'eu-wset-1' (did you mean 'eu-west-1'?)",
                  "refused: POST /v1/zones/example.test./changes from 127.0.0.1: missing or "
                  "wrong token: send \"Authorization: Bearer <token>\" with the token of "
                  "the server's --control-token-file (zonectl: --token-file FILE)",
                  "refused: POST /v1/zones/example.test./follow-file from 127.0.0.1: no zone "
                  "example.test. is loaded"));
  EXPECT_THAT(error, HasSubstr("example.test.zone:3:"));
}

TEST_F(LiveApiTest, FollowFileOfAZoneWithoutAFileIsAConflict) {
  httplib::Client cli("127.0.0.1", port_);
  httplib::Headers h{{"Authorization", "Bearer s3cret"}};
  const std::string zone =
      nlohmann::json{{"files",
                      {{{"name", "x.zone"}, {"content", MinimalZone("example.test.", 5)}}}}}
          .dump();
  httplib::Result put = cli.Put("/v1/zones/example.test.", h, zone, "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  const nlohmann::json z = nlohmann::json::parse(put->body);
  EXPECT_EQ(z.at("follows"), "memory");  // no data dir
  EXPECT_EQ(z.at("serial_policy"), "increment");
  EXPECT_EQ(z.at("zone_files"), nlohmann::json::array());
  httplib::Result follow = cli.Post("/v1/zones/example.test./follow-file", h, "", "text/plain");
  ASSERT_TRUE(follow);
  EXPECT_EQ(follow->status, 409);
  EXPECT_EQ(nlohmann::json::parse(follow->body).at("code"), "Conflict");
  httplib::Result get = cli.Get("/v1/zones/example.test./follow-file", h);
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
}

}  // namespace
}  // namespace dns::control
