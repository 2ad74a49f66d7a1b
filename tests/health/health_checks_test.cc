// Tests for health/health_checks.h: Route 53 health check JSON -> config.
#include "health/health_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace health {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// The error message of a failed result ("" if it succeeded).
std::string Msg(const absl::StatusOr<HealthChecksConfig>& r) {
  return std::string(r.status().message());
}

// What `aws route53 list-health-checks` prints, one of each type, with the
// fields steerdns ignores.
constexpr char kEveryType[] = R"({
    "HealthChecks": [
        {
            "Id": "hc-tcp",
            "CallerReference": "2024-01-01-tcp",
            "HealthCheckConfig": {
                "IPAddress": "192.0.2.10",
                "Port": 5432,
                "Type": "TCP",
                "RequestInterval": 10,
                "FailureThreshold": 2,
                "MeasureLatency": true,
                "Inverted": false,
                "Disabled": false,
                "EnableSNI": false,
                "Regions": ["us-east-1", "eu-west-1", "ap-southeast-1"]
            },
            "HealthCheckVersion": 3
        },
        {
            "Id": "hc-http",
            "CallerReference": "r2",
            "LinkedService": {"ServicePrincipal": "x", "Description": "y"},
            "HealthCheckConfig": {
                "FullyQualifiedDomainName": "www.example.com",
                "Type": "HTTP",
                "ResourcePath": "/health?deep=1",
                "RequestInterval": 30,
                "FailureThreshold": 3,
                "MeasureLatency": false,
                "Inverted": true,
                "Disabled": false,
                "EnableSNI": false
            },
            "HealthCheckVersion": 1
        },
        {
            "Id": "hc-https",
            "CallerReference": "r3",
            "HealthCheckConfig": {
                "IPAddress": "2001:db8::1",
                "FullyQualifiedDomainName": "api.example.com",
                "Port": 8443,
                "Type": "HTTPS",
                "ResourcePath": "status",
                "RequestInterval": 1,
                "FailureThreshold": 10,
                "Disabled": true,
                "EnableSNI": true,
                "InsufficientDataHealthStatus": "Healthy"
            },
            "HealthCheckVersion": 1,
            "CloudWatchAlarmConfiguration": {"EvaluationPeriods": 1}
        },
        {
            "Id": "hc-str",
            "CallerReference": "r4",
            "HealthCheckConfig": {
                "IPAddress": "198.51.100.7",
                "Type": "HTTP_STR_MATCH",
                "SearchString": "\"status\": \"ok\"",
                "FailureThreshold": 1
            },
            "HealthCheckVersion": 1
        },
        {
            "Id": "hc-strs",
            "CallerReference": "r5",
            "HealthCheckConfig": {
                "FullyQualifiedDomainName": "secure.example.com.",
                "Type": "HTTPS_STR_MATCH",
                "SearchString": "UP"
            },
            "HealthCheckVersion": 1
        },
        {
            "Id": "hc-calc",
            "CallerReference": "r6",
            "HealthCheckConfig": {
                "Type": "CALCULATED",
                "Inverted": false,
                "Disabled": false,
                "HealthThreshold": 2,
                "ChildHealthChecks": ["hc-tcp", "hc-http", "hc-str"]
            },
            "HealthCheckVersion": 1
        }
    ],
    "IsTruncated": false,
    "MaxItems": "100",
    "Marker": ""
}
)";

TEST(HealthChecksConfigTest, ParsesEveryTypeAndField) {
  absl::StatusOr<HealthChecksConfig> cfg = HealthChecksConfig::Parse(kEveryType, "hc.json");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_THAT(cfg->warnings(), IsEmpty());
  EXPECT_EQ(cfg->source(), "hc.json");
  ASSERT_EQ(cfg->size(), 6u);

  const HealthCheckConfig& tcp = cfg->checks()[0];
  EXPECT_EQ(tcp.id, "hc-tcp");
  EXPECT_EQ(tcp.type, HealthCheckType::kTcp);
  EXPECT_EQ(tcp.ip_address, "192.0.2.10");
  EXPECT_EQ(tcp.fqdn, "");
  EXPECT_EQ(tcp.port, 5432);
  EXPECT_EQ(tcp.request_interval_s, 10);
  EXPECT_EQ(tcp.failure_threshold, 2);
  EXPECT_FALSE(tcp.inverted);
  EXPECT_FALSE(tcp.disabled);
  EXPECT_EQ(tcp.line, 3);

  const HealthCheckConfig& http = cfg->checks()[1];
  EXPECT_EQ(http.type, HealthCheckType::kHttp);
  EXPECT_EQ(http.ip_address, "");
  EXPECT_EQ(http.fqdn, "www.example.com");
  EXPECT_EQ(http.port, 80);  // default for HTTP
  EXPECT_EQ(http.resource_path, "/health?deep=1");
  EXPECT_EQ(http.request_interval_s, 30);
  EXPECT_EQ(http.failure_threshold, 3);
  EXPECT_TRUE(http.inverted);
  EXPECT_EQ(http.HostHeader(), "www.example.com");

  const HealthCheckConfig& https = cfg->checks()[2];
  EXPECT_EQ(https.type, HealthCheckType::kHttps);
  EXPECT_EQ(https.ip_address, "2001:db8::1");
  EXPECT_EQ(https.fqdn, "api.example.com");
  EXPECT_EQ(https.port, 8443);
  EXPECT_EQ(https.resource_path, "/status");  // a leading '/' is added
  EXPECT_EQ(https.request_interval_s, 1);     // extension: any whole second
  EXPECT_EQ(https.failure_threshold, 10);
  EXPECT_TRUE(https.disabled);
  EXPECT_EQ(https.HostHeader(), "api.example.com:8443");
  EXPECT_EQ(https.Describe(), "HTTPS [2001:db8::1]:8443/status disabled");

  const HealthCheckConfig& str = cfg->checks()[3];
  EXPECT_EQ(str.type, HealthCheckType::kHttpStrMatch);
  EXPECT_EQ(str.search_string, "\"status\": \"ok\"");
  EXPECT_EQ(str.port, 80);
  EXPECT_EQ(str.resource_path, "/");
  EXPECT_EQ(str.failure_threshold, 1);
  EXPECT_EQ(str.request_interval_s, 30);  // Route 53's default
  EXPECT_EQ(str.HostHeader(), "198.51.100.7");

  const HealthCheckConfig& strs = cfg->checks()[4];
  EXPECT_EQ(strs.type, HealthCheckType::kHttpsStrMatch);
  EXPECT_EQ(strs.port, 443);
  EXPECT_EQ(strs.search_string, "UP");
  EXPECT_EQ(strs.HostHeader(), "secure.example.com");  // no trailing dot

  const HealthCheckConfig& calc = cfg->checks()[5];
  EXPECT_EQ(calc.type, HealthCheckType::kCalculated);
  EXPECT_EQ(calc.health_threshold, 2);
  EXPECT_THAT(calc.children, ElementsAre("hc-tcp", "hc-http", "hc-str"));
  EXPECT_EQ(calc.port, 0);
  EXPECT_EQ(calc.Describe(), "CALCULATED 2 of [hc-tcp, hc-http, hc-str]");

  EXPECT_TRUE(cfg->Contains("hc-calc"));
  EXPECT_FALSE(cfg->Contains("hc-nope"));
  ASSERT_NE(cfg->Find("hc-str"), nullptr);
  EXPECT_EQ(cfg->Find("hc-str")->id, "hc-str");
  EXPECT_EQ(cfg->Find("nope"), nullptr);
}

TEST(HealthChecksConfigTest, TypeNames) {
  for (HealthCheckType t :
       {HealthCheckType::kTcp, HealthCheckType::kHttp, HealthCheckType::kHttps,
        HealthCheckType::kHttpStrMatch, HealthCheckType::kHttpsStrMatch,
        HealthCheckType::kCalculated}) {
    EXPECT_EQ(ParseHealthCheckType(HealthCheckTypeName(t)), t);
  }
  EXPECT_FALSE(ParseHealthCheckType("tcp").has_value());
  EXPECT_TRUE(IsHttpType(HealthCheckType::kHttpsStrMatch));
  EXPECT_FALSE(IsHttpType(HealthCheckType::kTcp));
  EXPECT_TRUE(IsTlsType(HealthCheckType::kHttps));
  EXPECT_FALSE(IsTlsType(HealthCheckType::kHttpStrMatch));
  EXPECT_TRUE(IsStrMatchType(HealthCheckType::kHttpStrMatch));
}

TEST(HealthChecksConfigTest, GetHealthCheckShapeAndEmptyList) {
  auto one = HealthChecksConfig::Parse(
      R"({"HealthCheck": {"Id": "a", "HealthCheckConfig": {"Type": "TCP",
          "IPAddress": "192.0.2.1", "Port": 22}}})",
      "one.json");
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ(one->checks()[0].line, 1);

  auto none = HealthChecksConfig::Parse(R"({"HealthChecks": []})", "none.json");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_TRUE(none->empty());
}

TEST(HealthChecksConfigTest, UnknownFieldsWarnWithLineAndId) {
  auto cfg = HealthChecksConfig::Parse(R"({
  "HealthChecks": [
    {"Id": "a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.1",
                                      "Port": 80}},
    {"Id": "b", "Colour": "blue",
     "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.1", "Port": 81,
                           "Frobnicate": 1}}
  ],
  "NextPage": 2
})",
                                       "w.json");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_THAT(cfg->warnings(),
              ElementsAre("w.json: unknown top-level field 'NextPage' ignored",
                          "w.json:5: health check 'b': unknown field 'Colour' ignored",
                          "w.json:5: health check 'b': unknown field "
                          "'HealthCheckConfig.Frobnicate' ignored"));
  EXPECT_EQ(cfg->size(), 2u);
}

TEST(HealthChecksConfigTest, FieldsThatDoNotApplyWarn) {
  auto cfg = HealthChecksConfig::Parse(R"({"HealthChecks": [
    {"Id": "t", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.1",
        "Port": 80, "SearchString": "x"}},
    {"Id": "c", "HealthCheckConfig": {"Type": "CALCULATED", "Port": 80,
        "ChildHealthChecks": ["t"], "HealthThreshold": 1}}]})",
                                       "f.json");
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_THAT(cfg->warnings(),
              ElementsAre("f.json:2: health check 't': SearchString is ignored for Type TCP",
                          "f.json:4: health check 'c': Port is ignored for Type CALCULATED"));
  EXPECT_EQ(cfg->checks()[0].search_string, "");
}

// One check's HealthCheckConfig body -> the parse error.
std::string ErrorFor(const std::string& config_body) {
  const std::string text = "{\"HealthChecks\": [\n  {\"Id\": \"hc-bad\",\n"
                           "   \"HealthCheckConfig\": {" +
                           config_body + "}}]}";
  auto cfg = HealthChecksConfig::Parse(text, "bad.json");
  if (cfg.ok()) return "OK";
  EXPECT_EQ(cfg.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(Msg(cfg));
}

TEST(HealthChecksConfigTest, BadValuesNameTheCheckAndLine) {
  const std::string tcp = R"("Type": "TCP", "IPAddress": "192.0.2.1", "Port": 80, )";
  EXPECT_EQ(ErrorFor(tcp + R"("FailureThreshold": 11)"),
            "bad.json:2: health check 'hc-bad': FailureThreshold must be a whole "
            "number from 1 to 10 (got 11)");
  EXPECT_EQ(ErrorFor(tcp + R"("FailureThreshold": 0)"),
            "bad.json:2: health check 'hc-bad': FailureThreshold must be a whole "
            "number from 1 to 10 (got 0)");
  EXPECT_EQ(ErrorFor(tcp + R"("RequestInterval": 0)"),
            "bad.json:2: health check 'hc-bad': RequestInterval must be a whole "
            "number from 1 to 3600 (got 0)");
  EXPECT_EQ(ErrorFor(tcp + R"("RequestInterval": 1.5)"),
            "bad.json:2: health check 'hc-bad': RequestInterval must be a whole "
            "number from 1 to 3600 (got 1.5)");
  EXPECT_EQ(ErrorFor(tcp + R"("RequestInterval": "10")"),
            "bad.json:2: health check 'hc-bad': RequestInterval must be a whole "
            "number from 1 to 3600 (got string)");
  EXPECT_EQ(ErrorFor(tcp + R"("RequestInterval": 10.0)"), "OK");
  EXPECT_EQ(ErrorFor(tcp + R"("Inverted": "yes")"),
            "bad.json:2: health check 'hc-bad': Inverted must be true or false (got string)");
  EXPECT_EQ(ErrorFor(tcp + R"("Disabled": 1)"),
            "bad.json:2: health check 'hc-bad': Disabled must be true or false (got number)");
  EXPECT_EQ(ErrorFor(R"("Type": "TCP", "IPAddress": "192.0.2.1", "Port": 70000)"),
            "bad.json:2: health check 'hc-bad': Port must be a whole number from 1 to "
            "65535 (got 70000)");
  EXPECT_EQ(ErrorFor(R"("Type": "TCP", "IPAddress": "192.0.2.1")"),
            "bad.json:2: health check 'hc-bad': Port is required for Type TCP");
  EXPECT_EQ(ErrorFor(R"("Type": "TCP", "Port": 80)"),
            "bad.json:2: health check 'hc-bad': needs IPAddress or FullyQualifiedDomainName");
  EXPECT_EQ(ErrorFor(R"("Type": "HTTP", "IPAddress": "192.0.2.300")"),
            "bad.json:2: health check 'hc-bad': IPAddress '192.0.2.300' is not an "
            "IPv4 or IPv6 address");
  EXPECT_EQ(ErrorFor(R"("Type": "HTTP", "FullyQualifiedDomainName": "a b.example")"),
            "bad.json:2: health check 'hc-bad': FullyQualifiedDomainName 'a b.example' "
            "is not a domain name");
  EXPECT_EQ(ErrorFor(R"("Type": "HTTP", "IPAddress": "192.0.2.1", "ResourcePath": "/a b")"),
            "bad.json:2: health check 'hc-bad': ResourcePath must not contain spaces "
            "or control characters");
  EXPECT_EQ(ErrorFor(R"("Type": "HTTP_STR_MATCH", "IPAddress": "192.0.2.1")"),
            "bad.json:2: health check 'hc-bad': SearchString is required for Type "
            "HTTP_STR_MATCH");
  EXPECT_EQ(ErrorFor(R"("Type": "HTTPS_STR_MATCH", "IPAddress": "192.0.2.1", )"
                     R"("SearchString": ")" + std::string(256, 'x') + "\""),
            "bad.json:2: health check 'hc-bad': SearchString is longer than 255 characters");
  EXPECT_EQ(ErrorFor(R"("Type": "CLOUDWATCH_METRIC")"),
            "bad.json:2: health check 'hc-bad': Type 'CLOUDWATCH_METRIC' is not "
            "supported (TCP, HTTP, HTTPS, HTTP_STR_MATCH, HTTPS_STR_MATCH or CALCULATED)");
  EXPECT_EQ(ErrorFor(R"("IPAddress": "192.0.2.1")"),
            "bad.json:2: health check 'hc-bad': no \"Type\"");
  EXPECT_EQ(ErrorFor(tcp + R"("ChildHealthChecks": ["x"])"),
            "bad.json:2: health check 'hc-bad': ChildHealthChecks is only allowed for "
            "Type CALCULATED");
  EXPECT_EQ(ErrorFor(R"("Type": "CALCULATED", "ChildHealthChecks": ["hc-bad"])"),
            "bad.json:2: health check 'hc-bad': ChildHealthChecks lists the check itself");
  EXPECT_EQ(ErrorFor(R"("Type": "CALCULATED", "HealthThreshold": 257)"),
            "bad.json:2: health check 'hc-bad': HealthThreshold must be a whole number "
            "from 0 to 256 (got 257)");
  EXPECT_EQ(ErrorFor(R"("Type": "CALCULATED", "ChildHealthChecks": "x")"),
            "bad.json:2: health check 'hc-bad': ChildHealthChecks must be an array of "
            "ids (got string)");
}

TEST(HealthChecksConfigTest, StructuralErrors) {
  auto no_id = HealthChecksConfig::Parse(
      "{\"HealthChecks\": [\n{\"HealthCheckConfig\": {\"Type\": \"TCP\"}}]}", "s.json");
  EXPECT_EQ(Msg(no_id),
            "s.json:2: HealthChecks[0] needs an \"Id\" (a non-empty string)");
  auto no_cfg = HealthChecksConfig::Parse(R"({"HealthChecks": [{"Id": "x"}]})", "s.json");
  EXPECT_EQ(Msg(no_cfg), "s.json:1: health check 'x': no \"HealthCheckConfig\"");
  auto no_list = HealthChecksConfig::Parse(R"({"ResourceRecordSets": []})", "s.json");
  EXPECT_EQ(Msg(no_list), "s.json: no \"HealthChecks\" array");
  auto not_obj = HealthChecksConfig::Parse("[]", "s.json");
  EXPECT_THAT(Msg(not_obj), HasSubstr("expected an object"));
  auto bad_list = HealthChecksConfig::Parse(R"({"HealthChecks": {}})", "s.json");
  EXPECT_EQ(Msg(bad_list),
            "s.json: \"HealthChecks\" must be an array (got object)");
}

TEST(HealthChecksConfigTest, EveryBadCheckIsReported) {
  auto cfg = HealthChecksConfig::Parse(R"({"HealthChecks": [
    {"Id": "a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.1"}},
    {"Id": "b", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.1", "Port": 1}},
    {"Id": "c", "HealthCheckConfig": {"Type": "BOGUS"}}]})",
                                       "e.json");
  ASSERT_FALSE(cfg.ok());
  const std::string m(cfg.status().message());
  EXPECT_THAT(m, HasSubstr("e.json:2: health check 'a'"));
  EXPECT_THAT(m, HasSubstr("\ne.json:4: health check 'c'"));
  EXPECT_THAT(m, Not(HasSubstr("'b'")));
}

TEST(HealthChecksConfigTest, DuplicateIdIsAnError) {
  auto cfg = HealthChecksConfig::Parse(R"({"HealthChecks": [
    {"Id": "a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.1", "Port": 1}},
    {"Id": "a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.1", "Port": 2}}]})",
                                       "d.json");
  EXPECT_EQ(Msg(cfg),
            "d.json:3: health check 'a': duplicate Id (first defined on line 2)");
}

TEST(HealthChecksConfigTest, CalculatedChildrenMustExistWithoutCycles) {
  auto missing = HealthChecksConfig::Parse(R"({"HealthChecks": [
    {"Id": "a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.1", "Port": 1}},
    {"Id": "calc", "HealthCheckConfig": {"Type": "CALCULATED", "HealthThreshold": 1,
                                         "ChildHealthChecks": ["a", "ghost"]}}]})",
                                           "c.json");
  EXPECT_EQ(Msg(missing),
            "c.json:3: health check 'calc': ChildHealthChecks names 'ghost', which is "
            "not a health check in c.json");

  auto cycle = HealthChecksConfig::Parse(R"({"HealthChecks": [
    {"Id": "x", "HealthCheckConfig": {"Type": "CALCULATED", "ChildHealthChecks": ["y"]}},
    {"Id": "y", "HealthCheckConfig": {"Type": "CALCULATED", "ChildHealthChecks": ["z"]}},
    {"Id": "z", "HealthCheckConfig": {"Type": "CALCULATED", "ChildHealthChecks": ["x"]}}]})",
                                         "c.json");
  EXPECT_EQ(Msg(cycle),
            "c.json:4: health check 'z': ChildHealthChecks makes a cycle through 'x'");

  auto twice = HealthChecksConfig::Parse(R"({"HealthChecks": [
    {"Id": "a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.1", "Port": 1}},
    {"Id": "c", "HealthCheckConfig": {"Type": "CALCULATED", "ChildHealthChecks": ["a", "a"]}}]})",
                                         "c.json");
  EXPECT_EQ(Msg(twice),
            "c.json:3: health check 'c': ChildHealthChecks lists 'a' twice");

  // Nesting without a cycle is allowed (an extension).
  auto nested = HealthChecksConfig::Parse(R"({"HealthChecks": [
    {"Id": "top", "HealthCheckConfig": {"Type": "CALCULATED", "ChildHealthChecks": ["mid"],
                                        "HealthThreshold": 1}},
    {"Id": "mid", "HealthCheckConfig": {"Type": "CALCULATED", "ChildHealthChecks": ["a"],
                                        "HealthThreshold": 1}},
    {"Id": "a", "HealthCheckConfig": {"Type": "TCP", "IPAddress": "192.0.2.1", "Port": 1}}]})",
                                          "c.json");
  EXPECT_TRUE(nested.ok()) << nested.status();
}

TEST(HealthChecksConfigTest, SyntaxErrorHasTheLine) {
  const char* text =
      "{\n"
      "  \"HealthChecks\": [\n"
      "    {\"Id\": \"a\",\n"
      "     \"HealthCheckConfig\": {\"Type\": \"TCP\" \"Port\": 1}}\n"  // missing ','
      "  ]\n"
      "}\n";
  auto cfg = HealthChecksConfig::Parse(text, "syntax.json");
  ASSERT_FALSE(cfg.ok());
  EXPECT_THAT(Msg(cfg), ::testing::StartsWith("syntax.json:4: syntax error: "));

  auto truncated = HealthChecksConfig::Parse("{\n\"HealthChecks\": [\n", "t.json");
  EXPECT_THAT(Msg(truncated), ::testing::StartsWith("t.json:3: syntax error"));
}

// Found by health_checks_fuzz: a number nlohmann cannot hold threw
// out_of_range, which ended the process instead of giving an error.
TEST(HealthChecksConfigTest, NumberTooLargeIsAnErrorWithItsLine) {
  auto cfg = HealthChecksConfig::Parse(
      "{\"HealthChecks\": [\n  {\"Id\": \"a\", \"HealthCheckConfig\": {\"Type\": \"TCP\",\n"
      "   \"Port\": 1e999}}]}\n",
      "big.json");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(Msg(cfg), "big.json:3: number overflow parsing '1e999'");
}

TEST(HealthChecksConfigTest, LoadReadsAFile) {
  char path[] = "/tmp/steer_hc_XXXXXX";
  const int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << kEveryType;
  }
  auto cfg = HealthChecksConfig::Load(path);
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_EQ(cfg->size(), 6u);
  EXPECT_EQ(cfg->source(), path);
  std::remove(path);

  auto missing = HealthChecksConfig::Load("/nonexistent/hc.json");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Msg(missing), HasSubstr("/nonexistent/hc.json"));
}

TEST(HealthChecksConfigTest, FromChecksFillsDefaultsAndValidates) {
  HealthCheckConfig http;
  http.id = "h";
  http.type = HealthCheckType::kHttps;
  http.ip_address = "127.0.0.1";
  auto cfg = HealthChecksConfig::FromChecks({http});
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  EXPECT_EQ(cfg->checks()[0].port, 443);
  EXPECT_EQ(cfg->checks()[0].resource_path, "/");

  HealthCheckConfig bad = http;
  bad.failure_threshold = 0;
  EXPECT_EQ(Msg(HealthChecksConfig::FromChecks({bad}, "<api>")),
            "<api>: health check 'h': FailureThreshold must be a whole number from 1 "
            "to 10 (got 0)");
}

TEST(HealthChecksConfigTest, SameProbeIgnoresOnlyTheLine) {
  HealthCheckConfig a;
  a.id = "a";
  a.ip_address = "192.0.2.1";
  a.port = 80;
  HealthCheckConfig b = a;
  b.line = 42;
  EXPECT_TRUE(a.SameProbe(b));
  b.failure_threshold = 4;
  EXPECT_FALSE(a.SameProbe(b));
  b = a;
  b.inverted = true;
  EXPECT_FALSE(a.SameProbe(b));
  b = a;
  b.port = 81;
  EXPECT_FALSE(a.SameProbe(b));
}

}  // namespace
}  // namespace health
