// /metrics text: Prometheus exposition format 0.0.4 shape (HELP and TYPE
// before every family, well-formed samples, escaped label values), checked
// by promtool when it is installed.
#include "dns/control/metrics.h"

#include <cstdio>
#include <cstdlib>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/control/test_util.h"
#include "tests/require.h"

namespace dns::control {
namespace {

using ::testing::HasSubstr;

MetricsData Sample() {
  MetricsData d;
  d.version = "0.1.0";
  d.start_time_seconds = 1795828642;
  TransportMetrics udp;
  udp.transport = "udp";
  udp.totals.queries = 10;
  udp.totals.dropped = 3;
  udp.totals.truncated = 1;
  udp.dropped_malformed = 2;
  udp.by_qtype_rcode[dns::server::QtypeSlot(1)][0] = 5;    // A NOERROR
  udp.by_qtype_rcode[dns::server::QtypeSlot(28)][3] = 2;   // AAAA NXDOMAIN
  udp.by_qtype_rcode[dns::server::QtypeSlot(4711)][5] = 1; // OTHER REFUSED
  udp.ecs_present = 4;
  udp.ecs_absent = 3;
  TransportMetrics tcp;
  tcp.transport = "tcp";
  tcp.totals.tcp_accepted = 2;
  d.transports = {udp, tcp};
  d.routed = {{"app.example.com.", "eu-west-1", "nearest", 7},
              {"we\"ird\\name.example.", "us-east-1", "next_nearest_drained", 1}};
  d.zones = {{"example.com.", 2026112701, 74}};
  d.regions = {{"eu-west-1", "drain", 1795828700}, {"us-east-1", "up", 0}};
  d.reloads.api = 3;
  d.reloads.generation = 4;
  d.health_checks = {{"hc-eu", "HTTP", false, 0.0125, 40, 3}, {"hc-us", "TCP", true, 0.0003, 41, 0}};
  d.dnssec_keys = {{"example.com.", "KSK", 1}, {"example.com.", "ZSK", 2}};
  return d;
}

TEST(MetricsTest, EveryFamilyHasHelpAndTypeBeforeItsSamples) {
  const std::string text = FormatMetrics(Sample());
  ASSERT_FALSE(text.empty());
  ASSERT_EQ(text.back(), '\n');
  const std::regex help(R"(# HELP (steerdns_[a-z_]+) \S.*)");
  const std::regex type(R"(# TYPE (steerdns_[a-z_]+) (counter|gauge))");
  const std::regex sample(
      R"re((steerdns_[a-z_]+)(\{[a-z_]+="(?:[^"\\\n]|\\["\\n])*"(?:,[a-z_]+="(?:[^"\\\n]|\\["\\n])*")*\})? -?[0-9.e+]+)re");
  std::set<std::string> helped, typed;
  std::istringstream in(text);
  std::string line;
  int samples = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, help)) {
      EXPECT_TRUE(helped.insert(m[1]).second) << "HELP twice: " << line;
    } else if (std::regex_match(line, m, type)) {
      EXPECT_TRUE(helped.count(m[1])) << "TYPE before HELP: " << line;
      EXPECT_TRUE(typed.insert(m[1]).second) << "TYPE twice: " << line;
    } else {
      ASSERT_TRUE(std::regex_match(line, m, sample)) << "bad line: " << line;
      EXPECT_TRUE(typed.count(m[1])) << "sample before its TYPE: " << line;
      ++samples;
    }
  }
  EXPECT_GT(samples, 20);
  for (const char* family : {"steerdns_queries_total", "steerdns_routed_answers_total",
                             "steerdns_reloads_total", "steerdns_reload_failures_total",
                             "steerdns_zone_serial", "steerdns_region_state",
                             "steerdns_truncated_total", "steerdns_ecs_queries_total",
                             "steerdns_queries_dropped_total",
                             "steerdns_default_latency_rankings_total",
                             "steerdns_dnssec_keys"}) {
    EXPECT_TRUE(typed.count(family)) << family;
  }
}

TEST(MetricsTest, SamplesCarryTheCountersAndEscapedLabels) {
  const std::string text = FormatMetrics(Sample());
  EXPECT_THAT(text, HasSubstr("steerdns_queries_total{transport=\"udp\",qtype=\"A\",rcode=\"NOERROR\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_queries_total{transport=\"udp\",qtype=\"AAAA\",rcode=\"NXDOMAIN\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_queries_total{transport=\"udp\",qtype=\"OTHER\",rcode=\"REFUSED\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_queries_dropped_total{transport=\"udp\",reason=\"malformed\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_queries_dropped_total{transport=\"udp\",reason=\"other\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_ecs_queries_total{transport=\"udp\",ecs=\"present\"} 4\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_truncated_total{transport=\"udp\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_routed_answers_total{name=\"app.example.com.\",region=\"eu-west-1\",reason=\"nearest\"} 7\n"));
  EXPECT_THAT(text, HasSubstr("name=\"we\\\"ird\\\\name.example.\""));
  EXPECT_THAT(text, HasSubstr("steerdns_zone_serial{zone=\"example.com.\"} 2026112701\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_region_state{region=\"eu-west-1\",state=\"drain\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_region_state{region=\"eu-west-1\",state=\"up\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_region_last_answer_expiry_seconds{region=\"eu-west-1\"} 1795828700\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_reloads_total{source=\"api\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_snapshot_generation 4\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_tcp_connections_total{event=\"accepted\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_health_check_healthy{id=\"hc-eu\",type=\"HTTP\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_health_check_healthy{id=\"hc-us\",type=\"TCP\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_health_check_last_latency_seconds{id=\"hc-eu\"} 0.0125"));
  EXPECT_THAT(text, HasSubstr("steerdns_health_check_checks_total{id=\"hc-eu\"} 40\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_health_check_failures_total{id=\"hc-eu\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_dnssec_keys{zone=\"example.com.\",role=\"KSK\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("steerdns_dnssec_keys{zone=\"example.com.\",role=\"ZSK\"} 2\n"));
  // Zero cells of the qtype x rcode matrix are left out.
  EXPECT_THAT(text, ::testing::Not(HasSubstr("qtype=\"MX\"")));
}

TEST(MetricsTest, EscapeLabelValue) {
  EXPECT_EQ(EscapeLabelValue("plain"), "plain");
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(MetricsTest, PromtoolAcceptsTheText) {
  STEER_REQUIRE(std::system("command -v promtool >/dev/null 2>&1") == 0,
                "promtool not installed (Debian package prometheus)");
  const std::string path = MakeTempDir() + "/metrics.txt";
  WriteText(path, FormatMetrics(Sample()));
  const std::string cmd = "promtool check metrics < " + path + " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[512];
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  const int rc = pclose(p);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(out, "") << out;  // no lint warnings either
}

}  // namespace
}  // namespace dns::control
