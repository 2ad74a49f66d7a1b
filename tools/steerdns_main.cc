// steerdns: the authoritative DNS server daemon.
//
// Goal: flags → Config → zones → Snapshot → Server, then wait for signals:
// SIGHUP re-reads every zone file and publishes the new set atomically (an
// error is logged and the old zones keep serving); SIGTERM/SIGINT stop.
// Start-up errors print one line ("file:line: message" for bad zone data)
// and exit 1.
// Non-goals here: answering (dns/answer), sockets and threads (dns/server),
// the admin API, latency tables and health checks (their flags are accepted
// and reported as not used yet).
#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "dns/answer/snapshot.h"
#include "dns/server/config.h"
#include "dns/server/server.h"
#include "dns/wire/name.h"
#include "zones/master_file.h"

namespace {

using dns::server::Config;

void Log(const std::string& line) {
  std::fprintf(stderr, "%s\n", line.c_str());
}

struct LoadedZones {
  std::unique_ptr<const dns::Snapshot> snapshot;
  std::vector<std::string> log;  // one line per zone
};

// Reads every zone of `config` into a new Snapshot. Runs on the main
// (control) thread, never on a worker. Nothing is published on error.
absl::StatusOr<LoadedZones> LoadZones(const Config& config) {
  auto snapshot = std::make_unique<dns::Snapshot>();
  LoadedZones out;
  absl::flat_hash_map<std::string, std::string> path_of_origin;
  for (const dns::server::ZoneSource& z : config.zones) {
    if (absl::EndsWithIgnoreCase(z.path, ".json")) {
      return absl::UnimplementedError(absl::StrCat(
          z.path, ": Route 53 JSON record sets are not supported yet"));
    }
    absl::StatusOr<std::shared_ptr<const zones::Zone>> zone =
        zones::LoadMasterFile(z.origin, z.path);
    if (!zone.ok()) return zone.status();
    const std::string& origin = (*zone)->origin();
    auto [it, inserted] = path_of_origin.emplace(origin, z.path);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(z.path, ": zone ", dns::NameToText(origin),
                       " is already loaded from ", it->second));
    }
    out.log.push_back(absl::StrCat(
        "zone ", dns::NameToText(origin), " serial ", (*zone)->serial(), ", ",
        (*zone)->record_count(), " records from ", z.path));
    snapshot->zones.Put(*std::move(zone));
  }
  out.snapshot = std::move(snapshot);
  return out;
}

void NoteUnused(const Config& config) {
  auto note = [](const char* flag, const std::string& value) {
    if (!value.empty()) {
      Log(absl::StrCat("note: --", flag, " ", value,
                       " is accepted but not used yet"));
    }
  };
  note("latency", config.latency);
  note("regions", config.regions);
  note("health-checks", config.health_checks);
  note("data-dir", config.data_dir);
  if (config.control != Config().control) note("control", config.control);
}

}  // namespace

int main(int argc, char** argv) {
  absl::StatusOr<Config> config = dns::server::ParseFlags(argc, argv);
  if (!config.ok()) {
    Log(absl::StrCat("steerdns: ", config.status().message()));
    return 1;
  }
  if (config->help) {
    std::fputs(dns::server::UsageText().c_str(), stdout);
    return 0;
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

  absl::StatusOr<LoadedZones> zones = LoadZones(*config);
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
      absl::StatusOr<LoadedZones> next = LoadZones(*config);
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
