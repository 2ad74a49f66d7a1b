// File: dns/xfr/journal.h
//
// The IXFR journal (RFC 1995): per zone, the differences between the
// versions it was published in, newest last, so that a secondary at an
// older serial gets only what changed. Kept in memory and, with a data
// dir, in DATA_DIR/transfer-journal/<origin>.ixfr (rewritten atomically on
// every change, read back at start-up), so that secondaries still get
// IXFR after a restart.
//
// Bounded: at most `max_diffs` differences per zone, and no more RRs in
// them than the zone has (then an AXFR is as cheap); the oldest go first.
// A difference that does not continue the newest one (a restart with
// other data, a serial that went backwards) starts the zone's journal
// afresh.
//
// Thread safety: all methods are thread-safe (one mutex; never on the
// query path).
#ifndef STEERDNS_DNS_XFR_JOURNAL_H_
#define STEERDNS_DNS_XFR_JOURNAL_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "dns/xfr/transfer_zone.h"

namespace dns::xfr {

class Journal {
 public:
  // `dir`: the data dir ("" = memory only).
  explicit Journal(std::string dir, size_t max_diffs = 100);

  // Reads the journal files of the data dir; a file that does not parse
  // is skipped (and named in the result's lines, for the log).
  std::vector<std::string> Load();

  // Appends `diff` to zone `origin_wire`'s journal (whose current
  // transfer carries `zone_records` RRs) and persists it. A write error is
  // returned (the memory journal has the diff anyway).
  absl::Status Add(const std::string& origin_wire, ZoneDiff diff, size_t zone_records);

  // The differences that take a secondary at `serial` to the newest
  // version, oldest first; nullopt when the journal does not reach back
  // to `serial`.
  std::optional<std::vector<std::shared_ptr<const ZoneDiff>>> From(const std::string& origin_wire,
                                                                   uint32_t serial) const;

  // The oldest serial IXFR starts from and the newest, and how many
  // differences; nullopt for none.
  struct Range {
    uint32_t oldest = 0, newest = 0;
    size_t diffs = 0;
  };
  std::optional<Range> RangeOf(const std::string& origin_wire) const;

  // The file a zone's journal is kept in ("" without a data dir).
  std::string PathOf(const std::string& origin_wire) const;

 private:
  struct ZoneJournal {
    std::deque<std::shared_ptr<const ZoneDiff>> diffs;
    size_t records = 0;  // RRs in `diffs`
  };
  absl::Status Persist(const std::string& origin_wire, const ZoneJournal& j)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string dir_;
  const size_t max_diffs_;
  mutable absl::Mutex mu_;
  std::map<std::string, ZoneJournal> zones_ ABSL_GUARDED_BY(mu_);
};

// The journal file format (exposed for tests): "STEERIXFR1\n", then per
// difference: old SOA, new SOA, u32 deleted count, RRs, u32 added count,
// RRs; an RR is u8 owner length, owner, u16 type, u32 TTL, u16 RDATA
// length, RDATA (big-endian).
std::string EncodeJournal(const std::vector<std::shared_ptr<const ZoneDiff>>& diffs);
absl::StatusOr<std::vector<std::shared_ptr<const ZoneDiff>>> DecodeJournal(std::string_view data);

}  // namespace dns::xfr

#endif  // STEERDNS_DNS_XFR_JOURNAL_H_
