#include "dns/server/config.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/errno_status.h"
#include "base/string_view.h"
#include "dns/server/net.h"
#include "dns/wire/name.h"
#include "yaml-cpp/yaml.h"

namespace dns::server {
namespace {

// Parsing state shared by the file and the flags.
struct ParseState {
  // The first listen address (from the file or a flag) replaces the
  // built-in default; later ones append.
  bool listen_given = false;
};

enum class Kind { kString, kList, kInt };

// One setting: its name (the flag without "--", and the YAML key), and how
// to apply one value. `apply` returns a message without location on error.
struct Setting {
  const char* name;
  Kind kind;
  const char* arg;   // for --help
  const char* help;  // for --help
  absl::Status (*apply)(std::string_view value, Config* c, ParseState* s);
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
    {"listen", Kind::kList, "ADDR:PORT",
     "Serve DNS (UDP and TCP) on this address; repeatable. IPv6 as\n"
     "[::1]:5300. Port 0 picks a free port. Default 127.0.0.1:5300.",
     ApplyListen},
    {"zone", Kind::kList, "ORIGIN=PATH",
     "Load a zone: an RFC 1035 master file, or Route 53 record sets if PATH\n"
     "ends in .json. Repeatable; one origin may be given a master file and\n"
     "a .json. Relative paths are relative to the working directory.",
     ApplyZone},
    {"latency", Kind::kString, "PATH",
     "Latency table CSV (network,region,rtt_ms; 0.0.0.0/0 and ::/0 rows\n"
     "give the default ranking). Re-read on SIGHUP.",
     [](std::string_view v, Config* c, ParseState*) {
       return NonEmpty(v, &c->latency);
     }},
    {"default-latency", Kind::kString, "PATH",
     "Network locations CSV (network,latitude,longitude,country) ranked at\n"
     "start-up against --regions with the distance model: the latency table\n"
     "when routed record sets exist and neither --latency nor the data dir\n"
     "gives one. Default: default-locations.csv in the build tree (made from\n"
     "tor-geoipdb by the build); \"off\" disables it.",
     [](std::string_view v, Config* c, ParseState*) {
       return NonEmpty(v, &c->default_latency);
     }},
    {"regions", Kind::kString, "PATH",
     "Region coordinates CSV (region,latitude,longitude). Default: the AWS\n"
     "regions shipped in data/aws_regions.csv.",
     [](std::string_view v, Config* c, ParseState*) {
       return NonEmpty(v, &c->regions);
     }},
    {"health-checks", Kind::kString, "PATH",
     "Route 53 health checks JSON ({\"HealthChecks\":[...]}, as `aws route53\n"
     "list-health-checks` prints it), probed from one thread; an unhealthy\n"
     "member is skipped. Re-read on SIGHUP unless loaded through the API.",
     [](std::string_view v, Config* c, ParseState*) {
       return NonEmpty(v, &c->health_checks);
     }},
    {"health-check-resolver", Kind::kString, "ADDR:PORT",
     "DNS server(s) that resolve FullyQualifiedDomainName health checks,\n"
     "comma-separated (127.0.0.1:5353,[::1]:53). Default: /etc/resolv.conf.",
     [](std::string_view v, Config* c, ParseState*) {
       return NonEmpty(v, &c->health_check_resolver);
     }},
    {"control", Kind::kString, "ADDR:PORT",
     "HTTP admin API (zonectl, /metrics). Default 127.0.0.1:8053; \"off\"\n"
     "disables it. A non-loopback address needs --control-token-file.",
     ApplyControl},
    {"control-token-file", Kind::kString, "PATH",
     "File with the bearer token every control API request must send\n"
     "(Authorization: Bearer TOKEN). Required for a non-loopback --control.",
     [](std::string_view v, Config* c, ParseState*) {
       return NonEmpty(v, &c->control_token_file);
     }},
    {"data-dir", Kind::kString, "DIR",
     "Persist zones, change batches, the latency table and region states\n"
     "accepted by the control API here, and load them at start-up (they\n"
     "override --zone/--latency for what they cover). Without it, API\n"
     "changes live in memory only.",
     [](std::string_view v, Config* c, ParseState*) {
       return NonEmpty(v, &c->data_dir);
     }},
    {"threads", Kind::kInt, "N",
     "UDP worker threads, and as many TCP worker threads (0..1024).\n"
     "Default 0 = one per CPU.",
     [](std::string_view v, Config* c, ParseState*) {
       return IntIn(v, 0, 1024, &c->threads);
     }},
    {"max-udp-size", Kind::kInt, "BYTES",
     "Largest UDP reply (512..65535). Default 1232, which is never\n"
     "fragmented; a smaller EDNS buffer size from the client wins.",
     [](std::string_view v, Config* c, ParseState*) {
       return IntIn(v, 512, 65535, &c->max_udp_size);
     }},
    {"tcp-idle-timeout", Kind::kInt, "SECONDS",
     "Close TCP connections idle this long (1..3600). Default 10.",
     [](std::string_view v, Config* c, ParseState*) {
       return IntIn(v, 1, 3600, &c->tcp_idle_timeout);
     }},
    {"tcp-max-connections", Kind::kInt, "N",
     "Concurrent TCP connections (1..1000000). At the cap a new\n"
     "connection closes the least recently active one. Default 1024.",
     [](std::string_view v, Config* c, ParseState*) {
       return IntIn(v, 1, 1000000, &c->tcp_max_connections);
     }},
    {"xdp", Kind::kString, "IFNAME",
     "Also serve UDP on this interface through AF_XDP (kernel bypass), for\n"
     "the port of the first --listen address; TCP stays on sockets. Every\n"
     "frame of the interface goes to steerdns (non-DNS ones are dropped):\n"
     "give it an interface of its own. Needs root and a build with libxdp.",
     [](std::string_view v, Config* c, ParseState*) {
       return NonEmpty(v, &c->xdp);
     }},
};

const Setting* FindSetting(std::string_view name) {
  for (const Setting& s : kSettings) {
    if (name == s.name) return &s;
  }
  return nullptr;
}

std::string Where(const std::string& file, const YAML::Mark& mark) {
  return absl::StrCat(file, ":", mark.line + 1);
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
    const Setting* setting = FindSetting(name);
    if (setting == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(Where(file, key.Mark()), ": unknown key '", name, "'"));
    }
    std::vector<YAML::Node> items;
    if (value.IsSequence() && setting->kind == Kind::kList) {
      for (const YAML::Node& item : value) items.push_back(item);
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
      absl::Status st = setting->apply(item.Scalar(), config, state);
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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot open: ", base::ErrnoText(errno)));
  }
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::NotFoundError(
        absl::StrCat(path, ": cannot read: ", base::ErrnoText(errno)));
  }
  return LoadText(text.str(), path, config, state);
}

}  // namespace

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
    absl::Status st = setting->apply(arg.value, &config, &state);
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
      "zones are written as on the command line. Unknown keys are errors.\n"
      "Example:\n"
      "  listen: [\"127.0.0.1:5300\", \"[::1]:5300\"]\n"
      "  zone:\n"
      "    - example.com.=examples/example.com.zone\n"
      "  threads: 2\n"
      "  max-udp-size: 1232\n";
  return out;
}

}  // namespace dns::server
