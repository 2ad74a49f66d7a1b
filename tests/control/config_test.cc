// Tests for dns/control/config.h: flags, the YAML file, their precedence,
// and the error messages for bad input.
#include "dns/control/config.h"

#include <fstream>
#include <tuple>
#include <string>
#include <vector>

#include "dns/wire/name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace dns::control {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<Config> Parse(std::vector<std::string> args) {
  std::vector<const char*> argv = {"steerdns"};
  for (const std::string& a : args) argv.push_back(a.c_str());
  return ParseFlags(static_cast<int>(argv.size()), argv.data());
}

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(ConfigTest, Defaults) {
  absl::StatusOr<Config> c = Parse({});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->listen, ElementsAre("127.0.0.1:5300"));
  EXPECT_TRUE(c->zones.empty());
  EXPECT_EQ(c->control, "127.0.0.1:8053");
  EXPECT_EQ(c->threads, 0);
  EXPECT_EQ(c->max_udp_size, 1232);
  EXPECT_EQ(c->tcp_idle_timeout, 10);
  EXPECT_EQ(c->tcp_max_connections, 1024);
  EXPECT_FALSE(c->help);
}

TEST(ConfigTest, BothFlagSpellings) {
  absl::StatusOr<Config> c =
      Parse({"--listen", "127.0.0.1:5353", "--listen=[::1]:5353", "--threads=3",
             "--max-udp-size", "4096", "--latency", "lat.csv",
             "--regions=regions.csv", "--health-checks", "hc.json",
             "--control=[::1]:9000", "--data-dir", "/var/lib/steerdns",
             "--tcp-idle-timeout=5", "--tcp-max-connections", "10"});
  ASSERT_TRUE(c.ok()) << c.status();
  // Explicit addresses replace the default.
  EXPECT_THAT(c->listen, ElementsAre("127.0.0.1:5353", "[::1]:5353"));
  EXPECT_EQ(c->threads, 3);
  EXPECT_EQ(c->max_udp_size, 4096);
  EXPECT_EQ(c->latency, "lat.csv");
  EXPECT_EQ(c->regions, "regions.csv");
  EXPECT_EQ(c->health_checks, "hc.json");
  EXPECT_EQ(c->control, "[::1]:9000");
  EXPECT_EQ(c->data_dir, "/var/lib/steerdns");
  EXPECT_EQ(c->tcp_idle_timeout, 5);
  EXPECT_EQ(c->tcp_max_connections, 10);
}

TEST(ConfigTest, HealthCheckResolverFlagAndKey) {
  absl::StatusOr<Config> c =
      Parse({"--health-checks", "hc.json", "--health-check-resolver", "127.0.0.1:5353"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->health_check_resolver, "127.0.0.1:5353");
  Config y;
  ASSERT_TRUE(LoadConfigText("health-check-resolver: \"[::1]:53\"\n", "c.yaml", &y).ok());
  EXPECT_EQ(y.health_check_resolver, "[::1]:53");
  EXPECT_THAT(UsageText(), HasSubstr("--health-check-resolver"));
  absl::StatusOr<Config> k = Parse({"--dnssec-keys", "/etc/steerdns/keys"});
  ASSERT_TRUE(k.ok()) << k.status();
  EXPECT_EQ(k->dnssec_keys, "/etc/steerdns/keys");
  Config ky;
  ASSERT_TRUE(LoadConfigText("dnssec-keys: keys\n", "c.yaml", &ky).ok());
  EXPECT_EQ(ky.dnssec_keys, "keys");
  EXPECT_THAT(UsageText(), HasSubstr("--dnssec-keys DIR"));
}

TEST(ConfigTest, XdpFlagAndKey) {
  EXPECT_EQ(Config().xdp, "");
  absl::StatusOr<Config> c = Parse({"--xdp", "veth0"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->xdp, "veth0");
  EXPECT_FALSE(Parse({"--xdp="}).ok());
  Config y;
  ASSERT_TRUE(LoadConfigText("xdp: eth1\n", "c.yaml", &y).ok());
  EXPECT_EQ(y.xdp, "eth1");
  EXPECT_THAT(UsageText(), HasSubstr("--xdp IFNAME"));
}

TEST(ConfigTest, ZonesRepeatAndOneOriginMayHaveTwoSources) {
  absl::StatusOr<Config> c =
      Parse({"--zone", "example.com=examples/example.com.zone",
             "--zone=example.com.=examples/example.com.json",
             "--zone", "example.org.=a=b.zone"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->zones,
              ElementsAre(ZoneSource{"example.com", "examples/example.com.zone"},
                          ZoneSource{"example.com.", "examples/example.com.json"},
                          ZoneSource{"example.org.", "a=b.zone"}));
}

TEST(ConfigTest, Help) {
  absl::StatusOr<Config> c = Parse({"--help"});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->help);
}

TEST(ConfigTest, HelpDocumentsEveryFlag) {
  std::string usage = UsageText();
  for (const char* flag :
       {"--config", "--listen", "--zone", "--latency", "--regions",
        "--health-checks", "--control", "--data-dir", "--threads",
        "--max-udp-size", "--tcp-idle-timeout", "--tcp-max-connections",
        "--help"}) {
    EXPECT_THAT(usage, HasSubstr(flag));
  }
}

TEST(ConfigTest, BadFlags) {
  struct Case {
    std::vector<std::string> args;
    std::string error;
  };
  const Case cases[] = {
      {{"--bogus", "1"}, "unknown flag '--bogus'"},
      {{"--bogus=1"}, "unknown flag '--bogus'"},
      {{"-threads", "1"}, "unexpected argument '-threads'"},
      {{"stray"}, "unexpected argument 'stray'"},
      {{"--threads"}, "--threads needs a value"},
      {{"--threads", "many"}, "--threads: 'many' is not a whole number"},
      {{"--threads=-1"}, "--threads:"},
      {{"--threads=5000"}, "from 0 to 1024"},
      {{"--max-udp-size", "100"}, "--max-udp-size: '100' is not a whole number from 512 to 65535"},
      {{"--max-udp-size", "70000"}, "--max-udp-size:"},
      {{"--tcp-idle-timeout", "0"}, "--tcp-idle-timeout:"},
      {{"--listen", "localhost:53"}, "not a numeric IPv4 address"},
      {{"--listen", "127.0.0.1"}, "missing ':PORT'"},
      {{"--listen", "::1:53"}, "IPv6 addresses must be in brackets"},
      {{"--listen", "[::1]"}, "missing ':PORT'"},
      {{"--listen", "127.0.0.1:99999"}, "port must be a number"},
      {{"--control", "nowhere"}, "--control: bad address 'nowhere'"},
      {{"--zone", "example.com"}, "--zone: 'example.com' is not ORIGIN=PATH"},
      {{"--zone", "=x.zone"}, "is not ORIGIN=PATH"},
      {{"--zone", "example.com="}, "is not ORIGIN=PATH"},
      {{"--latency="}, "--latency: empty value"},
      {{"--help=yes"}, "--help takes no value"},
      {{"--config", "a.yaml", "--config", "b.yaml"}, "--config given more than once"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<Config> got = Parse(c.args);
    ASSERT_FALSE(got.ok()) << c.args[0];
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument)
        << c.args[0];
    EXPECT_THAT(Message(got.status()), HasSubstr(c.error)) << c.args[0];
  }
}

TEST(ConfigTest, YamlFileSetsEveryKey) {
  std::string path = WriteFile("all.yaml",
                               "listen: [\"127.0.0.1:5301\", \"[::1]:5301\"]\n"
                               "zone:\n"
                               "  - example.com.=examples/example.com.zone\n"
                               "  - example.com.=examples/example.com.json\n"
                               "latency: lat.csv\n"
                               "regions: regions.csv\n"
                               "health-checks: hc.json\n"
                               "control: 127.0.0.1:9053\n"
                               "data-dir: /tmp/steer\n"
                               "threads: 2\n"
                               "max-udp-size: 1400\n"
                               "tcp-idle-timeout: 3\n"
                               "tcp-max-connections: 64\n");
  absl::StatusOr<Config> c = Parse({"--config", path});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->config_file, path);
  EXPECT_THAT(c->listen, ElementsAre("127.0.0.1:5301", "[::1]:5301"));
  EXPECT_THAT(c->zones, ElementsAre(ZoneSource{"example.com.",
                                               "examples/example.com.zone"},
                                    ZoneSource{"example.com.",
                                               "examples/example.com.json"}));
  EXPECT_EQ(c->latency, "lat.csv");
  EXPECT_EQ(c->regions, "regions.csv");
  EXPECT_EQ(c->health_checks, "hc.json");
  EXPECT_EQ(c->control, "127.0.0.1:9053");
  EXPECT_EQ(c->data_dir, "/tmp/steer");
  EXPECT_EQ(c->threads, 2);
  EXPECT_EQ(c->max_udp_size, 1400);
  EXPECT_EQ(c->tcp_idle_timeout, 3);
  EXPECT_EQ(c->tcp_max_connections, 64);
}

TEST(ConfigTest, ListKeysTakeASingleValue) {
  std::string path = WriteFile("single.yaml",
                               "listen: 127.0.0.1:5302\n"
                               "zone: example.net.=net.zone\n");
  absl::StatusOr<Config> c = Parse({"--config=" + path});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->listen, ElementsAre("127.0.0.1:5302"));
  EXPECT_THAT(c->zones, ElementsAre(ZoneSource{"example.net.", "net.zone"}));
}

TEST(ConfigTest, FlagsOverrideScalarsAndAppendToLists) {
  std::string path = WriteFile("base.yaml",
                               "listen: [\"127.0.0.1:5303\"]\n"
                               "zone: [\"a.example.=a.zone\"]\n"
                               "threads: 2\n");
  // --config comes last on purpose: it is applied first wherever it is.
  absl::StatusOr<Config> c =
      Parse({"--threads", "4", "--listen", "[::1]:5303", "--zone",
             "b.example.=b.zone", "--config", path});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->threads, 4);
  EXPECT_THAT(c->listen, ElementsAre("127.0.0.1:5303", "[::1]:5303"));
  EXPECT_THAT(c->zones, ElementsAre(ZoneSource{"a.example.", "a.zone"},
                                    ZoneSource{"b.example.", "b.zone"}));
}

TEST(ConfigTest, EmptyFileKeepsDefaults) {
  std::string path = WriteFile("empty.yaml", "# nothing here\n");
  absl::StatusOr<Config> c = Parse({"--config", path});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->listen, ElementsAre("127.0.0.1:5300"));
}

TEST(ConfigTest, UnknownKeyNamesFileAndLine) {
  std::string path = WriteFile("unknown.yaml",
                               "listen: [\"127.0.0.1:5300\"]\n"
                               "threads: 2\n"
                               "foo: bar\n");
  absl::StatusOr<Config> c = Parse({"--config", path});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(Message(c.status()), path + ":3: unknown key 'foo'");
}

TEST(ConfigTest, BadYamlValuesNameFileAndLine) {
  struct Case {
    std::string text;
    std::string error;  // after "path:"
  };
  const Case cases[] = {
      {"threads: 2\nmax-udp-size: 10\n",
       "2: max-udp-size: '10' is not a whole number from 512 to 65535"},
      {"listen:\n  - 127.0.0.1:5300\n  - nonsense\n",
       "3: listen: bad address 'nonsense'"},
      {"zone: [\"example.com\"]\n", "1: zone: 'example.com' is not ORIGIN=PATH"},
      {"threads: [1, 2]\n", "1: threads: expected a single value"},
      {"listen: {a: b}\n", "1: listen: expected a value or a list of values"},
      {"\nthreads:\n", "2: threads: expected a single value"},
      {"config: other.yaml\n", "1: 'config' cannot be set in a config file"},
      {"- listen\n", "1: expected a mapping of settings"},
      {"threads: 2\nlisten: [\"a\"\n", "3: "},  // YAML syntax error
  };
  int i = 0;
  for (const Case& c : cases) {
    std::string path = WriteFile("bad" + std::to_string(i++) + ".yaml", c.text);
    absl::StatusOr<Config> got = Parse({"--config", path});
    ASSERT_FALSE(got.ok()) << c.text;
    EXPECT_THAT(Message(got.status()), HasSubstr(path + ":" + c.error))
        << c.text;
  }
}

TEST(ConfigTest, MissingConfigFile) {
  absl::StatusOr<Config> c = Parse({"--config", "/nonexistent/steer.yaml"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(Message(c.status()),
              HasSubstr("/nonexistent/steer.yaml: cannot open"));
}

TEST(ConfigTest, LoadConfigTextDirectly) {
  Config c;
  ASSERT_TRUE(LoadConfigText("threads: 7\n", "inline", &c).ok());
  EXPECT_EQ(c.threads, 7);
  absl::Status st = LoadConfigText("nope: 1\n", "inline", &c);
  EXPECT_EQ(Message(st), "inline:1: unknown key 'nope'");
}

TEST(ConfigTest, SerialPolicies) {
  absl::StatusOr<Config> c = Parse({});
  ASSERT_TRUE(c.ok());
  std::string wire;
  ASSERT_TRUE(dns::NameFromText("example.com.", &wire));
  EXPECT_EQ(c->serial_policy, zones::SerialPolicy::kIncrement);
  EXPECT_EQ(c->SerialPolicyFor(wire), zones::SerialPolicy::kIncrement);
  c = Parse({"--serial-policy", "dateserial", "--zone-serial-policy", "Example.COM=keep"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->SerialPolicyFor(wire), zones::SerialPolicy::kKeep);
  std::string other;
  ASSERT_TRUE(dns::NameFromText("other.test.", &other));
  EXPECT_EQ(c->SerialPolicyFor(other), zones::SerialPolicy::kDateSerial);
  // YAML: the global one, and per zone as a mapping or as ORIGIN=POLICY.
  const std::string path = WriteFile(
      "serials.yaml",
      "serial-policy: unixtime\nzone-serial-policy:\n  example.com.: dateserial\n"
      "  other.test: keep\n");
  c = Parse({"--config", path, "--zone-serial-policy=other.test.=increment"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->serial_policy, zones::SerialPolicy::kUnixTime);
  EXPECT_EQ(c->SerialPolicyFor(wire), zones::SerialPolicy::kDateSerial);
  EXPECT_EQ(c->SerialPolicyFor(other), zones::SerialPolicy::kIncrement);  // the flag, later
  // Bad values.
  EXPECT_EQ(Message(Parse({"--serial-policy", "daily"}).status()),
            "--serial-policy: 'daily' is not a serial policy (increment, unixtime, dateserial, "
            "keep)");
  EXPECT_EQ(Message(Parse({"--zone-serial-policy", "example.com"}).status()),
            "--zone-serial-policy: 'example.com' is not ORIGIN=POLICY");
  const std::string bad =
      WriteFile("serials-bad.yaml", "zone-serial-policy:\n  example.com.: sometimes\n");
  EXPECT_EQ(Message(Parse({"--config", bad}).status()),
            bad + ":2: zone-serial-policy: 'sometimes' is not a serial policy (increment, "
                  "unixtime, dateserial, keep)");
}

TEST(ConfigTest, TransferFlags) {
  absl::StatusOr<Config> c = Parse(
      {"--tsig-key", "xfr:hmac-sha256:c2VjcmV0", "--tsig-keys", "keys.conf",
       "--allow-transfer", "127.0.0.1:xfr", "--allow-transfer", "10.0.0.0/8", "--notify",
       "127.0.0.1:5301:xfr", "--notify", "ns", "--secondary", "Example.COM=127.0.0.1:5400:xfr",
       "--secondary", "example.com=[::1]:5400", "--zone-transfer-routed", "example.net=refuse"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->tsig_keys, ElementsAre("xfr:hmac-sha256:c2VjcmV0"));
  EXPECT_EQ(c->tsig_keys_file, "keys.conf");
  ASSERT_EQ(c->transfer.all_zones.allow_transfer.size(), 2u);
  EXPECT_EQ(c->transfer.all_zones.allow_transfer[0].key, "xfr.");
  ASSERT_EQ(c->transfer.all_zones.notify.size(), 1u);
  EXPECT_EQ(c->transfer.all_zones.notify[0].port, 5301);
  EXPECT_TRUE(c->transfer.all_zones.notify_ns);
  ASSERT_EQ(c->transfer.secondaries.size(), 1u);
  EXPECT_EQ(c->transfer.secondaries[0].origin, "example.com.");
  EXPECT_EQ(c->transfer.secondaries[0].primaries.size(), 2u);
  std::string net;
  ASSERT_TRUE(dns::NameFromText("example.net.", &net));
  EXPECT_EQ(c->transfer.PolicyFor(net).transfer_routed, xfr::TransferRouted::kRefuse);

  for (const auto& [flag, value, error] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"--tsig-key", "xfr-only", "is not NAME:ALGORITHM:SECRET"},
           {"--allow-transfer", "10.0.0.0/33", "10.0.0.0/33"},
           {"--notify", "127.0.0.1", "expected ADDRESS:PORT"},
           {"--secondary", "example.com", "expected ORIGIN=ADDRESS:PORT"},
           {"--zone-transfer-routed", "example.com=maybe", "not a transfer-routed mode"}}) {
    absl::StatusOr<Config> bad = Parse({flag, value});
    ASSERT_FALSE(bad.ok()) << flag << " " << value;
    EXPECT_THAT(Message(bad.status()), HasSubstr(flag.substr(2) + ": "));
    EXPECT_THAT(Message(bad.status()), HasSubstr(error));
  }
}

TEST(ConfigTest, TransferYaml) {
  const std::string path = WriteFile("xfr.yaml",
                                     "tsig-keys:\n"
                                     "  - {name: xfr, algorithm: hmac-sha512, secret: c2VjcmV0}\n"
                                     "allow-transfer: 127.0.0.1\n"
                                     "secondary: {example.org.: \"127.0.0.1:5400\"}\n"
                                     "zone-transfer:\n"
                                     "  example.com.:\n"
                                     "    allow-transfer: [\"192.0.2.0/24:xfr\"]\n"
                                     "    notify: [\"192.0.2.53:53:xfr\", ns]\n"
                                     "    transfer-routed: refuse\n");
  absl::StatusOr<Config> c = Parse({"--config", path});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->tsig_keys, ElementsAre("xfr:hmac-sha512:c2VjcmV0"));
  ASSERT_EQ(c->transfer.secondaries.size(), 1u);
  std::string com;
  ASSERT_TRUE(dns::NameFromText("example.com.", &com));
  xfr::ZoneTransferPolicy p = c->transfer.PolicyFor(com);
  EXPECT_EQ(p.allow_transfer.size(), 2u);
  EXPECT_EQ(p.notify.size(), 1u);
  EXPECT_TRUE(p.notify_ns);
  EXPECT_EQ(p.transfer_routed, xfr::TransferRouted::kRefuse);
  EXPECT_FALSE(c->transfer.all_zones.notify_ns);

  const std::string bad = WriteFile("xfr-bad.yaml",
                                    "zone-transfer:\n"
                                    "  example.com.:\n"
                                    "    notfy: [ns]\n");
  absl::StatusOr<Config> b = Parse({"--config", bad});
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(Message(b.status()), HasSubstr(bad + ":3: zone-transfer: unknown key 'notfy'"));
  const std::string bad2 = WriteFile("xfr-bad2.yaml",
                                     "zone-transfer:\n"
                                     "  example.com.:\n"
                                     "    allow-transfer:\n"
                                     "      - 10.0.0.0/8\n"
                                     "      - 10.1.0.0/8\n");
  b = Parse({"--config", bad2});
  ASSERT_FALSE(b.ok());
  EXPECT_THAT(Message(b.status()), HasSubstr(bad2 + ":5: zone-transfer: allow-transfer: "));
}

}  // namespace
}  // namespace dns::control
