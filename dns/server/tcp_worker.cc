#include "dns/server/tcp_worker.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/errno_status.h"
#include "dns/answer/answer.h"

namespace dns::server {
namespace {

// Events taken per epoll_wait(). Each is a few microseconds of work, so
// 64 keeps one wake short (the QSBR grace period) and fair.
constexpr int kEventsPerWait = 64;
// Connections accepted per readiness of a listening socket before the
// worker serves its established connections again.
constexpr int kAcceptBurst = 64;
// Kernel queue of not-yet-accepted connections per socket.
constexpr int kListenBacklog = 1024;
// Input and output buffer size given to a new connection.
constexpr size_t kInitialBuffer = 4096;
// Stop answering pipelined queries once this much output is waiting; the
// rest are answered after it is sent.
constexpr size_t kOutputHighWater = 64 * 1024;
// Largest DNS message plus its length prefix.
constexpr size_t kMaxFrame = 2 + 65535;

int64_t NowMs() {
  timespec ts;
  // Coarse is plenty for second-scale timeouts and costs no syscall.
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

// epoll data: listeners are (generation 0, index); connections carry their
// slot's generation (>= 1), so an event queued for a connection that was
// closed and whose slot was reused in the same wake is recognised as stale.
uint64_t Key(uint32_t generation, uint32_t index) {
  return (static_cast<uint64_t>(generation) << 32) | index;
}

}  // namespace

// A byte queue: [head, tail) holds data inside a buffer of `cap` octets.
struct TcpWorker::Buffer {
  std::unique_ptr<uint8_t[]> data;
  size_t cap = 0, head = 0, tail = 0;

  size_t size() const { return tail - head; }
  const uint8_t* begin() const { return data.get() + head; }
  void Allocate(size_t n) {
    data.reset(new uint8_t[n]);
    cap = n;
    head = tail = 0;
  }
  void Free() {
    data.reset();
    cap = head = tail = 0;
  }
  void Consume(size_t n) {
    head += n;
    if (head == tail) head = tail = 0;
  }
  // Makes room for `n` more octets after tail: moves data to the front,
  // and grows (rarely: a large message or a burst of replies) if needed.
  void Reserve(size_t n) {
    if (cap - tail >= n) return;
    size_t used = size();
    if (cap - used >= n) {
      std::memmove(data.get(), data.get() + head, used);
    } else {
      size_t new_cap = std::max(cap * 2, used + n);
      std::unique_ptr<uint8_t[]> bigger(new uint8_t[new_cap]);
      if (used > 0) std::memcpy(bigger.get(), data.get() + head, used);
      data = std::move(bigger);
      cap = new_cap;
    }
    head = 0;
    tail = used;
  }
  void Append(const uint8_t* p, size_t n) {
    Reserve(n);
    std::memcpy(data.get() + tail, p, n);
    tail += n;
  }
};

struct TcpWorker::Connection {
  UniqueFd fd;
  uint32_t generation = 0;
  uint32_t index = 0;
  uint32_t interest = 0;  // current epoll events
  int32_t prev = -1, next = -1;  // LRU links
  int64_t last_active_ms = 0;
  bool peer_closed = false;  // the client shut down its sending side
  bool closing = false;      // close once the output is sent
  ClientAddress peer;
  Buffer in, out;
};

absl::StatusOr<UniqueFd> TcpWorker::OpenListener(const ListenAddress& address) {
  absl::StatusOr<UniqueFd> fd = OpenWorkerSocket(address, SOCK_STREAM);
  if (!fd.ok()) return fd.status();
  if (absl::Status st = BindSocket(fd->get(), address, SOCK_STREAM); !st.ok()) return st;
  if (::listen(fd->get(), kListenBacklog) != 0) {
    const std::string why = base::ErrnoText(errno);
    return absl::UnavailableError(
        absl::StrCat("cannot listen on TCP ", FormatAddress(address.addr), ": ", why));
  }
  return fd;
}

TcpWorker::TcpWorker(int index, std::string_view where, std::vector<UniqueFd> listeners,
                     Options options)
    : Worker(Transport::kTcp, "tcp", index, where),
      listeners_(std::move(listeners)),
      options_(options),
      scratch_(new uint8_t[kMaxFrame]) {}

TcpWorker::~TcpWorker() = default;

absl::StatusOr<std::unique_ptr<TcpWorker>> TcpWorker::Create(
    int index, std::string_view where, std::vector<UniqueFd> listeners, Options options) {
  options.max_connections = std::max(options.max_connections, 1);
  options.idle_timeout_ms = std::max(options.idle_timeout_ms, 1);
  std::unique_ptr<TcpWorker> w(new TcpWorker(index, where, std::move(listeners), options));
  w->epoll_.Reset(::epoll_create1(EPOLL_CLOEXEC));
  if (!w->epoll_.valid()) {
    return absl::InternalError(absl::StrCat("epoll: ", base::ErrnoText(errno)));
  }
  for (size_t i = 0; i < w->listeners_.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = Key(0, static_cast<uint32_t>(i));
    if (::epoll_ctl(w->epoll_.get(), EPOLL_CTL_ADD, w->listeners_[i].get(),
                    &ev) != 0) {
      return absl::InternalError(absl::StrCat("epoll: ", base::ErrnoText(errno)));
    }
  }
  return w;
}

void TcpWorker::Run() {
  epoll_event events[kEventsPerWait];
  while (!stopping()) {
    Offline();
    int n = ::epoll_wait(epoll_.get(), events, kEventsPerWait, kIdleWaitMs);
    const int64_t now = NowMs();
    if (n > 0) {
      (void)BeginBatch();  // this wake's snapshot, for AnswerBuffered
      for (int i = 0; i < n; ++i) {
        uint64_t key = events[i].data.u64;
        uint32_t generation = static_cast<uint32_t>(key >> 32);
        uint32_t index = static_cast<uint32_t>(key);
        if (generation == 0) {
          Accept(index, now);
        } else if (index < conns_.size() &&
                   conns_[index].generation == generation &&
                   conns_[index].fd.valid()) {
          OnEvent(index, events[i].events, now);
        }
      }
    }
    SweepIdle(now);
  }
  Offline();
}

void TcpWorker::Accept(size_t listener, int64_t now_ms) {
  for (int k = 0; k < kAcceptBurst; ++k) {
    sockaddr_storage peer{};
    socklen_t peer_len = sizeof peer;
    int fd = ::accept4(listeners_[listener].get(),
                       reinterpret_cast<sockaddr*>(&peer), &peer_len,
                       SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if ((errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
           errno == ENOMEM) &&
          !listeners_paused_) {
        // Out of descriptors: free the least recently active connection
        // and try again; if there is none, stop listening for a while
        // instead of spinning on a listener that stays readable.
        if (lru_head_ >= 0) {
          Bump(counters_.tcp_evicted);
          Close(conns_[lru_head_]);
          continue;
        }
        for (const UniqueFd& l : listeners_) {
          epoll_event ev{};
          ev.data.u64 = Key(0, static_cast<uint32_t>(&l - listeners_.data()));
          (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, l.get(), &ev);
        }
        listeners_paused_ = true;
        listeners_paused_until_ms_ = now_ms + kIdleWaitMs;
      }
      return;  // EAGAIN: accepted everything pending
    }
    if (live_ >= options_.max_connections && lru_head_ >= 0) {
      // At the cap: the new client wins over the one idle the longest.
      Bump(counters_.tcp_evicted);
      Close(conns_[lru_head_]);
    }
    uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<uint32_t>(conns_.size());
      conns_.emplace_back();
      conns_.back().index = index;
    }
    Connection& c = conns_[index];
    c.fd.Reset(fd);
    if (++c.generation == 0) c.generation = 1;  // 0 marks listeners
    c.peer_closed = false;
    c.closing = false;
    c.interest = EPOLLIN;
    ToClientAddress(peer, &c.peer);
    c.in.Allocate(kInitialBuffer);
    c.out.Allocate(kInitialBuffer);
    const int one = 1;
    // Replies are written whole, one send() per burst: Nagle would only
    // delay the second of two pipelined replies.
    (void)::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = Key(c.generation, index);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev) != 0) {
      c.fd.Reset();
      c.in.Free();
      c.out.Free();
      free_.push_back(index);
      continue;
    }
    ++live_;
    c.last_active_ms = now_ms;
    LruAppend(c);
    Bump(counters_.tcp_accepted);
  }
}

void TcpWorker::OnEvent(uint32_t index, uint32_t events, int64_t now_ms) {
  Connection& c = conns_[index];
  if ((events & EPOLLERR) != 0) {
    Close(c);
    return;
  }
  bool progressed = false;
  if ((events & EPOLLIN) != 0 && !c.peer_closed && !c.closing &&
      c.out.size() == 0) {
    // Room for the rest of the message at the front of the buffer (or at
    // least for a length prefix).
    size_t want = 2;
    if (c.in.size() >= 2) {
      size_t frame = 2 + ((size_t{c.in.begin()[0]} << 8) | c.in.begin()[1]);
      want = frame > c.in.size() ? frame - c.in.size() : 0;
    }
    c.in.Reserve(std::max<size_t>(want, 512));
    ssize_t r;
    do {
      r = ::recv(c.fd.get(), c.in.data.get() + c.in.tail, c.in.cap - c.in.tail, 0);
    } while (r < 0 && errno == EINTR);
    if (r > 0) {
      c.in.tail += static_cast<size_t>(r);
      progressed = true;
    } else if (r == 0) {
      c.peer_closed = true;  // answer what is buffered, then close
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
      Close(c);
      return;
    }
  } else if ((events & EPOLLHUP) != 0 && (events & EPOLLOUT) == 0) {
    Close(c);  // both directions gone and nothing to read
    return;
  }
  if (progressed) Touch(c, now_ms);
  Pump(c, now_ms);
}

void TcpWorker::Pump(Connection& c, int64_t now_ms) {
  for (;;) {
    bool answered = AnswerBuffered(c);
    if (!c.fd.valid()) return;  // handed off to the transfer server
    if (c.out.size() > 0) {
      size_t pending = c.out.size();
      if (!Flush(c)) {
        Close(c);
        return;
      }
      if (c.out.size() < pending) Touch(c, now_ms);
      if (c.out.size() > 0) break;  // the client is slow: wait for EPOLLOUT
    }
    // Everything answered so far is sent; answer more if more is buffered.
    if (!answered || c.closing) break;
  }
  if (c.out.size() > 0) {
    SetInterest(c, EPOLLOUT);
  } else if (c.closing || c.peer_closed) {
    Close(c);
  } else {
    SetInterest(c, EPOLLIN);
  }
}

bool TcpWorker::AnswerBuffered(Connection& c) {
  bool answered = false;
  while (!c.closing && c.out.size() < kOutputHighWater && c.in.size() >= 2) {
    const uint8_t* p = c.in.begin();
    size_t len = (size_t{p[0]} << 8) | p[1];
    if (c.in.size() < 2 + len) break;  // the rest has not arrived yet
    if (options_.transfer_handoff != nullptr && IsTransferQuery(p + 2, len)) [[unlikely]] {
      // A zone transfer: its own thread streams it. Replies to earlier
      // queries go out first (in order); then the connection leaves us.
      if (c.out.size() == 0) {
        HandOff(c);
      } else {
        answered = true;  // Pump flushes, then comes back here
      }
      break;
    }
    Request request;
    request.transport = Transport::kTcp;
    request.source = c.peer;
    Outcome outcome;
    const size_t n =
        Answer(p + 2, len, request, scratch_.get() + 2, kMaxFrame - 2, &outcome);
    c.in.Consume(2 + len);
    answered = true;
    if (n != 0) {
      scratch_[0] = static_cast<uint8_t>(n >> 8);
      scratch_[1] = static_cast<uint8_t>(n);
      c.out.Append(scratch_.get(), n + 2);
      Bump(counters_.replies);
    }
    // A client that sends garbage is not worth keeping (RFC 7766 §6.2.4
    // lets a server close at any time; the reply, if any, goes first).
    if (n == 0 || outcome.malformed) c.closing = true;
  }
  return answered;
}

bool TcpWorker::Flush(Connection& c) {
  while (c.out.size() > 0) {
    ssize_t r = ::send(c.fd.get(), c.out.begin(), c.out.size(),
                       MSG_NOSIGNAL | MSG_DONTWAIT);
    if (r > 0) {
      c.out.Consume(static_cast<size_t>(r));
    } else if (r < 0 && errno == EINTR) {
      continue;
    } else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return true;
    } else {
      return false;
    }
  }
  return true;
}

void TcpWorker::SetInterest(Connection& c, uint32_t events) {
  if (c.interest == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = Key(c.generation, c.index);
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd.get(), &ev) != 0) {
    Close(c);
    return;
  }
  c.interest = events;
}

void TcpWorker::Close(Connection& c) {
  if (!c.fd.valid()) return;
  c.fd.Reset();  // close() also removes it from the epoll set
  LruUnlink(c);
  c.in.Free();
  c.out.Free();
  if (++c.generation == 0) c.generation = 1;
  free_.push_back(c.index);
  --live_;
}

void TcpWorker::HandOff(Connection& c) {
  if (!c.fd.valid()) return;
  const int fd = c.fd.get();
  const ClientAddress peer = c.peer;
  (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  std::string pending(reinterpret_cast<const char*>(c.in.begin()), c.in.size());
  UniqueFd taken(std::move(c.fd));  // the slot no longer has a socket
  LruUnlink(c);
  c.in.Free();
  c.out.Free();
  if (++c.generation == 0) c.generation = 1;
  free_.push_back(c.index);
  --live_;
  const int raw = ::dup(taken.get());  // the taker owns `raw`; ours closes with `taken`
  if (raw >= 0) options_.transfer_handoff->Take(raw, peer, std::move(pending));
}

void TcpWorker::SweepIdle(int64_t now_ms) {
  while (lru_head_ >= 0) {
    Connection& c = conns_[lru_head_];
    if (now_ms - c.last_active_ms < options_.idle_timeout_ms) break;
    Bump(counters_.tcp_idle_closed);
    Close(c);
  }
  if (listeners_paused_ && now_ms >= listeners_paused_until_ms_) {
    for (size_t i = 0; i < listeners_.size(); ++i) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = Key(0, static_cast<uint32_t>(i));
      (void)::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, listeners_[i].get(), &ev);
    }
    listeners_paused_ = false;
  }
}

void TcpWorker::Touch(Connection& c, int64_t now_ms) {
  c.last_active_ms = now_ms;
  if (lru_tail_ == static_cast<int32_t>(c.index)) return;
  LruUnlink(c);
  LruAppend(c);
}

void TcpWorker::LruUnlink(Connection& c) {
  if (c.prev >= 0) {
    conns_[c.prev].next = c.next;
  } else if (lru_head_ == static_cast<int32_t>(c.index)) {
    lru_head_ = c.next;
  }
  if (c.next >= 0) {
    conns_[c.next].prev = c.prev;
  } else if (lru_tail_ == static_cast<int32_t>(c.index)) {
    lru_tail_ = c.prev;
  }
  c.prev = c.next = -1;
}

void TcpWorker::LruAppend(Connection& c) {
  c.prev = lru_tail_;
  c.next = -1;
  if (lru_tail_ >= 0) {
    conns_[lru_tail_].next = static_cast<int32_t>(c.index);
  } else {
    lru_head_ = static_cast<int32_t>(c.index);
  }
  lru_tail_ = static_cast<int32_t>(c.index);
}

absl::Status AddTcpWorkers(const WorkerPlan& plan, WorkerSet* set) {
  TcpWorker::Options options;
  options.idle_timeout_ms = plan.options.tcp_idle_timeout * 1000;
  // Each worker enforces its share of the cap (rounded up, at least one),
  // since connections never move between workers.
  options.max_connections =
      (plan.options.tcp_max_connections + plan.threads - 1) / plan.threads;
  options.transfer_handoff = plan.options.transfer_handoff;
  const std::string where = plan.where();
  for (int t = 0; t < plan.threads; ++t) {
    absl::StatusOr<std::vector<UniqueFd>> listeners =
        plan.OpenSockets(TcpWorker::OpenListener);
    if (!listeners.ok()) return listeners.status();
    absl::StatusOr<std::unique_ptr<TcpWorker>> w =
        TcpWorker::Create(t, where, *std::move(listeners), options);
    if (!w.ok()) return w.status();
    set->workers.push_back(*std::move(w));
  }
  return absl::OkStatus();
}

}  // namespace dns::server
