// File: dns/control/zone_transfers.h
//
// ZoneTransfers: the daemon's zone transfer machinery in one place, wired
// to the one commit path:
//
//   --secondary ──► xfr::Secondaries (refresh thread) ──commit──► ControlState::Commit
//                      ▲ NOTIFY in (TransferHooks, from the query path)   (TransferredZone,
//                                                                           SetZoneExpired)
//   every published snapshot ──► outgoing transfers: journal (IXFR), NOTIFY out
//   TCP AXFR/IXFR queries ──handoff──► the transfer server's threads
//
// It also answers the control API's transfer questions (status, retransfer,
// notify) and counts for /metrics.
//
// Order (tools/steerdns_main.cc):
//   auto t = ZoneTransfers::Create(config, keys, log);   // before ControlState
//   auto state = ControlState::Create(config, log, (*t)->hooks());
//   (*t)->Attach(state->get());   // commits the data dir's secondary copies
//   server.Start(config, state->TakeInitialSnapshot(), (*t)->handoff());
//   state->Attach(server.cell()); (*t)->Start();
//   ... (*t)->Stop() before the server stops.
//
// Thread safety: Status/Retransfer/Notify from any thread (the API's).
#ifndef STEERDNS_DNS_CONTROL_ZONE_TRANSFERS_H_
#define STEERDNS_DNS_CONTROL_ZONE_TRANSFERS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dns/answer/transfer_hooks.h"
#include "dns/control/config.h"
#include "dns/tsig/key.h"
#include "dns/xfr/secondary.h"
#include "dns/xfr/transfer_server.h"

namespace dns::control {

class ControlState;

// One zone's transfer state, for GET /v1/transfers and zonectl.
struct ZoneTransferInfo {
  std::string origin;  // presentation
  bool secondary = false;
  uint32_t serial = 0;  // served now
  // A secondary: the scheduler's view.
  xfr::SecondaryStatus in;
  // A zone served from our own data: the transfer server's view.
  std::optional<xfr::OutgoingStatus> out;
};

// Totals for /metrics.
struct TransferTotals {
  xfr::SecondaryTotals in;
  xfr::OutgoingTotals out;
};

class ZoneTransfers {
 public:
  using Logger = std::function<void(const std::string&)>;

  // InvalidArgument for settings the parts refuse (a key the ring lacks).
  static absl::StatusOr<std::unique_ptr<ZoneTransfers>> Create(
      const Config& config, std::shared_ptr<const tsig::KeyRing> keys, Logger log);
  ~ZoneTransfers();  // Stop()s

  // The NOTIFY hook every snapshot carries (null without secondaries).
  const TransferHooks* hooks() const;
  // What the TCP workers hand AXFR/IXFR connections to (never null).
  dns::server::ConnectionHandoff* handoff() { return outgoing_.get(); }

  // From now on transferred zones are committed to `state` (which must
  // outlive this object's threads); commits the copies the data dir kept
  // from the last run, so that a restart serves them at once.
  void Attach(ControlState* state);
  // Starts the threads (the first refresh of every secondary zone).
  void Start();
  void Stop();

  // Every zone served or configured as a secondary, by origin.
  std::vector<ZoneTransferInfo> Status() const;
  TransferTotals Totals() const;
  // Forces an AXFR of secondary zone `origin`. NotFound when it is not one.
  absl::Status Retransfer(std::string_view origin);
  // Sends NOTIFY for zone `origin` to its targets now; the targets.
  // NotFound for a zone not served.
  absl::StatusOr<std::vector<std::string>> Notify(std::string_view origin);

 private:
  ZoneTransfers(const Config& config, Logger log);

  const Config& config_;
  Logger log_;
  ControlState* state_ = nullptr;
  std::unique_ptr<xfr::Secondaries> secondaries_;  // null without --secondary
  std::unique_ptr<xfr::OutgoingTransfers> outgoing_;
};

}  // namespace dns::control

#endif  // STEERDNS_DNS_CONTROL_ZONE_TRANSFERS_H_
