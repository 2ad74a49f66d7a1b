// File: dns/xfr/transfer_config.cc
#include "dns/xfr/transfer_config.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstring>
#include <charconv>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "dns/wire/name.h"

namespace dns::xfr {
namespace {

std::string Msg(const absl::Status& s) { return std::string(s.message()); }

absl::Status Bad(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("'", base::AV(text), "': ", base::AV(why)));
}

// A TSIG key name as AclEntry/Endpoint keep it: lower-cased presentation
// form with the final dot. "" stays "".
absl::StatusOr<std::string> KeyName(std::string_view text, std::string_view key) {
  if (key.empty()) return Bad(text, "empty TSIG key name after ':'");
  std::string wire;
  if (!NameFromText(key, &wire)) return Bad(text, absl::StrCat("bad TSIG key name '", base::AV(key), "'"));
  return NameToText(wire);
}

// An AclEntry of `text` from its address part and key part ("" for none).
absl::StatusOr<AclEntry> MakeAclEntry(std::string_view text, std::string_view address,
                                      std::string_view key, bool has_key) {
  if (has_key && key.empty()) return Bad(text, "empty TSIG key name after ':'");
  absl::StatusOr<geo::Prefix> p = geo::Prefix::Parse(address);
  if (!p.ok()) return Bad(text, Msg(p.status()));
  AclEntry e{*p, "", std::string(text)};
  if (has_key) {
    absl::StatusOr<std::string> k = KeyName(text, key);
    if (!k.ok()) return k.status();
    e.key = *k;
  }
  return e;
}

}  // namespace

absl::StatusOr<AclEntry> ParseAclEntry(std::string_view text) {
  if (!text.empty() && text.front() == '[') {
    // "[::1]" or "[2001:db8::]/32", then optionally ":KEY".
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return Bad(text, "missing ']'");
    std::string_view rest = text.substr(close + 1);
    std::string address(text.substr(1, close - 1));
    if (!rest.empty() && rest.front() == '/') {
      const size_t colon = rest.find(':');
      address += rest.substr(0, colon);
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon);
    }
    if (!rest.empty() && rest.front() != ':') return Bad(text, "expected ':KEY' after the address");
    return MakeAclEntry(text, address, rest.empty() ? rest : rest.substr(1), !rest.empty());
  }
  // "PREFIX/LEN[:KEY]": the key follows the length; a bare address may be
  // IPv6 (colons), so a key is split off only when the whole is not one.
  size_t colon = std::string_view::npos;
  if (const size_t slash = text.find('/'); slash != std::string_view::npos) {
    colon = text.find(':', slash);
  } else if (!geo::Address::Parse(text).has_value()) {
    colon = text.rfind(':');
  }
  if (colon == std::string_view::npos) return MakeAclEntry(text, text, "", false);
  return MakeAclEntry(text, text.substr(0, colon), text.substr(colon + 1), true);
}

std::string Endpoint::HostPort() const {
  if (address.is_v4()) return absl::StrCat(address.ToString(), ":", port);
  return absl::StrCat("[", address.ToString(), "]:", port);
}

socklen_t Endpoint::ToSockaddr(sockaddr_storage* ss) const {
  std::memset(ss, 0, sizeof(*ss));
  if (address.is_v4()) {
    auto* sin = reinterpret_cast<sockaddr_in*>(ss);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    sin->sin_addr.s_addr = htonl(address.v4());
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(ss);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(port);
  address.ToBytes(sin6->sin6_addr.s6_addr);
  return sizeof(sockaddr_in6);
}

absl::StatusOr<Endpoint> ParseEndpoint(std::string_view text) {
  std::string_view host, rest;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos) return Bad(text, "missing ']'");
    host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
    if (rest.empty() || rest.front() != ':') return Bad(text, "expected ':PORT' after ']'");
    rest.remove_prefix(1);
  } else {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return Bad(text, "expected ADDRESS:PORT[:KEY]");
    host = text.substr(0, colon);
    rest = text.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return Bad(text, "an IPv6 address needs brackets: [ADDRESS]:PORT");
  }
  std::optional<geo::Address> a = geo::Address::Parse(host);
  if (!a.has_value()) return Bad(text, absl::StrCat("'", base::AV(host), "' is not an IP address"));
  std::string_view port_text = rest, key;
  if (size_t colon = rest.find(':'); colon != std::string_view::npos) {
    port_text = rest.substr(0, colon);
    key = rest.substr(colon + 1);
    if (key.empty()) return Bad(text, "empty TSIG key name after ':'");
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535)
    return Bad(text, absl::StrCat("bad port '", base::AV(port_text), "' (1..65535)"));
  Endpoint e{*a, static_cast<uint16_t>(port), "", std::string(text)};
  if (!key.empty()) {
    absl::StatusOr<std::string> k = KeyName(text, key);
    if (!k.ok()) return k.status();
    e.key = *k;
  }
  return e;
}

const char* TransferRoutedName(TransferRouted r) {
  return r == TransferRouted::kRefuse ? "refuse" : "flatten";
}

std::optional<TransferRouted> ParseTransferRouted(std::string_view text) {
  if (text == "flatten") return TransferRouted::kFlatten;
  if (text == "refuse") return TransferRouted::kRefuse;
  return std::nullopt;
}

const AclEntry* ZoneTransferPolicy::Allows(const geo::Address& client,
                                           std::string_view key) const {
  for (const AclEntry& e : allow_transfer) {
    if (!e.prefix.Contains(client)) continue;
    if (e.key.empty() || e.key == key) return &e;
  }
  return nullptr;
}

absl::StatusOr<std::pair<std::string, Endpoint>> ParseSecondarySpec(std::string_view text) {
  size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return Bad(text, "expected ORIGIN=ADDRESS:PORT[:KEY]");
  absl::StatusOr<Endpoint> e = ParseEndpoint(text.substr(eq + 1));
  if (!e.ok()) return e.status();
  absl::StatusOr<std::string> wire = TransferConfig::WireOrigin(text.substr(0, eq));
  if (!wire.ok()) return Bad(text, Msg(wire.status()));
  return std::make_pair(NameToText(*wire), *std::move(e));
}

ZoneTransferPolicy TransferConfig::PolicyFor(std::string_view origin_wire) const {
  ZoneTransferPolicy p = all_zones;
  auto it = per_zone.find(std::string(origin_wire));
  if (it == per_zone.end()) return p;
  const ZoneTransferPolicy& z = it->second;
  p.allow_transfer.insert(p.allow_transfer.end(), z.allow_transfer.begin(),
                          z.allow_transfer.end());
  p.notify.insert(p.notify.end(), z.notify.begin(), z.notify.end());
  p.notify_ns = p.notify_ns || z.notify_ns;
  p.transfer_routed = z.transfer_routed;
  return p;
}

const SecondaryZone* TransferConfig::SecondaryFor(std::string_view origin_wire) const {
  for (const SecondaryZone& s : secondaries)
    if (s.origin_wire == origin_wire) return &s;
  return nullptr;
}

absl::Status TransferConfig::AddSecondary(std::string_view origin, Endpoint endpoint) {
  absl::StatusOr<std::string> wire = WireOrigin(origin);
  if (!wire.ok()) return wire.status();
  for (SecondaryZone& s : secondaries) {
    if (s.origin_wire != *wire) continue;
    if (std::find(s.primaries.begin(), s.primaries.end(), endpoint) == s.primaries.end())
      s.primaries.push_back(std::move(endpoint));
    return absl::OkStatus();
  }
  secondaries.push_back(SecondaryZone{NameToText(*wire), *wire, {std::move(endpoint)}});
  return absl::OkStatus();
}

absl::StatusOr<std::string> TransferConfig::WireOrigin(std::string_view origin) {
  std::string wire;
  if (origin.empty() || !NameFromText(origin, &wire))
    return absl::InvalidArgumentError(absl::StrCat("'", base::AV(origin), "' is not a domain name"));
  return wire;
}

}  // namespace dns::xfr
