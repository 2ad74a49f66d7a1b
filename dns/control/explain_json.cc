#include "dns/control/explain_json.h"

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>
#include <ldns/ldns.h>

#include <cmath>
#include <ctime>
#include <set>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/wire/dns_time.h"
#include "dns/wire/types.h"
#include "geo/regions.h"

namespace dns::control {
namespace {

using json = nlohmann::ordered_json;

std::string Str(std::string_view v) { return std::string(v); }

// The records of one reply section as presentation-format strings.
json Section(ldns_pkt* pkt, ldns_pkt_section which) {
  json out = json::array();
  ldns_rr_list* list = ldns_pkt_get_section_clone(pkt, which);
  for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
    char* text = ldns_rr2str(ldns_rr_list_rr(list, i));
    std::string line = text != nullptr ? text : "";
    free(text);
    while (!line.empty() && line.back() == '\n') line.pop_back();
    for (char& c : line)
      if (c == '\t') c = ' ';
    out.push_back(line);
  }
  ldns_rr_list_deep_free(list);
  return out;
}

json Reply(const uint8_t* reply, size_t len) {
  json r;
  if (len == 0) {
    r["dropped"] = true;
    return r;
  }
  ldns_pkt* pkt = nullptr;
  if (ldns_wire2pkt(&pkt, reply, len) != LDNS_STATUS_OK) {
    r["error"] = "reply does not decode";
    return r;
  }
  ldns_lookup_table* rc = ldns_lookup_by_id(ldns_rcodes, ldns_pkt_get_rcode(pkt));
  int rcode = ldns_pkt_get_rcode(pkt) | (ldns_pkt_edns_extended_rcode(pkt) << 4);
  r["rcode"] = rcode == 16 ? "BADVERS" : (rc != nullptr ? rc->name : std::to_string(rcode));
  json flags = json::array();
  if (ldns_pkt_aa(pkt)) flags.push_back("aa");
  if (ldns_pkt_tc(pkt)) flags.push_back("tc");
  if (ldns_pkt_rd(pkt)) flags.push_back("rd");
  r["flags"] = flags;
  r["answer"] = Section(pkt, LDNS_SECTION_ANSWER);
  r["authority"] = Section(pkt, LDNS_SECTION_AUTHORITY);
  r["additional"] = Section(pkt, LDNS_SECTION_ADDITIONAL);
  // The TTL of the answer (the member's, for routed names).
  ldns_rr_list* answer = ldns_pkt_answer(pkt);
  if (ldns_rr_list_rr_count(answer) > 0)
    r["ttl"] = ldns_rr_ttl(ldns_rr_list_rr(answer, ldns_rr_list_rr_count(answer) - 1));
  r["size"] = len;
  ldns_pkt_free(pkt);
  return r;
}

// How the zone is signed, and what signed this reply: the key tags of the
// RRSIGs it carries (by section), which say "signed with which key".
json Dnssec(const Trace& trace, const uint8_t* reply, size_t len) {
  json d;
  d["zone"] = trace.zone_signing;
  d["do"] = trace.dnssec_ok;
  if (!trace.zsk_tags.empty()) d["zsk_tags"] = trace.zsk_tags;
  if (!trace.ksk_tags.empty()) d["ksk_tags"] = trace.ksk_tags;
  if (trace.signatures_expire != 0)
    d["signatures_expire"] = FormatUtc(trace.signatures_expire, "%Y-%m-%dT%H:%M:%SZ");
  std::set<uint16_t> tags;
  size_t rrsigs = 0;
  ldns_pkt* pkt = nullptr;
  if (len > 0 && ldns_wire2pkt(&pkt, reply, len) == LDNS_STATUS_OK) {
    for (ldns_pkt_section s : {LDNS_SECTION_ANSWER, LDNS_SECTION_AUTHORITY}) {
      ldns_rr_list* list = ldns_pkt_get_section_clone(pkt, s);
      for (size_t i = 0; i < ldns_rr_list_rr_count(list); ++i) {
        ldns_rr* rr = ldns_rr_list_rr(list, i);
        if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG || ldns_rr_rrsig_keytag(rr) == nullptr)
          continue;
        ++rrsigs;
        tags.insert(ldns_rdf2native_int16(ldns_rr_rrsig_keytag(rr)));
      }
      ldns_rr_list_deep_free(list);
    }
    ldns_pkt_free(pkt);
  }
  d["answer_signed"] = rrsigs > 0;
  d["rrsigs"] = rrsigs;
  d["signed_by"] = std::vector<uint16_t>(tags.begin(), tags.end());
  return d;
}

json Candidate(const RoutingDecision& d, const geo::CandidateTrace& c,
               const HealthReasons* reasons, const geo::HealthTable* health) {
  json j;
  j["set_identifier"] = c.index < d.set_identifiers.size() ? d.set_identifiers[c.index] : "";
  const std::string& region = c.index < d.member_regions.size() ? d.member_regions[c.index] : "";
  if (!region.empty()) j["region"] = region;
  if (c.rank >= 0) j["rank"] = c.rank + 1;  // 1 = nearest
  if (d.policy == "weighted") j["weight"] = c.weight;
  if (c.role == geo::FailoverRole::kPrimary) j["failover"] = "PRIMARY";
  if (c.role == geo::FailoverRole::kSecondary) j["failover"] = "SECONDARY";
  if (c.index < d.alias_targets.size() && !d.alias_targets[c.index].empty())
    j["alias_target"] = d.alias_targets[c.index];
  j["healthy"] = c.state.healthy;
  if (c.state.overridden) j["health_from"] = "alias target";
  if (c.index < d.health_check_ids.size() && !d.health_check_ids[c.index].empty()) {
    const std::string& id = d.health_check_ids[c.index];
    json h;
    h["id"] = id;
    const bool up = health == nullptr || health->healthy(c.health_slot);
    h["state"] = up ? "healthy" : "unhealthy";
    if (reasons != nullptr) {
      auto it = reasons->find(id);
      h["reason"] = it != reasons->end() ? json(it->second) : json("not configured");
    }
    j["health_check"] = h;
  }
  j["admin"] = Str(geo::AdminStateName(c.state.admin));
  j["picked"] = c.skip == geo::SkipReason::kNone;
  if (c.skip != geo::SkipReason::kNone) j["skipped"] = Str(geo::SkipReasonName(c.skip));
  return j;
}

json Decision(const RoutingDecision& d, const HealthReasons* reasons,
              const geo::HealthTable* health) {
  json j;
  char buf[16];
  j["name"] = d.owner;
  j["type"] = RRTypeName(d.type, buf);
  j["policy"] = d.policy;
  if (!d.source.empty()) j["source"] = d.source;
  if (d.policy == "latency") {
    json row;
    if (d.rank.matched) {
      row["network"] = d.rank.network.ToString();
      json order = json::array();
      for (size_t i = 0; i < d.table_regions.size(); ++i) {
        json r;
        r["region"] = d.table_regions[i];
        // Rounded to 0.1 ms: the table's float would print as 25.100000381469727.
        if (i < d.rank.rtt_ms.size()) r["rtt_ms"] = std::round(d.rank.rtt_ms[i] * 10.0) / 10.0;
        order.push_back(r);
      }
      row["ranking"] = order;
    } else {
      row = nullptr;  // no row matched: members in their own order
    }
    j["table_row"] = row;
  }
  json candidates = json::array();
  for (const geo::CandidateTrace& c : d.pick.candidates) candidates.push_back(Candidate(d, c, reasons, health));
  j["candidates"] = candidates;
  j["fail_open"] = d.pick.fail_open;
  json answered = json::array();
  for (uint32_t i : d.answered)
    answered.push_back(i < d.set_identifiers.size() ? d.set_identifiers[i] : std::to_string(i));
  j["answered"] = answered;
  return j;
}

}  // namespace

std::string ExplainJson(const Trace& trace, const uint8_t* reply, size_t reply_len,
                        const HealthReasons* health_reasons) {
  json j;
  j["zone"] = trace.zone.empty() ? json(nullptr) : json(trace.zone);
  if (!trace.lookup.empty()) j["lookup"] = trace.lookup;
  if (!trace.client_address.empty()) {
    json c;
    c["address"] = trace.client_address;
    c["from"] = trace.client_source;
    j["client"] = c;
  }
  if (trace.ecs_source_prefix >= 0) {
    json e;
    e["source_prefix"] = trace.ecs_source_prefix;
    e["scope_prefix"] = trace.scope;
    j["ecs"] = e;
  }
  j["routed"] = !trace.decisions.empty();
  json decisions = json::array();
  for (const RoutingDecision& d : trace.decisions) decisions.push_back(Decision(d, health_reasons, trace.health));
  j["decisions"] = decisions;
  bool fail_open = false;
  for (const RoutingDecision& d : trace.decisions) fail_open |= d.pick.fail_open;
  j["fail_open"] = fail_open;
  j["scope"] = trace.scope;
  j["reply"] = Reply(reply, reply_len);
  if (!trace.zone_signing.empty()) j["dnssec"] = Dnssec(trace, reply, reply_len);
  return j.dump(2);
}

}  // namespace dns::control
