#include "dns/dnssec/key_json.h"

#include "dns/dnssec/algorithm.h"
#include "dns/dnssec/rollover.h"
#include "dns/wire/name.h"

namespace dns::dnssec {

using nlohmann::json;

json KeyTimeJson(int64_t unix_seconds) {
  return unix_seconds == 0 ? json(nullptr) : json(KeyTimeText(unix_seconds));
}

json KeyJson(const KeyPair& k, int64_t now) {
  char buf[16];
  const int64_t next = NextKeyEvent(k.timing, now);
  return json{{"key_tag", k.key_tag},
              {"algorithm", k.dnskey.algorithm},
              {"algorithm_name", AlgorithmMnemonic(k.dnskey.algorithm, buf)},
              {"role", KeyRoleName(k.role)},
              {"flags", k.dnskey.flags},
              {"key_file", k.key_path},
              {"private_file", k.private_path},
              {"created", KeyTimeJson(k.timing.created)},
              {"publish", KeyTimeJson(k.timing.publish)},
              {"activate", KeyTimeJson(k.timing.activate)},
              {"inactive", KeyTimeJson(k.timing.inactive)},
              {"delete", KeyTimeJson(k.timing.deleted)},
              {"state", KeyStateName(KeyStateAt(k.timing, now))},
              {"next_state",
               next == 0 ? json(nullptr) : json(KeyStateName(KeyStateAt(k.timing, next)))},
              {"next_event", KeyTimeJson(next)}};
}

json ZoneNextEventJson(const std::vector<KeyPair>& keys, int64_t now) {
  int64_t at = 0;
  for (const KeyPair& k : keys) {
    const int64_t next = NextKeyEvent(k.timing, now);
    if (next != 0 && (at == 0 || next < at)) at = next;
  }
  if (at == 0) return json();
  json changes = json::array();
  for (const KeyPair& k : keys) {
    if (NextKeyEvent(k.timing, now) != at) continue;
    changes.push_back(json{{"key_tag", k.key_tag},
                           {"role", KeyRoleName(k.role)},
                           {"state", KeyStateName(KeyStateAt(k.timing, at))}});
  }
  return json{{"at", KeyTimeJson(at)}, {"keys", changes}};
}

json ZoneKeysJson(std::string_view zone_wire, const std::vector<KeyPair>& keys, int64_t now) {
  json list = json::array();
  for (const KeyPair& k : keys) list.push_back(KeyJson(k, now));
  return json{{"zone", NameToText(zone_wire)},
              {"next_event", ZoneNextEventJson(keys, now)},
              {"keys", list}};
}

}  // namespace dns::dnssec
