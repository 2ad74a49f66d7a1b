// File: dns/server/connection_handoff.h
//
// Zone transfers (AXFR, IXFR) are long streams over TCP that must not hold
// a query worker: a TCP worker that finds one as the next message of a
// connection hands the whole connection over (the socket and the octets it
// has buffered, that message first) and forgets it. The taker
// (dns/xfr/transfer_server.h) answers on its own threads and closes it.
//
// Thread safety: Take() is called from the TCP worker threads and must not
// block for long (queue the connection and return).
#ifndef STEERDNS_DNS_SERVER_CONNECTION_HANDOFF_H_
#define STEERDNS_DNS_SERVER_CONNECTION_HANDOFF_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "dns/answer/answer.h"

namespace dns::server {

class ConnectionHandoff {
 public:
  virtual ~ConnectionHandoff() = default;
  // Takes connected TCP socket `fd` (non-blocking; the taker closes it)
  // from `peer`; `pending` holds what was read from it and not answered,
  // starting with the length-prefixed transfer query.
  virtual void Take(int fd, const ClientAddress& peer, std::string pending) = 0;
};

// True when `msg` (one DNS message, `len` octets, without the TCP length)
// is a standard query for AXFR or IXFR: what a TCP worker hands off.
// Reads the header and the first question only; never reads past `len`.
bool IsTransferQuery(const uint8_t* msg, size_t len) noexcept;

}  // namespace dns::server

#endif  // STEERDNS_DNS_SERVER_CONNECTION_HANDOFF_H_
