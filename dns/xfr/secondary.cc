// File: dns/xfr/secondary.cc
//
// See secondary.h. One thread; per-zone state is written by that thread
// only (under mu_, so Status() can read it) and by LoadPersisted before
// Start. The query path touches only the immutable by_origin_ map, the
// entries' atomics and the eventfd.
#include "dns/xfr/secondary.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/file.h"
#include "base/string_view.h"
#include "dns/wire/name.h"
#include "zones/serial.h"

namespace dns::xfr {

struct Secondaries::Entry {
  SecondaryZone config;
  std::vector<const tsig::Key*> keys;        // per primary; null: unsigned
  std::vector<geo::Address> addresses;       // per primary
  std::vector<std::string> key_wires;        // per primary; "" unsigned

  // Set from any thread, consumed by the refresh thread.
  std::atomic<bool> check_now{false};
  std::atomic<bool> force_axfr{false};
  std::atomic<uint64_t> notifies{0};

  // Refresh-thread state (written under mu_).
  std::shared_ptr<const ZoneCopy> copy;  // our RRs (null after a restart until a transfer)
  SoaFields soa;                          // of the copy being served
  absl::Time next_check = absl::InfinitePast();
  SecondaryStatus status;
};

namespace {

std::string FileStem(const std::string& origin) {
  std::string stem;
  for (char c : origin) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '_' || u == '.') {
      stem.push_back(c);
    } else if (u >= 'A' && u <= 'Z') {
      stem.push_back(static_cast<char>(u + 32));
    } else {
      absl::StrAppend(&stem, "%", absl::Hex(u, absl::kZeroPad2));
    }
  }
  while (!stem.empty() && stem.back() == '.') stem.pop_back();
  return stem.empty() ? "root" : stem;
}

geo::Address ToAddress(const ClientAddress& a) {
  return a.is_v6 ? geo::Address::FromV6Bytes(a.bytes) : geo::Address::FromV4Bytes(a.bytes);
}

std::string TimeText(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

}  // namespace

absl::StatusOr<std::unique_ptr<Secondaries>> Secondaries::Create(
    std::vector<SecondaryZone> zones, SecondariesOptions options, SecondaryCallbacks callbacks) {
  if (!callbacks.commit || !callbacks.set_expired) {
    return absl::InvalidArgumentError("secondary zones: commit and set_expired callbacks are required");
  }
  std::unique_ptr<Secondaries> s(new Secondaries(std::move(options), std::move(callbacks)));
  for (SecondaryZone& z : zones) {
    if (z.primaries.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("secondary zone ", z.origin, " has no primary"));
    }
    auto e = std::make_unique<Entry>();
    for (const Endpoint& p : z.primaries) {
      const tsig::Key* key = nullptr;
      std::string key_wire;
      if (!p.key.empty()) {
        if (!NameFromText(p.key, &key_wire)) {
          return absl::InvalidArgumentError(
              absl::StrCat("secondary zone ", z.origin, ": primary ", p.text, ": bad key name"));
        }
        key = s->options_.keys ? s->options_.keys->Find(key_wire) : nullptr;
        if (key == nullptr) {
          return absl::InvalidArgumentError(absl::StrCat("secondary zone ", z.origin, ": primary ",
                                                         p.text, " names TSIG key '", p.key,
                                                         "', which is not configured"));
        }
      }
      e->keys.push_back(key);
      e->addresses.push_back(p.address);
      e->key_wires.push_back(std::move(key_wire));
      e->status.primaries.push_back(p.text);
    }
    e->status.origin = z.origin;
    e->config = std::move(z);
    if (!s->by_origin_.emplace(e->config.origin_wire, e.get()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("secondary zone ", e->config.origin, " is given twice"));
    }
    s->entries_.push_back(std::move(e));
  }
  return s;
}

Secondaries::Secondaries(SecondariesOptions options, SecondaryCallbacks callbacks)
    : options_(std::move(options)), callbacks_(std::move(callbacks)) {
  event_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  options_.client.cancel = &stop_;
}

Secondaries::~Secondaries() {
  Stop();
  if (event_fd_ >= 0) close(event_fd_);
}

void Secondaries::Log(std::string_view line) const {
  if (callbacks_.log) {
    callbacks_.log(line);
  } else {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  }
}

void Secondaries::Wake() const noexcept {
  const uint64_t one = 1;
  if (event_fd_ >= 0) {
    ssize_t n = write(event_fd_, &one, sizeof(one));
    (void)n;
  }
}

std::string Secondaries::ZonePath(const Entry& e) const {
  return options_.data_dir + "/secondary/" + FileStem(e.config.origin) + ".zone";
}

int Secondaries::LoadPersisted() {
  if (options_.data_dir.empty()) return 0;
  int loaded = 0;
  const absl::Time now = absl::Now();
  for (auto& ep : entries_) {
    Entry& e = *ep;
    const std::string zone_path = ZonePath(e);
    const std::string state_path = zone_path.substr(0, zone_path.size() - 5) + ".state";
    absl::StatusOr<std::string> text = base::ReadFile(zone_path);
    absl::StatusOr<std::string> state = base::ReadFile(state_path);
    if (!text.ok() || !state.ok()) continue;  // never transferred (or half-written: not ours)
    SoaFields soa;
    int64_t refreshed = 0;
    bool have_serial = false;
    for (absl::string_view line : absl::StrSplit(base::AV(*state), '\n', absl::SkipEmpty())) {
      std::vector<absl::string_view> kv = absl::StrSplit(line, absl::MaxSplits(' ', 1));
      if (kv.size() != 2) continue;
      uint32_t v = 0;
      int64_t t = 0;
      if (kv[0] == "serial" && absl::SimpleAtoi(kv[1], &v)) soa.serial = v, have_serial = true;
      if (kv[0] == "refresh" && absl::SimpleAtoi(kv[1], &v)) soa.refresh = v;
      if (kv[0] == "retry" && absl::SimpleAtoi(kv[1], &v)) soa.retry = v;
      if (kv[0] == "expire" && absl::SimpleAtoi(kv[1], &v)) soa.expire = v;
      if (kv[0] == "refreshed" && absl::SimpleAtoi(kv[1], &t)) refreshed = t;
    }
    if (!have_serial) {
      Log(absl::StrCat("secondary ", e.config.origin, ": ", state_path, ": no serial; ignored"));
      continue;
    }
    // Our RRs back, for an IXFR as the first transfer; without them (a
    // file written by hand?) the first transfer is an AXFR.
    absl::StatusOr<std::unique_ptr<ZoneCopy>> copy =
        ZoneCopy::FromMasterText(e.config.origin_wire, *text);
    if (copy.ok() && (*copy)->serial() != soa.serial) {
      copy = absl::InvalidArgumentError("its SOA serial is not the state file's");
    }
    if (!copy.ok()) {
      Log(absl::StrCat("secondary ", e.config.origin, ": ", zone_path, ": ",
                       copy.status().message(), "; the next transfer is an AXFR"));
    }
    absl::Status st = callbacks_.commit(e.config.origin, *text, soa.serial);
    if (!st.ok()) {
      Log(absl::StrCat("secondary ", e.config.origin, ": the persisted copy ", zone_path,
                       " does not load: ", st.message(), "; transferring it again"));
      continue;
    }
    ++loaded;
    const absl::Time last = absl::FromUnixSeconds(refreshed);
    {
      absl::MutexLock l(&mu_);
      e.soa = soa;
      if (copy.ok()) e.copy = *std::move(copy);
      e.status.has_zone = true;
      e.status.serial = soa.serial;
      e.status.last_refresh = last;
      e.status.expires_at = last + absl::Seconds(soa.expire);
      e.status.expired = now >= e.status.expires_at;
      e.next_check = now;
      e.status.next_refresh = now;
    }
    Log(absl::StrCat("secondary ", e.config.origin, ": serving the persisted copy, serial ",
                     soa.serial, e.status.expired ? " (expired: SERVFAIL until refreshed)" : ""));
    if (e.status.expired) callbacks_.set_expired(e.config.origin, true);
  }
  return loaded;
}

void Secondaries::Start() {
  if (thread_.joinable()) return;
  stop_.store(false);
  thread_ = std::thread([this] { Run(); });
}

void Secondaries::Stop() {
  if (!thread_.joinable()) return;
  stop_.store(true);
  Wake();
  thread_.join();
}

Secondaries::Entry* Secondaries::FindEntry(std::string_view origin_text) const {
  absl::StatusOr<std::string> wire = TransferConfig::WireOrigin(origin_text);
  if (!wire.ok()) return nullptr;
  auto it = by_origin_.find(*wire);
  return it == by_origin_.end() ? nullptr : it->second;
}

absl::Status Secondaries::Retransfer(std::string_view origin) {
  Entry* e = FindEntry(origin);
  if (e == nullptr) {
    return absl::NotFoundError(absl::StrCat(base::AV(origin), " is not a secondary zone"));
  }
  e->force_axfr.store(true);
  e->check_now.store(true);
  Wake();
  return absl::OkStatus();
}

absl::Status Secondaries::Refresh(std::string_view origin) {
  Entry* e = FindEntry(origin);
  if (e == nullptr) {
    return absl::NotFoundError(absl::StrCat(base::AV(origin), " is not a secondary zone"));
  }
  e->check_now.store(true);
  Wake();
  return absl::OkStatus();
}

bool Secondaries::AcceptNotify(std::string_view origin_wire, const ClientAddress& source,
                               const tsig::Key* key) const noexcept {
  auto it = by_origin_.find(absl::string_view(origin_wire.data(), origin_wire.size()));
  if (it == by_origin_.end()) {
    notifies_refused_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  Entry& e = *it->second;
  const geo::Address from = ToAddress(source);
  for (size_t i = 0; i < e.addresses.size(); ++i) {
    if (e.addresses[i] != from) continue;
    if (!e.key_wires[i].empty() && (key == nullptr || key->name_wire != e.key_wires[i])) continue;
    e.notifies.fetch_add(1, std::memory_order_relaxed);
    notifies_accepted_.fetch_add(1, std::memory_order_relaxed);
    e.check_now.store(true, std::memory_order_release);
    Wake();
    return true;
  }
  notifies_refused_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

bool Secondaries::OnNotify(const zones::Zone& zone, const ClientAddress& source,
                           const tsig::Key* key) const noexcept {
  return AcceptNotify(zone.origin(), source, key);
}

std::vector<SecondaryStatus> Secondaries::Status() const {
  absl::MutexLock l(&mu_);
  std::vector<SecondaryStatus> out;
  for (const auto& e : entries_) {
    out.push_back(e->status);
    out.back().notifies = e->notifies.load(std::memory_order_relaxed);
  }
  return out;
}

SecondaryTotals Secondaries::Totals() const {
  absl::MutexLock l(&mu_);
  SecondaryTotals t = totals_;
  t.notifies_accepted = notifies_accepted_.load(std::memory_order_relaxed);
  t.notifies_refused = notifies_refused_.load(std::memory_order_relaxed);
  return t;
}

void Secondaries::Run() {
  while (!stop_.load()) {
    absl::Time now = absl::Now();
    absl::Time next = now + absl::Hours(1);
    for (auto& ep : entries_) {
      if (stop_.load()) break;
      Entry& e = *ep;
      const bool notified = e.check_now.exchange(false);
      const bool force = e.force_axfr.exchange(false);
      if (notified || force || now >= e.next_check) {
        Check(e, force);
        now = absl::Now();
      }
      // Expiry is checked whether or not a check was due.
      bool expire_now = false;
      {
        absl::MutexLock l(&mu_);
        if (e.status.has_zone && !e.status.expired && now >= e.status.expires_at) {
          e.status.expired = true;
          expire_now = true;
        }
      }
      if (expire_now) {
        Log(absl::StrCat("secondary ", e.config.origin, ": expired (no successful refresh since ",
                         TimeText(e.status.last_refresh), "): SERVFAIL until refreshed"));
        callbacks_.set_expired(e.config.origin, true);
      }
      next = std::min(next, e.next_check);
      if (e.status.has_zone && !e.status.expired) next = std::min(next, e.status.expires_at);
    }
    const absl::Duration wait = next - absl::Now();
    if (wait > absl::ZeroDuration()) {
      pollfd p{event_fd_, POLLIN, 0};
      poll(&p, 1, static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(wait) + 1, 3'600'000)));
    }
    uint64_t drain;
    ssize_t n = read(event_fd_, &drain, sizeof(drain));
    (void)n;
  }
}

void Secondaries::MarkFresh(Entry& e, absl::Time now) {
  bool was_expired;
  {
    absl::MutexLock l(&mu_);
    was_expired = e.status.expired;
    e.status.expired = false;
    e.status.last_refresh = now;
    e.status.expires_at = now + absl::Seconds(e.soa.expire);
    e.status.last_error.clear();
    e.next_check = now + std::clamp(absl::Seconds(e.soa.refresh), options_.min_interval,
                                    options_.max_interval);
    e.status.next_refresh = e.next_check;
  }
  if (was_expired) {
    Log(absl::StrCat("secondary ", e.config.origin, ": fresh again, serial ", e.soa.serial));
    callbacks_.set_expired(e.config.origin, false);
  }
}

void Secondaries::Fail(Entry& e, const Endpoint& primary, const absl::Status& status) {
  const std::string reason = TransferErrorReason(status);
  const std::string msg(status.message());
  Log(absl::StrCat("secondary ", e.config.origin, ": primary ", primary.text, ": ", msg,
                   e.status.has_zone ? absl::StrCat("; still serving serial ", e.status.serial)
                                     : std::string()));
  absl::MutexLock l(&mu_);
  e.status.last_error = absl::StrCat(primary.text, ": ", msg);
  e.status.last_error_time = absl::Now();
  ++e.status.transfers_failed;
  ++totals_.transfers_failed;
  ++totals_.failures_by_reason[reason];
}

void Secondaries::AfterFailure(Entry& e) {
  const absl::Duration retry =
      e.status.has_zone
          ? std::clamp(absl::Seconds(e.soa.retry), options_.min_interval, options_.max_interval)
          : options_.initial_retry;
  absl::MutexLock l(&mu_);
  e.next_check = absl::Now() + retry;
  e.status.next_refresh = e.next_check;
}

void Secondaries::Persist(Entry& e) {
  if (options_.data_dir.empty() || e.copy == nullptr) return;
  std::error_code ec;
  std::filesystem::create_directories(options_.data_dir + "/secondary", ec);
  const std::string zone_path = ZonePath(e);
  const std::string state_path = zone_path.substr(0, zone_path.size() - 5) + ".state";
  absl::Status s = base::WriteFileAtomically(zone_path, e.copy->ToMasterText());
  if (s.ok()) {
    s = base::WriteFileAtomically(
        state_path, absl::StrCat("serial ", e.soa.serial, "\nrefresh ", e.soa.refresh, "\nretry ",
                                 e.soa.retry, "\nexpire ", e.soa.expire, "\nrefreshed ",
                                 absl::ToUnixSeconds(e.status.last_refresh), "\n"));
  }
  if (!s.ok()) {
    Log(absl::StrCat("secondary ", e.config.origin, ": cannot persist the copy: ", s.message()));
  }
}

void Secondaries::Check(Entry& e, bool force_axfr) {
  const std::string& origin = e.config.origin;
  for (size_t i = 0; i < e.config.primaries.size() && !stop_.load(); ++i) {
    const Endpoint& primary = e.config.primaries[i];
    const tsig::Key* key = e.keys[i];
    if (!force_axfr && e.status.has_zone) {
      absl::StatusOr<SoaFields> soa = QuerySoa(primary, key, e.config.origin_wire, options_.client);
      if (!soa.ok()) {
        Fail(e, primary, soa.status());
        continue;
      }
      if (soa->serial == e.soa.serial) {
        MarkFresh(e, absl::Now());
        Persist(e);
        return;
      }
      if (!zones::SerialNewer(soa->serial, e.soa.serial)) {
        Fail(e, primary,
             absl::FailedPreconditionError(absl::StrCat(
                 "serial_backwards: the primary has serial ", soa->serial,
                 ", older than ours (", e.soa.serial, "); keeping ours")));
        continue;
      }
    }
    const absl::Time start = absl::Now();
    absl::StatusOr<FetchResult> r = FetchZone(primary, key, e.config.origin_wire,
                                              force_axfr ? nullptr : e.copy.get(), options_.client);
    if (!r.ok()) {
      Fail(e, primary, r.status());
      continue;
    }
    if (r->stream.kind == TransferKind::kUpToDate) {
      MarkFresh(e, absl::Now());
      return;
    }
    const ZoneCopy& zone = *r->stream.zone;
    if (e.status.has_zone && !force_axfr && !zones::SerialNewer(zone.serial(), e.soa.serial)) {
      Fail(e, primary,
           absl::FailedPreconditionError(absl::StrCat(
               "serial_backwards: the transfer has serial ", zone.serial(), ", not newer than ours (",
               e.soa.serial, "); keeping ours")));
      continue;
    }
    const std::string text = zone.ToMasterText();
    absl::Status st = callbacks_.commit(origin, text, zone.serial());
    if (!st.ok()) {
      Fail(e, primary, absl::InvalidArgumentError(absl::StrCat(
                           "commit: serial ", zone.serial(), " does not build: ", st.message())));
      break;  // the same data would fail again; retry later
    }
    const absl::Time now = absl::Now();
    {
      absl::MutexLock l(&mu_);
      e.copy = r->stream.zone;
      e.soa = zone.soa_fields();
      e.status.has_zone = true;
      e.status.serial = zone.serial();
      e.status.last_transfer = now;
      e.status.last_transfer_kind = TransferKindName(r->stream.kind);
      e.status.last_transfer_primary = primary.text;
      e.status.last_transfer_bytes = r->bytes;
      e.status.last_transfer_records = r->stream.records;
      e.status.last_transfer_duration = now - start;
      e.status.ixfr_fallback = r->ixfr_fallback;
      ++e.status.transfers_ok;
      ++totals_.transfers_ok;
      if (r->stream.kind == TransferKind::kIxfr) {
        ++totals_.transfers_ixfr;
      } else {
        ++totals_.transfers_axfr;
      }
    }
    Log(absl::StrCat("secondary ", origin, ": ", TransferKindName(r->stream.kind), " from ",
                     primary.text, ", serial ", zone.serial(), ", ", zone.record_count(),
                     " records, ", r->bytes, " octets in ",
                     absl::FormatDuration(now - start),
                     r->ixfr_fallback.empty() ? "" : absl::StrCat(" (IXFR fell back: ",
                                                                   r->ixfr_fallback, ")")));
    MarkFresh(e, now);
    Persist(e);
    return;
  }
  AfterFailure(e);
}

}  // namespace dns::xfr
