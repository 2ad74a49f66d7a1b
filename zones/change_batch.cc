// File: zones/change_batch.cc
//
// A change batch → a new Zone.
//
// The changes act on record sets, not on the compiled zone: the first time
// a change names an owner, that owner's static RRsets and routed members
// are turned back into Route53RecordSets (values from the pre-encoded
// wire, RRset::rdata), and every later change of the batch works on that
// list. Owners no change names are never converted. At the end the zone is
// rebuilt with a ZoneBuilder: untouched owners straight from the old nodes,
// touched ones from their lists, the record sets the changes wrote last, in
// change order, so that Build()'s "first problem in file order" falls on
// what the batch wrote where it can.
//
// Builder locations: the record sets the zone had are at a source named
// "zone <origin>", those change N wrote at one named "change N (ACTION)";
// so Build()'s "file:line: message" reads "change 2 (CREATE): record set
// [...]: what" without any rewriting. The Zone reports the old zone's
// sources plus display_name instead (ZoneBuilder::SetZoneSources).
//
// Each record set a change carries is also added alone to a throwaway
// builder first: the builder's checks of one record (malformed RDATA,
// several CNAME values, a routed NS, ...) then fail in change order, before
// the rules between record sets.
#include "zones/change_batch.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "zones/builder.h"
#include "zones/route53_json.h"
#include "zones/zone_export.h"

namespace zones {
namespace {

using Json = nlohmann::json;
using dns::rrtype::kCNAME;
using dns::rrtype::kNS;
using dns::rrtype::kNSEC;
using dns::rrtype::kRRSIG;
using dns::rrtype::kSOA;

// Debian's Abseil has its own absl::string_view (not std::string_view).
using base::AV;

absl::Status Invalid(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}

enum class Action : uint8_t { kCreate, kDelete, kUpsert };

const char* ActionName(Action action) {
  switch (action) {
    case Action::kCreate: return "CREATE";
    case Action::kDelete: return "DELETE";
    case Action::kUpsert: return "UPSERT";
  }
  return "?";
}

std::optional<Action> ParseAction(std::string_view text) {
  if (text == "CREATE") return Action::kCreate;
  if (text == "DELETE") return Action::kDelete;
  if (text == "UPSERT") return Action::kUpsert;
  return std::nullopt;
}

std::string TypeText(uint16_t type) {
  char buf[16];
  return dns::RRTypeName(type, buf);
}

// Types that may sit beside a CNAME (RFC 4035 §2.5), as the builder allows.
bool BesideCname(uint16_t type) { return type == kRRSIG || type == kNSEC; }

// A record set of the evolving state.
struct Entry {
  Route53RecordSet rs;  // values canonical (names lower-cased), unique
  int change = -1;      // index of the change that wrote it; -1: the zone's
};

// Route 53's identity of a record set inside one owner.
bool SameKey(const Route53RecordSet& a, const Route53RecordSet& b) {
  return a.type == b.type && a.member.set_identifier == b.member.set_identifier;
}

// The record sets of a zone node, as the builder would take them back.
std::vector<Entry> EntriesOf(const Node& node) {
  std::vector<Entry> entries;
  std::vector<Route53RecordSet> sets = RecordSetsOf(node);
  entries.reserve(sets.size());
  for (Route53RecordSet& rs : sets) entries.emplace_back().rs = std::move(rs);
  return entries;
}

// Lower-cases the names inside the values, as the zone stores them, and
// drops repeated values (the builder would too). The values passed the
// builder's checks already (CheckAlone).
void Canonicalize(Route53RecordSet* rs) {
  std::vector<std::string> unique;
  unique.reserve(rs->rdatas.size());
  absl::flat_hash_set<std::string> seen;
  for (std::string& v : rs->rdatas) {
    CanonicalizeRdata(rs->type, &v);
    if (seen.insert(v).second) unique.push_back(std::move(v));
  }
  rs->rdatas = std::move(unique);
}

bool SameValues(const std::vector<std::string>& a,
                const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  std::vector<std::string_view> x(a.begin(), a.end());
  std::vector<std::string_view> y(b.begin(), b.end());
  std::sort(x.begin(), x.end());
  std::sort(y.begin(), y.end());
  return x == y;
}

// Whether a DELETE's record set `req` is exactly the current `cur` (which
// has its key): TTL, values as a set, routing fields. A HealthCheckId on
// a plain record set is not kept by the zone, so it is not compared.
bool Matches(const Route53RecordSet& cur, const Route53RecordSet& req) {
  if (cur.routed != req.routed) return false;
  if (cur.routed) {
    const RoutedMember& a = cur.member;
    const RoutedMember& b = req.member;
    if (cur.policy != req.policy || a.region != b.region ||
        a.weight != b.weight || a.failover != b.failover ||
        a.health_check_id != b.health_check_id ||
        a.alias_target != b.alias_target ||
        a.evaluate_target_health != b.evaluate_target_health) {
      return false;
    }
  }
  return cur.ttl == req.ttl && SameValues(cur.rdatas, req.rdatas);
}

// "resource record set [name='www.example.com.', type='A']", as Route 53's
// "Tried to ..." messages name a record set.
std::string Resource(const Route53RecordSet& rs) {
  return absl::StrCat(
      "resource ",
      DescribeRecordSet(rs.owner, rs.type, rs.member.set_identifier));
}

// Route 53's rules between `rs`, about to be written, and the other record
// sets of its owner (`skip`: the index of the one it replaces, or npos).
// Returns Route 53's message for the first one broken, or "".
std::string Conflict(const std::vector<Entry>& entries, size_t skip,
                     const Route53RecordSet& rs, const std::string& origin) {
  const std::string name = dns::NameToText(rs.owner);
  const std::string zone = dns::NameToText(origin);
  const std::string type = TypeText(rs.type);
  if (rs.type == kCNAME && rs.owner == origin) {
    return absl::StrCat("RRSet of type CNAME with DNS name ", name,
                        " is not permitted at apex in zone ", zone);
  }
  for (size_t k = 0; k < entries.size(); ++k) {
    const Route53RecordSet& o = entries[k].rs;
    if (k == skip || o.type == rs.type || BesideCname(o.type) ||
        BesideCname(rs.type)) {
      continue;
    }
    if (rs.type == kCNAME) {
      return absl::StrCat("RRSet of type CNAME with DNS name ", name,
                          " is not permitted as it conflicts with other "
                          "records with the same DNS name in zone ",
                          zone);
    }
    if (o.type == kCNAME) {
      return absl::StrCat("RRSet of type ", type, " with DNS name ", name,
                          " is not permitted because a conflicting RRSet of "
                          "type CNAME with the same DNS name already exists "
                          "in zone ",
                          zone);
    }
  }
  // The group of this name and type.
  const std::string head =
      absl::StrCat("RRSet with DNS name ", name, ", type ", type);
  for (size_t k = 0; k < entries.size(); ++k) {
    const Route53RecordSet& o = entries[k].rs;
    if (k == skip || o.type != rs.type) continue;
    // `o` has another key: a routed member with a SetIdentifier, or (when
    // `rs` has one) a plain record set or a simple alias.
    if (!rs.routed || rs.policy == RoutingPolicy::kSimple) {
      return absl::StrCat(head,
                          " cannot be created as other RRSets exist with the "
                          "same name and type.");
    }
    const std::string& id = rs.member.set_identifier;
    if (!o.routed || o.policy != rs.policy) {
      if (rs.policy == RoutingPolicy::kMultiValue) {
        return absl::StrCat(head, ", SetIdentifier ", id,
                            " cannot be created because a non multivalue "
                            "answer rrset exists with the same name and "
                            "type.");
      }
      return absl::StrCat(head, ", SetIdentifier ", id,
                          " cannot be created as a non-",
                          RoutingPolicyName(rs.policy),
                          " set exists with the same name and type.");
    }
    if (rs.policy == RoutingPolicy::kLatency &&
        o.member.region == rs.member.region) {
      return absl::StrCat(head, ", SetIdentifier ", id, ", and Region Name=",
                          rs.member.region,
                          " cannot be created because a latency RRSet with "
                          "the same name, type and region already exists.");
    }
  }
  return "";
}

// The builder's checks of one record set on its own, in a throwaway
// builder: "where: record set [...]: what" on a problem.
absl::Status CheckAlone(const Route53RecordSet& rs, const std::string& origin,
                        const std::string& where) {
  ZoneBuilder scratch(origin);
  const int file = scratch.AddSource(where);
  return AddRoute53RecordSet(rs, SourceLocation{file, 0}, &scratch);
}

// The record sets of the owners the batch touched, each loaded from the
// zone the first time.
class State {
 public:
  using Owner = std::pair<std::string, std::vector<Entry>>;

  explicit State(const Zone& zone) : zone_(zone) {}

  // The record sets of `owner` (valid until the next call).
  std::vector<Entry>& At(const std::string& owner) {
    auto [it, added] = index_.try_emplace(owner, owners_.size());
    if (added) {
      const Node* node = zone_.Find(owner);
      owners_.emplace_back(owner, node != nullptr ? EntriesOf(*node)
                                                  : std::vector<Entry>());
    }
    return owners_[it->second].second;
  }

  // The record sets of `owner` if the batch touched it, else nullptr.
  const std::vector<Entry>* Touched(std::string_view owner) const {
    auto it = index_.find(AV(owner));
    return it == index_.end() ? nullptr : &owners_[it->second].second;
  }

  // Touched owners, in the order the batch first named them.
  const std::vector<Owner>& owners() const { return owners_; }

 private:
  const Zone& zone_;
  std::vector<Owner> owners_;
  absl::flat_hash_map<std::string, size_t> index_;
};

// One change applied to `state`.
absl::Status Apply(Action action, Route53RecordSet rs, int change,
                   const std::string& origin, State* state) {
  std::vector<Entry>& entries = state->At(rs.owner);
  size_t found = std::string::npos;
  for (size_t k = 0; k < entries.size() && found == std::string::npos; ++k) {
    if (SameKey(entries[k].rs, rs)) found = k;
  }
  switch (action) {
    case Action::kDelete:
      if (found == std::string::npos) {
        return Invalid(absl::StrCat("Tried to delete ", Resource(rs),
                                    " but it was not found"));
      }
      if (!Matches(entries[found].rs, rs)) {
        return Invalid(absl::StrCat(
            "Tried to delete ", Resource(rs),
            " but the values provided do not match the current values"));
      }
      entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(found));
      return absl::OkStatus();
    case Action::kCreate:
      if (found != std::string::npos) {
        return Invalid(absl::StrCat("Tried to create ", Resource(rs),
                                    " but it already exists"));
      }
      break;
    case Action::kUpsert:
      break;
  }
  if (std::string conflict = Conflict(entries, found, rs, origin);
      !conflict.empty()) {
    return Invalid(std::move(conflict));
  }
  if (found != std::string::npos) {
    entries[found] = Entry{std::move(rs), change};
  } else {
    entries.push_back(Entry{std::move(rs), change});
  }
  return absl::OkStatus();
}

// Route 53's rules of the apex after the last change (only if the batch
// touched it: the zone's own apex satisfies them).
absl::Status CheckApex(const State& state, const std::string& origin) {
  const std::vector<Entry>* apex = state.Touched(origin);
  if (apex == nullptr) return absl::OkStatus();
  bool has_ns = false;
  const Route53RecordSet* soa = nullptr;
  for (const Entry& e : *apex) {
    if (e.rs.routed) continue;
    if (e.rs.type == kNS) has_ns = true;
    if (e.rs.type == kSOA) soa = &e.rs;
  }
  if (!has_ns) {
    return Invalid(
        "A HostedZone must contain at least one NS record for the zone "
        "itself.");
  }
  if (soa == nullptr || soa->rdatas.size() != 1)
    return Invalid("A HostedZone must contain exactly one SOA record.");
  return absl::OkStatus();
}

// The new zone: the old one's record sets, minus and plus the batch's.
absl::StatusOr<std::shared_ptr<const Zone>> Rebuild(
    const Zone& zone, const State& state, const std::vector<Action>& actions,
    const std::string& display_name) {
  ZoneBuilder builder(zone.origin());
  const SourceLocation zone_loc{
      builder.AddSource(absl::StrCat("zone ", dns::NameToText(zone.origin()))),
      0};
  std::vector<int> change_file(actions.size());
  for (size_t i = 0; i < actions.size(); ++i) {
    change_file[i] = builder.AddSource(
        absl::StrCat("change ", i + 1, " (", ActionName(actions[i]), ")"));
  }
  std::vector<std::string> sources = zone.sources();
  if (std::find(sources.begin(), sources.end(), display_name) == sources.end())
    sources.push_back(display_name);
  builder.SetZoneSources(std::move(sources));

  // Untouched owners, straight from the nodes.
  for (size_t i = 0; i < zone.node_count(); ++i) {
    const Node& node = zone.node(static_cast<uint32_t>(i));
    if (node.empty_non_terminal() || state.Touched(node.owner) != nullptr)
      continue;
    for (const RRset& rrset : node.rrsets) {
      for (size_t k = 0; k < rrset.count; ++k) {
        absl::Status s = builder.Add(node.owner, rrset.type, dns::rrclass::kIN,
                                     rrset.rr_ttl(k), rrset.rdata(k), zone_loc);
        if (!s.ok()) return s;
      }
    }
    for (const RoutedGroup& group : node.routed) {
      for (const RoutedMember& m : group.members) {
        absl::Status s = AddRoute53RecordSet(
            RoutedRecordSetOf(node.owner, group, m), zone_loc, &builder);
        if (!s.ok()) return s;
      }
    }
  }
  // Touched owners: what they kept, then what the changes wrote.
  std::vector<const Entry*> written;
  for (const State::Owner& owner : state.owners()) {
    for (const Entry& e : owner.second) {
      if (e.change >= 0) {
        written.push_back(&e);
      } else if (absl::Status s = AddRoute53RecordSet(e.rs, zone_loc, &builder);
                 !s.ok()) {
        return s;
      }
    }
  }
  std::stable_sort(written.begin(), written.end(),
                   [](const Entry* a, const Entry* b) {
                     return a->change < b->change;
                   });
  for (const Entry* e : written) {
    absl::Status s = AddRoute53RecordSet(
        e->rs, SourceLocation{change_file[e->change], 0}, &builder);
    if (!s.ok()) return s;
  }
  return std::move(builder).Build();
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Zone>> ApplyChangeBatch(
    const Zone& zone, std::string_view batch_json,
    const std::string& display_name) {
  Json doc;
  if (absl::Status s = ParseJsonDocument(batch_json, display_name, &doc);
      !s.ok()) {
    return s;
  }
  const std::string expected = absl::StrCat(
      display_name,
      ": expected a JSON object with a \"Changes\" array (a Route 53 change "
      "batch: {\"Changes\":[{\"Action\":\"CREATE\",\"ResourceRecordSet\":"
      "{...}}]}, or the same as {\"ChangeBatch\":{...}})");
  if (!doc.is_object()) return Invalid(expected);
  const Json* batch = &doc;
  if (auto wrapped = doc.find("ChangeBatch"); wrapped != doc.end()) {
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      if (it.key() != "ChangeBatch" && it.key() != "HostedZoneId") {
        return Invalid(absl::StrCat(display_name, ": unknown field '",
                                    it.key(), "' beside \"ChangeBatch\""));
      }
    }
    if (!wrapped->is_object()) {
      return Invalid(
          absl::StrCat(display_name, ": \"ChangeBatch\" must be an object"));
    }
    batch = &*wrapped;
  }
  for (auto it = batch->begin(); it != batch->end(); ++it) {
    if (it.key() != "Changes" && it.key() != "Comment") {
      return Invalid(absl::StrCat(display_name, ": unknown field '", it.key(),
                                  "' in the change batch (it has Changes and "
                                  "Comment)"));
    }
  }
  if (auto comment = batch->find("Comment");
      comment != batch->end() && !comment->is_string()) {
    return Invalid(absl::StrCat(display_name, ": Comment must be a string"));
  }
  auto changes = batch->find("Changes");
  if (changes == batch->end()) return Invalid(expected);
  if (!changes->is_array()) {
    return Invalid(
        absl::StrCat(display_name, ": \"Changes\" must be an array"));
  }
  if (changes->empty()) {
    return Invalid(absl::StrCat(
        display_name,
        ": Changes is empty (a change batch has at least one change)"));
  }

  const std::string& origin = zone.origin();
  State state(zone);
  std::vector<Action> actions;
  actions.reserve(changes->size());
  for (size_t i = 0; i < changes->size(); ++i) {
    const Json& c = (*changes)[i];
    const std::string num = absl::StrCat("change ", i + 1);
    if (!c.is_object()) {
      return Invalid(absl::StrCat(
          num, ": is not an object {\"Action\": ..., \"ResourceRecordSet\": "
               "{...}}"));
    }
    for (auto it = c.begin(); it != c.end(); ++it) {
      if (it.key() != "Action" && it.key() != "ResourceRecordSet") {
        return Invalid(absl::StrCat(num, ": unknown field '", it.key(),
                                    "' (a change has Action and "
                                    "ResourceRecordSet)"));
      }
    }
    auto action_json = c.find("Action");
    if (action_json == c.end())
      return Invalid(absl::StrCat(num, ": Action is required"));
    std::optional<Action> action;
    if (action_json->is_string())
      action = ParseAction(action_json->get_ref<const std::string&>());
    if (!action) {
      const std::string shown = action_json->is_string()
                                    ? action_json->get<std::string>()
                                    : action_json->dump();
      return Invalid(absl::StrCat(num, ": Action '", shown,
                                  "' is not CREATE, DELETE or UPSERT"));
    }
    actions.push_back(*action);
    const std::string where = absl::StrCat(num, " (", ActionName(*action), ")");
    auto rrs = c.find("ResourceRecordSet");
    if (rrs == c.end())
      return Invalid(absl::StrCat(where, ": ResourceRecordSet is required"));

    Route53RecordSet rs;
    if (absl::Status s = ParseRoute53RecordSet(*rrs, "ResourceRecordSet", &rs);
        !s.ok()) {
      return Invalid(absl::StrCat(where, ": ", s.message()));
    }
    if (!dns::NameIsSubdomain(rs.owner, origin)) {
      return Invalid(absl::StrCat("RRSet with DNS name ",
                                  dns::NameToText(rs.owner),
                                  " is not permitted in zone ",
                                  dns::NameToText(origin)));
    }
    if (absl::Status s = CheckAlone(rs, origin, where); !s.ok()) return s;
    Canonicalize(&rs);
    if (rs.routed)
      rs.member.source = absl::StrCat(display_name, " (change ", i + 1, ")");
    if (absl::Status s =
            Apply(*action, std::move(rs), static_cast<int>(i), origin, &state);
        !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = CheckApex(state, origin); !s.ok()) return s;
  return Rebuild(zone, state, actions, display_name);
}

}  // namespace zones
