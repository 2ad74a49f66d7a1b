// File: dns/dnssec/key_json.h
//
// A DNSSEC key set as JSON, in the one shape both `GET /v1/dnssec`
// (dns/control/http_api.cc, what the server loaded) and `zonectl dnssec
// status --dir DIR --json` (offline, the same files) give it; the server
// adds what only it knows (served, signing, loaded_at).
//
//   nlohmann::json zone = dns::dnssec::ZoneKeysJson(wire, keys, now);
//   // {"zone": "example.com.", "next_event": ..., "keys": [...]}
//
// Thread safety: pure functions.
#ifndef STEERDNS_DNS_DNSSEC_KEY_JSON_H_
#define STEERDNS_DNS_DNSSEC_KEY_JSON_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "dns/dnssec/keys.h"

namespace dns::dnssec {

// A BIND timing field (seconds since the epoch) as RFC 3339 UTC
// ("2026-12-07T21:02:19Z"), or null when 0 (not set).
nlohmann::json KeyTimeJson(int64_t unix_seconds);

// One key: tag, algorithm (number and mnemonic), role, flags, its files,
// its timing fields, and its RFC 7583 state at `now` with its next step
// (state, next_state, next_event).
nlohmann::json KeyJson(const KeyPair& key, int64_t now);

// A zone's next key event after `now`: {"at", "keys": [{"key_tag",
// "role", "state"}...]} (every key that changes then, and its new state),
// or null when none is scheduled.
nlohmann::json ZoneNextEventJson(const std::vector<KeyPair>& keys, int64_t now);

// {"zone", "next_event", "keys": [KeyJson...]} for the keys of zone
// `zone_wire`.
nlohmann::json ZoneKeysJson(std::string_view zone_wire, const std::vector<KeyPair>& keys,
                            int64_t now);

}  // namespace dns::dnssec

#endif  // STEERDNS_DNS_DNSSEC_KEY_JSON_H_
