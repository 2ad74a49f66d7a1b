// File: dns/xfr/xfr_client.cc
//
// See xfr_client.h. Plain blocking sockets with poll() deadlines.
#include "dns/xfr/xfr_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/string_view.h"
#include "dns/tsig/tsig.h"
#include "dns/wire/types.h"
#include "zones/serial.h"

namespace dns::xfr {
namespace {

// Closes the socket when it goes out of scope.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

uint16_t RandomId() {
  uint16_t id = 0;
  if (getrandom(&id, sizeof(id), 0) != sizeof(id)) id = static_cast<uint16_t>(absl::ToUnixNanos(absl::Now()));
  return id;
}

int64_t NowSeconds() { return absl::ToUnixSeconds(absl::Now()); }

void Put16(std::string* s, uint16_t v) {
  s->push_back(static_cast<char>(v >> 8));
  s->push_back(static_cast<char>(v & 0xff));
}
void Put32(std::string* s, uint32_t v) {
  Put16(s, static_cast<uint16_t>(v >> 16));
  Put16(s, static_cast<uint16_t>(v & 0xffff));
}

// A request: question origin/qtype/IN; for IXFR our SOA in the authority
// section (RFC 1995 §3).
std::string MakeRequest(uint16_t id, std::string_view origin_wire, uint16_t qtype,
                        const Record* soa) {
  std::string m;
  Put16(&m, id);
  Put16(&m, 0);  // QUERY, no RD
  Put16(&m, 1);
  Put16(&m, 0);
  Put16(&m, soa ? 1 : 0);
  Put16(&m, 0);
  m.append(origin_wire);
  Put16(&m, qtype);
  Put16(&m, rrclass::kIN);
  if (soa) {
    m.append(soa->owner);
    Put16(&m, rrtype::kSOA);
    Put16(&m, rrclass::kIN);
    Put32(&m, soa->ttl);
    Put16(&m, static_cast<uint16_t>(soa->rdata.size()));
    m.append(soa->rdata);
  }
  return m;
}

std::string Where(const Endpoint& ep) { return ep.HostPort(); }

absl::Status NetError(const Endpoint& ep, std::string_view what, int err) {
  return absl::UnavailableError(absl::StrCat("network: ", Where(ep), ": ", base::AV(what), ": ",
                                             std::strerror(err)));
}
absl::Status Timeout(const Endpoint& ep, std::string_view what) {
  return absl::DeadlineExceededError(absl::StrCat("timeout: ", Where(ep), ": ", base::AV(what)));
}

// Set per call by QuerySoa/FetchZone (one thread per call).
thread_local const std::atomic<bool>* t_cancel = nullptr;

// Waits until `fd` is ready for `events` or `deadline` passes.
absl::Status WaitFd(int fd, short events, absl::Time deadline, const Endpoint& ep,
                    std::string_view what) {
  for (;;) {
    if (t_cancel != nullptr && t_cancel->load(std::memory_order_relaxed)) {
      return absl::CancelledError(absl::StrCat("timeout: ", Where(ep), ": cancelled"));
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return Timeout(ep, what);
    pollfd p{fd, events, 0};
    const int ms = static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(left) + 1, 200));
    const int n = poll(&p, 1, ms);
    if (n > 0) return absl::OkStatus();
    if (n < 0 && errno != EINTR) return NetError(ep, "poll", errno);
  }
}

absl::StatusOr<int> Connect(const Endpoint& ep, absl::Time deadline) {
  sockaddr_storage ss;
  const socklen_t sl = ep.ToSockaddr(&ss);
  const int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return NetError(ep, "socket", errno);
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), sl) != 0 && errno != EINPROGRESS) {
    const int e = errno;
    close(fd);
    return NetError(ep, "connect", e);
  }
  absl::Status w = WaitFd(fd, POLLOUT, deadline, ep, "TCP connect");
  if (!w.ok()) {
    close(fd);
    return w;
  }
  int err = 0;
  socklen_t len = sizeof(err);
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) {
    close(fd);
    return NetError(ep, "connect", err);
  }
  return fd;
}

absl::Status WriteAll(int fd, const std::string& data, absl::Time deadline, const Endpoint& ep) {
  size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return NetError(ep, "send", errno);
    absl::Status w = WaitFd(fd, POLLOUT, deadline, ep, "TCP send");
    if (!w.ok()) return w;
  }
  return absl::OkStatus();
}

// Reads exactly n octets. `eof_ok` at offset 0: returns NotFound on a clean close.
absl::Status ReadExact(int fd, uint8_t* out, size_t n, absl::Time deadline, const Endpoint& ep) {
  size_t off = 0;
  while (off < n) {
    const ssize_t r = recv(fd, out + off, n - off, 0);
    if (r > 0) {
      off += static_cast<size_t>(r);
      continue;
    }
    if (r == 0) {
      return absl::UnavailableError(
          absl::StrCat("network: ", Where(ep), ": the primary closed the connection mid-transfer"));
    }
    if (errno != EAGAIN && errno != EINTR) return NetError(ep, "recv", errno);
    absl::Status w = WaitFd(fd, POLLIN, deadline, ep, "TCP read");
    if (!w.ok()) return w;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<uint8_t>> ReadTcpMessage(int fd, absl::Time deadline,
                                                    const Endpoint& ep) {
  uint8_t lenbuf[2];
  absl::Status s = ReadExact(fd, lenbuf, 2, deadline, ep);
  if (!s.ok()) return s;
  const size_t len = (size_t{lenbuf[0]} << 8) | lenbuf[1];
  if (len < kHeaderSize) {
    return absl::InvalidArgumentError(absl::StrCat("malformed: a ", len, "-octet TCP message"));
  }
  std::vector<uint8_t> msg(len);
  s = ReadExact(fd, msg.data(), len, deadline, ep);
  if (!s.ok()) return s;
  return msg;
}

absl::Status TsigError(const absl::Status& s) {
  return absl::PermissionDeniedError(absl::StrCat("tsig: ", s.message()));
}

absl::StatusOr<std::vector<uint8_t>> SoaOverUdp(const Endpoint& ep, const std::string& req,
                                                uint16_t id, absl::Time deadline) {
  sockaddr_storage ss;
  const socklen_t sl = ep.ToSockaddr(&ss);
  Fd fd(socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return NetError(ep, "socket", errno);
  if (connect(fd.get(), reinterpret_cast<sockaddr*>(&ss), sl) != 0) {
    return NetError(ep, "connect", errno);
  }
  if (send(fd.get(), req.data(), req.size(), 0) < 0) return NetError(ep, "send", errno);
  std::vector<uint8_t> buf(65535);
  for (;;) {
    absl::Status w = WaitFd(fd.get(), POLLIN, deadline, ep, "SOA query over UDP");
    if (!w.ok()) return w;
    const ssize_t n = recv(fd.get(), buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return NetError(ep, "recv", errno);
    }
    // Ignore datagrams that are not a response to this ID.
    if (n < static_cast<ssize_t>(kHeaderSize) || ((buf[0] << 8) | buf[1]) != id ||
        (buf[2] & 0x80) == 0) {
      continue;
    }
    buf.resize(static_cast<size_t>(n));
    return buf;
  }
}

absl::StatusOr<std::vector<uint8_t>> ExchangeTcp(const Endpoint& ep, const std::string& req,
                                                 absl::Time deadline) {
  absl::StatusOr<int> fd = Connect(ep, deadline);
  if (!fd.ok()) return fd.status();
  Fd owned(*fd);
  std::string framed;
  Put16(&framed, static_cast<uint16_t>(req.size()));
  framed += req;
  absl::Status s = WriteAll(owned.get(), framed, deadline, ep);
  if (!s.ok()) return s;
  return ReadTcpMessage(owned.get(), deadline, ep);
}

// One transfer attempt of `qtype`.
absl::StatusOr<FetchResult> FetchOnce(const Endpoint& ep, const tsig::Key* key,
                                      std::string_view origin_wire, uint16_t qtype,
                                      const ZoneCopy* base, const ClientOptions& options) {
  const absl::Time start = absl::Now();
  const absl::Time overall = start + options.transfer_timeout;
  const uint16_t id = RandomId();
  std::string req = MakeRequest(id, origin_wire, qtype,
                                qtype == rrtype::kIXFR && base ? &base->soa() : nullptr);
  std::optional<tsig::ClientTransaction> tx;
  if (key != nullptr) {
    tx.emplace(*key);
    absl::Status s = tx->SignRequest(&req, NowSeconds());
    if (!s.ok()) return TsigError(s);
  }
  absl::StatusOr<int> fd = Connect(ep, std::min(overall, start + options.query_timeout));
  if (!fd.ok()) return fd.status();
  Fd owned(*fd);
  std::string framed;
  Put16(&framed, static_cast<uint16_t>(req.size()));
  framed += req;
  absl::Status s = WriteAll(owned.get(), framed, overall, ep);
  if (!s.ok()) return s;

  StreamAssembler assembler(std::string(origin_wire), qtype, base, options.limits);
  FetchResult result;
  std::vector<Record> rrs;
  while (!assembler.done()) {
    // Each message must come within query_timeout, the whole within transfer_timeout.
    const absl::Time deadline = std::min(overall, absl::Now() + options.query_timeout);
    absl::StatusOr<std::vector<uint8_t>> msg = ReadTcpMessage(owned.get(), deadline, ep);
    if (!msg.ok()) return msg.status();
    result.bytes += msg->size() + 2;
    ++result.messages;
    s = assembler.AddBytes(msg->size() + 2);
    if (!s.ok()) return s;
    rrs.clear();
    s = ParseTransferMessage(msg->data(), msg->size(), id, origin_wire, qtype, &rrs);
    if (tx) {
      // Verify before trusting any content; a TSIG error reply (NOTAUTH)
      // is reported as the TSIG failure it is.
      absl::Status v = tx->VerifyResponse(msg->data(), msg->size(), NowSeconds());
      if (!v.ok()) return TsigError(v);
    }
    if (!s.ok()) return s;
    // An IXFR answered "up to date" (RFC 1995 §4) is one message with our
    // own (or an older) serial's SOA and nothing else.
    SoaFields first;
    const bool up_to_date = qtype == rrtype::kIXFR && base != nullptr && result.messages == 1 &&
                            rrs.size() == 1 && rrs[0].type == rrtype::kSOA &&
                            ParseSoaRdata(rrs[0].rdata, &first) &&
                            !zones::SerialNewer(first.serial, base->serial());
    for (Record& rr : rrs) {
      s = assembler.Add(std::move(rr));
      if (!s.ok()) return s;
    }
    if (up_to_date) break;
  }
  if (tx) {
    s = tx->Finish();
    if (!s.ok()) return TsigError(s);
  }
  absl::StatusOr<StreamResult> stream = assembler.Finish();
  if (!stream.ok()) return stream.status();
  result.stream = *std::move(stream);
  return result;
}

}  // namespace

absl::StatusOr<SoaFields> QuerySoa(const Endpoint& primary, const tsig::Key* key,
                                   std::string_view origin_wire, const ClientOptions& options) {
  t_cancel = options.cancel;
  const absl::Time deadline = absl::Now() + options.query_timeout;
  const uint16_t id = RandomId();
  std::string req = MakeRequest(id, origin_wire, rrtype::kSOA, nullptr);
  std::optional<tsig::ClientTransaction> tx;
  if (key != nullptr) {
    tx.emplace(*key);
    absl::Status s = tx->SignRequest(&req, NowSeconds());
    if (!s.ok()) return TsigError(s);
  }
  absl::StatusOr<std::vector<uint8_t>> resp = SoaOverUdp(primary, req, id, deadline);
  if (!resp.ok()) return resp.status();
  if ((*resp)[2] & 0x02) {  // TC: again over TCP (a fresh TSIG exchange)
    req = MakeRequest(id, origin_wire, rrtype::kSOA, nullptr);
    if (key != nullptr) {
      tx.emplace(*key);
      absl::Status s = tx->SignRequest(&req, NowSeconds());
      if (!s.ok()) return TsigError(s);
    }
    resp = ExchangeTcp(primary, req, deadline);
    if (!resp.ok()) return resp.status();
  }
  std::vector<Record> rrs;
  absl::Status s = ParseTransferMessage(resp->data(), resp->size(), id, origin_wire,
                                        rrtype::kSOA, &rrs);
  if (tx) {
    absl::Status v = tx->VerifyResponse(resp->data(), resp->size(), NowSeconds());
    if (!v.ok()) return TsigError(v);
  }
  if (!s.ok()) return s;
  if (((*resp)[2] & 0x04) == 0) {
    return absl::InvalidArgumentError(absl::StrCat("rcode: ", Where(primary),
                                                   " is not authoritative (AA clear) for the zone"));
  }
  for (const Record& rr : rrs) {
    SoaFields f;
    if (rr.type == rrtype::kSOA && rr.owner == origin_wire && ParseSoaRdata(rr.rdata, &f)) {
      return f;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("soa: ", Where(primary), " answered the SOA query without the zone's SOA"));
}

absl::StatusOr<FetchResult> FetchZone(const Endpoint& primary, const tsig::Key* key,
                                      std::string_view origin_wire, const ZoneCopy* base,
                                      const ClientOptions& options) {
  t_cancel = options.cancel;
  if (base == nullptr) return FetchOnce(primary, key, origin_wire, rrtype::kAXFR, nullptr, options);
  absl::StatusOr<FetchResult> ixfr =
      FetchOnce(primary, key, origin_wire, rrtype::kIXFR, base, options);
  if (ixfr.ok()) return ixfr;
  const std::string reason = TransferErrorReason(ixfr.status());
  // TSIG failures, time-outs and size limits would repeat with AXFR.
  if (reason != "rcode" && reason != "ixfr" && reason != "malformed" && reason != "soa") {
    return ixfr.status();
  }
  absl::StatusOr<FetchResult> axfr =
      FetchOnce(primary, key, origin_wire, rrtype::kAXFR, nullptr, options);
  if (!axfr.ok()) return axfr.status();
  axfr->ixfr_fallback = std::string(ixfr.status().message());
  return axfr;
}

}  // namespace dns::xfr
