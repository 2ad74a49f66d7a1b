// File: tests/zones/zone_export_test.cc
//
// zones/zone_export.h: the master file and Route 53 JSON of a zone.
//   - the master file's layout and the presentation of every type in
//     common use, against a golden text (the form `dig` and `kdig` print,
//     which NSD and Knot read: zone_export_interop_test.cc runs them);
//   - Route 53 JSON as `aws route53 list-resource-record-sets` prints it:
//     field order, indentation, octal escapes, routed record sets;
//   - the round trip (export -> load -> same RRsets and routed groups) for
//     every zone of the corpus (export_corpus.h). Every zone the other
//     zones/ tests build goes through the same round trip in ZoneFromText.
#include "zones/zone_export.h"

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "dns/wire/name.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/zones/export_corpus.h"
#include "tests/zones/test_util.h"
#include "zones/builder.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"

namespace zones_test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// A zone with every type the issue lists, and the names and strings that
// need escapes.
constexpr char kEveryType[] = R"($ORIGIN every.test.
$TTL 3600
@ IN SOA ns1 hostmaster 2024060101 7200 3600 1209600 300
@ IN NS ns1
ns1 IN A 192.0.2.1
ns1 IN AAAA 2001:DB8:0:0::1
@ IN MX 10 mail
mail 60 IN A 192.0.2.25
alias IN CNAME www.example.com.
d IN DNAME target.example.
txt IN TXT "a \"quoted\" \\ back" "\200\001x;y" ""
txt IN SPF "v=spf1 -all"
_sip._udp IN SRV 0 5 5060 sip
sip IN A 192.0.2.50
naptr IN NAPTR 100 10 "U" "E2U+sip" "!^.*$!sip:info@example.com!" .
@ IN CAA 0 issue "ca.example.net"
@ IN CAA 128 tbs "Unknown"
ssh IN SSHFP 1 1 123456789ABCDEF67890123456789ABCDEF67890
_443._tcp IN TLSA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
x._smimecert IN SMIMEA 3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
pgp IN OPENPGPKEY AQIDBAUGBwgJ
hinfo IN HINFO "PC" "Linux 6"
loc IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m
ptr IN PTR host.example.
@ IN DS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118
@ IN DNSKEY 256 3 8 AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF
@ IN CDS 60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118
@ IN CDNSKEY 256 3 8 AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF
sig IN A 192.0.2.9
sig IN RRSIG A 8 2 3600 20250101000000 20240101000000 12345 every.test. AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF
sig IN NSEC ssh.every.test. A RRSIG NSEC
@ IN NSEC3PARAM 1 0 10 AABBCCDD
2vptu5timamqttgl4luu9kg21e0aor3s IN NSEC3 1 0 10 AABBCCDD 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG
nosalt IN NSEC3PARAM 1 0 0 -
svc IN SVCB 1 svc2.every.test. alpn=h2,h3 port=8443 ipv4hint=192.0.2.7
@ IN HTTPS 1 . alpn=h2
uri IN URI 10 1 "https://www.example.com/"
@ IN ZONEMD 2018031900 1 1 c68090d90a7aed716bc459f9340e3d7c1370d4d24b7e2fc3a1ddc0b9a87153b9a9713b3c9ae5cc27777f98b8e730044c
unk IN TYPE65280 \# 4 0a000001
empty IN TYPE65281 \# 0
weird\ name\.x IN A 192.0.2.99
\@at IN A 192.0.2.98
\$dollar IN A 192.0.2.96
*.wild IN A 192.0.2.97
Upper.Case IN CNAME Target.Example.
)";

// What ExportMasterFile writes for it: canonical order, the apex SOA
// first, one RR a line, owners relative, names in RDATA absolute and
// lower case, hex lower case, AAAA in RFC 5952 form.
constexpr char kEveryTypeExported[] =
    "; every.test. serial 2024060101: 43 records, exported by steerdns\n"
    "$ORIGIN every.test.\n"
    "$TTL 3600\n"
    "@\t3600\tIN\tSOA\tns1.every.test. hostmaster.every.test. 2024060101 7200 3600 1209600 300\n"
    "@\t3600\tIN\tNS\tns1.every.test.\n"
    "@\t3600\tIN\tMX\t10 mail.every.test.\n"
    "@\t3600\tIN\tDS\t60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118\n"
    "@\t3600\tIN\tDNSKEY\t256 3 8 AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF\n"
    "@\t3600\tIN\tNSEC3PARAM\t1 0 10 aabbccdd\n"
    "@\t3600\tIN\tCDS\t60485 5 1 2bb183af5f22588179a53b0a98631fad1a292118\n"
    "@\t3600\tIN\tCDNSKEY\t256 3 8 AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF\n"
    "@\t3600\tIN\tZONEMD\t2018031900 1 1 c68090d90a7aed716bc459f9340e3d7c1370d4d24b7e2fc3a1ddc0b9a87153b9a9713b3c9ae5cc27777f98b8e730044c\n"
    "@\t3600\tIN\tHTTPS\t1 . alpn=h2\n"
    "@\t3600\tIN\tCAA\t0 issue \"ca.example.net\"\n"
    "@\t3600\tIN\tCAA\t128 tbs \"Unknown\"\n"
    "\\$dollar\t3600\tIN\tA\t192.0.2.96\n"
    "2vptu5timamqttgl4luu9kg21e0aor3s\t3600\tIN\tNSEC3\t1 0 10 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG\n"
    "\\@at\t3600\tIN\tA\t192.0.2.98\n"
    "x._smimecert\t3600\tIN\tSMIMEA\t3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
    "_443._tcp\t3600\tIN\tTLSA\t3 1 1 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
    "_sip._udp\t3600\tIN\tSRV\t0 5 5060 sip.every.test.\n"
    "alias\t3600\tIN\tCNAME\twww.example.com.\n"
    "upper.case\t3600\tIN\tCNAME\ttarget.example.\n"  // "case" < "d"
    "d\t3600\tIN\tDNAME\ttarget.example.\n"
    "empty\t3600\tIN\tTYPE65281\t\\# 0\n"
    "hinfo\t3600\tIN\tHINFO\t\"PC\" \"Linux 6\"\n"
    "loc\t3600\tIN\tLOC\t52 22 23.000 N 04 53 32.000 E -2m 1m 10000m 10m\n"
    "mail\t60\tIN\tA\t192.0.2.25\n"
    "naptr\t3600\tIN\tNAPTR\t100 10 \"U\" \"E2U+sip\" \"!^.*$!sip:info@example.com!\" .\n"
    "nosalt\t3600\tIN\tNSEC3PARAM\t1 0 0 -\n"
    "ns1\t3600\tIN\tA\t192.0.2.1\n"
    "ns1\t3600\tIN\tAAAA\t2001:db8::1\n"
    "pgp\t3600\tIN\tOPENPGPKEY\tAQIDBAUGBwgJ\n"
    "ptr\t3600\tIN\tPTR\thost.example.\n"
    "sig\t3600\tIN\tA\t192.0.2.9\n"
    "sig\t3600\tIN\tRRSIG\tA 8 2 3600 20250101000000 20240101000000 12345 every.test. AwEAAagAIKlVZrpC6Ia7gEzahOR+9W29euxhJhVVLOyQbSEW0O8gcCjF\n"
    "sig\t3600\tIN\tNSEC\tssh.every.test. A RRSIG NSEC\n"
    "sip\t3600\tIN\tA\t192.0.2.50\n"
    "ssh\t3600\tIN\tSSHFP\t1 1 123456789abcdef67890123456789abcdef67890\n"
    "svc\t3600\tIN\tSVCB\t1 svc2.every.test. alpn=h2,h3 port=8443 ipv4hint=192.0.2.7\n"
    "txt\t3600\tIN\tTXT\t\"a \\\"quoted\\\" \\\\ back\" \"\\200\\001x;y\" \"\"\n"
    "txt\t3600\tIN\tSPF\t\"v=spf1 -all\"\n"
    "unk\t3600\tIN\tTYPE65280\t\\# 4 0a000001\n"
    "uri\t3600\tIN\tURI\t10 1 \"https://www.example.com/\"\n"
    "weird\\032name\\.x\t3600\tIN\tA\t192.0.2.99\n"
    "*.wild\t3600\tIN\tA\t192.0.2.97\n";

TEST(ZoneExport, MasterFileWritesEveryTypeInItsPresentationForm) {
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
      ZoneFromText("every.test.", kEveryType, "every.zone");
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(zones::ExportMasterFile(**zone), kEveryTypeExported);
  EXPECT_EQ(RoundTripProblem(**zone), "");
}

TEST(ZoneExport, RdataThatDoesNotParseAsItsTypeIsWrittenGenerically) {
  // RFC 3597 "\# len hex" for RDATA ldns cannot write back to itself
  // (an SSHFP of one octet), for types without a shared presentation, and
  // for empty RDATA.
  EXPECT_EQ(zones::RdataToText(44, std::string("\x01", 1)), "\\# 1 01");
  EXPECT_EQ(zones::RdataToText(1, std::string("\x01\x02\x03", 3)), "\\# 3 010203");
  EXPECT_EQ(zones::RdataToText(65280, std::string("\xab\xcd", 2)), "\\# 2 abcd");
  EXPECT_EQ(zones::RdataToText(99, ""), "\\# 0");
  // A name that runs past the RDATA.
  EXPECT_EQ(zones::RdataToText(2, std::string("\x03www", 4)), "\\# 4 03777777");
  EXPECT_EQ(zones::ExportTypeName(65280), "TYPE65280");
  EXPECT_EQ(zones::ExportTypeName(3), "TYPE3");  // MD: not every server knows it
  EXPECT_EQ(zones::ExportTypeName(65), "HTTPS");
}

TEST(ZoneExport, ZoneDifferenceSeesEveryKindOfChange) {
  // The comparison the round trips rely on does see differences.
  const std::string base = "$ORIGIN c.test.\n@ 60 IN SOA ns h 1 2 3 4 5\n@ 60 IN NS ns\nns 60 IN A 192.0.2.1\n";
  auto a = ZoneFromText("c.test.", base + "w 60 IN A 192.0.2.2\n");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(ZoneDifference(**a, **a, Compare::kEverything), "");
  const std::pair<std::string, std::string> changed[] = {
      {"w 61 IN A 192.0.2.2\n", "w.c.test. A: TTL 60 vs 61"},
      {"w 60 IN A 192.0.2.3\n", "w.c.test. A: values [192.0.2.2] vs [192.0.2.3]"},
      {"w 60 IN A 192.0.2.2\nw 60 IN A 192.0.2.3\n",
       "w.c.test. A: values [192.0.2.2] vs [192.0.2.2, 192.0.2.3]"},
      {"w 60 IN AAAA ::1\n", "w.c.test. A: missing"},
      {"x 60 IN A 192.0.2.2\n", "w.c.test.: missing"},
  };
  for (const auto& [tail, difference] : changed) {
    auto b = ZoneFromText("c.test.", base + tail);
    ASSERT_TRUE(b.ok()) << b.status();
    EXPECT_EQ(ZoneDifference(**a, **b, Compare::kStatic), difference);
  }
}

TEST(ZoneExport, ParseExportFormat) {
  EXPECT_EQ(zones::ParseExportFormat("zone"), zones::ExportFormat::kMasterFile);
  EXPECT_EQ(zones::ParseExportFormat("route53"), zones::ExportFormat::kRoute53Json);
  EXPECT_EQ(zones::ParseExportFormat("json"), std::nullopt);
  EXPECT_EQ(zones::ParseExportFormat(""), std::nullopt);
}

// A zone with routed record sets of every policy.
constexpr char kRoutedMaster[] = R"($ORIGIN r.test.
$TTL 300
@ IN SOA ns1 hostmaster 7 7200 3600 1209600 60
@ IN NS ns1
ns1 IN A 192.0.2.1
www IN A 192.0.2.10
)";

constexpr char kRoutedJson[] = R"({"ResourceRecordSets": [
  {"Name": "app.r.test.", "Type": "A", "SetIdentifier": "euw1", "Region": "eu-west-1",
   "TTL": 60, "HealthCheckId": "hc-1", "ResourceRecords": [{"Value": "192.0.2.101"}]},
  {"Name": "app.r.test.", "Type": "A", "SetIdentifier": "use1", "Region": "us-east-1",
   "TTL": 60, "ResourceRecords": [{"Value": "192.0.2.102"}, {"Value": "192.0.2.103"}]},
  {"Name": "w.r.test", "Type": "TXT", "SetIdentifier": "a", "Weight": 0, "TTL": 30,
   "ResourceRecords": [{"Value": "\"caf\\303\\251 \\\"x\\\"\""}]},
  {"Name": "w.r.test", "Type": "TXT", "SetIdentifier": "b", "Weight": 255, "TTL": 30,
   "ResourceRecords": [{"Value": "\"b\""}]},
  {"Name": "f.r.test.", "Type": "A", "SetIdentifier": "p", "Failover": "PRIMARY",
   "TTL": 30, "HealthCheckId": "hc-2", "ResourceRecords": [{"Value": "192.0.2.121"}]},
  {"Name": "f.r.test.", "Type": "A", "SetIdentifier": "s", "Failover": "SECONDARY",
   "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "www.r.test.", "EvaluateTargetHealth": false}},
  {"Name": "\\052.m.r.test.", "Type": "A", "SetIdentifier": "m1", "MultiValueAnswer": true,
   "TTL": 20, "ResourceRecords": [{"Value": "192.0.2.131"}]},
  {"Name": "\\052.m.r.test.", "Type": "A", "SetIdentifier": "m2", "MultiValueAnswer": true,
   "TTL": 20, "ResourceRecords": [{"Value": "192.0.2.132"}]},
  {"Name": "api.r.test.", "Type": "AAAA",
   "AliasTarget": {"HostedZoneId": "Z1", "DNSName": "app.r.test", "EvaluateTargetHealth": true}},
  {"Name": "c.r.test.", "Type": "CNAME", "SetIdentifier": "one", "Weight": 1, "TTL": 5,
   "ResourceRecords": [{"Value": "www.r.test"}]}
]})";

std::shared_ptr<const zones::Zone> RoutedZone() {
  zones::ZoneBuilder builder(Wire("r.test."));
  absl::Status s = zones::ReadMasterText(kRoutedMaster, "r.zone", &builder);
  EXPECT_TRUE(s.ok()) << s;
  s = zones::ReadRoute53JsonText(kRoutedJson, "r.json", &builder);
  EXPECT_TRUE(s.ok()) << s;
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = std::move(builder).Build();
  EXPECT_TRUE(zone.ok()) << zone.status();
  return zone.ok() ? *zone : nullptr;
}

TEST(ZoneExport, MasterFileLeavesRoutedRecordSetsOutAndSaysSo) {
  std::shared_ptr<const zones::Zone> zone = RoutedZone();
  ASSERT_NE(zone, nullptr);
  const std::string text = zones::ExportMasterFile(*zone);
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  ASSERT_GE(lines.size(), 5u);
  EXPECT_EQ(lines[0], "; r.test. serial 7: 4 records, exported by steerdns");
  EXPECT_EQ(lines[1],
            "; 10 routed record sets (Route 53 routing policies and aliases) are left out: "
            "a master file cannot express them; the Route 53 form has them (zonectl show "
            "r.test. --records --format route53)");
  EXPECT_EQ(lines[2], "$ORIGIN r.test.");
  EXPECT_EQ(lines[3], "$TTL 300");
  EXPECT_THAT(lines[4], StartsWith("@\t300\tIN\tSOA\t"));
  EXPECT_THAT(text, Not(HasSubstr("app")));
  EXPECT_THAT(text, Not(HasSubstr("192.0.2.101")));
  EXPECT_EQ(RoundTripProblem(*zone), "");
}

TEST(ZoneExport, Route53JsonIsWhatTheAwsCliPrints) {
  std::shared_ptr<const zones::Zone> zone = RoutedZone();
  ASSERT_NE(zone, nullptr);
  const std::string text = zones::ExportRoute53Json(*zone);
  // 4-space indent, AWS's field order, Route 53's escapes.
  EXPECT_THAT(text, StartsWith("{\n    \"ResourceRecordSets\": [\n        {\n"
                               "            \"Name\": \"r.test.\",\n"));
  EXPECT_THAT(text, HasSubstr(R"(        {
            "Name": "app.r.test.",
            "Type": "A",
            "SetIdentifier": "euw1",
            "Region": "eu-west-1",
            "TTL": 60,
            "ResourceRecords": [
                {
                    "Value": "192.0.2.101"
                }
            ],
            "HealthCheckId": "hc-1"
        },)"));
  EXPECT_THAT(text, HasSubstr(R"(        {
            "Name": "f.r.test.",
            "Type": "A",
            "SetIdentifier": "s",
            "Failover": "SECONDARY",
            "AliasTarget": {
                "DNSName": "www.r.test.",
                "EvaluateTargetHealth": false
            }
        })"));
  EXPECT_THAT(text, HasSubstr(R"("Name": "\\052.m.r.test.",
            "Type": "A",
            "SetIdentifier": "m1",
            "MultiValueAnswer": true,
            "TTL": 20,)"));
  // "\303\251" stays octal; a quote inside a string is \", which JSON
  // writes as \\\".
  EXPECT_THAT(text, HasSubstr(R"("Value": "\"caf\\303\\251 \\\"x\\\"\"")"));
  EXPECT_THAT(text, HasSubstr(R"("Weight": 0,)"));

  const nlohmann::json doc = nlohmann::json::parse(text);
  ASSERT_TRUE(doc.contains("ResourceRecordSets"));
  const nlohmann::json& sets = doc["ResourceRecordSets"];
  EXPECT_EQ(sets.size(), 4u /* SOA, NS, ns1 A, www A */ + 10);
  // Names in canonical order, the apex first; NS before SOA as Route 53
  // lists them (by type name).
  EXPECT_EQ(sets[0]["Type"], "NS");
  EXPECT_EQ(sets[1]["Type"], "SOA");
  EXPECT_EQ(RoundTripProblem(*zone), "");
}

TEST(ZoneExport, ExportIsDeterministic) {
  std::shared_ptr<const zones::Zone> zone = RoutedZone();
  ASSERT_NE(zone, nullptr);
  EXPECT_EQ(zones::ExportRoute53Json(*zone), zones::ExportRoute53Json(*zone));
  EXPECT_EQ(zones::ExportZone(*zone, zones::ExportFormat::kMasterFile),
            zones::ExportMasterFile(*zone));
}

TEST(ZoneExport, EveryZoneOfTheCorpusRoundTrips) {
  std::vector<std::string> skipped;
  const std::vector<CorpusZone> corpus = ExportCorpus(&skipped);
  for (const std::string& s : skipped) {
    EXPECT_THAT(s, Not(StartsWith("EXAMPLE "))) << "an example does not load";
    std::cout << "not a zone on its own (skipped): " << s << "\n";
  }
  EXPECT_GE(corpus.size(), 6u);
  for (const CorpusZone& c : corpus) {
    SCOPED_TRACE(c.label);
    std::cout << "round trip: " << c.label << " (" << c.origin << ", "
              << c.zone->record_count() << " records, "
              << c.zone->routed_record_set_count() << " routed record sets)\n";
    EXPECT_EQ(RoundTripProblem(*c.zone), "");
  }
}

}  // namespace
}  // namespace zones_test
