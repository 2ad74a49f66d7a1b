// File: dns/server/tcp_worker.h
//
// DNS over TCP (RFC 7766): each message is preceded by a two-octet length;
// a client may pipeline several queries on one connection and gets the
// replies in order.
//
// Threading: every TCP worker thread has its own SO_REUSEPORT listening
// socket per listen address and its own epoll set. The kernel spreads new
// connections across the workers, and a connection then lives on one
// thread, so no connection state is shared and nothing is locked or handed
// between threads. (One acceptor thread feeding workers would need a queue
// and a wake-up per connection; DNS connections are short and cheap, so the
// kernel's spreading is the better trade. The cost: the connection cap is
// split evenly across workers, so an unlucky hash may evict on one worker
// while another has room.)
//
// Per connection (level-triggered epoll, non-blocking sockets):
//   readable ─► append to the input buffer ─► for each complete message:
//     HandleQuery() into the worker's 65537-octet scratch ─► append the
//     framed reply to the output buffer ─► one send() for the whole burst
//   While output is pending (a partial send), the worker stops reading that
//   connection and waits for EPOLLOUT; this bounds the output buffer.
//   A message the engine drops or calls malformed (length < 12, garbage)
//   closes the connection once its reply (if any) is sent.
// Connections are kept in least-recently-active order: the oldest idle one
// is closed by the idle timeout, or to make room when the cap is reached.
//
// Buffers are allocated when a connection is accepted (4 KiB each way) and
// grow only for a message or a burst of replies that does not fit, once
// per connection; nothing is allocated per query in the steady state.
//
// Built by AddTcpWorkers (worker.h). Thread safety: as every Worker.
#ifndef STEERDNS_DNS_SERVER_TCP_WORKER_H_
#define STEERDNS_DNS_SERVER_TCP_WORKER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "dns/server/connection_handoff.h"
#include "dns/server/net.h"
#include "dns/server/worker.h"

namespace dns::server {

class TcpWorker final : public Worker {
 public:
  struct Options {
    int idle_timeout_ms = 10'000;  // see ServerOptions::tcp_idle_timeout
    int max_connections = 1024;    // this worker's share of the cap
    // Takes connections whose next query is AXFR/IXFR (null: answered here).
    ConnectionHandoff* transfer_handoff = nullptr;
  };

  // Opens (OpenWorkerSocket, net.h), binds and listens. Errors name the
  // address.
  static absl::StatusOr<UniqueFd> OpenListener(const ListenAddress& address);

  // Creates worker number `index`, serving `where` (the addresses, for
  // its name), and its epoll set over `listeners` (owned).
  static absl::StatusOr<std::unique_ptr<TcpWorker>> Create(
      int index, std::string_view where, std::vector<UniqueFd> listeners,
      Options options);
  // Closes the open connections.
  ~TcpWorker() override;

  void Run() override;

 private:
  struct Buffer;
  struct Connection;

  TcpWorker(int index, std::string_view where, std::vector<UniqueFd> listeners,
            Options options);

  void Accept(size_t listener, int64_t now_ms);
  void OnEvent(uint32_t index, uint32_t events, int64_t now_ms);
  // Answers complete messages, sends, and sets the epoll interest; closes
  // the connection when it is done.
  void Pump(Connection& c, int64_t now_ms);
  // Answers buffered messages until output reaches the high-water mark.
  // Returns true if it answered at least one.
  bool AnswerBuffered(Connection& c);
  // Sends pending output. Returns false on a fatal socket error.
  bool Flush(Connection& c);
  void SetInterest(Connection& c, uint32_t events);
  void Close(Connection& c);
  // Hands `c` (its socket and unanswered input) to the transfer handoff,
  // then frees the slot without closing the socket.
  void HandOff(Connection& c);
  void SweepIdle(int64_t now_ms);
  void Touch(Connection& c, int64_t now_ms);
  void LruUnlink(Connection& c);
  void LruAppend(Connection& c);

  std::vector<UniqueFd> listeners_;
  const Options options_;
  UniqueFd epoll_;

  // Connection slots; std::deque so references stay valid as it grows.
  std::deque<Connection> conns_;
  std::vector<uint32_t> free_;  // unused slots in conns_
  int live_ = 0;
  // Least recently active first.
  int32_t lru_head_ = -1;
  int32_t lru_tail_ = -1;
  // When accept() ran out of descriptors: listeners resume at this time.
  int64_t listeners_paused_until_ms_ = 0;
  bool listeners_paused_ = false;

  std::unique_ptr<uint8_t[]> scratch_;  // kMaxFrame: one framed reply
};

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_TCP_WORKER_H_
