// File: dns/xfr/transfer_server.cc
#include "dns/xfr/transfer_server.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "dns/tsig/tsig.h"
#include "dns/wire/name.h"
#include "dns/wire/types.h"
#include "dns/wire/writer.h"
#include "dns/xfr/transfer_zone.h"
#include "zones/serial.h"

namespace dns::xfr {
namespace {

constexpr uint16_t kSoa = 6, kNs = 2, kA = 1, kAaaa = 28, kAxfr = 252, kIxfr = 251;
constexpr uint16_t kClassIn = 1;
constexpr uint16_t kRcodeFormErr = 1, kRcodeServFail = 2, kRcodeNotAuth = 9, kRcodeRefused = 5;
constexpr uint16_t kFlagQr = 0x8000, kFlagAa = 0x0400;

geo::Address AddressOf(const ClientAddress& a) {
  return a.is_v6 ? geo::Address::FromV6Bytes(a.bytes) : geo::Address::FromV4Bytes(a.bytes);
}

uint16_t Get16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
uint32_t Get32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}

// Skips a possibly compressed name at *pos.
bool SkipName(const uint8_t* m, size_t len, size_t* pos) {
  for (int labels = 0; labels < 128; ++labels) {
    if (*pos >= len) return false;
    const uint8_t b = m[*pos];
    if (b == 0) {
      ++*pos;
      return true;
    }
    if ((b & 0xC0) == 0xC0) {
      *pos += 2;
      return *pos <= len;
    }
    if ((b & 0xC0) != 0) return false;
    *pos += 1 + b;
  }
  return false;
}

// What a transfer request asks.
struct TransferRequest {
  uint16_t id = 0;
  uint16_t flags = 0;
  std::string qname_sent;   // wire, as sent
  std::string qname;        // lower-cased wire
  uint16_t qtype = 0, qclass = 0;
  bool has_client_serial = false;
  uint32_t client_serial = 0;  // IXFR: the SOA in the authority section
};

bool ParseRequest(const uint8_t* m, size_t len, TransferRequest* r) {
  if (len < 12) return false;
  r->id = Get16(m);
  r->flags = Get16(m + 2);
  if (Get16(m + 4) != 1) return false;
  const uint16_t ancount = Get16(m + 6), nscount = Get16(m + 8);
  Name name;
  const size_t n = name.ParseUncompressed(m + 12, len - 12);
  if (n == 0) return false;
  r->qname_sent.assign(reinterpret_cast<const char*>(m + 12), n);
  r->qname = std::string(name.wire());
  size_t pos = 12 + n;
  if (pos + 4 > len) return false;
  r->qtype = Get16(m + pos);
  r->qclass = Get16(m + pos + 2);
  pos += 4;
  for (uint16_t i = 0; i < ancount; ++i) {  // none expected; skipped
    if (!SkipName(m, len, &pos) || pos + 10 > len) return false;
    pos += 10 + Get16(m + pos + 8);
  }
  if (r->qtype == kIxfr && nscount >= 1) {
    if (!SkipName(m, len, &pos) || pos + 10 > len) return false;
    const uint16_t type = Get16(m + pos);
    const size_t rdlen = Get16(m + pos + 8);
    pos += 10;
    if (type != kSoa || pos + rdlen > len) return false;
    size_t rd = pos;
    if (!SkipName(m, len, &rd) || !SkipName(m, len, &rd) || rd + 4 > pos + rdlen) return false;
    r->client_serial = Get32(m + rd);
    r->has_client_serial = true;
  }
  return true;
}

// Waits until `fd` is readable/writable, the deadline passes or `cancel`
// is set (checked at least every 200 ms).
bool WaitFor(int fd, short events, absl::Time deadline,
             const std::atomic<bool>* cancel = nullptr) {
  for (;;) {
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) return false;
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0) return false;
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 200)));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
}

bool SendAll(int fd, const uint8_t* data, size_t len, absl::Duration timeout,
             const std::atomic<bool>* cancel = nullptr) {
  absl::Time deadline = absl::Now() + timeout;
  while (len > 0) {
    const ssize_t n = ::send(fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data += n;
      len -= static_cast<size_t>(n);
      deadline = absl::Now() + timeout;  // progress: the client is alive
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      if (!WaitFor(fd, POLLOUT, deadline, cancel)) return false;
      continue;
    }
    return false;
  }
  return true;
}

// Writes a transfer's messages: header, the question in the first one,
// RRs until the next would not fit, TSIG on every message when signed.
class StreamWriter {
 public:
  StreamWriter(int fd, const TransferRequest& req, tsig::ResponseStreamSigner* signer,
               size_t max_message, absl::Duration timeout, const std::atomic<bool>* cancel)
      : fd_(fd), req_(req), signer_(signer), timeout_(timeout), cancel_(cancel),
        limit_(std::min<size_t>(max_message, 65535) -
               (signer != nullptr ? signer->TsigSize() : 0)),
        w_(buf_ + 2, 65535) {
    Begin();
  }

  bool Add(std::string_view owner, uint16_t type, uint32_t ttl, std::string_view rdata) {
    if (!ok_) return false;
    for (int attempt = 0; attempt < 2; ++attempt) {
      Writer::Mark mark = w_.GetMark();
      if (w_.AppendName(owner) && w_.AppendRRFixed(type, kClassIn, ttl,
                                                   static_cast<uint16_t>(rdata.size())) &&
          w_.AppendBytes(rdata.data(), rdata.size())) {
        w_.AddCount(Section::kAnswer, 1);
        ++in_message_;
        ++records_;
        return true;
      }
      w_.Rollback(mark);
      if (in_message_ == 0) break;  // does not fit even alone
      if (!Flush()) return false;
    }
    ok_ = false;
    error_ = "an RR does not fit in a message";
    return false;
  }

  // Sends the last message.
  bool Finish() { return ok_ && (in_message_ == 0 && messages_ > 0 ? true : Flush()); }

  size_t bytes() const { return bytes_; }
  size_t records() const { return records_; }
  const std::string& error() const { return error_; }

 private:
  void Begin() {
    w_ = Writer(buf_ + 2, 65535);
    w_.SetLimit(limit_);
    w_.AppendHeader(req_.id, kFlagQr | kFlagAa);
    if (messages_ == 0) w_.AppendQuestion(req_.qname_sent, req_.qname, req_.qtype, req_.qclass);
    in_message_ = 0;
  }

  bool Flush() {
    size_t len = w_.Finish();
    if (signer_ != nullptr) {
      len = signer_->Sign(buf_ + 2, len, 65535, absl::ToUnixSeconds(absl::Now()));
      if (len == 0) {
        ok_ = false;
        error_ = "TSIG does not fit";
        return false;
      }
    }
    buf_[0] = static_cast<uint8_t>(len >> 8);
    buf_[1] = static_cast<uint8_t>(len);
    if (!SendAll(fd_, buf_, len + 2, timeout_, cancel_)) {
      ok_ = false;
      error_ = cancel_ != nullptr && cancel_->load() ? "the server is stopping"
                                                     : "the client stopped reading";
      return false;
    }
    bytes_ += len + 2;
    ++messages_;
    Begin();
    return true;
  }

  const int fd_;
  const TransferRequest& req_;
  tsig::ResponseStreamSigner* signer_;
  const absl::Duration timeout_;
  const std::atomic<bool>* cancel_;
  const size_t limit_;
  uint8_t buf_[65537];
  Writer w_;
  size_t in_message_ = 0, messages_ = 0, records_ = 0, bytes_ = 0;
  bool ok_ = true;
  std::string error_;
};

// A one-message reply: the question and optionally one RR, signed when
// `ctx` says so.
size_t ShortReply(const TransferRequest& req, uint16_t rcode, const WireRr* rr,
                  const tsig::ServerContext* ctx, uint8_t* out, size_t cap) {
  Writer w(out, cap);
  w.AppendHeader(req.id, kFlagQr | (rcode == 0 ? kFlagAa : 0) | (rcode & 0xF));
  w.AppendQuestion(req.qname_sent, req.qname, req.qtype, req.qclass);
  if (rr != nullptr && w.AppendName(rr->owner) &&
      w.AppendRRFixed(rr->type, kClassIn, rr->ttl, static_cast<uint16_t>(rr->rdata.size())) &&
      w.AppendBytes(rr->rdata.data(), rr->rdata.size())) {
    w.AddCount(Section::kAnswer, 1);
  }
  size_t len = w.Finish();
  if (ctx != nullptr) {
    const size_t signed_len = tsig::SignResponse(*ctx, out, len, cap, absl::ToUnixSeconds(absl::Now()));
    if (signed_len != 0) len = signed_len;
  }
  return len;
}

bool SendFramed(int fd, const uint8_t* msg, size_t len, absl::Duration timeout) {
  uint8_t prefix[2] = {static_cast<uint8_t>(len >> 8), static_cast<uint8_t>(len)};
  return SendAll(fd, prefix, 2, timeout) && SendAll(fd, msg, len, timeout);
}

std::string PeerText(const ClientAddress& a) { return AddressOf(a).ToString(); }

}  // namespace

// A zone as served for transfers.
struct OutgoingTransfers::Zone {
  std::string origin_wire;
  std::shared_ptr<const zones::Zone> transfer;  // as transferred
  uint32_t serial = 0;
  size_t records = 0;
  bool has_routed = false;
  ZoneTransferPolicy policy;
  std::vector<Endpoint> notify_targets;  // policy's + the NS addresses (notify: ns)
  // NOTIFY bookkeeping, parallel to notify_targets.
  struct Pending {
    NotifyState state;
    absl::Time next = absl::InfiniteFuture();
  };
  std::vector<Pending> notify;
  uint64_t axfr = 0, ixfr = 0, refused = 0, failed = 0;
  std::string last_client, last_kind;
  absl::Time last_at = absl::InfinitePast();
};

OutgoingTransfers::OutgoingTransfers(OutgoingOptions options)
    : options_(std::move(options)), journal_(options_.data_dir) {}

OutgoingTransfers::~OutgoingTransfers() { Stop(); }

void OutgoingTransfers::Log(const std::string& line) const {
  if (options_.log) options_.log(line);
}

void OutgoingTransfers::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return;
  started_ = true;
  for (const std::string& line : journal_.Load()) Log(line);
  for (int i = 0; i < std::max(1, options_.max_concurrent); ++i)
    threads_.emplace_back([this] { ServeLoop(); });
  threads_.emplace_back([this] { BackgroundLoop(); });
}

void OutgoingTransfers::Stop() {
  stopping_ = true;  // a transfer in progress ends within ~200 ms
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  conn_cv_.notify_all();
  bg_cv_.notify_all();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  std::lock_guard<std::mutex> lock(mu_);
  for (Connection& c : conns_) ::close(c.fd);
  conns_.clear();
}

void OutgoingTransfers::OnPublished(const Snapshot& snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::unique_ptr<Zone>> next;
  for (const std::shared_ptr<const zones::Zone>& served : snapshot.zones.zones()) {
    const std::string& wire = served->origin();
    auto old = zones_.find(wire);
    std::unique_ptr<Zone> z;
    if (old != zones_.end()) z = std::move(old->second);
    if (z == nullptr) {
      z = std::make_unique<Zone>();
      z->origin_wire = wire;
    }
    z->policy = options_.config.PolicyFor(wire);
    const bool changed = z->transfer == nullptr || z->serial != served->serial();
    if (changed) {
      absl::StatusOr<std::shared_ptr<const zones::Zone>> t = TransferZoneOf(snapshot, *served);
      if (!t.ok()) {
        Log(absl::StrCat("zone transfer: ", NameToText(wire), ": ", t.status().message(),
                         " (transfers keep the previous version)"));
      } else {
        const size_t records = TransferRecordCount(**t);
        if (z->transfer != nullptr && zones::SerialNewer(served->serial(), z->serial)) {
          diffs_.push_back(DiffJob{wire, z->transfer, *t, records});
        }
        z->transfer = *std::move(t);
        z->serial = served->serial();
        z->records = records;
        z->has_routed = served->routed_record_set_count() > 0;
      }
    }
    // NOTIFY targets: the policy's, and the addresses of the zone's NS
    // names wherever the snapshot has them (notify: ns), port 53.
    std::vector<Endpoint> targets = z->policy.notify;
    if (z->policy.notify_ns) {
      if (const zones::RRset* ns = served->apex().Find(kNs)) {
        for (size_t i = 0; i < ns->count; ++i) {
          Name target;
          const std::string_view rd = ns->rdata(i);
          if (target.ParseUncompressed(reinterpret_cast<const uint8_t*>(rd.data()), rd.size()) == 0)
            continue;
          const zones::Zone* holder = snapshot.zones.FindZone(target);
          const zones::Node* node = holder != nullptr ? holder->Find(target.wire()) : nullptr;
          if (node == nullptr) continue;
          for (uint16_t type : {kA, kAaaa}) {
            const zones::RRset* addrs = node->Find(type);
            for (size_t j = 0; addrs != nullptr && j < addrs->count; ++j) {
              const std::string_view a = addrs->rdata(j);
              Endpoint e;
              e.address = a.size() == 4
                              ? geo::Address::FromV4Bytes(reinterpret_cast<const uint8_t*>(a.data()))
                              : geo::Address::FromV6Bytes(reinterpret_cast<const uint8_t*>(a.data()));
              e.port = 53;
              e.text = e.HostPort();
              if (std::find(options_.own_addresses.begin(), options_.own_addresses.end(),
                            e.text) == options_.own_addresses.end())
                targets.push_back(e);
            }
          }
        }
      }
    }
    if (targets.size() != z->notify_targets.size() ||
        !std::equal(targets.begin(), targets.end(), z->notify_targets.begin())) {
      z->notify_targets = targets;
      z->notify.assign(targets.size(), Zone::Pending());
      for (size_t i = 0; i < targets.size(); ++i) z->notify[i].state.target = targets[i].HostPort();
    }
    if (changed) QueueNotifyLocked(*z, /*now=*/true);
    next[wire] = std::move(z);
  }
  zones_ = std::move(next);
  bg_cv_.notify_all();
}

void OutgoingTransfers::QueueNotifyLocked(Zone& z, bool now) {
  for (Zone::Pending& p : z.notify) {
    p.state.serial = z.serial;
    p.state.state = "pending";
    p.state.tries = 0;
    p.state.last_error.clear();
    p.next = now ? absl::Now() : absl::Now() + options_.notify_retry;
  }
}

absl::StatusOr<std::vector<std::string>> OutgoingTransfers::NotifyNow(std::string_view origin) {
  std::string wire;
  if (!NameFromText(origin, &wire)) return absl::InvalidArgumentError("not a domain name");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = zones_.find(wire);
  if (it == zones_.end()) return absl::NotFoundError(absl::StrCat("no zone ", NameToText(wire)));
  QueueNotifyLocked(*it->second, /*now=*/true);
  bg_cv_.notify_all();
  std::vector<std::string> targets;
  for (const Endpoint& e : it->second->notify_targets) targets.push_back(e.HostPort());
  return targets;
}

void OutgoingTransfers::Take(int fd, const ClientAddress& peer, std::string pending) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stop_ && conns_.size() < 64) {
      conns_.push_back(Connection{fd, peer, std::move(pending)});
      conn_cv_.notify_one();
      return;
    }
    ++totals_.refused;
  }
  ::close(fd);  // stopping, or a flood of transfer requests: dropped
}

void OutgoingTransfers::ServeLoop() {
  for (;;) {
    Connection c;
    {
      std::unique_lock<std::mutex> lock(mu_);
      conn_cv_.wait(lock, [this] { return stop_ || !conns_.empty(); });
      if (stop_) return;
      c = std::move(conns_.front());
      conns_.pop_front();
    }
    Serve(c);
    ::close(c.fd);
  }
}

void OutgoingTransfers::Serve(Connection& c) {
  const std::string& in = c.pending;
  if (in.size() < 2) return;
  const size_t len = static_cast<size_t>(static_cast<uint8_t>(in[0]) << 8 | static_cast<uint8_t>(in[1]));
  if (in.size() < 2 + len) return;
  const auto* msg = reinterpret_cast<const uint8_t*>(in.data() + 2);
  const std::string peer = PeerText(c.peer);
  auto out = std::make_unique<uint8_t[]>(65535);
  const absl::Duration timeout = options_.io_timeout;
  TransferRequest req;
  if (!ParseRequest(msg, len, &req)) {
    if (len >= 12) {  // FORMERR with the header's ID
      Writer w(out.get(), 512);
      w.AppendHeader(Get16(msg), kFlagQr | kRcodeFormErr);
      SendFramed(c.fd, out.get(), w.Finish(), timeout);
    }
    std::lock_guard<std::mutex> lock(mu_);
    ++totals_.failed;
    return;
  }
  const char* kind = req.qtype == kAxfr ? "AXFR" : "IXFR";
  const std::string zone_text = NameToText(req.qname);
  auto refuse = [&](uint16_t rcode, const tsig::ServerContext* ctx, const std::string& why) {
    const size_t n = ShortReply(req, rcode, nullptr, ctx, out.get(), 65535);
    SendFramed(c.fd, out.get(), n, timeout);
    Log(absl::StrCat("refused: ", kind, " of ", zone_text, " from ", peer, ": ", why));
  };

  // TSIG first (RFC 8945 §5.2): a bad one is answered before anything else.
  tsig::ServerContext ctx;
  tsig::TsigRecord rec;
  bool is_signed = false;
  switch (tsig::FindTsig(msg, len, &rec)) {
    case tsig::FindResult::kAbsent:
      break;
    case tsig::FindResult::kFound: {
      is_signed = true;
      const tsig::VerifyStatus st = tsig::VerifyRequest(options_.keys.get(), msg, len, rec.offset,
                                                        absl::ToUnixSeconds(absl::Now()), &ctx);
      if (st != tsig::VerifyStatus::kOk) {
        refuse(ctx.Rcode(), &ctx, absl::StrCat("TSIG ", tsig::VerifyStatusName(st)));
        std::lock_guard<std::mutex> lock(mu_);
        ++totals_.bad_tsig;
        return;
      }
      break;
    }
    case tsig::FindResult::kNotLast:
    case tsig::FindResult::kMalformed:
      refuse(kRcodeFormErr, nullptr, "malformed TSIG");
      return;
  }
  const tsig::ServerContext* sign = is_signed ? &ctx : nullptr;
  const std::string key = is_signed && ctx.key != nullptr ? absl::AsciiStrToLower(ctx.key->name) : "";

  // The zone, and whether this client may have it (decided under the
  // lock; answered outside it).
  enum class Decision { kServe, kNotServed, kAcl, kRouted } decision = Decision::kNotServed;
  std::shared_ptr<const zones::Zone> zone;
  uint32_t serial = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = zones_.find(req.qname);
    if (req.qclass == kClassIn && it != zones_.end() && it->second->transfer != nullptr) {
      Zone& z = *it->second;
      if (z.policy.Allows(AddressOf(c.peer), key) == nullptr) {
        decision = Decision::kAcl;
      } else if (z.has_routed && z.policy.transfer_routed == TransferRouted::kRefuse) {
        decision = Decision::kRouted;
      } else {
        decision = Decision::kServe;
        zone = z.transfer;
        serial = z.serial;
      }
      if (decision != Decision::kServe) {
        ++z.refused;
        z.last_client = peer;
        z.last_kind = "refused";
        z.last_at = absl::Now();
      }
    }
    if (decision != Decision::kServe) ++totals_.refused;
  }
  switch (decision) {
    case Decision::kServe:
      break;
    case Decision::kNotServed:  // NOTAUTH, as Knot and BIND answer
      refuse(kRcodeNotAuth, sign, "not a zone served here");
      return;
    case Decision::kAcl:
      refuse(kRcodeRefused, sign,
             key.empty() ? "no allow-transfer entry admits this client unsigned"
                         : absl::StrCat("no allow-transfer entry admits this client with key ", key));
      return;
    case Decision::kRouted:
      refuse(kRcodeRefused, sign, "the zone has routed record sets and transfer-routed is refuse");
      return;
  }

  std::unique_ptr<tsig::ResponseStreamSigner> signer;
  if (is_signed) signer = std::make_unique<tsig::ResponseStreamSigner>(ctx);
  const WireRr soa = SoaOf(*zone);
  const auto started = absl::Now();
  std::string what = kind;
  bool ok = true;
  std::string error;
  size_t bytes = 0, records = 0;

  std::optional<std::vector<std::shared_ptr<const ZoneDiff>>> chain;
  bool current = false;
  if (req.qtype == kIxfr && req.has_client_serial) {
    if (!zones::SerialNewer(serial, req.client_serial)) {
      current = true;  // the client has this serial (or a newer one): one SOA
    } else {
      chain = journal_.From(req.qname, req.client_serial);
      if (chain.has_value() && (chain->empty() || chain->back()->to_serial() != serial))
        chain.reset();  // the journal has not caught up with this version yet
    }
  }
  if (current) {
    const size_t n = ShortReply(req, 0, &soa, sign, out.get(), 65535);
    ok = SendFramed(c.fd, out.get(), n, timeout);
    bytes = n + 2;
    records = 1;
    what = "IXFR (up to date)";
  } else {
    StreamWriter sw(c.fd, req, signer.get(), options_.max_message, timeout, &stopping_);
    sw.Add(soa.owner, soa.type, soa.ttl, soa.rdata);
    if (chain.has_value()) {
      what = absl::StrCat("IXFR from ", req.client_serial, " (", chain->size(), " differences)");
      for (const auto& d : *chain) {
        sw.Add(d->old_soa.owner, kSoa, d->old_soa.ttl, d->old_soa.rdata);
        for (const WireRr& rr : d->deleted) sw.Add(rr.owner, rr.type, rr.ttl, rr.rdata);
        sw.Add(d->new_soa.owner, kSoa, d->new_soa.ttl, d->new_soa.rdata);
        for (const WireRr& rr : d->added) sw.Add(rr.owner, rr.type, rr.ttl, rr.rdata);
      }
    } else {
      if (req.qtype == kIxfr) what = "IXFR (as AXFR: the journal does not reach the client's serial)";
      ForEachTransferRrset(*zone, [&](std::string_view owner, const zones::RRset& r) {
        for (size_t i = 0; i < r.count; ++i) sw.Add(owner, r.type, r.rr_ttl(i), r.rdata(i));
      });
    }
    sw.Add(soa.owner, soa.type, soa.ttl, soa.rdata);
    ok = sw.Finish();
    error = sw.error();
    bytes = sw.bytes();
    records = sw.records();
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - started);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = zones_.find(req.qname);
    Zone* z = it != zones_.end() ? it->second.get() : nullptr;
    if (ok) {
      if (current) {
        ++totals_.up_to_date;
      } else if (req.qtype == kIxfr && chain.has_value()) {
        ++totals_.ixfr;
        if (z != nullptr) ++z->ixfr;
      } else {
        ++totals_.axfr;
        if (z != nullptr) ++z->axfr;
      }
      totals_.bytes += bytes;
    } else {
      ++totals_.failed;
      if (z != nullptr) ++z->failed;
    }
    if (z != nullptr) {
      z->last_client = peer;
      z->last_kind = req.qtype == kIxfr && chain.has_value() ? "IXFR" : (current ? "IXFR" : "AXFR");
      z->last_at = absl::Now();
    }
  }
  Log(absl::StrCat(ok ? "" : "failed: ", what, " of ", zone_text, " serial ", serial, " to ", peer,
                   key.empty() ? "" : absl::StrCat(" (TSIG ", key, ")"), ": ", records, " RRs, ",
                   bytes, " octets in ", absl::StrFormat("%.3f", seconds), " s",
                   ok ? "" : absl::StrCat(" (", error, ")")));
}

void OutgoingTransfers::BackgroundLoop() {
  for (;;) {
    std::optional<DiffJob> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      // The next NOTIFY due, or a difference to make.
      absl::Time next = absl::Now() + absl::Seconds(1);
      for (const auto& [wire, z] : zones_)
        for (const Zone::Pending& p : z->notify) next = std::min(next, p.next);
      if (diffs_.empty()) {
        const auto wait = std::chrono::milliseconds(
            std::max<int64_t>(0, absl::ToInt64Milliseconds(next - absl::Now())));
        bg_cv_.wait_for(lock, wait);
      }
      if (stop_) return;
      if (!diffs_.empty()) {
        job = std::move(diffs_.front());
        diffs_.pop_front();
      }
    }
    if (job.has_value()) {
      ZoneDiff diff = DiffZones(*job->before, *job->after);
      const size_t records = job->records;
      const uint32_t from = diff.from_serial(), to = diff.to_serial();
      const size_t n = diff.deleted.size() + diff.added.size();
      absl::Status st = journal_.Add(job->origin_wire, std::move(diff), records);
      if (!st.ok()) {
        Log(absl::StrCat("zone transfer journal of ", NameToText(job->origin_wire), ": ",
                         st.message(), " (kept in memory)"));
      }
      Log(absl::StrCat("IXFR journal of ", NameToText(job->origin_wire), ": ", from, " -> ", to,
                       ", ", n, " RRs changed"));
    }
    SendDueNotifies();
  }
}

void OutgoingTransfers::SendDueNotifies() {
  struct Due {
    std::string origin_wire;
    size_t index;
    Endpoint target;
    WireRr soa;
  };
  std::vector<Due> due;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const absl::Time now = absl::Now();
    for (auto& [wire, z] : zones_) {
      for (size_t i = 0; i < z->notify.size(); ++i) {
        Zone::Pending& p = z->notify[i];
        if (p.next > now || z->transfer == nullptr) continue;
        ++p.state.tries;
        p.state.last_sent = now;
        p.next = p.state.tries >= options_.notify_tries
                     ? absl::InfiniteFuture()
                     : now + options_.notify_retry * (1 << (p.state.tries - 1));
        due.push_back(Due{wire, i, z->notify_targets[i], SoaOf(*z->transfer)});
      }
    }
  }
  for (const Due& d : due) {
    // NOTIFY (RFC 1996 §3.7): opcode 4, AA, the SOA as question and answer.
    std::string msg;
    const uint16_t id = static_cast<uint16_t>(absl::ToUnixNanos(absl::Now()) * 2654435761u >> 7);
    uint8_t buf[1024];
    Writer w(buf, sizeof buf);
    w.AppendHeader(id, kFlagAa | (4 << 11));
    w.AppendQuestion(d.soa.owner, d.soa.owner, kSoa, kClassIn);
    if (w.AppendName(d.soa.owner) &&
        w.AppendRRFixed(kSoa, kClassIn, d.soa.ttl, static_cast<uint16_t>(d.soa.rdata.size())) &&
        w.AppendBytes(d.soa.rdata.data(), d.soa.rdata.size())) {
      w.AddCount(Section::kAnswer, 1);
    }
    msg.assign(reinterpret_cast<const char*>(buf), w.Finish());
    std::string error;
    std::unique_ptr<tsig::ClientTransaction> tx;
    if (!d.target.key.empty()) {
      std::string key_wire;
      const tsig::Key* key = NameFromText(d.target.key, &key_wire) ? options_.keys->Find(key_wire) : nullptr;
      if (key == nullptr) {
        error = absl::StrCat("no TSIG key ", d.target.key);
      } else {
        tx = std::make_unique<tsig::ClientTransaction>(*key);
        absl::Status st = tx->SignRequest(&msg, absl::ToUnixSeconds(absl::Now()));
        if (!st.ok()) error = std::string(st.message());
      }
    }
    bool acknowledged = false;
    if (error.empty()) {
      sockaddr_storage ss;
      const socklen_t sl = d.target.ToSockaddr(&ss);
      const int fd = ::socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
      if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&ss), sl) != 0 ||
          ::send(fd, msg.data(), msg.size(), 0) != static_cast<ssize_t>(msg.size())) {
        error = absl::StrCat("cannot send: ", std::strerror(errno));
      } else {
        std::lock_guard<std::mutex> lock(mu_);
        ++totals_.notify_sent;
      }
      const absl::Time deadline = absl::Now() + absl::Seconds(1);
      while (error.empty() && !acknowledged && WaitFor(fd, POLLIN, deadline)) {
        uint8_t reply[4096];
        const ssize_t n = ::recv(fd, reply, sizeof reply, 0);
        if (n < 0) {
          error = absl::StrCat("no answer: ", std::strerror(errno));
          break;
        }
        if (n < 12 || Get16(reply) != Get16(reinterpret_cast<const uint8_t*>(msg.data())) ||
            (reply[2] & 0x80) == 0)
          continue;
        const uint16_t rcode = reply[3] & 0xF;
        if (tx != nullptr) {
          absl::Status st = tx->VerifyResponse(reply, static_cast<size_t>(n),
                                               absl::ToUnixSeconds(absl::Now()));
          if (!st.ok()) {
            error = std::string(st.message());
            break;
          }
        }
        if (rcode != 0) {
          error = absl::StrCat("answered rcode ", rcode);
          break;
        }
        acknowledged = true;
      }
      if (error.empty() && !acknowledged) error = "no answer within 1 s";
      if (fd >= 0) ::close(fd);
    }
    std::lock_guard<std::mutex> lock(mu_);
    auto it = zones_.find(d.origin_wire);
    if (it == zones_.end() || d.index >= it->second->notify.size()) continue;
    Zone::Pending& p = it->second->notify[d.index];
    if (acknowledged) {
      p.state.state = "acknowledged";
      p.state.last_error.clear();
      p.next = absl::InfiniteFuture();
      ++totals_.notify_acknowledged;
    } else {
      p.state.last_error = error;
      if (p.next == absl::InfiniteFuture()) {
        p.state.state = "failed";
        ++totals_.notify_failed;
        Log(absl::StrCat("NOTIFY of ", NameToText(d.origin_wire), " serial ", p.state.serial,
                         " to ", p.state.target, " failed after ", p.state.tries, " tries: ", error));
      }
    }
  }
}

std::vector<OutgoingStatus> OutgoingTransfers::Status() const {
  std::vector<OutgoingStatus> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [wire, z] : zones_) {
    OutgoingStatus s;
    s.origin = NameToText(wire);
    s.serial = z->serial;
    s.records = z->records;
    for (const AclEntry& e : z->policy.allow_transfer) s.allow_transfer.push_back(e.text);
    s.transfer_routed = TransferRoutedName(z->policy.transfer_routed);
    s.has_routed = z->has_routed;
    s.journal = journal_.RangeOf(wire);
    s.axfr = z->axfr;
    s.ixfr = z->ixfr;
    s.refused = z->refused;
    s.failed = z->failed;
    s.last_client = z->last_client;
    s.last_kind = z->last_kind;
    s.last_at = z->last_at;
    for (const Zone::Pending& p : z->notify) s.notify.push_back(p.state);
    out.push_back(std::move(s));
  }
  return out;
}

OutgoingTotals OutgoingTransfers::Totals() const {
  std::lock_guard<std::mutex> lock(mu_);
  return totals_;
}

}  // namespace dns::xfr
