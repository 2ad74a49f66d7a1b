// File: tests/zones/test_util.cc
#include "tests/zones/test_util.h"

#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "gtest/gtest.h"
#include "zones/builder.h"
#include "zones/master_file.h"
#include "zones/route53_json.h"
#include "zones/zone_export.h"

namespace zones_test {

TempFolder::TempFolder() {
  std::string pattern = testing::TempDir();
  if (pattern.empty() || pattern.back() != '/') pattern.push_back('/');
  pattern += "zones_test_XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mkdtemp");
    std::abort();
  }
  path_ = std::move(pattern);
}

TempFolder::~TempFolder() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string TempFolder::Write(const std::string& relative,
                              std::string_view content) const {
  const std::filesystem::path full = std::filesystem::path(path_) / relative;
  std::filesystem::create_directories(full.parent_path());
  std::ofstream out(full, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "cannot write %s\n", full.c_str());
    std::abort();
  }
  return full.string();
}

std::string Wire(std::string_view text) {
  std::string wire;
  if (!dns::NameFromText(text, &wire)) {
    std::fprintf(stderr, "bad test name %.*s\n", static_cast<int>(text.size()),
                 text.data());
    std::abort();
  }
  return wire;
}

dns::Name QName(std::string_view text) {
  dns::Name name;
  if (!name.ParseText(text)) {
    std::fprintf(stderr, "bad test name %.*s\n", static_cast<int>(text.size()),
                 text.data());
    std::abort();
  }
  return name;
}

std::string Bytes(std::initializer_list<int> octets) {
  std::string s;
  for (int o : octets) s.push_back(static_cast<char>(o));
  return s;
}

absl::Status ReadZoneHead(zones::ZoneBuilder* builder, std::string_view more,
                          const std::string& display_name) {
  return zones::ReadMasterText(absl::StrCat(kZoneHead, base::AV(more)),
                               display_name, builder);
}

absl::StatusOr<std::shared_ptr<const zones::Zone>> ZoneFromText(
    std::string_view origin, std::string_view text,
    const std::string& display_name) {
  zones::ZoneBuilder builder(Wire(origin));
  absl::Status s = zones::ReadMasterText(text, display_name, &builder);
  if (!s.ok()) return s;
  absl::StatusOr<std::shared_ptr<const zones::Zone>> zone = std::move(builder).Build();
  // Every zone a test builds also goes through the export round trip
  // (zones/zone_export.h): what we serve, we can show and reload.
  if (zone.ok()) {
    if (std::string problem = RoundTripProblem(**zone); !problem.empty()) {
      ADD_FAILURE() << "zone " << origin << " from " << display_name
                    << " does not survive export and reload: " << problem;
    }
  }
  return zone;
}

// --- Comparing zones; the export round trip ---
namespace {

using zones::Node;
using zones::RoutedGroup;
using zones::RoutedMember;
using zones::RRset;
using zones::Zone;

std::string TypeText(uint16_t type) {
  char buf[16];
  return dns::RRTypeName(type, buf);
}

std::vector<std::string> SortedValues(const RRset& rrset) {
  std::vector<std::string> v;
  for (size_t i = 0; i < rrset.count; ++i) v.emplace_back(rrset.rdata(i));
  std::sort(v.begin(), v.end());
  return v;
}

std::string ValuesText(uint16_t type, const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i)
    absl::StrAppend(&out, i ? ", " : "", zones::RdataToText(type, values[i]));
  return out + "]";
}

std::string RRsetDifference(const std::string& where, const RRset& a, const RRset& b) {
  if (a.ttl != b.ttl) return absl::StrCat(where, ": TTL ", a.ttl, " vs ", b.ttl);
  const std::vector<std::string> va = SortedValues(a), vb = SortedValues(b);
  if (va != vb) {
    return absl::StrCat(where, ": values ", ValuesText(a.type, va), " vs ",
                        ValuesText(b.type, vb));
  }
  return "";
}

// Owner -> node, for the nodes that hold data of the kind compared.
std::map<std::string, const Node*> DataNodes(const Zone& zone, Compare what) {
  std::map<std::string, const Node*> nodes;
  for (size_t i = 0; i < zone.node_count(); ++i) {
    const Node& n = zone.node(static_cast<uint32_t>(i));
    if (!n.rrsets.empty() || (what == Compare::kEverything && !n.routed.empty()))
      nodes.emplace(n.owner, &n);
  }
  return nodes;
}

std::string MemberDifference(const std::string& where, const RoutedMember& a,
                             const RoutedMember& b) {
  auto differs = [&](std::string_view field, const auto& x, const auto& y) {
    std::ostringstream out;
    out << where << ": " << field << " " << x << " vs " << y;
    return out.str();
  };
  if (a.region != b.region) return differs("Region", a.region, b.region);
  if (a.weight != b.weight) return differs("Weight", a.weight, b.weight);
  if (a.failover != b.failover)
    return differs("Failover", static_cast<int>(a.failover), static_cast<int>(b.failover));
  if (a.health_check_id != b.health_check_id)
    return differs("HealthCheckId", a.health_check_id, b.health_check_id);
  if (a.alias_target != b.alias_target) {
    return differs("AliasTarget", dns::NameToText(a.alias_target),
                   dns::NameToText(b.alias_target));
  }
  if (a.evaluate_target_health != b.evaluate_target_health) {
    return differs("EvaluateTargetHealth", a.evaluate_target_health,
                   b.evaluate_target_health);
  }
  if (a.rrset.count != b.rrset.count)
    return differs("value count", a.rrset.count, b.rrset.count);
  if (a.rrset.count == 0) return "";
  return RRsetDifference(where, a.rrset, b.rrset);
}

std::string GroupDifference(const std::string& where, const RoutedGroup& a,
                            const RoutedGroup& b) {
  if (a.policy != b.policy) {
    return absl::StrCat(where, ": policy ", zones::RoutingPolicyName(a.policy), " vs ",
                        zones::RoutingPolicyName(b.policy));
  }
  if (a.members.size() != b.members.size()) {
    return absl::StrCat(where, ": ", a.members.size(), " vs ", b.members.size(),
                        " members");
  }
  std::map<std::string, const RoutedMember*> mb;
  for (const RoutedMember& m : b.members) mb.emplace(m.set_identifier, &m);
  for (const RoutedMember& m : a.members) {
    const std::string w = absl::StrCat(where, " set-identifier='", m.set_identifier, "'");
    auto it = mb.find(m.set_identifier);
    if (it == mb.end()) return absl::StrCat(w, ": missing");
    if (std::string d = MemberDifference(w, m, *it->second); !d.empty()) return d;
  }
  return "";
}

// Reads `text` with `read` into a builder for `origin` and builds it.
template <typename ReadFn>
absl::StatusOr<std::shared_ptr<const Zone>> Reload(const std::string& origin,
                                                   ReadFn read) {
  zones::ZoneBuilder builder(origin);
  if (absl::Status s = read(&builder); !s.ok()) return s;
  return std::move(builder).Build();
}

}  // namespace

std::string ZoneDifference(const Zone& a, const Zone& b, Compare what) {
  if (a.origin() != b.origin()) {
    return absl::StrCat("origin ", dns::NameToText(a.origin()), " vs ",
                        dns::NameToText(b.origin()));
  }
  const auto na = DataNodes(a, what), nb = DataNodes(b, what);
  for (const auto& [owner, node] : na) {
    if (!nb.count(owner)) return absl::StrCat(dns::NameToText(owner), ": missing");
  }
  for (const auto& [owner, node] : nb) {
    if (!na.count(owner)) return absl::StrCat(dns::NameToText(owner), ": extra");
  }
  for (const auto& [owner, x] : na) {
    const Node* y = nb.at(owner);
    const std::string name = dns::NameToText(owner);
    if (x->rrsets.size() != y->rrsets.size()) {
      std::string ta, tb;
      for (const RRset& r : x->rrsets) absl::StrAppend(&ta, " ", TypeText(r.type));
      for (const RRset& r : y->rrsets) absl::StrAppend(&tb, " ", TypeText(r.type));
      return absl::StrCat(name, ": types", ta, " vs", tb);
    }
    for (const RRset& r : x->rrsets) {
      const std::string where = absl::StrCat(name, " ", TypeText(r.type));
      const RRset* s = y->Find(r.type);
      if (s == nullptr) return absl::StrCat(where, ": missing");
      if (std::string d = RRsetDifference(where, r, *s); !d.empty()) return d;
    }
    if (what != Compare::kEverything) continue;
    if (x->routed.size() != y->routed.size()) {
      return absl::StrCat(name, ": ", x->routed.size(), " vs ", y->routed.size(),
                          " routed groups");
    }
    for (const RoutedGroup& g : x->routed) {
      const std::string where = absl::StrCat(name, " ", TypeText(g.type), " (routed)");
      const RoutedGroup* h = y->FindRouted(g.type);
      if (h == nullptr) return absl::StrCat(where, ": missing");
      if (std::string d = GroupDifference(where, g, *h); !d.empty()) return d;
    }
  }
  return "";
}

std::string RoundTripProblem(const Zone& zone) {
  const std::string master = zones::ExportMasterFile(zone);
  absl::StatusOr<std::shared_ptr<const Zone>> from_master =
      Reload(zone.origin(), [&](zones::ZoneBuilder* b) {
        return zones::ReadMasterText(master, "exported.zone", b);
      });
  if (!from_master.ok()) {
    return absl::StrCat("the exported master file does not load: ",
                        from_master.status().message(), "\n", master);
  }
  if (std::string d = ZoneDifference(zone, **from_master, Compare::kStatic); !d.empty())
    return absl::StrCat("master file round trip: ", d, "\n", master);
  if ((*from_master)->routed_record_set_count() != 0)
    return absl::StrCat("the exported master file has routed record sets\n", master);

  const std::string json = zones::ExportRoute53Json(zone);
  absl::StatusOr<std::shared_ptr<const Zone>> from_json =
      Reload(zone.origin(), [&](zones::ZoneBuilder* b) {
        return zones::ReadRoute53JsonText(json, "exported.json", b);
      });
  if (!from_json.ok()) {
    return absl::StrCat("the exported Route 53 JSON does not load: ",
                        from_json.status().message(), "\n", json);
  }
  if (std::string d = ZoneDifference(zone, **from_json, Compare::kEverything); !d.empty())
    return absl::StrCat("Route 53 JSON round trip: ", d, "\n", json);
  return "";
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

ToolResult RunTool(const std::vector<std::string>& argv, const std::string& dir) {
  std::vector<std::string> full = {"/usr/bin/timeout", "30"};
  full.insert(full.end(), argv.begin(), argv.end());
  const std::string out_path = dir + "/tool.out", err_path = dir + "/tool.err";
  const pid_t pid = fork();
  if (pid == 0) {
    FILE* out = std::freopen(out_path.c_str(), "w", stdout);
    FILE* err = std::freopen(err_path.c_str(), "w", stderr);
    if (out == nullptr || err == nullptr) _exit(127);
    std::vector<char*> args;
    for (std::string& a : full) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  ToolResult r;
  int wstatus = 0;
  if (pid > 0 && waitpid(pid, &wstatus, 0) == pid && WIFEXITED(wstatus))
    r.status = WEXITSTATUS(wstatus);
  r.out = ReadText(out_path);
  r.err = ReadText(err_path);
  return r;
}

}  // namespace zones_test
