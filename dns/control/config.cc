#include "dns/control/config.h"

#include <algorithm>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/file.h"
#include "base/string_view.h"
#include "dns/server/net.h"
#include "dns/wire/name.h"
#include "yaml-cpp/yaml.h"

namespace dns::control {
namespace {

using dns::server::ListenAddress;
using dns::server::ParseListenAddress;

// Parsing state shared by the file and the flags.
struct ParseState {
  // The first listen address (from the file or a flag) replaces the
  // built-in default; later ones append.
  bool listen_given = false;
};

enum class Kind { kString, kList, kInt };

// One setting: its name (the flag without "--", and the YAML key), and how
// to apply one value: a plain string or number goes to its field, anything
// else through `apply`, which returns a message without location on error.
struct Setting {
  const char* name;
  Kind kind;
  const char* arg;   // for --help
  const char* help;  // for --help
  std::string Config::*text = nullptr;  // kString: a non-empty value
  int Config::*number = nullptr;        // kInt: a value in [lo, hi]
  int lo = 0, hi = 0;
  absl::Status (*apply)(std::string_view value, Config* c, ParseState* s) = nullptr;
  // kList of ORIGIN=VALUE: YAML may also give a mapping {ORIGIN: VALUE}.
  bool by_origin = false;
};

absl::Status IntIn(std::string_view value, int lo, int hi, int* out) {
  int v = 0;
  if (!absl::SimpleAtoi(base::AV(value), &v) || v < lo || v > hi) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "'%s' is not a whole number from %d to %d", base::AV(value), lo, hi));
  }
  *out = v;
  return absl::OkStatus();
}

absl::Status NonEmpty(std::string_view value, std::string* out) {
  if (value.empty()) return absl::InvalidArgumentError("empty value");
  *out = std::string(value);
  return absl::OkStatus();
}

absl::Status ApplyListen(std::string_view v, Config* c, ParseState* s) {
  absl::StatusOr<ListenAddress> a = ParseListenAddress(v);
  if (!a.ok()) return a.status();
  if (!s->listen_given) c->listen.clear();
  s->listen_given = true;
  c->listen.emplace_back(v);
  return absl::OkStatus();
}

absl::Status ApplyZone(std::string_view v, Config* c, ParseState*) {
  size_t eq = v.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == v.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", base::AV(v), "' is not ORIGIN=PATH"));
  }
  std::string_view origin = v.substr(0, eq);
  std::string wire;
  if (!dns::NameFromText(origin, &wire)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", base::AV(origin), "' is not a domain name"));
  }
  c->zones.push_back({std::string(origin), std::string(v.substr(eq + 1))});
  return absl::OkStatus();
}

// "increment" -> the policy, or InvalidArgument naming the four.
absl::StatusOr<zones::SerialPolicy> ParsePolicy(std::string_view v) {
  std::optional<zones::SerialPolicy> p = zones::ParseSerialPolicy(v);
  if (!p.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", base::AV(v), "' is not a serial policy (increment, unixtime, dateserial, keep)"));
  }
  return *p;
}

absl::Status ApplySerialPolicy(std::string_view v, Config* c, ParseState*) {
  absl::StatusOr<zones::SerialPolicy> p = ParsePolicy(v);
  if (!p.ok()) return p.status();
  c->serial_policy = *p;
  return absl::OkStatus();
}

absl::Status ApplyZoneSerialPolicy(std::string_view v, Config* c, ParseState*) {
  size_t eq = v.find('=');
  if (eq == std::string_view::npos || eq == 0 || eq + 1 == v.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", base::AV(v), "' is not ORIGIN=POLICY"));
  }
  std::string_view origin = v.substr(0, eq);
  std::string wire;
  if (!dns::NameFromText(origin, &wire)) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", base::AV(origin), "' is not a domain name"));
  }
  absl::StatusOr<zones::SerialPolicy> p = ParsePolicy(v.substr(eq + 1));
  if (!p.ok()) return p.status();
  c->zone_serial_policies.emplace_back(std::move(wire), *p);
  return absl::OkStatus();
}

absl::Status ApplyTsigKey(std::string_view v, Config* c, ParseState*) {
  // NAME:ALGORITHM:SECRET; the key itself is checked when the key ring is
  // made (dns/tsig), which names the flag's value.
  if (std::count(v.begin(), v.end(), ':') < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", base::AV(v), "' is not NAME:ALGORITHM:SECRET (e.g. xfr-key:hmac-sha256:BASE64)"));
  }
  c->tsig_keys.emplace_back(v);
  return absl::OkStatus();
}

absl::Status AddAclEntry(std::string_view v, xfr::ZoneTransferPolicy* p) {
  absl::StatusOr<xfr::AclEntry> e = xfr::ParseAclEntry(v);
  if (!e.ok()) return e.status();
  p->allow_transfer.push_back(*std::move(e));
  return absl::OkStatus();
}

absl::Status AddNotify(std::string_view v, xfr::ZoneTransferPolicy* p) {
  if (v == "ns") {
    p->notify_ns = true;
    return absl::OkStatus();
  }
  absl::StatusOr<xfr::Endpoint> e = xfr::ParseEndpoint(v);
  if (!e.ok()) return e.status();
  p->notify.push_back(*std::move(e));
  return absl::OkStatus();
}

absl::Status ApplyAllowTransfer(std::string_view v, Config* c, ParseState*) {
  return AddAclEntry(v, &c->transfer.all_zones);
}

absl::Status ApplyNotify(std::string_view v, Config* c, ParseState*) {
  return AddNotify(v, &c->transfer.all_zones);
}

absl::Status ApplySecondary(std::string_view v, Config* c, ParseState*) {
  absl::StatusOr<std::pair<std::string, xfr::Endpoint>> s = xfr::ParseSecondarySpec(v);
  if (!s.ok()) return s.status();
  return c->transfer.AddSecondary(s->first, std::move(s->second));
}

absl::Status ApplyZoneTransferRouted(std::string_view v, Config* c, ParseState*) {
  size_t eq = v.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", base::AV(v), "' is not ORIGIN=flatten|refuse"));
  }
  absl::StatusOr<std::string> wire = xfr::TransferConfig::WireOrigin(v.substr(0, eq));
  if (!wire.ok()) return wire.status();
  std::optional<xfr::TransferRouted> r = xfr::ParseTransferRouted(v.substr(eq + 1));
  if (!r.has_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", base::AV(v.substr(eq + 1)), "' is not a transfer-routed mode (flatten, refuse)"));
  }
  c->transfer.per_zone[*wire].transfer_routed = *r;
  return absl::OkStatus();
}

absl::Status ApplyControl(std::string_view v, Config* c, ParseState*) {
  if (v == "off") {
    c->control = "off";
    return absl::OkStatus();
  }
  absl::StatusOr<ListenAddress> a = ParseListenAddress(v);
  if (!a.ok()) return a.status();
  c->control = std::string(v);
  return absl::OkStatus();
}

const Setting kSettings[] = {
    {.name = "listen", .kind = Kind::kList, .arg = "ADDR:PORT",
     .help =
         "Serve DNS (UDP and TCP) on this address; repeatable. IPv6 as\n"
         "[::1]:5300. Port 0 picks a free port. Default 127.0.0.1:5300.",
     .apply = ApplyListen},
    {.name = "zone", .kind = Kind::kList, .arg = "ORIGIN=PATH",
     .help =
         "Load a zone: an RFC 1035 master file, or Route 53 record sets if PATH\n"
         "ends in .json. Repeatable; one origin may be given a master file and\n"
         "a .json. Relative paths are relative to the working directory.",
     .apply = ApplyZone, .by_origin = true},
    {.name = "serial-policy", .kind = Kind::kString, .arg = "POLICY",
     .help =
         "How a zone's SOA serial moves when its data changes (API load, change\n"
         "batch, SIGHUP reload): increment (default: served + 1, or the file's\n"
         "own serial when it is newer), unixtime, dateserial (YYYYMMDDnn) or keep\n"
         "(the data's serial as it is). Never backwards but with keep; persisted\n"
         "in --data-dir across restarts.",
     .apply = ApplySerialPolicy},
    {.name = "zone-serial-policy", .kind = Kind::kList, .arg = "ORIGIN=POLICY",
     .help =
         "The serial policy of one zone, overriding --serial-policy. Repeatable.",
     .apply = ApplyZoneSerialPolicy, .by_origin = true},
    {.name = "latency", .kind = Kind::kString, .arg = "PATH",
     .help =
         "Latency table CSV (network,region,rtt_ms; 0.0.0.0/0 and ::/0 rows\n"
         "give the default ranking). Re-read on SIGHUP.",
     .text = &Config::latency},
    {.name = "default-latency", .kind = Kind::kString, .arg = "PATH",
     .help =
         "Network locations CSV (network,latitude,longitude,country) ranked at\n"
         "start-up against --regions with the distance model: the latency table\n"
         "when routed record sets exist and neither --latency nor the data dir\n"
         "gives one. Default: default-locations.csv in the build tree (made from\n"
         "tor-geoipdb by the build); \"off\" disables it.",
     .text = &Config::default_latency},
    {.name = "regions", .kind = Kind::kString, .arg = "PATH",
     .help =
         "Region coordinates CSV (region,latitude,longitude). Default: the AWS\n"
         "regions shipped in data/aws_regions.csv.",
     .text = &Config::regions},
    {.name = "health-checks", .kind = Kind::kString, .arg = "PATH",
     .help =
         "Route 53 health checks JSON ({\"HealthChecks\":[...]}, as `aws route53\n"
         "list-health-checks` prints it), probed from one thread; an unhealthy\n"
         "member is skipped. Re-read on SIGHUP unless loaded through the API.",
     .text = &Config::health_checks},
    {.name = "dnssec-keys", .kind = Kind::kString, .arg = "DIR",
     .help =
         "DNSSEC key pairs: the K<zone>+<alg>+<tag>.key/.private files that\n"
         "dnssec-keygen, ldns-keygen or `zonectl dnssec keygen` write. Loaded at\n"
         "start-up (a bad key file stops it) and re-read on SIGHUP when a file\n"
         "in DIR changed (a bad one is refused; the old keys stay). Listed by\n"
         "GET /v1/dnssec. A served zone with keys and no RRSIGs of its own is\n"
         "signed online (DNSKEY, CDS/CDNSKEY, every RRset and routed answer;\n"
         "compact denial, RFC 9824); a pre-signed zone with keys gets its routed\n"
         "answers signed. docs/dnssec.md.",
     .text = &Config::dnssec_keys},
    {.name = "dnssec-signature-lifetime", .kind = Kind::kInt, .arg = "SECONDS",
     .help =
         "Validity of the signatures made online (10..7776000). They are made\n"
         "again when half of it has passed (and at each key timing event).\n"
         "Default 1209600 (14 days).",
     .number = &Config::dnssec_signature_lifetime, .lo = 10, .hi = 7776000},
    {.name = "health-check-resolver", .kind = Kind::kString, .arg = "ADDR:PORT",
     .help =
         "DNS server(s) that resolve FullyQualifiedDomainName health checks,\n"
         "comma-separated (127.0.0.1:5353,[::1]:53). Default: /etc/resolv.conf.",
     .text = &Config::health_check_resolver},
    {.name = "control", .kind = Kind::kString, .arg = "ADDR:PORT",
     .help =
         "HTTP admin API (zonectl, /metrics). Default 127.0.0.1:8053; \"off\"\n"
         "disables it. A non-loopback address needs --control-token-file.",
     .apply = ApplyControl},
    {.name = "control-token-file", .kind = Kind::kString, .arg = "PATH",
     .help =
         "File with the bearer token every control API request must send\n"
         "(Authorization: Bearer TOKEN). Required for a non-loopback --control.",
     .text = &Config::control_token_file},
    {.name = "data-dir", .kind = Kind::kString, .arg = "DIR",
     .help =
         "Persist zones, change batches, the latency table and region states\n"
         "accepted by the control API here, and load them at start-up (they\n"
         "override --zone/--latency for what they cover). Without it, API\n"
         "changes live in memory only.",
     .text = &Config::data_dir},
    {.name = "tsig-key", .kind = Kind::kList, .arg = "NAME:ALG:SECRET",
     .help =
         "A TSIG key (RFC 8945): its name, hmac-sha256 (or hmac-sha1, -sha224,\n"
         "-sha384, -sha512) and the base64 secret, as `tsig-keygen` makes it.\n"
         "Repeatable. Signed queries, transfers and NOTIFYs are verified with\n"
         "it; a request with an unknown key gets NOTAUTH (BADKEY). YAML\n"
         "tsig-keys: a list of {name, algorithm, secret}.",
     .apply = ApplyTsigKey},
    {.name = "tsig-keys", .kind = Kind::kString, .arg = "PATH",
     .help =
         "A file of TSIG keys as BIND `key` clauses (what `tsig-keygen NAME`\n"
         "prints); in YAML also a list of {name, algorithm, secret}.",
     .text = &Config::tsig_keys_file},
    {.name = "allow-transfer", .kind = Kind::kList, .arg = "PREFIX[:KEY]",
     .help =
         "Let clients in PREFIX (10.0.0.0/8, 192.0.2.1, [::1]) transfer every\n"
         "zone (AXFR, IXFR over TCP), with requests signed by TSIG key KEY when\n"
         "given. Repeatable; per zone in YAML zone-transfer. Routed names are\n"
         "transferred as the answer of a client no latency-table row matches\n"
         "(the fail-open default member). Default: no transfers.",
     .apply = ApplyAllowTransfer},
    {.name = "notify", .kind = Kind::kList, .arg = "ADDR:PORT[:KEY]",
     .help =
         "Send NOTIFY (RFC 1996) for every zone change to this secondary,\n"
         "signed with TSIG key KEY when given; \"ns\": to the addresses of the\n"
         "zone's NS names. Retried with back-off. Repeatable; per zone in YAML.",
     .apply = ApplyNotify},
    {.name = "secondary", .kind = Kind::kList, .arg = "ORIGIN=ADDR:PORT[:KEY]",
     .help =
         "Serve ORIGIN as a secondary of the primary at ADDR:PORT (IXFR, else\n"
         "AXFR; TSIG key KEY): refreshed as its SOA says and on NOTIFY from it,\n"
         "SERVFAIL once expired, the last copy kept in --data-dir. Route 53\n"
         "record sets given with --zone for ORIGIN are merged on top.\n"
         "Repeatable (several primaries of one zone are tried in order).",
     .apply = ApplySecondary, .by_origin = true},
    {.name = "zone-transfer-routed", .kind = Kind::kList, .arg = "ORIGIN=MODE",
     .help =
         "What a zone transfer of ORIGIN does with routed record sets: flatten\n"
         "(default: the fail-open default member's records) or refuse (the zone\n"
         "is not transferred while it has any). Repeatable.",
     .apply = ApplyZoneTransferRouted, .by_origin = true},
    {.name = "threads", .kind = Kind::kInt, .arg = "N",
     .help =
         "UDP worker threads, and as many TCP worker threads (0..1024).\n"
         "Default 0 = one per CPU.",
     .number = &Config::threads, .lo = 0, .hi = 1024},
    {.name = "max-udp-size", .kind = Kind::kInt, .arg = "BYTES",
     .help =
         "Largest UDP reply (512..65535). Default 1232, which is never\n"
         "fragmented; a smaller EDNS buffer size from the client wins.",
     .number = &Config::max_udp_size, .lo = 512, .hi = 65535},
    {.name = "tcp-idle-timeout", .kind = Kind::kInt, .arg = "SECONDS",
     .help =
         "Close TCP connections idle this long (1..3600). Default 10.",
     .number = &Config::tcp_idle_timeout, .lo = 1, .hi = 3600},
    {.name = "tcp-max-connections", .kind = Kind::kInt, .arg = "N",
     .help =
         "Concurrent TCP connections (1..1000000). At the cap a new\n"
         "connection closes the least recently active one. Default 1024.",
     .number = &Config::tcp_max_connections, .lo = 1, .hi = 1000000},
    {.name = "xdp", .kind = Kind::kString, .arg = "IFNAME",
     .help =
         "Also serve UDP on this interface through AF_XDP (kernel bypass), for\n"
         "the port of the first --listen address; TCP stays on sockets. Every\n"
         "frame of the interface goes to steerdns (non-DNS ones are dropped):\n"
         "give it an interface of its own. Needs root and a build with libxdp.",
     .text = &Config::xdp},
};

absl::Status Apply(const Setting& s, std::string_view value, Config* c, ParseState* state) {
  if (s.apply != nullptr) return s.apply(value, c, state);
  if (s.text != nullptr) return NonEmpty(value, &(c->*s.text));
  return IntIn(value, s.lo, s.hi, &(c->*s.number));
}

const Setting* FindSetting(std::string_view name) {
  for (const Setting& s : kSettings) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::string Where(const std::string& file, const YAML::Mark& mark) {
  return absl::StrCat(file, ":", mark.line + 1);
}

// YAML tsig-keys: [{name: k, algorithm: hmac-sha256, secret: BASE64}, ...].
absl::Status LoadTsigKeyList(const YAML::Node& list, const std::string& file, Config* config) {
  for (const YAML::Node& item : list) {
    if (!item.IsMap()) {
      return absl::InvalidArgumentError(absl::StrCat(
          Where(file, item.Mark()), ": tsig-keys: expected {name, algorithm, secret}"));
    }
    std::string fields[3];
    const char* names[3] = {"name", "algorithm", "secret"};
    for (auto m = item.begin(); m != item.end(); ++m) {
      const YAML::Node k = m->first;
      const YAML::Node v = m->second;
      int i = 0;
      while (i < 3 && (!k.IsScalar() || k.Scalar() != names[i])) ++i;
      if (i == 3 || !v.IsScalar()) {
        return absl::InvalidArgumentError(absl::StrCat(
            Where(file, k.Mark()), ": tsig-keys: expected name, algorithm and secret"));
      }
      fields[i] = v.Scalar();
    }
    for (int i = 0; i < 3; ++i) {
      if (fields[i].empty()) {
        return absl::InvalidArgumentError(absl::StrCat(Where(file, item.Mark()),
                                                       ": tsig-keys: missing ", names[i]));
      }
    }
    config->tsig_keys.push_back(absl::StrCat(fields[0], ":", fields[1], ":", fields[2]));
  }
  return absl::OkStatus();
}

// YAML zone-transfer: {ORIGIN: {allow-transfer: [...], notify: [...],
// transfer-routed: flatten|refuse}}.
absl::Status LoadZoneTransfer(const YAML::Node& map, const std::string& file, Config* config) {
  if (!map.IsMap()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(file, map.Mark()),
        ": zone-transfer: expected ORIGIN: {allow-transfer, notify, transfer-routed}"));
  }
  for (auto z = map.begin(); z != map.end(); ++z) {
    const YAML::Node origin = z->first;
    const YAML::Node settings = z->second;
    if (!origin.IsScalar()) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(file, origin.Mark()), ": zone-transfer: a key must be an origin"));
    }
    absl::StatusOr<std::string> wire = xfr::TransferConfig::WireOrigin(origin.Scalar());
    if (!wire.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(Where(file, origin.Mark()),
                                                     ": zone-transfer: ", wire.status().message()));
    }
    if (!settings.IsMap()) {
      return absl::InvalidArgumentError(absl::StrCat(
          Where(file, settings.Mark()), ": zone-transfer: ", origin.Scalar(),
          ": expected {allow-transfer, notify, transfer-routed}"));
    }
    xfr::ZoneTransferPolicy& policy = config->transfer.per_zone[*wire];
    for (auto s = settings.begin(); s != settings.end(); ++s) {
      const YAML::Node k = s->first;
      const YAML::Node v = s->second;
      const std::string key = k.IsScalar() ? k.Scalar() : "";
      std::vector<YAML::Node> items;
      if (v.IsSequence()) {
        for (const YAML::Node& item : v) items.push_back(item);
      } else {
        items.push_back(v);
      }
      for (const YAML::Node& item : items) {
        if (!item.IsScalar()) {
          return absl::InvalidArgumentError(absl::StrCat(
              Where(file, item.Mark()), ": zone-transfer: ", key, ": expected a value"));
        }
        absl::Status st;
        if (key == "allow-transfer") {
          st = AddAclEntry(item.Scalar(), &policy);
        } else if (key == "notify") {
          st = AddNotify(item.Scalar(), &policy);
        } else if (key == "transfer-routed" && !v.IsSequence()) {
          std::optional<xfr::TransferRouted> r = xfr::ParseTransferRouted(item.Scalar());
          if (r.has_value()) {
            policy.transfer_routed = *r;
          } else {
            st = absl::InvalidArgumentError(absl::StrCat(
                "'", item.Scalar(), "' is not a transfer-routed mode (flatten, refuse)"));
          }
        } else {
          return absl::InvalidArgumentError(absl::StrCat(
              Where(file, k.Mark()), ": zone-transfer: unknown key '", key,
              "' (allow-transfer, notify, transfer-routed)"));
        }
        if (!st.ok()) {
          return absl::InvalidArgumentError(absl::StrCat(Where(file, item.Mark()),
                                                         ": zone-transfer: ", key, ": ",
                                                         st.message()));
        }
      }
    }
  }
  return absl::OkStatus();
}

absl::Status LoadYaml(const YAML::Node& root, const std::string& file,
                      Config* config, ParseState* state) {
  if (root.IsNull()) return absl::OkStatus();  // empty file
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Where(file, root.Mark()), ": expected a mapping of settings, e.g. "
                                  "'listen: [\"127.0.0.1:5300\"]'"));
  }
  for (auto it = root.begin(); it != root.end(); ++it) {
    // Copies: `it->` goes through a temporary proxy (yaml-cpp iterators),
    // and Nodes are cheap handles.
    const YAML::Node key = it->first;
    const YAML::Node value = it->second;
    if (!key.IsScalar()) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(file, key.Mark()), ": a key must be a name"));
    }
    const std::string name = key.Scalar();
    if (name == "config") {
      return absl::InvalidArgumentError(absl::StrCat(
          Where(file, key.Mark()), ": 'config' cannot be set in a config file"));
    }
    if (name == "zone-transfer") {
      absl::Status st = LoadZoneTransfer(value, file, config);
      if (!st.ok()) return st;
      continue;
    }
    if (name == "tsig-keys" && value.IsSequence()) {
      absl::Status st = LoadTsigKeyList(value, file, config);
      if (!st.ok()) return st;
      continue;
    }
    const Setting* setting = FindSetting(name);
    if (setting == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(file, key.Mark()), ": unknown key '", name, "'"));
    }
    std::vector<YAML::Node> items;
    if (value.IsSequence() && setting->kind == Kind::kList) {
      for (const YAML::Node& item : value) items.push_back(item);
    } else if (value.IsMap() && setting->by_origin) {
      // {example.com.: dateserial} stands for ["example.com.=dateserial"].
      for (auto m = value.begin(); m != value.end(); ++m) {
        const YAML::Node k = m->first;
        const YAML::Node v = m->second;
        if (!k.IsScalar() || !v.IsScalar()) {
          return absl::InvalidArgumentError(absl::StrCat(
              Where(file, k.Mark()), ": ", name, ": expected ORIGIN: VALUE pairs"));
        }
        absl::Status st =
            Apply(*setting, absl::StrCat(k.Scalar(), "=", v.Scalar()), config, state);
        if (!st.ok()) {
          return absl::InvalidArgumentError(
              absl::StrCat(Where(file, k.Mark()), ": ", name, ": ", st.message()));
        }
      }
      continue;
    } else {
      items.push_back(value);
    }
    for (const YAML::Node& item : items) {
      if (!item.IsScalar()) {
        const char* want = setting->kind == Kind::kList
                               ? "a value or a list of values"
                               : "a single value";
        return absl::InvalidArgumentError(
            absl::StrCat(Where(file, item.IsNull() ? key.Mark() : item.Mark()),
                         ": ", name, ": expected ", want));
      }
      absl::Status st = Apply(*setting, item.Scalar(), config, state);
      if (!st.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(
            Where(file, item.Mark()), ": ", name, ": ", st.message()));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status LoadText(std::string_view text, const std::string& file,
                      Config* config, ParseState* state) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
    return LoadYaml(root, file, config, state);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(file, ":", e.mark.line + 1, ": ", e.msg));
  }
}

absl::Status LoadFile(const std::string& path, Config* config,
                      ParseState* state) {
  absl::StatusOr<std::string> text = base::ReadFile(path);
  if (!text.ok()) return text.status();
  return LoadText(*text, path, config, state);
}

}  // namespace

zones::SerialPolicy Config::SerialPolicyFor(std::string_view origin_wire) const {
  // A secondary serves its primary's serials as they are.
  if (transfer.SecondaryFor(origin_wire) != nullptr) return zones::SerialPolicy::kKeep;
  zones::SerialPolicy policy = serial_policy;
  for (const auto& [wire, p] : zone_serial_policies) {
    if (wire == origin_wire) policy = p;
  }
  return policy;
}

absl::Status LoadConfigText(std::string_view text,
                            const std::string& display_name, Config* config) {
  ParseState state;
  return LoadText(text, display_name, config, &state);
}

absl::Status LoadConfigFile(const std::string& path, Config* config) {
  ParseState state;
  return LoadFile(path, config, &state);
}

absl::StatusOr<Config> ParseFlags(int argc, const char* const* argv) {
  // Split every argument into (name, value, has_inline_value) first, so
  // that --config can be applied before the flags that override it.
  struct Arg {
    std::string name;
    std::string value;
    bool has_value = false;
  };
  std::vector<Arg> args;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.size() < 3 || a.substr(0, 2) != "--") {
      return absl::InvalidArgumentError(absl::StrCat(
          "unexpected argument '", base::AV(a), "' (flags start with --; see --help)"));
    }
    a.remove_prefix(2);
    Arg arg;
    size_t eq = a.find('=');
    if (eq != std::string_view::npos) {
      arg.name = std::string(a.substr(0, eq));
      arg.value = std::string(a.substr(eq + 1));
      arg.has_value = true;
    } else {
      arg.name = std::string(a);
    }
    bool takes_value = arg.name != "help";
    if (takes_value && FindSetting(arg.name) == nullptr &&
        arg.name != "config") {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag '--", arg.name, "' (see --help)"));
    }
    if (!takes_value && arg.has_value) {
      return absl::InvalidArgumentError("--help takes no value");
    }
    if (takes_value && !arg.has_value) {
      if (i + 1 >= argc) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", arg.name, " needs a value"));
      }
      arg.value = argv[++i];
      arg.has_value = true;
    }
    args.push_back(std::move(arg));
  }

  Config config;
  ParseState state;
  for (const Arg& arg : args) {
    if (arg.name == "help") config.help = true;
  }
  if (config.help) return config;  // nothing else matters

  int config_files = 0;
  for (const Arg& arg : args) config_files += arg.name == "config" ? 1 : 0;
  if (config_files > 1) {
    return absl::InvalidArgumentError("--config given more than once");
  }
  for (const Arg& arg : args) {
    if (arg.name != "config") continue;
    if (arg.value.empty()) {
      return absl::InvalidArgumentError("--config: empty value");
    }
    config.config_file = arg.value;
    absl::Status st = LoadFile(arg.value, &config, &state);
    if (!st.ok()) return st;
  }
  for (const Arg& arg : args) {
    if (arg.name == "config") continue;
    const Setting* setting = FindSetting(arg.name);
    absl::Status st = Apply(*setting, arg.value, &config, &state);
    if (!st.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", arg.name, ": ", st.message()));
    }
  }
  return config;
}

std::string UsageText() {
  std::string out =
      "Usage: steerdns [--config FILE] [--FLAG VALUE | --FLAG=VALUE]...\n"
      "\n"
      "steerdns is an authoritative DNS server. It serves the zones given\n"
      "with --zone on every --listen address, over UDP and TCP.\n"
      "Signals: SIGHUP re-reads the files named by flags (on an error the old\n"
      "data keeps serving); SIGTERM and SIGINT stop the server.\n"
      "\n"
      "Flags:\n"
      "  --config FILE\n"
      "      Read settings from a YAML file first; flags given on the command\n"
      "      line then override its single values and add to its lists.\n"
      "  --help\n"
      "      Print this text and exit.\n"
      "  --explain NAME TYPE CLIENT\n"
      "      Load the data flags (zones, latency table, regions), answer one\n"
      "      query for NAME TYPE as if from CLIENT (an address, or a prefix sent\n"
      "      as EDNS Client Subnet), print why as JSON and exit. Not a YAML key.\n";
  for (const Setting& s : kSettings) {
    absl::StrAppend(&out, "  --", s.name, " ", s.arg, "\n      ");
    for (const char* p = s.help; *p != '\0'; ++p) {
      out.push_back(*p);
      if (*p == '\n') out.append("      ");
    }
    out.push_back('\n');
  }
  out +=
      "\n"
      "Config file (YAML): a mapping whose keys are the flag names without\n"
      "the dashes. List settings (listen, zone) take a list or one value;\n"
      "zones are written as on the command line, or as a mapping ORIGIN: VALUE\n"
      "(zone-serial-policy: {example.com.: dateserial}). Unknown keys are errors.\n"
      "Zone transfer settings of one zone (added to the all-zones flags):\n"
      "  zone-transfer:\n"
      "    example.com.:\n"
      "      allow-transfer: [\"192.0.2.0/24:xfr-key\"]\n"
      "      notify: [\"192.0.2.53:53:xfr-key\", ns]\n"
      "      transfer-routed: refuse\n"
      "Example:\n"
      "  listen: [\"127.0.0.1:5300\", \"[::1]:5300\"]\n"
      "  zone:\n"
      "    - example.com.=examples/example.com.zone\n"
      "  threads: 2\n"
      "  max-udp-size: 1232\n";
  return out;
}

}  // namespace dns::control
