// File: dns/control/config.h
//
// The daemon's settings: a plain struct with in-class defaults, filled from
// an optional YAML file (--config) and then from command-line flags, which
// override scalar settings and append to list settings (--listen, --zone).
// Every flag has a YAML key of the same name (without the dashes).
//
// Settings fixed at start (sockets, threads) live here beside the paths of
// reloadable data (zones, tables); reloads re-read the files, not the flags.
// The DNS server gets only its part, dns::server::ServerOptions (the base
// of Config); it knows no flags and no YAML.
//
// Example:
//   absl::StatusOr<Config> config = ParseFlags(argc, argv);
//   if (!config.ok()) { fprintf(stderr, "%s\n", ...); return 1; }
//   if (config->help) { fputs(UsageText().c_str(), stdout); return 0; }
//   server.Start(*config, ...);  // its ServerOptions
//
// Thread safety: plain data; ParseFlags/LoadConfigFile are thread-compatible.
#ifndef STEERDNS_DNS_CONTROL_CONFIG_H_
#define STEERDNS_DNS_CONTROL_CONFIG_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "dns/server/server_options.h"
#include "dns/xfr/transfer_config.h"
#include "zones/serial.h"

namespace dns::control {

// One --zone ORIGIN=PATH. The same origin may appear twice (a master file
// and a Route 53 .json for the same zone); both entries are kept, in order.
struct ZoneSource {
  std::string origin;  // presentation form as given, e.g. "example.com."
  std::string path;    // master file, or Route 53 JSON if it ends in .json

  friend bool operator==(const ZoneSource&, const ZoneSource&) = default;
};

// The daemon's settings: the server's (listen, threads, max_udp_size,
// tcp_idle_timeout, tcp_max_connections, xdp; see ServerOptions, whose
// defaults are the daemon's) and the control plane's. A Config is passed to
// Server::Start as it is: the server sees only its part.
struct Config : dns::server::ServerOptions {
  // Zones to load at start and on reload, in order.
  std::vector<ZoneSource> zones;
  // How every zone's SOA serial moves on a change (zones/serial.h), unless
  // zone_serial_policies names the zone.
  zones::SerialPolicy serial_policy = zones::SerialPolicy::kIncrement;
  // --zone-serial-policy ORIGIN=POLICY: (wire origin, policy), later
  // entries win.
  std::vector<std::pair<std::string, zones::SerialPolicy>> zone_serial_policies;

  // The serial policy of the zone `origin_wire` (lower-cased wire form);
  // keep for a secondary zone (its primary's serials).
  zones::SerialPolicy SerialPolicyFor(std::string_view origin_wire) const;

  // Latency table CSV (network,region,rtt_ms); empty: none.
  std::string latency;
  // Network locations CSV (geo/build/location_table.h) ranked at start-up into
  // the table used when routed record sets exist and neither `latency`
  // nor the data dir gives one. Empty or "off": none; the daemon fills in
  // the build tree's default-locations.csv when the flag is not given.
  std::string default_latency;
  // Region coordinates CSV (region,latitude,longitude); empty: the default.
  std::string regions;
  // Route 53 health checks JSON (health/health_checks.h); empty: none (or
  // the data dir's). Re-read on SIGHUP unless loaded through the API.
  std::string health_checks;
  // Folder of DNSSEC key files (dns/dnssec/keys.h: LoadKeyDirectory);
  // empty: no keys. Re-read on SIGHUP when a file in it changed.
  std::string dnssec_keys;
  // Validity of online signatures, seconds (dns/answer/online_signing.h).
  int dnssec_signature_lifetime = 14 * 86400;
  // DNS servers for FullyQualifiedDomainName checks, as c-ares takes them
  // ("127.0.0.1:5353,[::1]:53"); empty: /etc/resolv.conf.
  std::string health_check_resolver;
  // HTTP admin API address (docs/control-api.md); loopback by default.
  // "off" disables the API. A non-loopback address needs a token file.
  std::string control = "127.0.0.1:8053";
  // File holding the bearer token every control API request must carry
  // (surrounding whitespace ignored); empty: no token.
  std::string control_token_file;
  // Where zones, changes, the latency table and region states accepted by
  // the control API persist (docs/data-dir.md); empty: in memory only.
  std::string data_dir;

  // TSIG keys (RFC 8945), "NAME:ALGORITHM:BASE64" each (--tsig-key; YAML
  // tsig-keys as a list of {name, algorithm, secret} lands here too).
  std::vector<std::string> tsig_keys;
  // A file of BIND `key` clauses (as tsig-keygen prints them); empty: none.
  std::string tsig_keys_file;
  // Zone transfers: who may transfer (--allow-transfer, YAML zone-transfer),
  // whom we NOTIFY (--notify), the zones we are a secondary for
  // (--secondary), per-zone transfer-routed (dns/xfr/transfer_config.h).
  dns::xfr::TransferConfig transfer;

  // The YAML file given with --config, or empty.
  std::string config_file;

  // --help was given: print UsageText() and exit.
  bool help = false;
};

// Parses the command line (argv[0] is the program name). Accepts
// "--flag value" and "--flag=value"; --config FILE is read first wherever
// it appears, then the other flags apply on top of it. Errors:
// InvalidArgument for an unknown flag, a missing or bad value, or a bad
// config file ("file:line: message").
absl::StatusOr<Config> ParseFlags(int argc, const char* const* argv);

// Reads the YAML file at `path` into `config` (keys as the flags, without
// the dashes; list keys accept a sequence or a single value and append).
// Errors: as base::ReadFile if unreadable (NotFound "path: cannot open:
// ..." for a missing file); InvalidArgument "path:line: message" for bad
// YAML, unknown keys and bad values.
absl::Status LoadConfigFile(const std::string& path, Config* config);

// Parses YAML text; `display_name` stands for the file in messages.
absl::Status LoadConfigText(std::string_view text,
                            const std::string& display_name, Config* config);

// The --help text.
std::string UsageText();

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_CONFIG_H_
