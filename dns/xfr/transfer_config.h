// File: dns/xfr/transfer_config.h
//
// Who may transfer which zone, whom we NOTIFY, and which zones we pull
// from a primary: the parsed form of the daemon's transfer flags and YAML
// (dns/control/config.h keeps a TransferConfig; the transfer server, the
// NOTIFY sender and the secondary scheduler read it).
//
//   --allow-transfer PREFIX[:KEY]        all zones   (YAML allow-transfer)
//   --notify ADDR:PORT[:KEY] | ns        all zones   (YAML notify)
//   --secondary ORIGIN=ADDR:PORT[:KEY]   one zone, repeatable per primary
//   --zone-transfer-routed ORIGIN=flatten|refuse
//   YAML zone-transfer: {ORIGIN: {allow-transfer: [...], notify: [...],
//                                 transfer-routed: refuse}}
//
// KEY names a TSIG key (dns/tsig) of --tsig-key/--tsig-keys; a request
// from an ACL entry with a key must be signed with that key. Per-zone lists
// add to the all-zones ones.
//
// Example:
//   absl::StatusOr<dns::xfr::AclEntry> e = dns::xfr::ParseAclEntry("10.0.0.0/8:xfr");
//   dns::xfr::ZoneTransferPolicy p = config.transfer.PolicyFor(origin_wire);
//   if (p.Allows(client, "xfr.")) ...
//
// Thread safety: plain values.
#ifndef STEERDNS_DNS_XFR_TRANSFER_CONFIG_H_
#define STEERDNS_DNS_XFR_TRANSFER_CONFIG_H_

#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "geo/address.h"

namespace dns::xfr {

// One --allow-transfer entry: a client prefix and, optionally, the TSIG
// key its requests must be signed with.
struct AclEntry {
  geo::Prefix prefix;
  std::string key;  // presentation form, lower-cased, with the final dot; "": unsigned allowed
  std::string text;  // as given, for messages and status

  friend bool operator==(const AclEntry& a, const AclEntry& b) { return a.text == b.text; }
};

// "192.0.2.0/24", "192.0.2.1", "2001:db8::/32:xfr-key", "[::1]:xfr-key",
// "127.0.0.1/32:xfr-key". InvalidArgument naming the text otherwise.
absl::StatusOr<AclEntry> ParseAclEntry(std::string_view text);

// A peer: a primary we pull from or a secondary we NOTIFY.
struct Endpoint {
  geo::Address address;
  uint16_t port = 53;
  std::string key;  // TSIG key name as in AclEntry; "": unsigned
  std::string text;  // as given

  // "192.0.2.1:53" / "[2001:db8::1]:53" (without the key).
  std::string HostPort() const;
  // The socket address to connect to; returns its length.
  socklen_t ToSockaddr(sockaddr_storage* ss) const;
  friend bool operator==(const Endpoint& a, const Endpoint& b) { return a.text == b.text; }
};

// "192.0.2.1:53", "192.0.2.1:5301:xfr-key", "[::1]:53:xfr-key"; the port
// is required (1..65535). InvalidArgument naming the text otherwise.
absl::StatusOr<Endpoint> ParseEndpoint(std::string_view text);

// What a secondary's routed record sets become in a transfer.
enum class TransferRouted : uint8_t {
  kFlatten,  // the fail-open default member (zones::DefaultMember)
  kRefuse,   // a zone with routed record sets is not transferred
};
const char* TransferRoutedName(TransferRouted r);  // "flatten", "refuse"
std::optional<TransferRouted> ParseTransferRouted(std::string_view text);

// The transfer settings of one zone (all-zones entries included).
struct ZoneTransferPolicy {
  std::vector<AclEntry> allow_transfer;
  std::vector<Endpoint> notify;
  bool notify_ns = false;  // also NOTIFY the addresses of the zone's NS
  TransferRouted transfer_routed = TransferRouted::kFlatten;

  // The first entry that covers `client` and whose key is `key` (the
  // lower-cased presentation name of the request's verified TSIG key, ""
  // for an unsigned request); nullptr: refused. An entry without a key
  // also admits a signed request.
  const AclEntry* Allows(const geo::Address& client, std::string_view key) const;
};

// One --secondary: a zone we pull from its primaries (tried in order).
struct SecondaryZone {
  std::string origin;       // presentation, canonical: "example.com."
  std::string origin_wire;  // lower-cased wire form
  std::vector<Endpoint> primaries;
};

// "example.com=192.0.2.1:53[:KEY]" (origin with or without the final dot).
// InvalidArgument naming the text otherwise.
absl::StatusOr<std::pair<std::string, Endpoint>> ParseSecondarySpec(std::string_view text);

// Everything transfer-related the daemon was configured with.
struct TransferConfig {
  ZoneTransferPolicy all_zones;  // --allow-transfer, --notify
  // Per zone (wire origin): YAML zone-transfer and --zone-transfer-routed.
  std::map<std::string, ZoneTransferPolicy> per_zone;
  std::vector<SecondaryZone> secondaries;  // in the order given

  // The policy of zone `origin_wire`: all_zones' lists plus its own, its
  // own transfer-routed (else all_zones').
  ZoneTransferPolicy PolicyFor(std::string_view origin_wire) const;
  // The secondary entry of `origin_wire`, or nullptr.
  const SecondaryZone* SecondaryFor(std::string_view origin_wire) const;
  // Adds primary `endpoint` for `origin` (merging entries of one origin).
  absl::Status AddSecondary(std::string_view origin, Endpoint endpoint);
  // The wire origin of a presentation origin ("example.com", any case,
  // final dot optional); InvalidArgument for a bad name.
  static absl::StatusOr<std::string> WireOrigin(std::string_view origin);
};

}  // namespace dns::xfr

#endif  // STEERDNS_DNS_XFR_TRANSFER_CONFIG_H_
