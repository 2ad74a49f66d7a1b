// File: tests/e2e/export_test.cc
//
// `zonectl show ORIGIN --records [--format zone|route53]` and
// `GET /v1/zones/{origin}/records` end to end: the real `steerdns` serving
// examples/example.com.zone + examples/route53/example.com.json (and the
// child sub.example.com.), the real `zonectl`.
//   - the master file, read by ldns (not by steerdns), holds exactly the
//     RRsets the server answers: every owner and type outside the
//     delegation is asked over TCP and the answer compared RR for RR;
//   - the Route 53 JSON has the routed record sets, and loaded back into
//     the server (`zonectl load`) exports the same record sets again;
//   - errors: unknown zone, bad --format, the API's statuses and types.
//
// Only 127.0.0.1 is used; every wait is bounded.
#include <stdio.h>

#include <map>
#include <memory>
#include <sstream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/control_client.h"
#include "tests/e2e/dns_client.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/server_process.h"

namespace e2e {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct ZoneFree {
  void operator()(ldns_zone* z) const { ldns_zone_deep_free(z); }
};

// The RRs of master-file text, read by ldns: (owner, type) -> RR texts.
// *soa gets the SOA. False (with *error) if ldns refuses the text.
bool ReadWithLdns(const std::string& text, const std::string& origin,
                  std::map<std::pair<std::string, ldns_rr_type>, std::vector<std::string>>* rrsets,
                  std::string* soa, std::string* error) {
  FILE* f = fmemopen(const_cast<char*>(text.data()), text.size(), "r");
  if (f == nullptr) {
    *error = "fmemopen failed";
    return false;
  }
  ldns_rdf* origin_rdf = ldns_dname_new_frm_str(origin.c_str());
  ldns_zone* raw = nullptr;
  int line = 0;
  const ldns_status st = ldns_zone_new_frm_fp_l(&raw, f, origin_rdf, 3600, LDNS_RR_CLASS_IN, &line);
  fclose(f);
  ldns_rdf_deep_free(origin_rdf);
  if (st != LDNS_STATUS_OK) {
    *error = std::string(ldns_get_errorstr_by_id(st)) + " at line " + std::to_string(line);
    return false;
  }
  std::unique_ptr<ldns_zone, ZoneFree> zone(raw);
  *soa = RRText(ldns_zone_soa(zone.get()));
  (*rrsets)[{origin, LDNS_RR_TYPE_SOA}].push_back(*soa);
  const ldns_rr_list* rrs = ldns_zone_rrs(zone.get());
  for (size_t i = 0; i < ldns_rr_list_rr_count(rrs); ++i) {
    const ldns_rr* rr = ldns_rr_list_rr(rrs, i);
    char* owner = ldns_rdf2str(ldns_rr_owner(rr));
    (*rrsets)[{owner, ldns_rr_get_type(rr)}].push_back(RRText(rr));
    free(owner);
  }
  return true;
}

class e2eExport : public TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    ServerOptions o = ServerOptions::ExampleZones(/*with_child=*/true);
    o.zones.push_back("example.com.=" + ExamplePath("route53/example.com.json"));
    o.ready_origin = "example.com.";
    o.control = true;
    ASSERT_TRUE(server_.Start(o));
  }
  void TearDown() override {
    if (server_.IsRunning()) EXPECT_TRUE(server_.Stop()) << "clean shutdown on SIGTERM";
  }

  ToolRun Z(const std::vector<std::string>& args) { return Zonectl(server_, args); }

  // `text` without comment lines and the SOA (whose serial a load may
  // move), for comparing two exports.
  static std::string WithoutSoa(const std::string& text) {
    std::string out, line;
    std::istringstream in(text);
    while (std::getline(in, line)) {
      if (line.rfind(";", 0) == 0 || line.find("\tSOA\t") != std::string::npos) continue;
      out += line + "\n";
    }
    return out;
  }
  static json WithoutSoa(const json& doc) {
    json out = json::array();
    for (const json& rs : doc.at("ResourceRecordSets")) {
      if (rs.value("Type", "") != "SOA") out.push_back(rs);
    }
    return out;
  }

  ServerProcess server_;
};

TEST_F(e2eExport, ShowRecordsPrintsTheMasterFileOfWhatTheServerAnswers) {
  ToolRun show = Z({"show", "example.com.", "--records"});
  ASSERT_TRUE(Succeeded(show));
  EXPECT_THAT(show.out, StartsWith("; example.com. serial "));
  EXPECT_THAT(show.out, HasSubstr("\n; 13 routed record sets (Route 53 routing policies and "
                                  "aliases) are left out"));
  EXPECT_THAT(show.out, HasSubstr("\n$ORIGIN example.com.\n"));

  std::map<std::pair<std::string, ldns_rr_type>, std::vector<std::string>> rrsets;
  std::string soa, error;
  ASSERT_TRUE(ReadWithLdns(show.out, "example.com.", &rrsets, &soa, &error))
      << error << "\n" << show.out;

  // Delegation points below the apex: their NS, glue and below are the
  // child's (served here too), not answers from this zone.
  std::set<std::string> cuts;
  for (const auto& [key, rrs] : rrsets) {
    if (key.second == LDNS_RR_TYPE_NS && key.first != "example.com.") cuts.insert(key.first);
  }
  ASSERT_EQ(cuts, std::set<std::string>{"sub.example.com."});
  auto below_cut = [&](const std::string& owner) {
    for (const std::string& cut : cuts) {
      if (owner == cut || (owner.size() > cut.size() &&
                           owner.compare(owner.size() - cut.size() - 1, cut.size() + 1,
                                         "." + cut) == 0)) {
        return true;
      }
    }
    return false;
  };

  size_t records = 0, asked = 0;
  for (const auto& [key, rrs] : rrsets) {
    records += rrs.size();
    const std::string& owner = key.first;
    if (below_cut(owner)) continue;
    Reply r;
    ASSERT_TRUE(AskTcp(Endpoint::V4(server_.port()), owner, key.second, {}, &r));
    EXPECT_TRUE(r.aa()) << Q(owner, key.second) << "\n" << r.ToString();
    EXPECT_TRUE(SectionEquals(r.answer(), rrs))
        << Q(owner, key.second) << ": the export says\n" << ::testing::PrintToString(rrs);
    ++asked;
  }
  // As many RRs as the zone reports (GET /v1/zones/example.com.).
  ToolRun info = Z({"show", "example.com.", "--json"});
  json zone;
  ASSERT_TRUE(ParsesAsJson(info, &zone));
  EXPECT_EQ(records, zone.at("records").get<size_t>());
  EXPECT_GE(asked, 20u);  // 24 RRsets outside the delegation today
}

TEST_F(e2eExport, ShowRecordsAsRoute53JsonHasTheRoutedSetsAndLoadsBackUnchanged) {
  ToolRun show = Z({"show", "example.com.", "--records", "--format", "route53"});
  ASSERT_TRUE(Succeeded(show));
  json doc;
  ASSERT_TRUE(ParsesAsJson(show, &doc));
  ASSERT_TRUE(doc.contains("ResourceRecordSets"));
  size_t routed = 0;
  bool saw_latency = false, saw_alias = false, saw_wildcard = false;
  for (const json& rs : doc["ResourceRecordSets"]) {
    if (rs.contains("SetIdentifier") || rs.contains("AliasTarget")) ++routed;
    saw_latency |= rs.value("Name", "") == "app.example.com." &&
                   rs.value("SetIdentifier", "") == "euw1" &&
                   rs.value("Region", "") == "eu-west-1" && rs.value("TTL", 0) == 60;
    saw_alias |= rs.contains("AliasTarget") && !rs.contains("TTL");
    saw_wildcard |= rs.value("Name", "") == "\\052.apps.example.com.";
  }
  EXPECT_EQ(routed, 13u);
  EXPECT_TRUE(saw_latency) << show.out;
  EXPECT_TRUE(saw_alias) << show.out;
  EXPECT_TRUE(saw_wildcard) << show.out;
  // --records --json is the same.
  ToolRun json_flag = Z({"show", "example.com.", "--records", "--json"});
  ASSERT_TRUE(Succeeded(json_flag));
  EXPECT_EQ(json_flag.out, show.out);

  // Load the export back as the whole zone: every record set, routed ones
  // included, comes out the same (the SOA serial may move with a load).
  const std::string master_before = Z({"show", "example.com.", "--records"}).out;
  const std::string path = WriteTemp("exported.json", show.out);
  ASSERT_TRUE(Succeeded(Z({"load", "example.com.", path})));
  ToolRun again = Z({"show", "example.com.", "--records", "--format", "route53"});
  ASSERT_TRUE(Succeeded(again));
  json doc_again;
  ASSERT_TRUE(ParsesAsJson(again, &doc_again));
  EXPECT_EQ(WithoutSoa(doc_again), WithoutSoa(doc));
  EXPECT_EQ(WithoutSoa(Z({"show", "example.com.", "--records"}).out), WithoutSoa(master_before));

  // The server answers from the reloaded zone: a latency member.
  Reply r;
  ASSERT_TRUE(AskUdp(Endpoint::V4(server_.port()), "app.example.com.", LDNS_RR_TYPE_A, {}, &r));
  EXPECT_EQ(CountType(r.answer(), LDNS_RR_TYPE_A), 1u) << r.ToString();

  // And `zonectl check` takes both exports as the server does.
  const std::string zone_path = WriteTemp("exported.zone", master_before);
  ToolRun check = RunZonectl({"check", "--origin", "example.com.", zone_path, path});
  EXPECT_TRUE(Succeeded(check));
}

TEST_F(e2eExport, ErrorsAndTheApi) {
  EXPECT_TRUE(FailedWithOneLine(Z({"show", "nosuch.example.", "--records"}), 1));
  ToolRun bad_format = Z({"show", "example.com.", "--records", "--format", "xml"});
  EXPECT_TRUE(FailedWithOneLine(bad_format, 2));
  EXPECT_THAT(bad_format.err, HasSubstr("--format is zone or route53"));
  EXPECT_TRUE(FailedWithOneLine(Z({"show", "example.com.", "--format", "zone"}), 2));
  EXPECT_TRUE(
      FailedWithOneLine(Z({"show", "example.com.", "--records", "--format", "zone", "--json"}), 2));

  HttpReply zone = Http(server_, "GET", "/v1/zones/Example.COM/records");
  EXPECT_EQ(zone.status, 200) << zone.Describe();
  EXPECT_THAT(zone.content_type, StartsWith("text/dns"));
  EXPECT_THAT(zone.body, HasSubstr("$ORIGIN example.com.\n"));
  HttpReply r53 = Http(server_, "GET", "/v1/zones/example.com./records?format=route53");
  EXPECT_EQ(r53.status, 200) << r53.Describe();
  EXPECT_THAT(r53.content_type, StartsWith("application/json"));
  EXPECT_TRUE(r53.body_json.contains("ResourceRecordSets")) << r53.Describe();
  HttpReply bad = Http(server_, "GET", "/v1/zones/example.com./records?format=xml");
  EXPECT_EQ(bad.status, 400) << bad.Describe();
  EXPECT_EQ(bad.body_json.value("code", ""), "InvalidInput") << bad.Describe();
  HttpReply none = Http(server_, "GET", "/v1/zones/nosuch.example./records");
  EXPECT_EQ(none.status, 404) << none.Describe();
  EXPECT_EQ(none.body_json.value("code", ""), "NoSuchZone") << none.Describe();
  HttpReply post = Http(server_, "POST", "/v1/zones/example.com./records", "{}");
  EXPECT_EQ(post.status, 405) << post.Describe();
}

}  // namespace
}  // namespace e2e
