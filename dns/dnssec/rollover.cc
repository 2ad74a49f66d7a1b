#include "dns/dnssec/rollover.h"

#include <algorithm>
#include <ctime>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dns/dnssec/algorithm.h"
#include "dns/wire/dns_time.h"
#include "dns/wire/name.h"

namespace dns::dnssec {

std::string KeyTimeText(int64_t unix_seconds) {
  return FormatUtc(unix_seconds, "%Y-%m-%dT%H:%M:%SZ");
}

namespace {

// "ZSK 12345 becomes active at 2026-...Z": why `k` makes a roll in
// progress at `now`; "" if it does not.
std::string PendingStep(const KeyPair& k, int64_t now) {
  const KeyTiming& t = k.timing;
  const std::string name = absl::StrCat(KeyRoleName(k.role), " ", k.key_tag);
  switch (KeyStateAt(t, now)) {
    case KeyState::kGenerated:
      return absl::StrCat(name, " is published at ", KeyTimeText(t.publish),
                          t.activate > t.publish
                              ? absl::StrCat(" and becomes active at ", KeyTimeText(t.activate))
                              : std::string());
    case KeyState::kPublished:
      return absl::StrCat(name, " is published and becomes active at ",
                          KeyTimeText(t.activate));
    case KeyState::kActive:
      if (t.inactive <= now) return "";
      return absl::StrCat(name, " is active and retires at ", KeyTimeText(t.inactive));
    case KeyState::kRetired:
      if (t.deleted <= now) return "";
      return absl::StrCat(name, " is retired and leaves the DNSKEY RRset at ",
                          KeyTimeText(t.deleted));
    case KeyState::kRemoved:
      return "";
  }
  return "";
}

}  // namespace

absl::StatusOr<ZskRollPlan> PlanZskRollover(const std::vector<KeyPair>& keys, int64_t now,
                                            const ZskRollDurations& d, uint8_t algorithm) {
  if (d.dnskey_ttl < 0 || d.publish_safety < 0 || d.retire_safety < 0 || d.max_zone_ttl < 0) {
    return absl::InvalidArgumentError("a rollover duration is negative");
  }
  const std::string zone = keys.empty() ? std::string("the zone") : NameToText(keys[0].zone);
  std::vector<std::string> csks, pending;
  std::vector<size_t> active;
  int64_t done = 0;  // when the roll in progress completes
  for (size_t i = 0; i < keys.size(); ++i) {
    const KeyPair& k = keys[i];
    if (k.role == KeyRole::kCsk) {
      csks.push_back(absl::StrCat(k.key_tag));
      continue;
    }
    if (k.role != KeyRole::kZsk) continue;
    if (std::string step = PendingStep(k, now); !step.empty()) {
      pending.push_back(step);
      for (int64_t t : {k.timing.publish, k.timing.activate, k.timing.inactive, k.timing.deleted})
        done = std::max(done, t);
    }
    if (KeyStateAt(k.timing, now) == KeyState::kActive) active.push_back(i);
  }
  if (!csks.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "zone ", zone, " has no ZSK: its key", csks.size() == 1 ? " " : "s ",
        absl::StrJoin(csks, ", "), csks.size() == 1 ? " is a CSK" : " are CSKs",
        " (signs everything; its DS is at the parent). `dnssec roll` rolls ZSKs only; "
        "rolling a CSK or KSK changes the DS at the parent (docs/dnssec.md, \"KSK and CSK "
        "rollover\")"));
  }
  if (!pending.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a ZSK rollover of ", zone, " is in progress: ", absl::StrJoin(pending, "; "),
        ". Start the next one when it is complete, after ", KeyTimeText(done)));
  }
  if (active.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("zone ", zone, " has no active ZSK to roll at ", KeyTimeText(now)));
  }
  const uint8_t current = keys[active[0]].dnskey.algorithm;
  if (algorithm != 0 && algorithm != current) {
    char a[16], b[16];
    return absl::FailedPreconditionError(absl::StrCat(
        "the active ZSK ", keys[active[0]].key_tag, " of ", zone, " is ",
        AlgorithmMnemonic(current, a), " (", current, "), not ", AlgorithmMnemonic(algorithm, b),
        " (", algorithm, "): changing the algorithm is an algorithm rollover (RFC 6781 "
        "§4.1.4: every algorithm of the DNSKEY RRset must sign every RRset), not a ZSK roll"));
  }
  ZskRollPlan plan;
  plan.algorithm = current;
  plan.publish = now;
  plan.activate = now + d.dnskey_ttl + d.publish_safety;
  plan.remove = plan.activate + d.max_zone_ttl + d.retire_safety;
  plan.new_key.created = now;
  plan.new_key.publish = plan.publish;
  plan.new_key.activate = plan.activate;
  for (size_t i : active) {
    RetiringKey r;
    r.index = i;
    r.timing = keys[i].timing;
    r.timing.inactive = plan.activate;
    r.timing.deleted = plan.remove;
    plan.retiring.push_back(r);
  }
  return plan;
}

}  // namespace dns::dnssec
