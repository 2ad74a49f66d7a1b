// File: dns/xfr/secondary.h
//
// steerdns as a secondary: the zones of --secondary ORIGIN=ADDR:PORT[:KEY]
// pulled from their primaries and kept fresh, on one thread.
//
// Per zone, as RFC 1034 §4.3.5 and RFC 1996 have it (and NSD does):
//   - every SOA refresh interval (retry after a failure) the primaries'
//     SOA serial is asked (in the order given; the first that answers
//     decides); newer (RFC 1982) than ours → IXFR from our copy, falling
//     back to AXFR (xfr_client.h); equal → fresh; older → kept ours, logged
//     and counted ("serial_backwards");
//   - a NOTIFY from one of the zone's primaries (signed with its key when
//     the endpoint has one) triggers the check at once (OnNotify);
//   - Retransfer(origin) forces an AXFR whatever the serials;
//   - when `expire` passes without a successful check, set_expired(origin,
//     true) (the lead answers SERVFAIL for it, as NSD does); the next
//     successful check calls set_expired(origin, false).
// A transferred zone goes to the lead as master-file text through
// commit(origin, text, serial); only when that succeeds is it persisted
// (data dir: secondary/<origin>.zone + secondary/<origin>.state, atomic
// writes) and counted as our copy. Anything that fails — network, TSIG,
// a broken stream (xfr_stream.h lists what is rejected), a message or zone
// over the limits, a serial going backwards, a commit the lead refuses —
// keeps the zone being served, is logged (one line) and counted by reason,
// and is tried again after the SOA retry interval. Nothing partial is ever
// committed.
//
// Wiring (the lead, dns/control + tools/steerdns_main):
//   auto sec = dns::xfr::Secondaries::Create(config.transfer.secondaries, opts, callbacks);
//   (*sec)->LoadPersisted();   // commits the copies in the data dir: a restart serves at once
//   snapshot.transfer_hooks = sec->get();   // NOTIFY in
//   (*sec)->Start();           // the refresh thread: first check of every zone at once
//   ... zonectl: Retransfer(origin), Refresh(origin), Status(), Totals()
//   (*sec)->Stop();            // before the server and ControlState go away
//
// Thread safety: OnNotify from any thread, lock-free and allocation-free
// (query path). Retransfer, Refresh, Status, Totals from any thread. The
// callbacks run on the refresh thread (and in LoadPersisted, on the
// caller's), never two at once.
#ifndef STEERDNS_DNS_XFR_SECONDARY_H_
#define STEERDNS_DNS_XFR_SECONDARY_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "dns/answer/answer.h"
#include "dns/answer/transfer_hooks.h"
#include "dns/tsig/key.h"
#include "dns/xfr/transfer_config.h"
#include "dns/xfr/xfr_client.h"
#include "dns/xfr/xfr_stream.h"
#include "geo/address.h"
#include "zones/zone.h"

namespace dns::xfr {

// What the scheduler calls; both must be set.
struct SecondaryCallbacks {
  // Publish `master_text` (presentation form, absolute names, SOA first)
  // as zone `origin` ("example.com."), serial `serial`. An error keeps the
  // old zone; the scheduler logs it, counts it ("commit") and retries later.
  std::function<absl::Status(const std::string& origin, const std::string& master_text,
                             uint32_t serial)>
      commit;
  // The zone expired (true: answer SERVFAIL) or is fresh again (false).
  std::function<void(const std::string& origin, bool expired)> set_expired;
  // One log line (no newline); default: stderr.
  std::function<void(std::string_view line)> log;
};

struct SecondariesOptions {
  std::string data_dir;  // "": keep copies in memory only
  std::shared_ptr<const tsig::KeyRing> keys;  // the keys endpoints name
  ClientOptions client;
  // Bounds on the SOA timers (a primary's 0 or 10-year refresh is clamped).
  absl::Duration min_interval = absl::Seconds(1);
  absl::Duration max_interval = absl::Hours(24);
  // Retry interval while we have no copy at all (no SOA to take it from).
  absl::Duration initial_retry = absl::Seconds(10);
};

// One zone's state for `zonectl transfer status` and metrics.
struct SecondaryStatus {
  std::string origin;                  // "example.com."
  std::vector<std::string> primaries;  // endpoint texts
  bool has_zone = false;               // a copy is being served
  uint32_t serial = 0;
  absl::Time last_refresh = absl::InfinitePast();  // last successful check
  absl::Time last_transfer = absl::InfinitePast();
  std::string last_transfer_kind;      // "AXFR", "IXFR", "" never
  std::string last_transfer_primary;
  uint64_t last_transfer_bytes = 0;
  uint64_t last_transfer_records = 0;  // RRs in the stream
  absl::Duration last_transfer_duration;
  std::string ixfr_fallback;           // why the last IXFR fell back, or ""
  absl::Time next_refresh = absl::InfinitePast();
  absl::Time expires_at = absl::InfiniteFuture();
  bool expired = false;
  std::string last_error;              // "" when the last check succeeded
  absl::Time last_error_time = absl::InfinitePast();
  uint64_t transfers_ok = 0, transfers_failed = 0;
  uint64_t notifies = 0;               // NOTIFYs accepted
};

// Totals over all secondary zones (metrics).
struct SecondaryTotals {
  uint64_t transfers_ok = 0;      // zones committed (AXFR + IXFR)
  uint64_t transfers_axfr = 0, transfers_ixfr = 0;
  uint64_t transfers_failed = 0;  // failed attempts at a primary, or commits refused
  std::map<std::string, uint64_t> failures_by_reason;  // TransferErrorReason words
  uint64_t notifies_accepted = 0, notifies_refused = 0;
};

class Secondaries final : public TransferHooks {
 public:
  // InvalidArgument when an endpoint names a key the ring does not have,
  // a zone has no primary, or a callback is missing.
  static absl::StatusOr<std::unique_ptr<Secondaries>> Create(std::vector<SecondaryZone> zones,
                                                             SecondariesOptions options,
                                                             SecondaryCallbacks callbacks);
  ~Secondaries() override;  // Stop()s

  // Commits the copies persisted in the data dir (before Start, on the
  // caller's thread), and calls set_expired for those already past their
  // expire time. Returns how many were loaded; a copy that does not load
  // or commit is logged and skipped (the zone is transferred again).
  int LoadPersisted();

  // Starts the refresh thread; every zone is checked at once. Idempotent.
  void Start();
  // Ends the thread (an ongoing transfer is cancelled within ~200 ms).
  void Stop();

  // Forces an AXFR of `origin` (presentation or wire-less text, any case)
  // at once. NotFound when it is not a secondary zone.
  absl::Status Retransfer(std::string_view origin);
  // Checks `origin`'s serial at once (as a NOTIFY would).
  absl::Status Refresh(std::string_view origin);

  std::vector<SecondaryStatus> Status() const;
  SecondaryTotals Totals() const;

  // TransferHooks (dns/answer/transfer_hooks.h): a NOTIFY for `zone` from
  // `source`, verified with `key` (nullptr: unsigned). Accepted when the
  // zone is one of ours and `source` is one of its primaries' addresses
  // (port not compared: NOTIFYs come from any port) whose endpoint names no
  // key or names `key`. Lock-free; wakes the refresh thread.
  bool OnNotify(const zones::Zone& zone, const ClientAddress& source,
                const tsig::Key* key) const noexcept override;

  // The wire-origin lookup OnNotify uses (for tests without a Zone).
  bool AcceptNotify(std::string_view origin_wire, const ClientAddress& source,
                    const tsig::Key* key) const noexcept;

 private:
  struct Entry;
  Secondaries(SecondariesOptions options, SecondaryCallbacks callbacks);
  void Run();
  void Check(Entry& e, bool force_axfr);
  void Fail(Entry& e, const Endpoint& primary, const absl::Status& status);
  void AfterFailure(Entry& e);
  void MarkFresh(Entry& e, absl::Time now);
  void Persist(Entry& e);
  Entry* FindEntry(std::string_view origin_text) const;
  void Log(std::string_view line) const;
  void Wake() const noexcept;
  std::string ZonePath(const Entry& e) const;

  SecondariesOptions options_;
  SecondaryCallbacks callbacks_;
  std::vector<std::unique_ptr<Entry>> entries_;
  absl::flat_hash_map<std::string, Entry*> by_origin_;  // wire origin; immutable after Create
  int event_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  mutable std::atomic<uint64_t> notifies_accepted_{0}, notifies_refused_{0};
  mutable absl::Mutex mu_;  // guards the status fields of entries and totals_
  SecondaryTotals totals_;
};

}  // namespace dns::xfr

#endif  // STEERDNS_DNS_XFR_SECONDARY_H_
