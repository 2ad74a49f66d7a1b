// steerdns: the authoritative DNS server daemon.
//
// Goal: flags → Config → zones → Snapshot → Server, then wait for signals:
// SIGHUP re-reads every zone file and publishes the new set atomically (an
// error is logged and the old zones keep serving); SIGTERM/SIGINT stop.
// Start-up errors print one line ("file:line: message" for bad zone data)
// and exit 1.
// Routed record sets are compiled against the latency table (--latency),
// the region registry (--regions, AWS regions by default) and the health
// slots; `--explain NAME TYPE CLIENT` answers one query with tracing on,
// prints why as JSON and exits.
// Non-goals here: answering (dns/answer), sockets and threads (dns/server),
// the admin API and health probes (their flags are accepted and reported as
// not used yet).
#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "dns/answer/answer.h"
#include "dns/answer/explain.h"
#include "dns/answer/snapshot.h"
#include "geo/address.h"
#include "geo/health.h"
#include "geo/latency_table.h"
#include "geo/regions.h"
#include "dns/server/config.h"
#include "dns/server/server.h"
#include "dns/wire/name.h"
#include "zones/zone_loader.h"

// ldns defines bool/true/false itself unless <stdbool.h> came first.
#include <stdbool.h>
#include <ldns/ldns.h>

namespace {

using dns::server::Config;

void Log(const std::string& line) {
  std::fprintf(stderr, "%s\n", line.c_str());
}

// State that outlives every snapshot: region admin states and health slots
// are read by the workers from atomics; the registry names the regions.
struct Runtime {
  geo::AdminStates admin;
  geo::HealthTable health;
  std::shared_ptr<const geo::RegionRegistry> regions;
};

struct LoadedZones {
  std::unique_ptr<const dns::Snapshot> snapshot;
  std::vector<std::string> log;  // one line per zone
};

// Reads every zone and the latency table of `config` into a new Snapshot.
// Runs on the main (control) thread, never on a worker. Nothing is
// published on error.
absl::StatusOr<LoadedZones> LoadZones(const Config& config, Runtime& runtime) {
  dns::SnapshotInputs inputs;
  LoadedZones out;
  // The --zone entries of one origin (a master file and Route 53 JSON may
  // both be given) make one zone; origins in order of first mention.
  std::vector<std::pair<std::string, std::vector<std::string>>> by_origin;
  absl::flat_hash_map<std::string, size_t> index_of_origin;
  for (const dns::server::ZoneSource& z : config.zones) {
    std::string key;
    if (!dns::NameFromText(z.origin, &key)) key = z.origin;  // LoadZone says
    auto [it, added] = index_of_origin.try_emplace(key, by_origin.size());
    if (added) by_origin.emplace_back(z.origin, std::vector<std::string>());
    by_origin[it->second].second.push_back(z.path);
  }
  for (const auto& [origin_text, paths] : by_origin) {
    absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
        zones::LoadZone(origin_text, paths);
    if (!zone.ok()) return zone.status();
    size_t routed = 0;
    for (size_t i = 0; i < (*zone)->node_count(); ++i) {
      for (const zones::RoutedGroup& g : (*zone)->node(i).routed)
        routed += g.members.size();
    }
    out.log.push_back(absl::StrCat(
        "zone ", dns::NameToText((*zone)->origin()), " serial ",
        (*zone)->serial(), ", ", (*zone)->record_count(), " records",
        routed > 0 ? absl::StrCat(", ", routed, " routed record sets") : "",
        " from ", absl::StrJoin(paths, ", ")));
    inputs.zones.Put(*std::move(zone));
  }
  if (!config.latency.empty()) {
    absl::StatusOr<std::shared_ptr<const geo::LatencyTable>> table =
        geo::LatencyTable::LoadCsv(config.latency);
    if (!table.ok()) return table.status();
    out.log.push_back(absl::StrCat("latency table ", config.latency, ": ",
                                   (*table)->network_count(), " networks, ",
                                   (*table)->region_count(), " regions, ",
                                   (*table)->ranking_count(), " distinct rankings"));
    inputs.latency = *std::move(table);
  }
  inputs.admin = &runtime.admin;
  inputs.health = &runtime.health;
  absl::StatusOr<std::unique_ptr<const dns::Snapshot>> snapshot =
      dns::BuildSnapshot(std::move(inputs));
  if (!snapshot.ok()) return snapshot.status();
  if (config.latency.empty() && !(*snapshot)->routed.empty()) {
    out.log.push_back(
        "note: routed record sets but no --latency table: latency groups answer "
        "in member order");
  }
  out.snapshot = *std::move(snapshot);
  return out;
}

// Loads the region registry: --regions, or the AWS regions shipped in
// data/. A missing default file is not fatal (regions then come from the
// record sets themselves).
absl::Status LoadRegions(const Config& config, Runtime& runtime) {
  const std::string path = config.regions.empty() ? geo::DefaultRegionsPath() : config.regions;
  absl::StatusOr<std::shared_ptr<const geo::RegionRegistry>> regions =
      geo::RegionRegistry::LoadCsv(path, runtime.admin);
  if (!regions.ok()) {
    if (!config.regions.empty()) return regions.status();
    Log(absl::StrCat("note: default regions file not loaded: ", regions.status().message()));
    return absl::OkStatus();
  }
  runtime.regions = *std::move(regions);
  return absl::OkStatus();
}

// --explain NAME TYPE CLIENT: one query through the real answer path with
// tracing on. CLIENT is an address (routes as a /32 or /128 ECS prefix) or
// a prefix. Prints JSON; exit 0, or 1 with a reason.
int Explain(const dns::Snapshot& snap, const std::vector<std::string>& args) {
  const std::string& name = args[0];
  const std::string& type_text = args[1];
  const std::string& client = args[2];
  ldns_rr_type type = ldns_get_rr_type_by_name(type_text.c_str());
  if (type == 0) {
    Log(absl::StrCat("steerdns: --explain: unknown type '", type_text, "'"));
    return 1;
  }
  absl::StatusOr<geo::Prefix> prefix = geo::Prefix::Parse(client, /*allow_host_bits=*/true);
  if (!prefix.ok()) {
    Log(absl::StrCat("steerdns: --explain: bad client '", client, "': ", prefix.status().message()));
    return 1;
  }
  std::string qname;
  if (!dns::NameFromText(name, &qname)) {
    Log(absl::StrCat("steerdns: --explain: bad name '", name, "'"));
    return 1;
  }
  // The query: RD clear, EDNS with an ECS option for the client prefix.
  std::vector<uint8_t> q = {0x5e, 0xed, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1};
  q.insert(q.end(), qname.begin(), qname.end());
  q.push_back(static_cast<uint8_t>(type >> 8));
  q.push_back(static_cast<uint8_t>(type));
  q.push_back(0);
  q.push_back(1);
  const bool v4 = prefix->is_v4();
  const int len = prefix->length();
  uint8_t addr[16];
  prefix->address().Masked(len).ToBytes(addr);
  const uint8_t* bytes = v4 ? addr + 12 : addr;
  const int alen = (len + 7) / 8;
  const int optlen = 4 + alen;
  const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, static_cast<uint8_t>(4 + optlen),
                         0, 8, 0, static_cast<uint8_t>(optlen), 0, static_cast<uint8_t>(v4 ? 1 : 2),
                         static_cast<uint8_t>(len), 0};
  q.insert(q.end(), std::begin(opt), std::end(opt));
  q.insert(q.end(), bytes, bytes + alen);

  dns::Request request;
  request.transport = dns::Transport::kTcp;  // the whole answer, never TC
  dns::Trace trace;
  std::vector<uint8_t> out(65535);
  const size_t n = dns::HandleQuery(snap, q.data(), q.size(), request, out.data(), out.size(),
                                    nullptr, &trace);
  std::fputs(dns::ExplainJson(trace, out.data(), n).c_str(), stdout);
  std::fputc('\n', stdout);
  return 0;
}

// Takes "--explain NAME TYPE CLIENT" out of argv (the other flags are the
// data flags it explains against).
std::vector<const char*> ExtractExplain(int argc, char** argv, std::vector<std::string>* explain,
                                        bool* bad) {
  std::vector<const char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--explain") {
      if (i + 3 >= argc) {
        *bad = true;
        break;
      }
      explain->assign(argv + i + 1, argv + i + 4);
      i += 3;
      continue;
    }
    rest.push_back(argv[i]);
  }
  return rest;
}

void NoteUnused(const Config& config) {
  auto note = [](const char* flag, const std::string& value) {
    if (!value.empty()) {
      Log(absl::StrCat("note: --", flag, " ", value,
                       " is accepted but not used yet"));
    }
  };
  note("health-checks", config.health_checks);
  note("data-dir", config.data_dir);
  if (config.control != Config().control) note("control", config.control);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> explain;
  bool bad_explain = false;
  std::vector<const char*> args = ExtractExplain(argc, argv, &explain, &bad_explain);
  if (bad_explain) {
    Log("steerdns: --explain needs NAME TYPE CLIENT");
    return 1;
  }
  absl::StatusOr<Config> config =
      dns::server::ParseFlags(static_cast<int>(args.size()), args.data());
  if (!config.ok()) {
    Log(absl::StrCat("steerdns: ", config.status().message()));
    return 1;
  }
  if (config->help) {
    std::fputs(dns::server::UsageText().c_str(), stdout);
    return 0;
  }
  Runtime runtime;
  if (absl::Status st = LoadRegions(*config, runtime); !st.ok()) {
    Log(std::string(st.message()));
    return 1;
  }
  if (!explain.empty()) {
    absl::StatusOr<LoadedZones> data = LoadZones(*config, runtime);
    if (!data.ok()) {
      Log(std::string(data.status().message()));
      return 1;
    }
    return Explain(*data->snapshot, explain);
  }
  NoteUnused(*config);

  // Signals are taken by this thread only, with sigwait(): block them
  // before any thread starts, so every worker inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // TCP sends use MSG_NOSIGNAL; belt and braces

  absl::StatusOr<LoadedZones> zones = LoadZones(*config, runtime);
  if (!zones.ok()) {
    Log(std::string(zones.status().message()));
    return 1;
  }
  for (const std::string& line : zones->log) Log("loaded " + line);
  if (config->zones.empty()) Log("note: no zones given (--zone ORIGIN=PATH)");

  dns::server::Server server;
  absl::Status started = server.Start(*config, std::move(zones->snapshot));
  if (!started.ok()) {
    Log(absl::StrCat("steerdns: ", started.message()));
    return 1;
  }
  for (const std::string& address : server.listening()) {
    Log(absl::StrCat("listening on ", address, " (UDP and TCP, ",
                     server.threads(), " threads each)"));
  }

  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0) continue;
    if (sig == SIGHUP) {
      Log("SIGHUP: reloading zones");
      absl::StatusOr<LoadedZones> next = LoadZones(*config, runtime);
      if (!next.ok()) {
        Log(absl::StrCat(next.status().message()));
        Log("reload failed; still serving the previous zones");
        continue;
      }
      server.cell()->Publish(std::move(next->snapshot));
      for (const std::string& line : next->log) Log("reloaded " + line);
      continue;
    }
    Log(absl::StrCat("received ", sig == SIGINT ? "SIGINT" : "SIGTERM",
                     ", stopping"));
    break;
  }
  server.Stop();
  dns::server::CounterTotals totals = server.Totals();
  Log(absl::StrCat("stopped after ", totals.queries, " queries, ",
                   totals.replies, " replies"));
  return 0;
}
