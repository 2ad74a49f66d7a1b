// File: zones/route53_json.cc
//
// Route 53 ResourceRecordSets JSON → ZoneBuilder.
//
// nlohmann-json parses the document into a tree; each record set is then
// checked field by field into a Route53RecordSet (ParseRoute53RecordSet,
// also used by zones/change_batch.cc) and handed to the builder
// (AddRecordSet for a plain record set, AddRouted for a routing-policy
// member or an alias).
// Each value is parsed by ldns from the text ". TTL IN TYPE value", after
// Route 53's octal escapes are rewritten as RFC 1035 decimal ones.
//
// Line numbers: nlohmann's tree does not keep positions, so after a
// successful parse RecordSetLines() walks the (now known to be valid) text
// once, tracking only strings and nesting, to find the line of each record
// set's "{". If that walk and the tree ever disagree on the number of
// record sets, errors fall back to "file:" without a line.
#include "zones/route53_json.h"

#include <stdbool.h>  // ldns's headers use bool from C

#include <ldns/ldns.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "base/edit_distance.h"
#include "base/json_lines.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "base/file.h"
#include "zones/zone.h"

namespace zones {
namespace {

using Json = nlohmann::json;

// Debian's Abseil has its own absl::string_view (not std::string_view).
using base::AV;

// The fields of a record set that we read.
constexpr std::string_view kFields[] = {
    "Name",   "Type",     "TTL",           "ResourceRecords",
    "SetIdentifier", "Region", "Weight", "Failover",
    "MultiValueAnswer", "HealthCheckId", "AliasTarget",
};
constexpr std::string_view kAliasFields[] = {"HostedZoneId", "DNSName",
                                             "EvaluateTargetHealth"};
constexpr std::string_view kValueFields[] = {"Value"};

// Route 53 fields of routing we do not implement.
struct Unsupported {
  std::string_view field;
  std::string_view what;
};
constexpr Unsupported kUnsupported[] = {
    {"GeoLocation", "geolocation routing (GeoLocation) is not supported"},
    {"GeoProximityLocation",
     "geoproximity routing (GeoProximityLocation) is not supported"},
    {"CidrRoutingConfig",
     "IP-based routing (CidrRoutingConfig) is not supported"},
    {"TrafficPolicyInstanceId",
     "records of a traffic policy (TrafficPolicyInstanceId) are not "
     "supported"},
};

constexpr uint64_t kMaxTtl = 2147483647;  // RFC 2181 §8, Route 53's too
constexpr size_t kMaxSetIdentifier = 128;  // Route 53's limit
constexpr uint64_t kMaxWeight = 255;

struct RRFreer {
  void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct BufferFreer {
  void operator()(ldns_buffer* b) const { ldns_buffer_free(b); }
};

// " (did you mean 'Weight'?)" for a near miss among `known`, else "".
template <size_t N>
std::string DidYouMean(std::string_view key,
                       const std::string_view (&known)[N]) {
  std::string_view best;
  size_t best_distance = 3;  // at most 2 edits
  for (std::string_view k : known) {
    const size_t d = absl::EqualsIgnoreCase(AV(k), AV(key))
                         ? 0
                         : base::EditDistance(key, k);
    if (d < best_distance) {
      best = k;
      best_distance = d;
    }
  }
  if (best.empty()) return "";
  return absl::StrCat(" (did you mean '", AV(best), "'?",
                      best_distance == 0 ? " field names are case-sensitive"
                                         : "",
                      ")");
}

template <size_t N>
bool Contains(const std::string_view (&known)[N], std::string_view key) {
  return std::find(std::begin(known), std::end(known), key) != std::end(known);
}

// Rewrites Route 53's "\ooo" octal escapes as RFC 1035 "\DDD" decimal ones
// (what dns::NameFromText and ldns read); other "\X" escapes stay. False on
// a backslash that ends the text or a digit escape that is not three octal
// digits up to \377.
bool FromRoute53Escapes(std::string_view in, std::string* out) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c != '\\') {
      out->push_back(c);
      continue;
    }
    if (i + 1 >= in.size()) return false;
    const char d = in[i + 1];
    if (d < '0' || d > '9') {
      out->append(in.substr(i, 2));
      ++i;
      continue;
    }
    if (i + 3 >= in.size()) return false;
    int value = 0;
    for (size_t k = i + 1; k <= i + 3; ++k) {
      if (in[k] < '0' || in[k] > '7') return false;
      value = value * 8 + (in[k] - '0');
    }
    if (value > 255) return false;
    const char dec[] = {'\\', static_cast<char>('0' + value / 100),
                        static_cast<char>('0' + value / 10 % 10),
                        static_cast<char>('0' + value % 10)};
    out->append(dec, sizeof dec);
    i += 3;
  }
  return true;
}

// A Route 53 name ("www.Example.com", "\052.example.com.") as a lower-cased
// absolute wire name.
bool ParseName(std::string_view text, std::string* wire) {
  std::string presentation;
  if (text.empty() || !FromRoute53Escapes(text, &presentation)) return false;
  return dns::NameFromText(presentation, wire);
}

// What is wrong with a value's text before ldns sees it (ldns would stop at
// an unquoted ';' as at a comment, or read on past a line break), or "".
std::string ValueTextProblem(std::string_view value) {
  bool quoted = false;
  for (size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (c == '\n' || c == '\r') return "a value is one line";
    if (c == '\\') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ';' && !quoted) {
      return "';' outside quotes";
    }
  }
  return "";
}

// Parses one value of `type` into uncompressed wire RDATA. Returns "" or
// what is wrong.
std::string ParseValue(uint16_t type, std::string_view value,
                       std::string* rdata) {
  std::string text;
  if (!FromRoute53Escapes(value, &text))
    return "bad escape (Route 53 writes \\ and three octal digits)";
  if (std::string problem = ValueTextProblem(text); !problem.empty())
    return problem;
  char* mnemonic = ldns_rr_type2str(static_cast<ldns_rr_type>(type));
  if (mnemonic == nullptr) return "out of memory";
  text = absl::StrCat(". 0 IN ", mnemonic, " ", text);
  std::free(mnemonic);
  ldns_rr* raw = nullptr;
  const ldns_status st =
      ldns_rr_new_frm_str(&raw, text.c_str(), 0, nullptr, nullptr);
  std::unique_ptr<ldns_rr, RRFreer> rr(raw);
  if (st != LDNS_STATUS_OK) return ldns_get_errorstr_by_id(st);
  if (static_cast<uint16_t>(ldns_rr_get_type(rr.get())) != type)
    return "not a value of this type";
  std::unique_ptr<ldns_buffer, BufferFreer> buf(ldns_buffer_new(256));
  if (buf == nullptr) return "out of memory";
  if (ldns_rr_rdata2buffer_wire(buf.get(), rr.get()) != LDNS_STATUS_OK ||
      !ldns_buffer_status_ok(buf.get())) {
    return "cannot encode the value";
  }
  rdata->assign(reinterpret_cast<const char*>(ldns_buffer_begin(buf.get())),
                ldns_buffer_position(buf.get()));
  return "";
}

// Parses one record set into a Route53RecordSet, in phases (Parse() runs
// them in order; the first error ends it): the identity that errors name
// the record by (Name, Type, SetIdentifier), the field names, TTL,
// ResourceRecords, the routing fields, AliasTarget, the rules between them,
// and last the values.
class RecordSetParser {
 public:
  explicit RecordSetParser(std::string_view label) : label_(label) {}

  absl::Status Parse(const Json& rs, Route53RecordSet* out);

 private:
  absl::Status Fail(std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat(label_, ": ", AV(what)));
  }
  // Reads the optional string field `key` of `obj` into *out.
  absl::Status OptionalString(const Json& obj, const char* key,
                              std::string_view shown_as,
                              std::optional<std::string>* out) const;

  // The phases.
  absl::Status ParseIdentity(const Json& rs);
  absl::Status CheckFieldNames(const Json& rs) const;
  absl::Status ParseTtl(const Json& rs);
  absl::Status ParseResourceRecords(const Json& rs);
  absl::Status ParseRoutingFields(const Json& rs);
  absl::Status ParseAliasTarget(const Json& rs);
  absl::Status CheckAliasOrValues() const;
  absl::Status ParseValues();
  absl::Status CheckSetIdentifierHasPolicy() const;

  std::string label_;  // how errors name the record set so far
  // What the phases read.
  std::string owner_;
  uint16_t type_ = 0;
  std::optional<std::string> set_identifier_;
  std::optional<uint32_t> ttl_;
  std::optional<std::vector<std::string>> values_;  // ResourceRecords
  RoutedMember member_;
  // The fields that select a routing policy, as written.
  std::vector<std::pair<std::string_view, RoutingPolicy>> policies_;
  bool alias_ = false;
  std::vector<std::string> rdatas_;  // values_ as wire RDATA
};

absl::Status RecordSetParser::OptionalString(
    const Json& obj, const char* key, std::string_view shown_as,
    std::optional<std::string>* out) const {
  auto it = obj.find(key);
  if (it == obj.end()) return absl::OkStatus();
  if (!it->is_string() || it->get_ref<const std::string&>().empty())
    return Fail(absl::StrCat(AV(shown_as), " must be a non-empty string"));
  *out = it->get<std::string>();
  return absl::OkStatus();
}

absl::Status RecordSetParser::Parse(const Json& rs, Route53RecordSet* out) {
  if (!rs.is_object()) return Fail("is not an object");
  absl::Status s = ParseIdentity(rs);
  if (s.ok()) s = CheckFieldNames(rs);
  if (s.ok()) s = ParseTtl(rs);
  if (s.ok()) s = ParseResourceRecords(rs);
  if (s.ok()) s = ParseRoutingFields(rs);
  if (s.ok()) s = ParseAliasTarget(rs);
  if (s.ok()) s = CheckAliasOrValues();
  if (s.ok()) s = ParseValues();
  if (s.ok()) s = CheckSetIdentifierHasPolicy();
  if (!s.ok()) return s;
  out->owner = std::move(owner_);
  out->type = type_;
  out->routed = alias_ || !policies_.empty();
  out->policy =
      policies_.empty() ? RoutingPolicy::kSimple : policies_[0].second;
  out->member = std::move(member_);
  out->ttl = ttl_.value_or(0);
  out->rdatas = std::move(rdatas_);
  return absl::OkStatus();
}

// Name, Type and SetIdentifier first: errors name the record with them.
absl::Status RecordSetParser::ParseIdentity(const Json& rs) {
  std::optional<std::string> name_text;
  if (absl::Status s = OptionalString(rs, "Name", "Name", &name_text); !s.ok())
    return s;
  if (!name_text) return Fail("Name is required");
  if (!ParseName(*name_text, &owner_)) {
    return Fail(
        absl::StrCat("Name '", *name_text, "' is not a valid domain name"));
  }
  label_ = absl::StrCat("record set [name='", dns::NameToText(owner_), "']");

  std::optional<std::string> type_text;
  if (absl::Status s = OptionalString(rs, "Type", "Type", &type_text); !s.ok())
    return s;
  if (!type_text) return Fail("Type is required");
  type_ = static_cast<uint16_t>(ldns_get_rr_type_by_name(type_text->c_str()));
  if (type_ == 0) return Fail(absl::StrCat("unknown Type '", *type_text, "'"));

  if (absl::Status s = OptionalString(rs, "SetIdentifier", "SetIdentifier",
                                      &set_identifier_);
      !s.ok()) {
    return s;
  }
  if (set_identifier_ && set_identifier_->size() > kMaxSetIdentifier) {
    return Fail(absl::StrCat("SetIdentifier is longer than ", kMaxSetIdentifier,
                             " characters"));
  }
  label_ = DescribeRecordSet(owner_, type_, set_identifier_.value_or(""));
  if (set_identifier_) member_.set_identifier = *set_identifier_;
  return absl::OkStatus();
}

// Every field is one we read, or one of Route 53's we refuse by name.
absl::Status RecordSetParser::CheckFieldNames(const Json& rs) const {
  for (auto it = rs.begin(); it != rs.end(); ++it) {
    const std::string& key = it.key();
    if (Contains(kFields, key)) continue;
    for (const Unsupported& u : kUnsupported) {
      if (key == u.field) return Fail(u.what);
    }
    return Fail(absl::StrCat("unknown field '", key, "'",
                             DidYouMean(key, kFields)));
  }
  return absl::OkStatus();
}

absl::Status RecordSetParser::ParseTtl(const Json& rs) {
  auto it = rs.find("TTL");
  if (it == rs.end()) return absl::OkStatus();
  // nlohmann keeps every non-negative integer as number_unsigned.
  if (!it->is_number_unsigned() || it->get<uint64_t>() > kMaxTtl) {
    return Fail(absl::StrCat("TTL must be an integer from 0 to ", kMaxTtl));
  }
  ttl_ = static_cast<uint32_t>(it->get<uint64_t>());
  return absl::OkStatus();
}

// ResourceRecords: [{"Value": "..."}, ...], the values as text.
absl::Status RecordSetParser::ParseResourceRecords(const Json& rs) {
  auto it = rs.find("ResourceRecords");
  if (it == rs.end()) return absl::OkStatus();
  if (!it->is_array()) {
    return Fail("ResourceRecords must be an array of {\"Value\": ...}");
  }
  values_.emplace();
  for (size_t i = 0; i < it->size(); ++i) {
    const Json& rr = (*it)[i];
    const std::string where = absl::StrCat("ResourceRecords[", i, "]");
    if (!rr.is_object()) {
      return Fail(absl::StrCat(where, " must be an object {\"Value\": ...}"));
    }
    for (auto f = rr.begin(); f != rr.end(); ++f) {
      if (!Contains(kValueFields, f.key())) {
        return Fail(absl::StrCat("unknown field '", f.key(), "' in ", where,
                                 DidYouMean(f.key(), kValueFields)));
      }
    }
    auto v = rr.find("Value");
    if (v == rr.end()) return Fail(absl::StrCat(where, ": Value is required"));
    if (!v->is_string())
      return Fail(absl::StrCat(where, ": Value must be a string"));
    values_->push_back(v->get<std::string>());
  }
  return absl::OkStatus();
}

// Region, Weight, Failover, MultiValueAnswer (each selects a policy) and
// HealthCheckId.
absl::Status RecordSetParser::ParseRoutingFields(const Json& rs) {
  std::optional<std::string> region;
  if (absl::Status s = OptionalString(rs, "Region", "Region", &region); !s.ok())
    return s;
  if (region) {
    member_.region = *region;
    policies_.emplace_back("Region", RoutingPolicy::kLatency);
  }
  if (auto it = rs.find("Weight"); it != rs.end()) {
    if (!it->is_number_unsigned())
      return Fail("Weight must be an integer from 0 to 255");
    const uint64_t weight = it->get<uint64_t>();
    if (weight > kMaxWeight) {
      return Fail(absl::StrCat("Weight ", weight, " is out of range (0..",
                               kMaxWeight, ")"));
    }
    member_.weight = static_cast<uint32_t>(weight);
    policies_.emplace_back("Weight", RoutingPolicy::kWeighted);
  }
  std::optional<std::string> failover;
  if (absl::Status s = OptionalString(rs, "Failover", "Failover", &failover);
      !s.ok()) {
    return s;
  }
  if (failover) {
    if (*failover == "PRIMARY") {
      member_.failover = FailoverRole::kPrimary;
    } else if (*failover == "SECONDARY") {
      member_.failover = FailoverRole::kSecondary;
    } else {
      return Fail(absl::StrCat("Failover must be PRIMARY or SECONDARY, not '",
                               *failover, "'"));
    }
    policies_.emplace_back("Failover", RoutingPolicy::kFailover);
  }
  if (auto it = rs.find("MultiValueAnswer"); it != rs.end()) {
    if (!it->is_boolean()) return Fail("MultiValueAnswer must be true or false");
    if (it->get<bool>())
      policies_.emplace_back("MultiValueAnswer", RoutingPolicy::kMultiValue);
  }
  std::optional<std::string> health_check;
  if (absl::Status s =
          OptionalString(rs, "HealthCheckId", "HealthCheckId", &health_check);
      !s.ok()) {
    return s;
  }
  if (health_check) member_.health_check_id = *health_check;
  return absl::OkStatus();
}

// AliasTarget: {HostedZoneId (ignored), DNSName, EvaluateTargetHealth}.
absl::Status RecordSetParser::ParseAliasTarget(const Json& rs) {
  auto it = rs.find("AliasTarget");
  if (it == rs.end()) return absl::OkStatus();
  const Json& at = *it;
  if (!at.is_object()) return Fail("AliasTarget must be an object");
  for (auto f = at.begin(); f != at.end(); ++f) {
    if (!Contains(kAliasFields, f.key())) {
      return Fail(absl::StrCat("unknown field '", f.key(), "' in AliasTarget",
                               DidYouMean(f.key(), kAliasFields)));
    }
  }
  std::optional<std::string> ignored;
  if (absl::Status s = OptionalString(at, "HostedZoneId",
                                      "AliasTarget.HostedZoneId", &ignored);
      !s.ok()) {
    return s;
  }
  std::optional<std::string> target;
  if (absl::Status s =
          OptionalString(at, "DNSName", "AliasTarget.DNSName", &target);
      !s.ok()) {
    return s;
  }
  if (!target) return Fail("AliasTarget.DNSName is required");
  if (!ParseName(*target, &member_.alias_target)) {
    return Fail(absl::StrCat("AliasTarget.DNSName '", *target,
                             "' is not a valid domain name"));
  }
  if (auto e = at.find("EvaluateTargetHealth"); e != at.end()) {
    if (!e->is_boolean())
      return Fail("AliasTarget.EvaluateTargetHealth must be true or false");
    member_.evaluate_target_health = e->get<bool>();
  }
  alias_ = true;
  return absl::OkStatus();
}

// One routing policy; an alias has neither TTL nor values, anything else
// both.
absl::Status RecordSetParser::CheckAliasOrValues() const {
  if (policies_.size() > 1) {
    return Fail(absl::StrCat(AV(policies_[0].first), " and ",
                             AV(policies_[1].first),
                             " select different routing policies (a record "
                             "set has one)"));
  }
  if (alias_) {
    if (ttl_) {
      return Fail(
          "an alias record has no TTL (it answers with the alias target's)");
    }
    if (values_) return Fail("an alias record has no ResourceRecords");
    return absl::OkStatus();
  }
  if (!ttl_) return Fail("TTL is required (except for alias records)");
  if (!values_) {
    return Fail("ResourceRecords is required (except for alias records)");
  }
  if (values_->empty()) return Fail("ResourceRecords is empty");
  return absl::OkStatus();
}

// Each value as wire RDATA of the record set's type.
absl::Status RecordSetParser::ParseValues() {
  if (!values_) return absl::OkStatus();
  rdatas_.resize(values_->size());
  for (size_t i = 0; i < values_->size(); ++i) {
    std::string problem = ParseValue(type_, (*values_)[i], &rdatas_[i]);
    if (!problem.empty()) {
      return Fail(absl::StrCat("bad value '", (*values_)[i], "': ", problem));
    }
  }
  return absl::OkStatus();
}

absl::Status RecordSetParser::CheckSetIdentifierHasPolicy() const {
  if (!policies_.empty() || !set_identifier_) return absl::OkStatus();
  return Fail(
      "SetIdentifier needs a routing policy (Region, Weight, Failover "
      "or MultiValueAnswer)");
}

}  // namespace

absl::Status ParseJsonDocument(std::string_view text,
                               const std::string& display_name, Json* doc) {
  absl::StatusOr<Json> parsed = base::ParseJson(text, display_name);
  if (!parsed.ok()) return parsed.status();
  *doc = *std::move(parsed);
  return absl::OkStatus();
}

absl::Status ParseRoute53RecordSet(const Json& rs,
                                   std::string_view fallback_label,
                                   Route53RecordSet* out) {
  return RecordSetParser(fallback_label).Parse(rs, out);
}

absl::Status AddRoute53RecordSet(const Route53RecordSet& rs,
                                 SourceLocation loc, ZoneBuilder* builder) {
  if (!rs.routed)
    return builder->AddRecordSet(rs.owner, rs.type, rs.ttl, rs.rdatas, loc);
  return builder->AddRouted(rs.owner, rs.type, rs.policy, rs.member,
                            rs.rdatas, rs.ttl, loc);
}

absl::Status ReadRoute53JsonText(std::string_view text,
                                 const std::string& display_name,
                                 ZoneBuilder* builder) {
  const int file = builder->AddSource(display_name);
  Json doc;
  if (absl::Status s = ParseJsonDocument(text, display_name, &doc); !s.ok())
    return s;
  auto sets = doc.is_object() ? doc.find("ResourceRecordSets") : doc.end();
  if (!doc.is_object() || sets == doc.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        display_name,
        ": expected a JSON object with a \"ResourceRecordSets\" array (as "
        "printed by aws route53 list-resource-record-sets)"));
  }
  if (!sets->is_array()) {
    return absl::InvalidArgumentError(absl::StrCat(
        display_name, ": \"ResourceRecordSets\" must be an array"));
  }
  std::vector<int> lines = base::TopLevelObjectLines(text, "ResourceRecordSets");
  if (lines.size() != sets->size()) lines.clear();  // see the file comment
  for (size_t i = 0; i < sets->size(); ++i) {
    const SourceLocation loc{file, lines.empty() ? 0 : lines[i]};
    Route53RecordSet rs;
    absl::Status s = ParseRoute53RecordSet(
        (*sets)[i], absl::StrCat("ResourceRecordSets[", i, "]"), &rs);
    if (!s.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(builder->Where(loc), ": ", s.message()));
    }
    if (s = AddRoute53RecordSet(rs, loc, builder); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status ReadRoute53Json(const std::string& path, ZoneBuilder* builder) {
  absl::StatusOr<std::string> content = base::ReadFile(path);
  if (!content.ok()) return content.status();
  return ReadRoute53JsonText(*content, path, builder);
}

}  // namespace zones
