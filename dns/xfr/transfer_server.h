// File: dns/xfr/transfer_server.h
//
// Outgoing zone transfers: steerdns as the primary of NSD, Knot or BIND
// secondaries.
//
//   TCP worker ──Take(fd)──► queue ──► transfer threads (at most N at once):
//     TSIG verified (RFC 8945) ─► zone (exact apex) ─► ACL (prefix + key)
//     ─► AXFR (RFC 5936): SOA, every RRset, SOA; or IXFR (RFC 1995): the
//        journal's differences from the client's serial, else the whole
//        zone; the single SOA when the client is current
//     ─► messages of up to 16 KiB, each TSIG-signed when the request was
//   ControlState ──OnPublished(snapshot)──► the zones as transferred (routed
//     names flattened to the default member, signed zones signed) ─►
//     journal difference (on the background thread) and NOTIFY (RFC 1996)
//     to the zone's targets, retried with back-off until they answer.
//
// Errors: a zone not served → NOTAUTH; a client the ACL does not admit, or
// `transfer-routed: refuse` on a zone with routed record sets → REFUSED;
// bad TSIG → NOTAUTH with its TSIG error (BADKEY, BADSIG, BADTIME). Every
// transfer and refusal is counted and logged (one line).
//
// Thread safety: Take from the TCP workers (queues, never blocks);
// OnPublished from the control thread; the rest from any thread.
#ifndef STEERDNS_DNS_XFR_TRANSFER_SERVER_H_
#define STEERDNS_DNS_XFR_TRANSFER_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "dns/answer/snapshot.h"
#include "dns/server/connection_handoff.h"
#include "dns/tsig/key.h"
#include "dns/xfr/journal.h"
#include "dns/xfr/transfer_config.h"

namespace dns::xfr {

struct OutgoingOptions {
  TransferConfig config;
  std::string data_dir;                       // the journal's home ("": memory)
  std::shared_ptr<const tsig::KeyRing> keys;  // never null
  std::function<void(const std::string&)> log;
  int max_concurrent = 4;                     // transfers streaming at once
  absl::Duration io_timeout = absl::Seconds(30);  // a stalled client is dropped
  size_t max_message = 16384;                 // octets per message
  // NOTIFY: tries per target and the first retry delay (doubled each time).
  int notify_tries = 5;
  absl::Duration notify_retry = absl::Seconds(2);
  // Our own listen addresses ("127.0.0.1:53"): `notify: ns` skips them
  // (the zone's NS names include this server).
  std::vector<std::string> own_addresses;
};

// One NOTIFY target of a zone.
struct NotifyState {
  std::string target;       // "127.0.0.1:5301"
  uint32_t serial = 0;      // the serial last notified
  std::string state;        // "pending", "acknowledged", "failed"
  int tries = 0;
  std::string last_error;
  absl::Time last_sent = absl::InfinitePast();
};

// A zone as the transfer server sees it.
struct OutgoingStatus {
  std::string origin;  // presentation
  uint32_t serial = 0;
  size_t records = 0;  // RRs an AXFR carries
  std::vector<std::string> allow_transfer;
  std::string transfer_routed;  // "flatten", "refuse"
  bool has_routed = false;
  std::optional<Journal::Range> journal;
  uint64_t axfr = 0, ixfr = 0, refused = 0, failed = 0;
  std::string last_client, last_kind;  // "" none
  absl::Time last_at = absl::InfinitePast();
  std::vector<NotifyState> notify;
};

struct OutgoingTotals {
  uint64_t axfr = 0, ixfr = 0, up_to_date = 0, refused = 0, failed = 0, bad_tsig = 0;
  uint64_t notify_sent = 0, notify_acknowledged = 0, notify_failed = 0;
  uint64_t bytes = 0;
};

class OutgoingTransfers final : public dns::server::ConnectionHandoff {
 public:
  explicit OutgoingTransfers(OutgoingOptions options);
  ~OutgoingTransfers() override;  // Stop()s

  // Reads the journal from the data dir; starts the threads.
  void Start();
  void Stop();

  // The zones of a newly published snapshot (call after every publish,
  // the initial snapshot included). Quick: copies shared pointers and
  // queues the rest (differences, NOTIFY) for the background thread.
  void OnPublished(const Snapshot& snapshot);

  // ConnectionHandoff: a TCP connection whose next query is AXFR/IXFR.
  void Take(int fd, const ClientAddress& peer, std::string pending) override;

  // Sends NOTIFY for `origin` to its targets now. NotFound for a zone not
  // served; the targets (may be empty) otherwise.
  absl::StatusOr<std::vector<std::string>> NotifyNow(std::string_view origin);

  std::vector<OutgoingStatus> Status() const;
  OutgoingTotals Totals() const;

 private:
  struct Zone;
  struct Connection {
    int fd = -1;
    ClientAddress peer;
    std::string pending;
  };
  struct DiffJob {
    std::string origin_wire;
    std::shared_ptr<const zones::Zone> before, after;
    size_t records = 0;  // RRs a transfer of `after` carries
  };

  void ServeLoop();
  void BackgroundLoop();
  void Serve(Connection& c);
  void QueueNotifyLocked(Zone& z, bool now);
  void SendDueNotifies();
  void Log(const std::string& line) const;

  const OutgoingOptions options_;
  Journal journal_;

  mutable std::mutex mu_;
  std::condition_variable conn_cv_, bg_cv_;
  bool stop_ = false;
  std::atomic<bool> stopping_{false};  // Stop() called: streams end early
  bool started_ = false;
  std::deque<Connection> conns_;
  std::deque<DiffJob> diffs_;
  std::map<std::string, std::unique_ptr<Zone>> zones_;  // by wire origin
  OutgoingTotals totals_;
  std::vector<std::thread> threads_;
};

}  // namespace dns::xfr

#endif  // STEERDNS_DNS_XFR_TRANSFER_SERVER_H_
