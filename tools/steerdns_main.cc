// steerdns: the authoritative DNS server daemon.
//
// Goal: flags → Config → ControlState (zones, latency table, regions, data
// dir) → Server (DNS workers) → ControlApi (HTTP admin API, /metrics), then
// wait for signals: SIGHUP re-reads the files named by flags (ControlState
// publishes the new snapshot atomically; an error is logged and the old
// data keeps serving); SIGTERM/SIGINT stop. Start-up errors print one line
// ("file:line: message" for bad data) and exit 1. `--explain NAME TYPE
// CLIENT` answers one query with tracing on, prints why as JSON and exits.
// Non-goals here: loading and publishing data (dns/control), answering
// (dns/answer), sockets and threads (dns/server), health probes (geo/prober,
// owned and fed by ControlState; started here once the server serves).
#include <signal.h>
#include <ctime>
#include <algorithm>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "dns/control/config.h"
#include "dns/control/control_state.h"
#include "dns/control/explain_query.h"
#include "dns/control/http_api.h"
#include "dns/control/zone_transfers.h"
#include "dns/server/server.h"
#include "geo/build/location_table.h"

#ifndef STEERDNS_VERSION
#define STEERDNS_VERSION "unknown"
#endif

namespace {

using dns::control::Config;

void Log(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

// --explain NAME TYPE CLIENT: CLIENT is an address or a prefix, sent as
// an EDNS Client Subnet option. Prints JSON; exit 0, or 1 with a reason.
int Explain(dns::control::ControlState& state, const std::vector<std::string>& args) {
  dns::control::ExplainRequest request;
  request.name = args[0];
  request.type = args[1];
  request.subnet = args[2];
  request.health_reasons = state.HealthReasons();
  absl::StatusOr<std::string> json = absl::InternalError("no data loaded");
  state.WithSnapshot([&](const dns::Snapshot& snap) {
    json = dns::control::ExplainQuery(snap, request);
  });
  if (!json.ok()) {
    Log(absl::StrCat("steerdns: --explain: ", json.status().message()));
    return 1;
  }
  std::fputs(json->c_str(), stdout);
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

}  // namespace

int main(int argc, char** argv) {
  const absl::Time started_at = absl::Now();
  std::vector<std::string> explain;
  bool bad_explain = false;
  std::vector<const char*> args = ExtractExplain(argc, argv, &explain, &bad_explain);
  if (bad_explain) {
    Log("steerdns: --explain needs NAME TYPE CLIENT");
    return 1;
  }
  absl::StatusOr<Config> config =
      dns::control::ParseFlags(static_cast<int>(args.size()), args.data());
  if (!config.ok()) {
    Log(absl::StrCat("steerdns: ", config.status().message()));
    return 1;
  }
  if (config->help) {
    std::fputs(dns::control::UsageText().c_str(), stdout);
    return 0;
  }
  // Routed names without --latency use the table made at set-up time.
  if (config->default_latency.empty()) {
    config->default_latency = geo::DefaultNetworkLocationsPath();
  }
  if (!explain.empty()) {
    Config offline = *config;
    offline.data_dir.clear();  // explain the flags' data; never touch a data dir
    absl::StatusOr<std::unique_ptr<dns::control::ControlState>> state =
        dns::control::ControlState::Create(offline, [](const std::string&) {});
    if (!state.ok()) {
      Log(std::string(state.status().message()));
      return 1;
    }
    return Explain(**state, explain);
  }
  std::string token;
  absl::StatusOr<std::string> control = dns::control::CheckControlSettings(*config, &token);
  if (!control.ok()) {
    Log(absl::StrCat("steerdns: ", control.status().message()));
    return 1;
  }
  // Signals are taken by this thread only, with sigwait(): block them
  // before any thread starts, so every thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // TCP sends use MSG_NOSIGNAL; belt and braces

  // Zone transfers first: every snapshot carries its NOTIFY hook, so it is
  // destroyed last (after the server's snapshot cell); its threads stop
  // before the server.
  absl::StatusOr<std::shared_ptr<const dns::tsig::KeyRing>> tsig_keys =
      dns::control::LoadTsigKeys(*config);
  if (!tsig_keys.ok()) {
    Log(absl::StrCat("steerdns: ", tsig_keys.status().message()));
    return 1;
  }
  absl::StatusOr<std::unique_ptr<dns::control::ZoneTransfers>> transfers =
      dns::control::ZoneTransfers::Create(*config, *tsig_keys, Log);
  if (!transfers.ok()) {
    Log(absl::StrCat("steerdns: ", transfers.status().message()));
    return 1;
  }
  // Declared before the server: snapshots point into it, so it must be
  // destroyed after the server's snapshot cell.
  absl::StatusOr<std::unique_ptr<dns::control::ControlState>> state =
      dns::control::ControlState::Create(*config, Log, (*transfers)->hooks());
  if (!state.ok()) {
    Log(std::string(state.status().message()));
    return 1;
  }
  (*transfers)->Attach(state->get());  // the data dir's secondary copies
  dns::server::Server server;
  config->transfer_handoff = (*transfers)->handoff();  // AXFR/IXFR over TCP
  absl::Status started = server.Start(*config, (*state)->TakeInitialSnapshot());
  if (!started.ok()) {
    Log(absl::StrCat("steerdns: ", started.message()));
    return 1;
  }
  (*state)->Attach(server.cell());
  (*transfers)->Start();
  if (absl::Status probing = (*state)->StartHealthChecks(); !probing.ok()) {
    Log(absl::StrCat("steerdns: health checks: ", probing.message()));
    server.Stop();
    return 1;
  }
  for (const std::string& address : server.listening()) {
    Log(absl::StrCat("listening on ", address, " (UDP and TCP, ", server.threads(),
                     " threads each)"));
  }
  for (const std::string& xdp : server.xdp_serving()) {
    Log(absl::StrCat("serving UDP through AF_XDP on ", xdp));
  }
  for (const std::string& warning : server.xdp_warnings()) {
    Log(absl::StrCat("warning: --xdp ", warning));
  }

  std::unique_ptr<dns::control::ControlApi> api;
  if (!control->empty()) {
    dns::control::ControlApiOptions options;
    options.address = *control;
    options.token = token;
    options.version = STEERDNS_VERSION;
    options.started_at = started_at;
    options.log = Log;  // refused changes
    options.transfers = transfers->get();
    absl::StatusOr<std::unique_ptr<dns::control::ControlApi>> started_api =
        dns::control::ControlApi::Start(options, state->get(), &server);
    if (!started_api.ok()) {
      Log(absl::StrCat("steerdns: ", started_api.status().message()));
      (*transfers)->Stop();
      server.Stop();
      return 1;
    }
    api = *std::move(started_api);
    Log(absl::StrCat("control API on http://", api->address(),
                     token.empty() ? "" : " (bearer token required)"));
  } else {
    Log("control API off");
  }

  for (;;) {
    // Between signals, wake up for online signing: re-sign when due (at
    // most 5 s late: a change or key reload through the API may have
    // brought the event closer while we slept).
    const int64_t now = static_cast<int64_t>(std::time(nullptr));
    const int64_t next = (*state)->ResignIfDue(now);
    (*state)->CheckSignatureExpiry(now);
    const int64_t wait = next == 0 ? 5 : std::clamp<int64_t>(next - now, 1, 5);
    const struct timespec timeout = {static_cast<time_t>(wait), 0};
    siginfo_t info = {};
    const int sig = sigtimedwait(&signals, &info, &timeout);
    if (sig < 0) continue;  // EAGAIN (timeout) or EINTR
    if (sig == SIGHUP) {
      // Who sent it: a pid for kill(2); the kernel (a terminal hang-up) has 0.
      const std::string from =
          info.si_code == SI_USER || info.si_code == SI_QUEUE
              ? absl::StrCat("pid ", info.si_pid)
              : std::string("the kernel");
      Log(absl::StrCat("SIGHUP from ", from, ": re-reading files"));
      absl::Status st = (*state)->ReloadFiles();
      if (!st.ok()) {
        // One line: who, what, why (the first error of several).
        std::string why(st.message());
        why = why.substr(0, why.find('\n'));
        Log(absl::StrCat("refused: SIGHUP reload from ", from, ": ", why,
                         " (reload failed; still serving the previous data)"));
      }
      continue;
    }
    Log(absl::StrCat("received ", sig == SIGINT ? "SIGINT" : "SIGTERM", ", stopping"));
    break;
  }
  if (api != nullptr) api->Stop();
  (*transfers)->Stop();
  server.Stop();
  dns::server::CounterTotals totals = server.Totals();
  Log(absl::StrCat("stopped after ", totals.queries, " queries, ", totals.replies, " replies"));
  return 0;
}
